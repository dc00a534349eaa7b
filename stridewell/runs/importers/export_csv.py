"""Our own export's ``runs.csv``: written by the export, read back by the importer.

Columns (documented in docs/export.md):
    stridewell_id   a stable id for the run ("stridewell:<user>-<run id>" unless it came from elsewhere)
    start           ISO 8601 with the UTC offset
    sport, name, notes, visibility, perceived_exertion
    distance_m, elapsed_s, moving_s, ascent_m, avg_hr, max_hr, avg_cadence   (as computed; informative)
    source          file, archive, manual or plan
    original_file   the file's path inside the zip (empty for manual runs)
    run_type        easy, long, tempo, intervals, sprints, race, run_walk, walk (or empty)
    run_type_by_user, indoor, indoor_by_user    true or false
                    (on import, what the person set comes back; the rest is worked out again)
    share_feeling   true or false: the run's before→after feeling is shown with it
    group_slugs     for "groups" visibility, the groups picked, separated by " | "
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from stridewell.runs.importers.base import (
    SPORTS,
    VISIBILITIES,
    ImportProblem,
    ListedActivity,
    csv_text,
    listed_exertion,
    listed_number,
)

COLUMNS = (
    "stridewell_id",
    "start",
    "sport",
    "name",
    "notes",
    "visibility",
    "perceived_exertion",
    "distance_m",
    "elapsed_s",
    "moving_s",
    "ascent_m",
    "avg_hr",
    "max_hr",
    "avg_cadence",
    "source",
    "original_file",
    "run_type",
    "run_type_by_user",
    "indoor",
    "indoor_by_user",
    "share_feeling",
    "group_slugs",
)
_TRUE = ("true", "1", "yes")


def write_runs_csv(rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _float(text: str) -> float | None:
    try:
        return listed_number(float(text)) if text.strip() else None
    except ValueError:
        return None


def _choice(text: str | None, choices: tuple[str, ...]) -> str | None:
    """A hand-edited file may hold anything: only a value a Run can take comes through."""
    value = (text or "").strip().lower()
    return value if value in choices else None


def _flag(row: dict[str, str], key: str) -> bool:
    return (row.get(key) or "").strip().lower() in _TRUE


def _row(row: dict[str, str]) -> ListedActivity:
    try:
        start: datetime | None = datetime.fromisoformat(row["start"])
    except (KeyError, ValueError):
        start = None
    if start is not None and start.tzinfo is None:
        start = start.replace(tzinfo=UTC)  # the export writes an offset; a hand-edited file may not
    exertion = _float(row.get("perceived_exertion", ""))
    return ListedActivity(
        external_id=row.get("stridewell_id", ""),
        start=start,
        name=row.get("name", ""),
        sport=_choice(row.get("sport"), SPORTS) or "other",
        notes=row.get("notes", ""),
        filename=row.get("original_file", ""),
        elapsed_s=_float(row.get("elapsed_s", "")),
        moving_s=_float(row.get("moving_s", "")),
        distance_m=_float(row.get("distance_m", "")),
        perceived_exertion=listed_exertion(exertion),
        visibility=_choice(row.get("visibility"), VISIBILITIES),
        sport_is_exact=True,
        run_type=(row.get("run_type") or "").strip(),
        run_type_by_user=_flag(row, "run_type_by_user"),
        indoor=_flag(row, "indoor") if row.get("indoor") else None,
        indoor_by_user=_flag(row, "indoor_by_user"),
        share_feeling=_flag(row, "share_feeling"),
        group_slugs=tuple(
            s.strip() for s in (row.get("group_slugs") or "").split("|") if s.strip()
        ),
    )


def read_runs_csv(data: bytes) -> list[ListedActivity]:
    text = csv_text(data)
    # restval="": a short row's missing cells read as empty text, never as None.
    reader = csv.DictReader(io.StringIO(text, newline=""), restval="")
    try:
        if not reader.fieldnames or "stridewell_id" not in reader.fieldnames:
            raise ImportProblem(
                "This runs.csv is not a Stridewell export (no “stridewell_id” column)."
            )
        return [_row(row) for row in reader]
    except csv.Error as exc:
        raise ImportProblem(
            f"This runs.csv cannot be read as CSV (line {reader.line_num}: {exc})."
        ) from None
