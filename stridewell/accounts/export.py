"""Export everything of a person's as one zip; each app adds its part.

``SECTIONS`` is the registry: a later app (check-ins, questionnaires) adds one
function here and its data is in every export.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from stridewell.accounts.models import PrivacyPlace, Profile
from stridewell.community.export_groups import add_groups
from stridewell.community.export_people import add_people
from stridewell.community.export_stories import add_stories
from stridewell.insights.experiments import add_experiments
from stridewell.runs.export import add_runs
from stridewell.steps.export import add_steps
from stridewell.wellbeing.history import add_wellbeing
from stridewell.wellbeing.safety import add_safety_plan


def add_profile(archive: zipfile.ZipFile, user: Any) -> int:
    profile = Profile.objects.for_user(user)
    places = [
        {"name": p.name, "lat": p.lat, "lon": p.lon, "radius_m": p.radius_m}
        for p in PrivacyPlace.objects.filter(user_id=user.pk)
    ]
    data = {
        "email": user.email,
        "display_name": profile.display_name,
        "timezone": profile.timezone,
        "units": profile.units,
        "max_hr": profile.max_hr,
        "hide_numbers": profile.hide_numbers,
        "privacy_places": places,
    }
    archive.writestr("profile.json", json.dumps(data, indent=2))
    return 1


SECTIONS: list[Callable[[zipfile.ZipFile, Any], int]] = [
    add_profile,
    add_runs,
    add_wellbeing,
    add_safety_plan,
    add_experiments,
    add_groups,
    add_stories,
    add_people,
    add_steps,
]


def write_export(user: Any, out: BinaryIO | Path) -> None:
    # Originals are mostly compressed already; deflate the rest (CSV, JSON).
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for section in SECTIONS:
            section(archive, user)
