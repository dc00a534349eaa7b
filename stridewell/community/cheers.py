"""Cheers on runs and stories: one tap that says "well done", and nothing to compete over.

Only on what the person can see (404 otherwise, so a blocked person cannot cheer
my runs). Cheering twice is one cheer. The owner is told once per person and
thing, however often someone cheers, un-cheers and cheers again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.http import Http404

from stridewell.community.models import Cheer, Kind, Notification, Story
from stridewell.community.notify import notify
from stridewell.community.posting import ensure_can_post, person
from stridewell.community.visibility import can_view, not_blocked
from stridewell.runs.models import Run

__all__ = [
    "CheerCounts",
    "cheer",
    "cheer_counts",
    "cheers_on",
    "on_target",
    "target_of",
    "uncheer",
]


def target_of(run: Run | None, story: Story | None) -> Run | Story:
    if (run is None) == (story is None):
        raise ValueError("A cheer or comment is on a run or on a story.")
    return run if run is not None else story  # type: ignore[return-value]


def target_url(target: Run | Story) -> str:
    kind = "runs" if isinstance(target, Run) else "stories"
    return f"/{kind}/{target.pk}/"


def target_words(target: Run | Story) -> str:
    """What a notification names: ``your run “Morning loop”``."""
    if isinstance(target, Run):
        return f"your run “{target.title}”"
    return f"your story “{target.title}”"


def owner_id(target: Run | Story) -> int:
    return target.user_id if isinstance(target, Run) else target.author_id


def _visible_target(user: Any, run: Run | None, story: Story | None) -> Run | Story:
    target = target_of(run, story)
    if not can_view(user, target):
        raise Http404("Nothing to cheer here")
    return target


def on_target(target: Run | Story) -> dict[str, Any]:
    """``{"run": run}`` or ``{"story": story}``, for the functions here and in comments.py."""
    return {"run": target} if isinstance(target, Run) else {"story": target}


def cheer(user: Any, run: Run | None = None, story: Story | None = None) -> Cheer:
    """Cheer a run or story ``user`` can see; doing it twice is still one cheer."""
    target = _visible_target(user, run, story)
    ensure_can_post(user)
    made, created = Cheer.objects.get_or_create(user=user, **on_target(target))
    if created:
        _tell_owner(user, target)
    return made


def uncheer(user: Any, run: Run | None = None, story: Story | None = None) -> None:
    target = _visible_target(user, run, story)
    Cheer.objects.filter(user=user, **on_target(target)).delete()


def _tell_owner(user: Any, target: Run | Story) -> None:
    owner = target.user if isinstance(target, Run) else target.author
    url = target_url(target)
    told = Notification.objects.filter(user=owner, kind=Kind.CHEER, actor=user, url=url)
    if told.exists():
        return
    notify(owner, Kind.CHEER, f"{person(user).name} cheered {target_words(target)}", url, user)


@dataclass
class CheerCounts:
    total: dict[int, int] = field(default_factory=dict)
    mine: set[int] = field(default_factory=set)


def cheer_counts(
    viewer: Any,
    *,
    runs: Iterable[Run] = (),
    stories: Iterable[Story] = (),
    blocked: tuple[int, ...] | None = None,
) -> CheerCounts:
    """Cheers on these runs *or* these stories (by id), leaving out people ``viewer`` has
    blocked or been blocked by (``blocked``, if the caller has read them), and which of
    them ``viewer`` cheered."""
    column = "run_id" if runs else "story_id"
    ids = [obj.pk for obj in (runs or stories)]
    if not ids:
        return CheerCounts()
    signed_in = viewer is not None and viewer.is_authenticated
    # A visitor cheered nothing (a cheer always has its person: user_id is never null).
    mine = Q(user_id=viewer.pk) if signed_in else Q(user_id=None)
    rows = (
        Cheer.objects.filter(**{f"{column}__in": ids})
        .filter(not_blocked(viewer, "user_id", blocked))
        .values(column)
        .annotate(n=Count("pk"), mine=Count("pk", filter=mine))
        .order_by()
    )
    counts = CheerCounts()
    for row in rows:
        counts.total[row[column]] = row["n"]
        if row["mine"]:
            counts.mine.add(row[column])
    return counts


def cheers_on(viewer: Any, target: Run | Story) -> tuple[int, bool]:
    """How many cheers ``viewer`` sees on one run or story, and whether they cheered it."""
    if isinstance(target, Run):
        counts = cheer_counts(viewer, runs=[target])
    else:
        counts = cheer_counts(viewer, stories=[target])
    return counts.total.get(target.pk, 0), target.pk in counts.mine
