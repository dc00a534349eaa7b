"""/api/v1/experiments: the caller's own experiments; anyone else's is a 404.

Days are listed only up to today: the plan for later days is never sent.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from stridewell.accounts.models import Profile
from stridewell.api_errors import Problem
from stridewell.api_types import Int
from stridewell.insights import experiments
from stridewell.insights.models import MAX_WEEKS, MIN_WEEKS, Experiment, ExperimentKind
from stridewell.lib.http import AuthedRequest

router = Router(tags=["experiments"])


class DayOut(Schema):
    date: str
    arm: str
    checked_in: bool
    outcome: float | None = Field(description="The evening feeling (see the outcome rule)")
    followed: bool | None = Field(description="Worked out from that day's runs")


class ResultOut(Schema):
    verdict: str = Field(description="effect, no_clear_effect or not_enough_data")
    sentence: str
    needed: str
    effect: float | None = Field(description="Arm A minus arm B, feeling-scale points")
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    n_a: int
    n_b: int
    missing: int
    followed_a: int
    followed_b: int
    days: int
    stopped_early: bool


class ExperimentOut(Schema):
    id: int
    kind: str
    arms: list[str] = Field(description="Arm A, arm B")
    status: str
    start: str
    weeks: int
    end: str = Field(description="The last planned day")
    today: DayOut | None = Field(description="Today's assignment while it runs")
    days: list[DayOut] = Field(description="Days so far, never a later one")
    result: ResultOut | None = Field(description="Once the experiment has ended")


class ExperimentIn(Schema):
    kind: ExperimentKind
    weeks: Int = Field(6, ge=MIN_WEEKS, le=MAX_WEEKS)


@router.get("/experiments", response=list[ExperimentOut])
def list_experiments(request: AuthedRequest) -> list[dict[str, Any]]:
    tz = Profile.objects.for_user(request.user).tzinfo
    return [experiments.experiment_json(e, tz) for e in experiments.experiments_for(request.user)]


@router.post("/experiments", response={201: ExperimentOut, 409: Problem})
def start_experiment(request: AuthedRequest, payload: ExperimentIn) -> Status[dict[str, Any]]:
    try:
        experiment = experiments.start(request.user, payload.kind, payload.weeks)
    except experiments.ExperimentError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(201, experiments.experiment_json(experiment, _tz(request)))


@router.post("/experiments/{experiment_id}/stop", response={200: ExperimentOut, 409: Problem})
def stop_experiment(request: AuthedRequest, experiment_id: int) -> Status[dict[str, Any]]:
    experiment = get_object_or_404(Experiment, pk=experiment_id, user_id=request.user.pk)
    try:
        experiments.stop(experiment)
    except experiments.ExperimentError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, experiments.experiment_json(experiment, _tz(request)))


def _tz(request: AuthedRequest) -> tzinfo:
    return Profile.objects.for_user(request.user).tzinfo
