"""The small-steps part of /api/v1: plans, my plan, the next session, recording sessions."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status

from stridewell.api_errors import Problem
from stridewell.api_types import Bool, Int, IsoDateTime
from stridewell.lib.http import AuthedRequest
from stridewell.runs.api import RunOut
from stridewell.runs.serialize import run_json
from stridewell.steps.ladder import Plan, all_plans
from stridewell.steps.models import Progress
from stridewell.steps.sessions import SessionData, SessionError, choose, next_suggestion
from stridewell.steps.sessions import record_session as record

router = Router(tags=["small steps"])
NO_PLAN = "You haven't chosen a plan yet. Whenever you're ready, pick one at /steps/."


class IntervalIO(Schema):
    kind: Literal["warmup", "walk", "run", "cooldown"]
    seconds: Int = Field(ge=0, le=6 * 3600)


class StepOut(Schema):
    id: str
    title: str
    total_seconds: int
    intervals: list[IntervalIO]
    note: str


class PlanOut(Schema):
    id: str
    title: str
    description: str
    steps: list[StepOut]


class MyPlanOut(Schema):
    plan: str
    title: str
    step: str
    step_title: str
    position: int = Field(description="1 for the first step")
    steps: int
    show_streak: bool


class MyPlanIn(Schema):
    plan: str
    step: str | None = Field(default=None, description="where to start; the first step if empty")


class NextOut(Schema):
    plan: str
    step: str
    title: str
    total_seconds: int
    intervals: list[IntervalIO]
    move: str = Field(description="stay, up or back")
    why: str


class SessionIn(Schema):
    step: str
    started_at: IsoDateTime = Field(description="ISO 8601 with a UTC offset")
    completed_seconds: Int = Field(ge=0, le=6 * 3600)
    completed: Bool
    feeling_before: Int | None = Field(default=None, ge=-5, le=5)
    feeling_after: Int | None = Field(default=None, ge=-5, le=5)
    effort: Int | None = Field(default=None, ge=1, le=10)
    intervals: list[IntervalIO] = []


def plan_json(plan: Plan) -> dict[str, Any]:
    steps = [{**step.session(), "id": step.id, "note": step.note} for step in plan.steps]
    return {"id": plan.id, "title": plan.title, "description": plan.description, "steps": steps}


def my_plan_json(progress: Progress) -> dict[str, Any]:
    plan = progress.plan
    return {
        "plan": plan.id,
        "title": plan.title,
        "step": progress.step_id,
        "step_title": progress.step.title,
        "position": plan.index(progress.step_id) + 1,
        "steps": len(plan.steps),
        "show_streak": progress.show_streak,
    }


def _progress(request: AuthedRequest) -> Progress:
    progress = Progress.for_user(request.user)
    if progress is None:
        raise HttpError(404, NO_PLAN)
    return progress


@router.get("/plans", response=list[PlanOut])
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    return [plan_json(plan) for plan in all_plans().values()]


@router.get("/plan", response={200: MyPlanOut, 404: Problem})
def my_plan(request: AuthedRequest) -> dict[str, Any]:
    return my_plan_json(_progress(request))


@router.post("/plan", response=MyPlanOut)
def start_plan(request: AuthedRequest, payload: MyPlanIn) -> dict[str, Any]:
    try:
        progress = choose(request.user, payload.plan, payload.step)
    except SessionError as exc:
        raise NinjaValidationError([{"loc": ["body", "plan"], "msg": str(exc)}]) from None
    return my_plan_json(progress)


@router.get("/plan/next", response={200: NextOut, 404: Problem})
def plan_next(request: AuthedRequest) -> dict[str, Any]:
    progress = _progress(request)
    suggestion = next_suggestion(progress)
    return {
        "plan": progress.plan_id,
        **suggestion.step.session(),
        "move": suggestion.move,
        "why": suggestion.why,
    }


@router.post("/plan/sessions", response={201: RunOut})
def record_session(request: AuthedRequest, payload: SessionIn) -> Status[dict[str, Any]]:
    data = SessionData(**{**payload.dict(), "intervals": [i.dict() for i in payload.intervals]})
    try:
        run = record(request.user, data)
    except SessionError as exc:
        raise NinjaValidationError([{"loc": ["body", "step"], "msg": str(exc)}]) from None
    return Status(201, run_json(run, request.user))
