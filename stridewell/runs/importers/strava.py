"""Strava's bulk export ("Download your data"): the activities.csv that lists every activity.

Columns are matched by name, never by position: Strava repeats names (the first
``Distance`` is in km in the account's units, the second in metres), leaves some
headers as untranslated keys, and adds or moves columns over the years.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from stridewell.runs.importers.base import (
    ImportProblem,
    ListedActivity,
    csv_text,
    listed_exertion,
    listed_number,
)

# Strava's activity types onto our sports.
STRAVA_SPORTS = {
    "run": "running",
    "trail run": "running",
    "virtual run": "running",
    "walk": "walking",
    "hike": "hiking",
    "ride": "cycling",
    "virtual ride": "cycling",
    "e-bike ride": "cycling",
    "mountain bike ride": "cycling",
    "gravel ride": "cycling",
    "swim": "swimming",
}

# Dates as Strava writes them for different account locales (always UTC).
DATE_FORMATS = (
    "%d %b %Y, %H:%M:%S",  # 6 Feb 2013, 12:11:14 (en-GB)
    "%b %d, %Y, %I:%M:%S %p",  # Feb 6, 2013, 12:11:14 PM (en-US)
    "%d %B %Y, %H:%M:%S",
    "%B %d, %Y, %I:%M:%S %p",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%d.%m.%Y, %H:%M:%S",
    "%d/%m/%Y, %H:%M:%S",
)


def parse_strava_date(text: str) -> datetime | None:
    text = " ".join(text.split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _number(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        return listed_number(float(text.replace(",", "")))
    except ValueError:
        return None


class _Columns:
    """Look up a row's value by column name and occurrence (1st or 2nd ``Distance``)."""

    def __init__(self, header: list[str]) -> None:
        self.index: dict[tuple[str, int], int] = {}
        seen: dict[str, int] = {}
        for position, name in enumerate(header):
            key = name.strip().lower()
            seen[key] = seen.get(key, 0) + 1
            self.index[(key, seen[key])] = position

    def get(self, row: list[str], name: str, occurrence: int = 1) -> str:
        position = self.index.get((name.lower(), occurrence))
        if position is None or position >= len(row):
            return ""
        return row[position].strip()

    def has(self, name: str, occurrence: int = 1) -> bool:
        return (name.lower(), occurrence) in self.index


def _distance_m(columns: _Columns, row: list[str]) -> float | None:
    # The second "Distance" is always metres; the first is km (or miles) for display.
    if columns.has("Distance", 2):
        metres = _number(columns.get(row, "Distance", 2))
        if metres is not None:
            return metres
    km = _number(columns.get(row, "Distance"))
    return None if km is None else km * 1000


def _row(columns: _Columns, row: list[str]) -> ListedActivity:
    exertion = _number(columns.get(row, "Perceived Exertion"))
    sport_name = columns.get(row, "Activity Type").lower()
    notes = (columns.get(row, "Activity Description"), columns.get(row, "Activity Private Note"))
    return ListedActivity(
        external_id="strava:" + columns.get(row, "Activity ID"),
        start=parse_strava_date(columns.get(row, "Activity Date")),
        name=columns.get(row, "Activity Name"),
        sport=STRAVA_SPORTS.get(sport_name, "other"),
        notes="\n\n".join(part for part in notes if part),
        filename=columns.get(row, "Filename"),
        elapsed_s=_number(columns.get(row, "Elapsed Time")),
        moving_s=_number(columns.get(row, "Moving Time")),
        distance_m=_distance_m(columns, row),
        perceived_exertion=listed_exertion(exertion),
    )


def read_activities_csv(data: bytes) -> list[ListedActivity]:
    text = csv_text(data)
    # newline="": a bare "\r" is a line end for csv, not a stray character it refuses.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise ImportProblem("The export's activities.csv is empty.")
        columns = _Columns(header)
        if not columns.has("Activity ID"):
            raise ImportProblem(
                "The export's activities.csv has no “Activity ID” column; is it a Strava export?"
            )
        return [_row(columns, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise ImportProblem(
            f"The export's activities.csv cannot be read as CSV (line {reader.line_num}: {exc})."
        ) from None
