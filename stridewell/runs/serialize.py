"""A run as JSON: one shape for the API and ``stridewell runs --json``."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.community.people import card
from stridewell.community.sharing import audience_ids, numbers_hidden, shared_feeling
from stridewell.runs.models import ImportJob, Run


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


NUMBERS = (
    "distance_m", "elapsed_s", "moving_s", "ascent_m", "avg_hr", "max_hr", "avg_cadence",
    "perceived_exertion",
)  # fmt: skip


def run_json(run: Run, viewer: Any, profile: Profile | None = None) -> dict[str, Any]:
    """``start`` carries the owner's UTC offset; notes and the groups picked only ever go
    to the owner. Anyone else also gets the owner (name and handle), the numbers only if
    the owner shows them to others, and the before→after feeling only if it is shared."""
    owner = viewer is not None and viewer.pk == run.user_id
    tz = (profile or Profile.objects.for_user(viewer)).tzinfo if owner else UTC
    data = {
        "id": run.pk,
        "start": timezone.localtime(run.start, tz).isoformat(),
        "sport": run.sport,
        "run_type": run.run_type,
        "run_type_by_user": run.run_type_by_user,
        "indoor": run.indoor,
        "name": run.name,
        "distance_m": _round(run.distance_m),
        "elapsed_s": _round(run.elapsed_s),
        "moving_s": _round(run.moving_s),
        "ascent_m": _round(run.ascent_m),
        "avg_hr": _round(run.avg_hr),
        "max_hr": _round(run.max_hr),
        "avg_cadence": _round(run.avg_cadence),
        "perceived_exertion": run.perceived_exertion,
        "device": run.device,
        "points": run.points,
        "source": run.source,
        "visibility": run.visibility,
        "share_feeling": run.share_feeling,
        "notes": run.notes if owner else "",
    }
    if owner:
        data |= {"group_ids": audience_ids(run), "owner": None, "feeling": None}
    else:
        data |= {"group_ids": None, **_as_others_see_it(run, viewer)}
    return data


def _as_others_see_it(run: Run, viewer: Any) -> dict[str, Any]:
    owner_profile = Profile.objects.for_user(run.user)
    data: dict[str, Any] = {"owner": card(run.user, owner_profile).as_dict()}
    if numbers_hidden(viewer, run, owner_profile):
        data |= dict.fromkeys(NUMBERS)
    feeling = shared_feeling(viewer, run)
    data["feeling"] = feeling.as_dict() if feeling else None
    return data


def job_json(job: ImportJob, with_items: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(job.pk),
        "status": job.status,
        "total": job.total,
        "processed": job.processed,
        "percent": job.percent,
        "counts": job.counts(),
        "error": job.error,
    }
    if with_items:
        data["items"] = [
            {
                "name": item.name,
                "status": item.status,
                "message": item.message,
                "run_id": item.run_id,
            }
            for item in job.items.all()
        ]
    return data
