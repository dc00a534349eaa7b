"""The runs and imports part of /api/v1."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import field_validator

from stridewell.accounts.models import Profile
from stridewell.api_types import Bool, Id, Int, IsoDate, IsoDateTime, Number, Offset
from stridewell.community.sharing import SharingError, series_for, share_run
from stridewell.lib.http import AuthedRequest
from stridewell.runs.imports import start_import
from stridewell.runs.models import ImportJob, Run, Sport, Visibility
from stridewell.runs.run_types import RunType
from stridewell.runs.serialize import job_json, run_json
from stridewell.runs.visibility import can_view

router = Router(tags=["runs"])


class Owner(Schema):
    display_name: str
    handle: str


class SharedFeeling(Schema):
    before: int | None
    after: int | None


class RunOut(Schema):
    id: int
    start: str = Field(description="ISO 8601 with the owner's UTC offset")
    sport: str
    run_type: str = Field(
        description="easy, long, tempo, intervals, sprints, race, run_walk, walk; empty for rides and swims"
    )
    run_type_by_user: bool = Field(description="true: set by the person, never reclassified")
    indoor: bool
    name: str
    distance_m: float | None
    elapsed_s: float | None
    moving_s: float | None
    ascent_m: float | None
    avg_hr: float | None
    max_hr: float | None
    avg_cadence: float | None
    perceived_exertion: int | None
    device: str
    points: int
    source: str
    visibility: str
    share_feeling: bool = Field(description="true: the before→after feeling goes with the run")
    notes: str
    group_ids: list[int] | None = Field(
        default=None,
        description="your own runs: the groups a `groups` run is shown to (empty: all of them)",
    )
    owner: Owner | None = Field(default=None, description="whose run; null for your own")
    feeling: SharedFeeling | None = Field(
        default=None,
        description="someone else's run: its before→after feeling (−5 … +5), when they share it",
    )


class RunPage(Schema):
    count: int
    items: list[RunOut]


RUN_TYPE_HELP = "one of " + ", ".join(RunType.values) + ", or automatic"


def _run_type(value: str | None) -> str | None:
    """A RunType value, or "" for "work it out" (sent as "automatic" or "")."""
    if value is None:
        return None
    value = value.strip().lower()
    if value in ("", "automatic", "auto"):
        return ""
    if value not in RunType.values:
        raise ValueError(f"run_type must be {RUN_TYPE_HELP} (got {value!r})")
    return value


class RunIn(Schema):
    start: IsoDateTime | None = None
    sport: Sport = Sport.RUNNING
    elapsed_s: Number = Field(gt=0, le=30 * 24 * 3600)
    distance_m: Number | None = Field(default=None, ge=0)
    name: str = Field(default="", max_length=200)
    notes: str = ""
    visibility: Visibility = Visibility.PRIVATE
    run_type: str | None = Field(default=None, description=RUN_TYPE_HELP)
    indoor: Bool | None = None

    @field_validator("run_type")
    @classmethod
    def check_run_type(cls, value: str | None) -> str | None:
        return _run_type(value)


class RunPatch(Schema):
    name: str | None = Field(default=None, max_length=200)
    sport: Sport | None = None
    notes: str | None = None
    visibility: Visibility | None = None
    group_ids: list[Id] | None = Field(
        default=None,
        description="for `groups` visibility: which of my groups (none or empty: all of them)",
    )
    share_feeling: Bool | None = Field(
        default=None, description="true: show this run's before→after feeling with it"
    )
    perceived_exertion: Int | None = Field(default=None, ge=1, le=10)
    run_type: str | None = Field(default=None, description=RUN_TYPE_HELP)
    indoor: Bool | None = Field(default=None, description="true: indoors (a treadmill)")

    @field_validator("run_type")
    @classmethod
    def check_run_type(cls, value: str | None) -> str | None:
        return _run_type(value)


class RunFilters(Schema):
    sport: Sport | None = None
    since: IsoDate | None = None
    until: IsoDate | None = None
    limit: int = Field(default=50, ge=1, le=500)
    offset: Offset = 0


class ImportItemOut(Schema):
    name: str
    status: str
    message: str
    run_id: int | None


class ImportJobOut(Schema):
    id: str
    status: str
    total: int
    processed: int
    percent: int
    counts: dict[str, int]
    error: str
    items: list[ImportItemOut] = []


def _visible(request: AuthedRequest, run_id: int) -> Run:
    run = get_object_or_404(Run.objects.without_streams(), pk=run_id)
    if not can_view(request.user, run):
        raise Http404
    return run


def _own(request: AuthedRequest, run_id: int) -> Run:
    return get_object_or_404(Run.objects.without_streams(), pk=run_id, user_id=request.user.pk)


@router.get("/runs", response=RunPage)
def list_runs(request: AuthedRequest, filters: Query[RunFilters]) -> dict[str, Any]:
    profile = Profile.objects.for_user(request.user)
    runs = Run.objects.owned_by(request.user).without_streams().prefetch_related("audience")
    if filters.sport:
        runs = runs.filter(sport=filters.sport)
    runs = runs.on_days(filters.since, filters.until, profile.tzinfo)
    page = runs[filters.offset : filters.offset + filters.limit]
    return {"count": runs.count(), "items": [run_json(run, request.user, profile) for run in page]}


@router.post("/runs", response={201: RunOut})
def create_run(request: AuthedRequest, payload: RunIn) -> Status[dict[str, Any]]:
    start = payload.start or timezone.now()
    if timezone.is_naive(start):
        start = timezone.make_aware(start, Profile.objects.for_user(request.user).tzinfo)
    run = Run.objects.record_manual(
        request.user,
        start,
        payload.elapsed_s,
        sport=payload.sport,
        distance_m=payload.distance_m,
        name=payload.name,
        notes=payload.notes,
        visibility=payload.visibility,
        run_type=payload.run_type,
        indoor=payload.indoor,
    )
    return Status(201, run_json(run, request.user))


@router.get("/runs/{run_id}", response=RunOut)
def get_run(request: AuthedRequest, run_id: int) -> dict[str, Any]:
    return run_json(_visible(request, run_id), request.user)


@router.patch("/runs/{run_id}", response=RunOut)
def update_run(request: AuthedRequest, run_id: int, payload: RunPatch) -> dict[str, Any]:
    run = get_object_or_404(Run, pk=run_id, user_id=request.user.pk)  # streams: to reclassify
    changes = payload.dict(exclude_unset=True)
    run_type, indoor = changes.pop("run_type", None), changes.pop("indoor", None)
    sharing = {key: changes.pop(key, None) for key in ("visibility", "group_ids", "share_feeling")}
    for key, value in changes.items():
        if value is not None or key == "perceived_exertion":
            setattr(run, key, value)
    run.correct(run_type=run_type, indoor=indoor)
    with transaction.atomic():
        run.save()
        try:
            share_run(run, **sharing)
        except SharingError as exc:  # leaving the block undoes the save above
            raise NinjaValidationError([{"loc": ["body", "group_ids"], "msg": str(exc)}]) from None
    return run_json(run, request.user)


@router.delete("/runs/{run_id}", response={204: None})
def delete_run(request: AuthedRequest, run_id: int) -> Status[None]:
    _own(request, run_id).delete()
    return Status(204, None)


@router.get("/runs/{run_id}/streams")
def run_streams(
    request: AuthedRequest, run_id: int, max_points: int = Query(1000, ge=2, le=100_000)
) -> dict[str, Any]:
    """The run's samples (downsampled to ``max_points``), null where a value is missing."""
    run = get_object_or_404(Run, pk=run_id)
    if not can_view(request.user, run):
        raise Http404
    return series_for(request.user, run, max_points=max_points)


@router.post("/imports", response={202: ImportJobOut})
def create_import(
    request: AuthedRequest, files: list[UploadedFile] = File(...)
) -> Status[dict[str, Any]]:
    job = start_import(request.user, files)
    job.refresh_from_db()
    return Status(202, job_json(job))


@router.get("/imports/{job_id}", response=ImportJobOut)
def get_import(request: AuthedRequest, job_id: str) -> dict[str, Any]:
    try:
        job = ImportJob.objects.get(pk=uuid.UUID(job_id), user_id=request.user.pk)
    except (ImportJob.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    return job_json(job)
