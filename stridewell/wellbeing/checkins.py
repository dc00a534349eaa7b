"""Recording a check-in: one function for the page, the API and imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from stridewell.runs.models import Run
from stridewell.wellbeing.models import CheckIn, Kind


@dataclass
class CheckInData:
    feeling: int
    recorded_at: datetime | None = None
    kind: str = Kind.DAILY
    arousal: int | None = None
    stress: int | None = None
    sleep_hours: float | None = None
    sleep_quality: int | None = None
    tags: list[str] = field(default_factory=list)
    note: str = ""
    run_id: int | None = None


FIELDS = (
    "recorded_at",
    "kind",
    "feeling",
    "arousal",
    "stress",
    "sleep_hours",
    "sleep_quality",
    "run_id",
)


def apply(checkin: CheckIn, changes: dict[str, Any]) -> CheckIn:
    """Set the given fields, check every value against its range, save; tags and note too.

    Raises django's ValidationError naming the field when a value is out of range,
    and refuses a run that is not the user's own.
    """
    from django.core.exceptions import ValidationError

    for name in FIELDS:
        if name in changes:
            setattr(checkin, name, changes[name])
    if checkin.recorded_at is None:
        checkin.recorded_at = timezone.now()
    if "note" in changes:
        checkin.note = changes["note"] or ""
    if (
        checkin.run_id is not None
        and not Run.objects.filter(pk=checkin.run_id, user_id=checkin.user_id).exists()
    ):
        raise ValidationError({"run_id": ["No such run of yours."]})
    checkin.full_clean(exclude=["user", "run", "tags"])
    with transaction.atomic():
        checkin.save()
        if "tags" in changes:
            checkin.set_tags(list(changes["tags"] or []))
    return checkin


def record(user: Any, data: CheckInData) -> CheckIn:
    return apply(CheckIn(user=user), {**data.__dict__})
