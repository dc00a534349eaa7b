"""Group-run milestones: the first group run, then 10, 25, 50 and 100.

Instead of leaderboards: each person's own count, shown only to them, and a
kind word when they reach the next one. Sweeping (walking at the back) counts
as attending — it is how many people keep coming.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from stridewell.community.models import Attendance, Group, Kind, Notification
from stridewell.community.notify import notify

__all__ = ["MILESTONES", "Summary", "announce", "summary"]

MILESTONES = (1, 10, 25, 50, 100)

WORDS = {
    1: "Your first group run — welcome! It gets easier to turn up from here.",
    10: "10 group runs! You're a familiar face now.",
    25: "25 group runs. Thank you for showing up — it helps others show up too.",
    50: "50 group runs: half a hundred mornings and evenings together.",
    100: "100 group runs. What a thing to have done, together.",
}


@dataclass(frozen=True)
class Summary:
    attended: int
    swept: int
    reached: list[int]
    next: int | None

    @property
    def steps(self) -> list[dict[str, Any]]:
        return [{"n": n, "reached": n in self.reached} for n in MILESTONES]

    @property
    def to_next(self) -> int | None:
        return None if self.next is None else self.next - self.attended

    @property
    def text(self) -> str:
        if not self.attended:
            return "Your first group run will be a milestone of its own."
        runs = "group run" if self.attended == 1 else "group runs"
        swept = f", {self.swept} of them as sweeper" if self.swept else ""
        if self.next is None:
            return f"You've come to {self.attended} {runs}{swept}. Thank you."
        return f"You've come to {self.attended} {runs}{swept}. Next milestone: {self.next}."


def _counts(user: Any, group: Group | None = None) -> tuple[int, int]:
    rows = Attendance.objects.filter(user_id=user.pk)
    if group is not None:
        rows = rows.filter(occurrence__group_run__group_id=group.pk)
    found = rows.aggregate(attended=Count("pk"), swept=Count("pk", filter=Q(swept=True)))
    return found["attended"], found["swept"]


def summary(user: Any, group: Group | None = None) -> Summary:
    """``user``'s own group runs so far (in ``group``, or in all groups); for them alone."""
    attended, swept = _counts(user, group)
    reached = [n for n in MILESTONES if attended >= n]
    next_one = next((n for n in MILESTONES if attended < n), None)
    return Summary(attended, swept, reached, next_one)


def milestone_url(n: int) -> str:
    return f"/groups/#milestone-{n}"


def announce(user: Any) -> int | None:
    """Tell ``user`` when their count has just reached a milestone (each one once)."""
    attended, _ = _counts(user)
    if attended not in MILESTONES:
        return None
    url = milestone_url(attended)
    if Notification.objects.filter(user_id=user.pk, kind=Kind.MILESTONE, url=url).exists():
        return None
    notify(user, Kind.MILESTONE, WORDS[attended], url)
    return attended
