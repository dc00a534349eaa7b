"""Recording a session: one function for the player page, the API and tests alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from stridewell.runs.models import Run, Source, Sport
from stridewell.runs.run_types import RunType
from stridewell.steps.ladder import KINDS, find_step
from stridewell.steps.models import PlanSession, Progress
from stridewell.steps.suggest import Done, Suggestion, suggest
from stridewell.wellbeing.models import CheckIn, Kind


class SessionError(ValueError):
    pass


@dataclass(frozen=True)
class SessionData:
    step: str
    started_at: datetime
    completed_seconds: int
    completed: bool
    feeling_before: int | None = None
    feeling_after: int | None = None
    effort: int | None = None
    intervals: list[dict[str, Any]] = field(default_factory=list)


def _laps(intervals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"kind": item["kind"], "elapsed_s": float(item["seconds"]), "distance_m": None}
        for item in intervals
        if item.get("kind") in KINDS and int(item.get("seconds") or 0) > 0
    ]


def _kind_of_run(laps: list[dict[str, Any]]) -> tuple[str, str]:
    ran = any(lap["kind"] == "run" for lap in laps)
    walked = any(lap["kind"] != "run" for lap in laps)
    if ran and walked:
        return Sport.RUNNING, RunType.RUN_WALK
    return (Sport.RUNNING, RunType.EASY) if ran else (Sport.WALKING, RunType.WALK)


def record_session(user: Any, data: SessionData) -> Run:
    """The session as a run (source "plan", laps = the intervals done) with its before and
    after check-ins. Sending the same session twice (same ``started_at``) keeps one."""
    if timezone.is_naive(data.started_at):
        raise SessionError("started_at needs a UTC offset")
    found = find_step(data.step)
    if found is None:
        raise SessionError(f"There is no step called {data.step!r}.")
    existing = PlanSession.objects.filter(user_id=user.pk, started_at=data.started_at).first()
    if existing:
        return existing.run
    try:
        with transaction.atomic():
            return _store(user, data, found[0].id, found[1].title)
    except IntegrityError:  # the same session arriving twice at once: the first one won
        return PlanSession.objects.get(user_id=user.pk, started_at=data.started_at).run


def _store(user: Any, data: SessionData, plan_id: str, title: str) -> Run:
    laps = _laps(data.intervals)
    sport, run_type = _kind_of_run(laps)
    seconds = max(data.completed_seconds, 1)
    run = Run.objects.create(
        user=user,
        start=data.started_at,
        end=data.started_at + timedelta(seconds=seconds),
        elapsed_s=seconds,
        moving_s=seconds,
        sport=sport,
        run_type=run_type,
        name=title if data.completed else f"{title} (part of it)",
        source=Source.PLAN,
        perceived_exertion=data.effort,
        laps=laps,
    )
    PlanSession.objects.create(
        user=user,
        run=run,
        plan_id=plan_id,
        step_id=data.step,
        started_at=data.started_at,
        completed=data.completed,
        completed_seconds=data.completed_seconds,
        effort=data.effort,
        feeling_after=data.feeling_after,
    )
    end = data.started_at + timedelta(seconds=seconds)
    for kind, feeling, at in (
        (Kind.BEFORE_RUN, data.feeling_before, data.started_at),
        (Kind.AFTER_RUN, data.feeling_after, end),
    ):
        if feeling is not None:
            CheckIn.objects.create(user=user, recorded_at=at, kind=kind, feeling=feeling, run=run)
    return run


def next_suggestion(progress: Progress, now: datetime | None = None) -> Suggestion:
    now = now or timezone.now()
    sessions = PlanSession.objects.filter(user_id=progress.user_id)
    last_out = sessions.values_list("started_at", flat=True).first()
    on_step = sessions.filter(step_id=progress.step_id)[:10]
    done = [Done(s.started_at, s.completed, s.feeling_after, s.effort) for s in on_step]
    return suggest(progress.plan, progress.step_id, done, now, last_out)


def choose(user: Any, plan_id: str, step_id: str | None = None) -> Progress:
    """Start, switch or move on a plan: wherever the person says (the first step by default)."""
    from stridewell.steps.ladder import all_plans

    plan = all_plans().get(plan_id)
    if plan is None:
        raise SessionError(f"There is no plan called {plan_id!r}.")
    step = plan.step(step_id) if step_id and step_id in {s.id for s in plan.steps} else None
    if step_id and step is None:
        raise SessionError(f"{step_id!r} is not a step of {plan.title}.")
    progress, _ = Progress.objects.update_or_create(
        user_id=user.pk, defaults={"plan_id": plan.id, "step_id": (step or plan.steps[0]).id}
    )
    return progress
