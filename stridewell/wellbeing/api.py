"""Check-ins in /api/v1. Only ever the caller's own: anyone else's is a 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status

from stridewell.accounts.models import Profile
from stridewell.api_types import Id, Int, IsoDateTime, Number, Offset
from stridewell.lib.http import AuthedRequest
from stridewell.wellbeing import checkins, instruments, questionnaires
from stridewell.wellbeing.instruments.base import IncompleteAnswers
from stridewell.wellbeing.models import CheckIn, Kind, Response

router = Router(tags=["check-ins"])


class CheckInOut(Schema):
    id: int
    recorded_at: str = Field(description="ISO 8601 with the owner's UTC offset")
    kind: str
    feeling: int
    arousal: int | None
    stress: int | None
    sleep_hours: float | None
    sleep_quality: int | None
    tags: list[str]
    note: str
    run_id: int | None


class CheckInIn(Schema):
    feeling: Int = Field(ge=-5, le=5, description="Feeling Scale: −5 very bad … +5 very good")
    recorded_at: IsoDateTime | None = None
    kind: Kind = Kind.DAILY
    arousal: Int | None = Field(default=None, ge=1, le=6)
    stress: Int | None = Field(default=None, ge=0, le=10)
    sleep_hours: Number | None = Field(default=None, ge=0, le=24)
    sleep_quality: Int | None = Field(default=None, ge=1, le=5)
    tags: list[str] = []
    note: str = ""
    run_id: Id | None = None


class CheckInPatch(Schema):
    feeling: Int | None = Field(default=None, ge=-5, le=5)
    recorded_at: IsoDateTime | None = None
    kind: Kind | None = None
    arousal: Int | None = Field(default=None, ge=1, le=6)
    stress: Int | None = Field(default=None, ge=0, le=10)
    sleep_hours: Number | None = Field(default=None, ge=0, le=24)
    sleep_quality: Int | None = Field(default=None, ge=1, le=5)
    tags: list[str] | None = None
    note: str | None = None
    run_id: Id | None = None


class CheckInPage(Schema):
    count: int
    items: list[CheckInOut]


def checkin_json(checkin: CheckIn, profile: Profile) -> dict[str, Any]:
    return {"id": checkin.pk, **checkin.as_dict(profile.tzinfo), "run_id": checkin.run_id}


def _save(checkin: CheckIn, changes: dict[str, Any]) -> CheckIn:
    recorded_at = changes.get("recorded_at")
    if recorded_at is not None and timezone.is_naive(recorded_at):
        changes["recorded_at"] = timezone.make_aware(
            recorded_at, Profile.objects.for_user(checkin.user).tzinfo
        )
    try:
        return checkins.apply(checkin, changes)
    except ValidationError as exc:
        raise NinjaValidationError(
            [
                {"loc": ["body", field], "msg": " ".join(msgs)}
                for field, msgs in exc.message_dict.items()
            ]
        ) from None


@router.get("/checkins", response=CheckInPage)
def list_checkins(
    request: AuthedRequest, limit: int = Query(50, ge=1, le=500), offset: Offset = Query(0)
) -> dict[str, Any]:
    profile = Profile.objects.for_user(request.user)
    entries = CheckIn.objects.owned_by(request.user).prefetch_related("tags")
    page = entries[offset : offset + limit]
    return {"count": entries.count(), "items": [checkin_json(c, profile) for c in page]}


@router.post("/checkins", response={201: CheckInOut})
def create_checkin(request: AuthedRequest, payload: CheckInIn) -> Status[dict[str, Any]]:
    checkin = _save(CheckIn(user=request.user), payload.dict())
    return Status(201, checkin_json(checkin, Profile.objects.for_user(request.user)))


@router.get("/checkins/{checkin_id}", response=CheckInOut)
def get_checkin(request: AuthedRequest, checkin_id: int) -> dict[str, Any]:
    checkin = get_object_or_404(CheckIn, pk=checkin_id, user_id=request.user.pk)
    return checkin_json(checkin, Profile.objects.for_user(request.user))


@router.patch("/checkins/{checkin_id}", response=CheckInOut)
def update_checkin(
    request: AuthedRequest, checkin_id: int, payload: CheckInPatch
) -> dict[str, Any]:
    checkin = get_object_or_404(CheckIn, pk=checkin_id, user_id=request.user.pk)
    changes = payload.dict(exclude_unset=True)
    _save(checkin, changes)
    return checkin_json(checkin, Profile.objects.for_user(request.user))


@router.delete("/checkins/{checkin_id}", response={204: None})
def delete_checkin(request: AuthedRequest, checkin_id: int) -> Status[None]:
    get_object_or_404(CheckIn, pk=checkin_id, user_id=request.user.pk).delete()
    return Status(204, None)


class OptionOut(Schema):
    value: int
    label: str


class InstrumentOut(Schema):
    id: str
    name: str
    short_name: str
    question: str
    items: list[str]
    options: list[OptionOut]
    source: str


class ResponseIn(Schema):
    instrument: str = Field(
        description="phq9, phq8, gad7, phq4 or who5",
        json_schema_extra={"enum": [*sorted(instruments.INSTRUMENTS)]},
    )
    answers: list[Int | None]
    recorded_at: IsoDateTime | None = None


class ResponseOut(Schema):
    id: int
    instrument: str
    score: int
    band: str
    recorded_at: str
    flags: dict[str, bool]


def response_json(
    response: Response, flags: dict[str, bool] | None, profile: Profile
) -> dict[str, Any]:
    return {
        "id": response.pk,
        "instrument": response.instrument,
        "score": response.score,
        "band": response.band,
        "recorded_at": timezone.localtime(response.recorded_at, profile.tzinfo).isoformat(),
        "flags": flags if flags is not None else {"crisis": response.crisis},
    }


@router.get("/instruments", response=list[InstrumentOut], tags=["questionnaires"])
def list_instruments(request: AuthedRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": i.id,
            "name": i.name,
            "short_name": i.short_name,
            "question": i.question,
            "items": list(i.items),
            "options": [{"value": o.value, "label": o.label} for o in i.options],
            "source": i.source,
        }
        for i in instruments.INSTRUMENTS.values()
    ]


@router.post("/responses", response={201: ResponseOut}, tags=["questionnaires"])
def create_response(request: AuthedRequest, payload: ResponseIn) -> Status[dict[str, Any]]:
    try:
        response, result = questionnaires.answer(
            request.user, payload.instrument, payload.answers, payload.recorded_at
        )
    except KeyError as exc:
        raise NinjaValidationError(
            [{"loc": ["body", "instrument"], "msg": str(exc.args[0])}]
        ) from None
    except IncompleteAnswers as exc:
        raise NinjaValidationError(
            [{"loc": ["body", "answers", exc.item - 1], "msg": str(exc)}]
        ) from None
    return Status(
        201, response_json(response, dict(result.flags), Profile.objects.for_user(request.user))
    )


@router.get("/responses", response=list[ResponseOut], tags=["questionnaires"])
def list_responses(request: AuthedRequest) -> list[dict[str, Any]]:
    profile = Profile.objects.for_user(request.user)
    return [response_json(r, None, profile) for r in Response.objects.owned_by(request.user)]
