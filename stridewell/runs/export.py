"""A person's runs as a zip that imports back losslessly: runs.csv plus the original files."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings

from stridewell.runs.importers.export_csv import write_runs_csv
from stridewell.runs.models import Run

README = """Stridewell export
=================

runs.csv        one row per run (columns described in docs/export.md of Stridewell)
originals/      every file you imported, exactly as it came in
checkins.csv    every check-in, your private notes in plain text (keep this file safe)
responses.csv   your questionnaire answers
profile.json    your settings and privacy places
safety_plan.json  your safety plan, if you wrote one (keep this file safe)
experiments.json  your personal experiments and their results
groups.json     your groups, group runs you signed up for or came to, shared goals
stories.json    your stories, comments, cheers and reports
people.json     your handle, buddies (by handle), blocks and notifications
steps.json      your small-steps plan and the sessions done on it

Import this zip into Stridewell (the Import page, the API or `stridewell import`)
to get the same runs, check-ins and answers back. Community records and
experiments are a record of what happened; they are not imported again.
"""


def run_row(run: Run, original_path: str, slugs: list[str] | None = None) -> dict[str, Any]:
    slugs = slugs or []
    return {
        "stridewell_id": run.external_id or f"stridewell:{run.user_id}-{run.pk}",
        "start": run.start.isoformat(),
        "sport": run.sport,
        "name": run.name,
        "notes": run.notes,
        "visibility": run.visibility,
        "perceived_exertion": run.perceived_exertion,
        "distance_m": run.distance_m,
        "elapsed_s": run.elapsed_s,
        "moving_s": run.moving_s,
        "ascent_m": run.ascent_m,
        "avg_hr": run.avg_hr,
        "max_hr": run.max_hr,
        "avg_cadence": run.avg_cadence,
        "source": run.source,
        "original_file": original_path,
        "run_type": run.run_type,
        "run_type_by_user": run.run_type_by_user,
        "indoor": run.indoor,
        "indoor_by_user": run.indoor_by_user,
        "share_feeling": run.share_feeling,
        "group_slugs": " | ".join(slugs),
    }


def audience_slugs(user: Any) -> dict[int, list[str]]:
    """The groups each of the person's runs is shared with, by slug (one query)."""
    from stridewell.community.models import RunAudience

    picked: dict[int, list[str]] = {}
    rows = RunAudience.objects.filter(run__user_id=user.pk).values_list("run_id", "group__slug")
    for run_id, slug in rows.order_by("run_id", "group__slug"):
        picked.setdefault(run_id, []).append(slug)
    return picked


def add_runs(archive: zipfile.ZipFile, user: Any) -> int:
    """Write runs.csv and originals/ into ``archive``; answers the number of runs."""
    rows = []
    written: set[str] = set()
    runs = Run.objects.owned_by(user).without_streams().order_by("start")
    picked = audience_slugs(user)
    for run in runs.iterator(chunk_size=500):
        original = ""
        if run.original_file and (Path(settings.MEDIA_ROOT) / run.original_file).exists():
            original = "originals/" + Path(run.original_file).name
            if original not in written:
                archive.write(Path(settings.MEDIA_ROOT) / run.original_file, original)
                written.add(original)
        rows.append(run_row(run, original, picked.get(run.pk)))
    archive.writestr("runs.csv", write_runs_csv(rows))
    archive.writestr("README.txt", README)
    return len(rows)
