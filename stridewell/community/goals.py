"""Shared goals: "together we move 500 km in March", for a group or two buddies.

Progress is one total over the runs (and walks and hikes) of the people who
chose to count, started on a day of the period in each runner's own timezone.
Nobody's own share is ever shown or sent: there is no ranking and no list of
amounts, only the total, how many people count, and encouragement.

A total of one or two people is close to each person's own figure. We say so
beside the total and recommend at least :data:`RECOMMENDED_PEOPLE` people;
and when someone counting hides their numbers from others, the amounts stay
hidden from everyone else until enough people count that no one share shows.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Count, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.community.groups import GroupError, NotAllowed, require_organiser
from stridewell.community.models import (
    Buddyship,
    Goal,
    GoalParticipant,
    Group,
    Kind,
    Membership,
    Metric,
)
from stridewell.community.notify import notify
from stridewell.runs.models import Run, Sport

__all__ = [
    "Progress",
    "announce_due",
    "announce_milestones",
    "create_goal",
    "may_take_part",
    "progress",
    "set_counting",
]

RECOMMENDED_PEOPLE = 3
MAX_PERIOD_DAYS = 366
COUNTED_SPORTS = (Sport.RUNNING, Sport.WALKING, Sport.HIKING)
STEPS = (25, 50, 75, 100)
UNITS: dict[str, str] = {
    Metric.DISTANCE: "km",
    Metric.MINUTES: "minutes",
    Metric.SESSIONS: "sessions",
}


# --------------------------------------------------------------------------- #
# Setting a goal and taking part
# --------------------------------------------------------------------------- #


def _pair(buddyship: Buddyship | None) -> tuple[int, int] | None:
    if buddyship is None or buddyship.status != Buddyship.Status.ACCEPTED:
        return None
    return (buddyship.requester_id, buddyship.addressee_id)


def may_take_part(user: Any, goal: Goal) -> bool:
    """Members of the goal's group, or the two buddies."""
    if goal.group_id:
        return Membership.objects.filter(group_id=goal.group_id, user_id=user.pk).exists()
    pair = _pair(goal.buddyship)
    return pair is not None and user.pk in pair


def _check(metric: str, target: float, starts_on: date, ends_on: date) -> None:
    if metric not in Metric.values:
        raise GroupError("Choose distance, minutes or sessions.")
    if not 0 < target < 10_000_000:
        raise GroupError("Choose a target above zero.")
    if ends_on < starts_on:
        raise GroupError("The goal has to end on or after the day it starts.")
    if (ends_on - starts_on).days >= MAX_PERIOD_DAYS:
        raise GroupError("Keep a goal to a year at most — a shorter one is easier to feel.")


@transaction.atomic
def create_goal(
    user: Any,
    *,
    title: str,
    metric: str,
    target: float,
    starts_on: date,
    ends_on: date,
    group: Group | None = None,
    buddyship: Buddyship | None = None,
) -> Goal:
    """A group's organiser, or either of two buddies, sets a goal; they count towards it at once."""
    if (group is None) == (buddyship is None):
        raise GroupError("A goal is for a group or for two buddies.")
    if group is not None:
        require_organiser(user, group)
    elif (pair := _pair(buddyship)) is None or user.pk not in pair:
        raise NotAllowed("Only the two buddies can set a goal together.")
    _check(metric, target, starts_on, ends_on)
    title = (title or "").strip() or f"Together: {target:g} {UNITS[metric]}"
    goal = Goal.objects.create(
        group=group,
        buddyship=buddyship,
        title=title[:120],
        metric=metric,
        target=target,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=user,
    )
    GoalParticipant.objects.create(goal=goal, user=user, counting=True)
    return goal


def set_counting(user: Any, goal: Goal, counting: bool = True) -> GoalParticipant:
    """Join the goal counting my runs (the default), or say "don't count my runs"."""
    if not may_take_part(user, goal):
        raise NotAllowed("Only the group's members (or the two buddies) can take part.")
    found, _ = GoalParticipant.objects.update_or_create(
        goal=goal, user=user, defaults={"counting": counting}
    )
    return found


def participant(user: Any, goal: Goal) -> GoalParticipant | None:
    return GoalParticipant.objects.filter(goal_id=goal.pk, user_id=user.pk).first()


def group_goals(group: Group) -> QuerySet[Goal]:
    """Current and coming goals first, then the ones that have ended."""
    return Goal.objects.filter(group_id=group.pk).order_by("-ends_on", "-pk")


# --------------------------------------------------------------------------- #
# Progress
# --------------------------------------------------------------------------- #


def _counting(goal: Goal) -> QuerySet[GoalParticipant]:
    """Participants who count, and are still in the group (or still buddies)."""
    rows = GoalParticipant.objects.filter(goal_id=goal.pk, counting=True)
    if goal.group_id:
        return rows.filter(user__memberships__group_id=goal.group_id)
    return rows.filter(user_id__in=_pair(goal.buddyship) or ())


def _in_period(goal: Goal, timezones: set[str]) -> Q:
    """Runs started within the period, each in its runner's own timezone."""
    parts = []
    for name in timezones:
        tz = zoneinfo.ZoneInfo(name or "UTC")
        since = datetime.combine(goal.starts_on, time.min, tz)
        until = datetime.combine(goal.ends_on, time.min, tz) + timedelta(days=1)
        parts.append(Q(user__profile__timezone=name, start__gte=since, start__lt=until))
    return reduce(or_, parts, Q(pk__in=[]))


def _total(goal: Goal, timezones: set[str]) -> float:
    """The one aggregate over every counting participant's runs in the period."""
    people = _counting(goal).values("user_id")
    found = Run.objects.filter(
        _in_period(goal, timezones), user_id__in=people, sport__in=COUNTED_SPORTS
    ).aggregate(
        metres=Coalesce(Sum("distance_m"), 0.0, output_field=FloatField()),
        seconds=Coalesce(Sum(Coalesce("moving_s", "elapsed_s")), 0.0, output_field=FloatField()),
        sessions=Count("pk"),
    )
    if goal.metric == Metric.DISTANCE:
        return found["metres"] / 1000
    if goal.metric == Metric.MINUTES:
        return found["seconds"] / 60
    return float(found["sessions"])


@dataclass(frozen=True)
class Progress:
    total: float
    target: float
    people: int
    elapsed: float  # share of the period gone, 0 … 1
    started: bool
    ended: bool
    numbers_hidden: bool  # for this viewer: someone counting hides their numbers

    @property
    def fraction(self) -> float:
        return min(1.0, self.total / self.target) if self.target else 0.0

    @property
    def percent(self) -> int:
        return int(self.fraction * 100)

    @property
    def few_people(self) -> bool:
        return self.people < RECOMMENDED_PEOPLE

    @property
    def text(self) -> str:
        return encouragement(self)


def encouragement(p: Progress) -> str:
    """Kind words from how far along the goal is against how much time has gone; never a ranking."""
    if p.fraction >= 1:
        return "You did it, together. Every walk and run in there helped."
    if not p.started:
        return "It starts soon. Every walk and run from the first day will count."
    if p.ended:
        return f"The period is over: together you got {p.percent}% of the way. Every step counted."
    if p.total == 0:
        return "The first steps are the hardest — any walk or run moves the bar."
    if p.fraction >= p.elapsed:
        return "Ahead of the calendar. Lovely work, everyone — keep it gentle."
    if p.fraction >= 0.75 * p.elapsed:
        return "Right on track. Steady does it."
    return "Still plenty of time. A short walk counts just as much as a long run."


def progress(goal: Goal, viewer: Any = None, today: date | None = None) -> Progress:
    """The group's (or the buddies') progress: a total, how many count, and the time gone.

    Two small queries whatever the group's size: who counts (with their timezone),
    then one aggregate over all their runs.
    """
    rows = list(
        _counting(goal).values(
            "user_id", "user__profile__timezone", "user__profile__hide_numbers_from_others"
        )
    )
    timezones = {row["user__profile__timezone"] or "UTC" for row in rows}
    total = _total(goal, timezones) if rows else 0.0
    viewer_id = getattr(viewer, "pk", None)
    hider = any(
        r["user__profile__hide_numbers_from_others"] and r["user_id"] != viewer_id for r in rows
    )
    today = today or timezone.localdate(timezone=_goal_tz(goal))
    days = (goal.ends_on - goal.starts_on).days + 1
    gone = min(days, max(0, (today - goal.starts_on).days + 1))
    return Progress(
        total=total,
        target=goal.target,
        people=len(rows),
        elapsed=gone / days,
        started=today >= goal.starts_on,
        ended=today > goal.ends_on,
        numbers_hidden=hider and len(rows) < RECOMMENDED_PEOPLE,
    )


def _goal_tz(goal: Goal) -> Any:
    if goal.group_id and goal.group is not None:
        return goal.group.tzinfo
    creator = goal.created_by
    return Profile.objects.for_user(creator).tzinfo if creator else UTC


# --------------------------------------------------------------------------- #
# 25, 50, 75 and 100 %: told once each
# --------------------------------------------------------------------------- #


def _participants(goal: Goal) -> QuerySet[GoalParticipant]:
    rows = GoalParticipant.objects.filter(goal_id=goal.pk).select_related("user")
    if goal.group_id:
        return rows.filter(user__memberships__group_id=goal.group_id)
    return rows.filter(user_id__in=_pair(goal.buddyship) or ())


def _new_steps(found: Progress, announced: list[int] | None) -> list[int]:
    return [s for s in STEPS if found.percent >= s and s not in (announced or [])]


def announce_milestones(goal: Goal) -> int | None:
    """Tell everyone taking part when the goal passes 25, 50, 75 or 100 % (each step once).

    Only the highest new step is told, so a big week brings one message, not three.
    Nothing is told while someone counting hides their numbers and too few count.
    """
    # Most views of a goal have nothing new to tell: see so outside a transaction, so a
    # page view takes no lock (on SQLite, a write lock on the whole database).
    if not _new_steps(progress(goal), goal.announced):
        return None
    return _announce(goal)


@transaction.atomic
def _announce(goal: Goal) -> int | None:
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    found = progress(locked)
    new = _new_steps(found, locked.announced)
    if not new or found.numbers_hidden:
        return None
    locked.announced = sorted({*(locked.announced or []), *new})
    locked.save(update_fields=["announced"])
    goal.announced = locked.announced
    step = new[-1]
    words = (
        f"You did it together: “{goal.title}” is reached!"
        if step == 100
        else f"Together you've reached {step}% of “{goal.title}”. Keep going, gently."
    )
    for row in _participants(goal):
        notify(row.user, Kind.GOAL, words, f"/goals/{goal.pk}/")
    return step


def announce_due(now: datetime) -> int:
    """Check every goal running around now (for the background loop); answers how many told."""
    utc_today = now.astimezone(UTC).date()
    running = Goal.objects.filter(
        starts_on__lte=utc_today + timedelta(days=1), ends_on__gte=utc_today - timedelta(days=2)
    ).select_related("group", "buddyship", "created_by")
    return sum(announce_milestones(goal) is not None for goal in running.iterator(chunk_size=200))


def goal_json(goal: Goal, viewer: Any) -> dict[str, Any]:
    """What the API shows of a goal: the total, never anyone's own share."""
    found = progress(goal, viewer)
    mine = participant(viewer, goal)
    return {
        "id": goal.pk,
        "title": goal.title,
        "metric": goal.metric,
        "unit": UNITS[goal.metric],
        "target": goal.target,
        "starts_on": goal.starts_on.isoformat(),
        "ends_on": goal.ends_on.isoformat(),
        "group_id": goal.group_id,
        "buddyship_id": goal.buddyship_id,
        "total": None if found.numbers_hidden else round(found.total, 2),
        "percent": None if found.numbers_hidden else found.percent,
        "people_counting": found.people,
        "few_people": found.few_people,
        "text": found.text,
        "taking_part": mine is not None,
        "counting": bool(mine and mine.counting),
    }
