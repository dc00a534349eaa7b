"""What the overview page shows: the ladder, where I am, the suggestion, consistency, milestones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.steps.consistency import consistency, week_streak, words
from stridewell.steps.milestones import Milestone, milestones
from stridewell.steps.models import PlanSession, Progress
from stridewell.steps.suggest import Suggestion

START_CHOICES = (
    ("first", "I haven't been out much lately", "We'll start with shoes on and two minutes outside."),
    ("walks", "I walk now and then", "We'll start with brisk walks."),
    ("runs", "I can run a little", "We'll start with week 1 of run/walk."),
)  # fmt: skip
START_STEPS = {"first": "outside-2", "walks": "brisk-20", "runs": "week-1"}


@dataclass(frozen=True)
class Overview:
    progress: Progress
    suggestion: Suggestion
    consistency: float
    consistency_words: str
    streak: int | None
    milestones: list[Milestone]
    sessions_here: int


def overview(progress: Progress, profile: Profile, now: datetime | None = None) -> Overview:
    from stridewell.steps.sessions import next_suggestion

    now = now or timezone.now()
    today = timezone.localtime(now, profile.tzinfo).date()
    starts = PlanSession.objects.filter(user_id=progress.user_id).values_list(
        "started_at", flat=True
    )[:200]
    days = [timezone.localtime(start, profile.tzinfo).date() for start in starts]
    score = consistency(days, today)
    here = PlanSession.objects.filter(user_id=progress.user_id, step_id=progress.step_id)
    return Overview(
        progress=progress,
        suggestion=next_suggestion(progress, now),
        consistency=score,
        consistency_words=words(score),
        streak=week_streak(days, today) if progress.show_streak else None,
        milestones=milestones(progress.user),
        sessions_here=here.count(),
    )


def ladder_rows(progress: Progress) -> list[dict[str, Any]]:
    here = progress.plan.index(progress.step_id)
    return [
        {
            "step": step,
            "minutes": round(step.total_seconds / 60),
            "done": i < here,
            "here": i == here,
        }
        for i, step in enumerate(progress.plan.steps)
    ]
