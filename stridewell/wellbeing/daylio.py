"""Read a Daylio CSV export: moods, activities and notes with their local time.

Daylio writes ``full_date,date,weekday,time,mood,activities,note_title,note`` (older
versions have no ``note_title``), a UTF-8 BOM, ISO dates, times as ``21:40`` or
``9:40 pm``, activities joined with `` | `` and notes with ``<br>`` for line breaks.
Mood labels are whatever the user named them; map them to the Feeling Scale
(−5…+5, Hardy & Rejeski 1989) with :data:`DEFAULT_MOOD_MAP` plus, for renamed or
added moods, :func:`parse_mood_map` (``{**DEFAULT_MOOD_MAP, **parse_mood_map(flag)}``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

DEFAULT_MOOD_MAP: dict[str, int] = {"rad": 5, "good": 3, "meh": 0, "bad": -3, "awful": -5}
SCORE_MIN, SCORE_MAX = -5, 5
REQUIRED_COLUMNS = ("mood", "full_date", "time")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([ap])\.?\s*m\.?)?", re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


class DaylioError(ValueError):
    """The file is not a Daylio export, or a value in it cannot be read."""


@dataclass(frozen=True)
class DaylioRow:
    """One Daylio entry; ``local_datetime`` is naive, in the phone's time then."""

    local_datetime: datetime
    mood_label: str
    activities: list[str] = field(default_factory=list)
    note_title: str = ""
    note: str = ""


@dataclass(frozen=True)
class DaylioExport:
    """All entries in file order, and mood labels in the order first seen."""

    rows: list[DaylioRow]
    mood_labels: list[str]


def parse_daylio(data: bytes) -> DaylioExport:
    """Parse the bytes of a Daylio CSV export; raise DaylioError if it is not one."""
    reader = csv.DictReader(io.StringIO(_decode(data), newline=""))
    try:
        _check_header(reader.fieldnames)
        rows = [_parse_row(reader.line_num, record) for record in reader if _has_values(record)]
    except csv.Error as exc:  # a note longer than csv's field limit (128 KB), for one
        raise DaylioError(
            f"Line {reader.line_num + 1} of the Daylio export cannot be read as CSV ({exc})."
        ) from None
    return DaylioExport(rows=rows, mood_labels=_distinct(row.mood_label for row in rows))


def _decode(data: bytes) -> str:
    try:
        # NUL characters are dropped: PostgreSQL text cannot hold them.
        text = data.decode("utf-8-sig").replace("\x00", "")
    except UnicodeDecodeError as exc:
        raise DaylioError("This file is not UTF-8 text, so it is not a Daylio CSV export.") from exc
    if not text.strip():
        raise DaylioError("This file is empty.")
    return text


def _check_header(fieldnames: Iterable[str] | None) -> None:
    columns = {name.strip().lower() for name in fieldnames or []}
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            raise DaylioError(
                f"This CSV does not look like a Daylio export: it has no “{column}” column."
            )


def _has_values(record: Mapping[str | None, object]) -> bool:
    return any(isinstance(value, str) and value.strip() for value in record.values())


def _parse_row(line: int, record: Mapping[str | None, object]) -> DaylioRow:
    values = {
        str(key).strip().lower(): value.strip()
        for key, value in record.items()
        if key is not None and isinstance(value, str)
    }
    mood = " ".join(values.get("mood", "").split())
    if not mood:
        raise DaylioError(f"Line {line} of the Daylio export has no mood.")
    return DaylioRow(
        local_datetime=datetime.combine(
            _parse_date(line, values.get("full_date", "")), parse_time(line, values.get("time", ""))
        ),
        mood_label=mood,
        activities=split_activities(values.get("activities", "")),
        note_title=clean_note(values.get("note_title", "")),
        note=clean_note(values.get("note", "")),
    )


def _parse_date(line: int, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise DaylioError(
            f"Line {line} of the Daylio export has the date “{text}”, not YYYY-MM-DD."
        ) from exc


def parse_time(line: int, text: str) -> time:
    """``21:40``, ``21:40:05``, ``9:40 pm``, ``9:40 PM``, ``9:40\u202fp.m.`` → time."""
    match = _TIME.fullmatch(" ".join(text.split()))
    if match is None:
        raise DaylioError(f"Line {line} of the Daylio export has the time “{text}”.")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise DaylioError(f"Line {line} of the Daylio export has the time “{text}”.")
        hour = hour % 12 + (12 if match[4].lower() == "p" else 0)
    try:
        return time(hour, minute, second)
    except ValueError as exc:
        raise DaylioError(f"Line {line} of the Daylio export has the time “{text}”.") from exc


def split_activities(text: str) -> list[str]:
    """``"running | friends"`` → ``["running", "friends"]``; empty → ``[]``."""
    return [item.strip() for item in text.split("|") if item.strip()]


def clean_note(text: str) -> str:
    """Turn ``<br>`` into line breaks, use ``\\n`` line endings and trim."""
    return _BR.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _distinct(labels: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(labels))


def parse_mood_map(text: str) -> dict[str, int]:
    """``"rad=5,good=3,super happy=4"`` → dict; scores are whole numbers −5…5."""
    mapping: dict[str, int] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        label, score = _parse_mood_item(item)
        if label.casefold() in {key.casefold() for key in mapping}:
            raise DaylioError(f"The mood “{label}” is given twice in the mood map.")
        mapping[label] = score
    return mapping


def _parse_mood_item(item: str) -> tuple[str, int]:
    label, sep, value = item.rpartition("=")
    label = " ".join(label.split())
    if not sep or not label:
        raise DaylioError(f"“{item.strip()}” in the mood map should look like label=score.")
    try:
        score = int(value.strip().replace("\u2212", "-"))
    except ValueError:
        score = SCORE_MAX + 1  # reported below with the same sentence
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise DaylioError(
            f"The mood “{label}” has the score “{value.strip()}”; "
            "scores must be whole numbers from −5 to 5."
        )
    return label, score


def score_for(label: str, mapping: Mapping[str, int]) -> int | None:
    """The score for a mood label, ignoring case and extra spaces; None if unmapped."""
    wanted = " ".join(label.split()).casefold()
    for key, score in mapping.items():
        if " ".join(key.split()).casefold() == wanted:
            return score
    return None


def missing_labels(export: DaylioExport, mapping: Mapping[str, int]) -> list[str]:
    """Mood labels in the export that ``mapping`` has no score for, in first-seen order."""
    return [label for label in export.mood_labels if score_for(label, mapping) is None]
