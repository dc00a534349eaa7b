"""Check-in and questionnaire history, in and out: our own CSVs, Daylio's, and the export zip.

One set of functions serves the import page, the ``stridewell import`` command and the
account export. Every import is idempotent (a row we already hold is counted as a
duplicate, never added twice) and whole or nothing: when a row cannot be read, nothing
from that file is kept and the summary names the line.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.runs.importers.archive import ZIP_ERRORS
from stridewell.runs.models import Run
from stridewell.wellbeing import questionnaires
from stridewell.wellbeing.checkins import CheckInData, record
from stridewell.wellbeing.daylio import (
    DEFAULT_MOOD_MAP,
    DaylioError,
    DaylioRow,
    missing_labels,
    parse_daylio,
    parse_mood_map,
    score_for,
)
from stridewell.wellbeing.models import CheckIn, Kind, Response

CHECKIN_COLUMNS = (
    "recorded_at",
    "kind",
    "feeling",
    "arousal",
    "stress",
    "sleep_hours",
    "sleep_quality",
    "tags",
    "note",
    "run_start",
)
RESPONSE_COLUMNS = ("recorded_at", "instrument", "answers", "score", "band")
TAG_SEPARATOR = " | "
RUN_WINDOW = timedelta(seconds=60)
MAX_MEMBER_BYTES = 64 * 1024 * 1024
CsvKind = Literal["daylio", "checkins", "responses"]


class HistoryError(ValueError):
    """The file is not one of the CSVs we know how to import."""


@dataclass
class ImportSummary:
    imported: int = 0
    duplicate: int = 0
    failed: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def describe(self) -> str:
        return f"{self.imported} imported, {self.duplicate} duplicate, {self.failed} failed."

    def merge(self, other: ImportSummary, prefix: str = "") -> None:
        self.imported += other.imported
        self.duplicate += other.duplicate
        self.failed += other.failed
        self.messages += [prefix + message for message in other.messages]


# --- Writing ------------------------------------------------------------------------------


def write_checkins_csv(user: Any) -> str:
    """Every check-in of ``user``, oldest first, in :data:`CHECKIN_COLUMNS`."""
    tz = Profile.objects.for_user(user).tzinfo
    entries = (
        CheckIn.objects.owned_by(user)
        .select_related("run")
        .prefetch_related("tags")
        .order_by("recorded_at")
    )
    return _csv_text(CHECKIN_COLUMNS, (_checkin_row(c, tz) for c in entries))


def _checkin_row(checkin: CheckIn, tz: tzinfo) -> dict[str, Any]:
    row = checkin.as_dict(tz)
    row["tags"] = TAG_SEPARATOR.join(row["tags"])
    row["run_start"] = checkin.run.start.astimezone(tz).isoformat() if checkin.run else ""
    return row


def write_responses_csv(user: Any) -> str:
    """Every questionnaire answer set of ``user``, oldest first, in :data:`RESPONSE_COLUMNS`."""
    tz = Profile.objects.for_user(user).tzinfo
    rows = (
        {
            "recorded_at": response.recorded_at.astimezone(tz).isoformat(),
            "instrument": response.instrument,
            "answers": " ".join(str(answer) for answer in response.answers),
            "score": response.score,
            "band": response.band,
        }
        for response in Response.objects.owned_by(user).order_by("recorded_at")
    )
    return _csv_text(RESPONSE_COLUMNS, rows)


def _csv_text(columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return out.getvalue()


def add_wellbeing(archive: zipfile.ZipFile, user: Any) -> int:
    """The account-export section: checkins.csv and responses.csv; answers the row count."""
    archive.writestr("checkins.csv", write_checkins_csv(user))
    archive.writestr("responses.csv", write_responses_csv(user))
    return CheckIn.objects.owned_by(user).count() + Response.objects.owned_by(user).count()


# --- Recognising ---------------------------------------------------------------------------


def detect_csv(data: bytes) -> CsvKind | None:
    """Which of our importable CSVs ``data`` is, from its header; None if none."""
    first = data[:4096].decode("utf-8-sig", errors="replace").lstrip().splitlines()[:1]
    columns = [name.strip().lower() for name in next(csv.reader(first), [])]
    if {"full_date", "mood"} <= set(columns):
        return "daylio"
    if columns[:1] == ["recorded_at"] and "instrument" in columns:
        return "responses"
    if columns[:1] == ["recorded_at"] and "feeling" in columns:
        return "checkins"
    return None


def import_csv(user: Any, data: bytes, mapping: Mapping[str, int] | None = None) -> ImportSummary:
    """Import any CSV we know: Daylio (with ``mapping``, default :data:`DEFAULT_MOOD_MAP`),
    our check-ins or our questionnaire answers. Raises HistoryError for other files and
    DaylioError when a Daylio mood has no score."""
    kind = detect_csv(data)
    if kind == "daylio":
        tz = Profile.objects.for_user(user).tzinfo
        return import_daylio(user, data, dict(mapping or DEFAULT_MOOD_MAP), tz)
    if kind == "checkins":
        return import_checkins_csv(user, data)
    if kind == "responses":
        return import_responses_csv(user, data)
    raise HistoryError(
        "This CSV is neither a Daylio export nor a check-in or questionnaire CSV from Stridewell."
    )


def merged_mood_map(flag: str) -> dict[str, int]:
    """:data:`DEFAULT_MOOD_MAP` with the ``label=score`` pairs of ``flag`` over it
    (matched ignoring case). Raises DaylioError for a malformed pair."""
    given = parse_mood_map(flag)
    wanted = {" ".join(label.split()).casefold() for label in given}
    kept = {label: score for label, score in DEFAULT_MOOD_MAP.items() if label not in wanted}
    return {**kept, **given}


def unmapped_message(labels: Iterable[str]) -> str:
    named = ", ".join(f"“{label}”" for label in labels)
    return f"These Daylio moods have no Feeling Scale score yet: {named}."


# --- The engine: whole file or nothing ------------------------------------------------------

Prepared = tuple[Hashable, Callable[[], object]]  # (identity for duplicates, save it)


class _Rollback(Exception):
    pass


def _import_all(
    items: Iterable[tuple[str, Callable[[], Prepared]]], seen: set[Hashable]
) -> ImportSummary:
    summary = ImportSummary()
    try:
        with transaction.atomic():
            for where, prepare in items:
                _import_one(summary, where, prepare, seen)
            if summary.failed:
                raise _Rollback
    except _Rollback:
        summary.imported = summary.duplicate = 0
        summary.messages.append(
            "Nothing from this file was added, so you can fix the lines above and try again."
        )
    return summary


def _import_one(
    summary: ImportSummary, where: str, prepare: Callable[[], Prepared], seen: set[Hashable]
) -> None:
    try:
        with transaction.atomic():
            key, save = prepare()
            if key in seen:
                summary.duplicate += 1
                return
            save()
    except (ValueError, KeyError, ValidationError) as exc:
        summary.failed += 1
        summary.messages.append(f"{where}: {_reason(exc)}")
        return
    seen.add(key)
    summary.imported += 1


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return " ".join(f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items())
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc.args[0]) if exc.args else type(exc).__name__


def _checkin_keys(user: Any) -> set[Hashable]:
    return set(CheckIn.objects.owned_by(user).values_list("recorded_at", "feeling"))


# --- Daylio -------------------------------------------------------------------------------


def import_daylio(user: Any, data: bytes, mapping: dict[str, int], tz: tzinfo) -> ImportSummary:
    """Each Daylio entry becomes a daily check-in at its local time in ``tz``.

    Raises DaylioError if the file cannot be read (naming the line) or when moods have
    no score in ``mapping`` (naming them)."""
    export = parse_daylio(data)
    missing = missing_labels(export, mapping)
    if missing:
        raise DaylioError(unmapped_message(missing))
    items = (
        (
            f"The entry of {row.local_datetime:%Y-%m-%d %H:%M}",
            partial(_daylio_prepared, user, row, mapping, tz),
        )
        for row in export.rows
    )
    return _import_all(items, _checkin_keys(user))


def _daylio_prepared(user: Any, row: DaylioRow, mapping: dict[str, int], tz: tzinfo) -> Prepared:
    data = CheckInData(
        feeling=score_for(row.mood_label, mapping) or 0,
        recorded_at=timezone.make_aware(row.local_datetime, tz),
        kind=Kind.DAILY,
        tags=row.activities,
        note="\n\n".join(part for part in (row.note_title, row.note) if part),
    )
    return (data.recorded_at, data.feeling), partial(record, user, data)


# --- Our own CSVs ------------------------------------------------------------------------------


def import_checkins_csv(user: Any, data: bytes) -> ImportSummary:
    """Import a check-in CSV in :data:`CHECKIN_COLUMNS` (as written by write_checkins_csv)."""
    tz = Profile.objects.for_user(user).tzinfo
    items = (
        (f"Line {line}", partial(_checkin_prepared, user, values, tz))
        for line, values in _records(data, ("recorded_at", "feeling"))
    )
    return _import_all(items, _checkin_keys(user))


def _checkin_prepared(user: Any, values: dict[str, str], tz: tzinfo) -> Prepared:
    data = CheckInData(
        feeling=_whole(values, "feeling"),
        recorded_at=_moment(values.get("recorded_at", ""), tz),
        kind=values.get("kind") or Kind.DAILY,
        arousal=_optional(values, "arousal", int),
        stress=_optional(values, "stress", int),
        sleep_hours=_optional(values, "sleep_hours", float),
        sleep_quality=_optional(values, "sleep_quality", int),
        tags=[tag.strip() for tag in values.get("tags", "").split("|") if tag.strip()],
        note=values.get("note", ""),
        run_id=_run_near(user, values.get("run_start", ""), tz),
    )
    return (data.recorded_at, data.feeling), partial(record, user, data)


def import_responses_csv(user: Any, data: bytes) -> ImportSummary:
    """Import questionnaire answers in :data:`RESPONSE_COLUMNS`, scored again on the way in."""
    tz = Profile.objects.for_user(user).tzinfo
    seen: set[Hashable] = set(
        Response.objects.owned_by(user).values_list("recorded_at", "instrument")
    )
    items = (
        (f"Line {line}", partial(_response_prepared, user, values, tz))
        for line, values in _records(data, ("recorded_at", "instrument", "answers"))
    )
    return _import_all(items, seen)


def _response_prepared(user: Any, values: dict[str, str], tz: tzinfo) -> Prepared:
    recorded_at = _moment(values.get("recorded_at", ""), tz)
    instrument = values.get("instrument", "").strip().lower()
    try:
        answers: list[int | None] = [int(part) for part in values.get("answers", "").split()]
    except ValueError:
        raise ValueError(
            f"the answers “{values.get('answers', '')}” should be whole numbers "
            "separated by spaces."
        ) from None
    save = partial(questionnaires.answer, user, instrument, answers, recorded_at)
    return (recorded_at, instrument), save


def _records(data: bytes, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line number, values by lower-case column) for every non-empty row."""
    try:
        # NUL characters are dropped: PostgreSQL text cannot hold them.
        text = data.decode("utf-8-sig").replace("\x00", "")
    except UnicodeDecodeError:
        raise HistoryError("This file is not UTF-8 text.") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {name.strip().lower() for name in reader.fieldnames or []}
    absent = [name for name in required if name not in columns]
    if absent:
        raise HistoryError(f"This CSV has no “{absent[0]}” column.")
    line = reader.line_num + 1
    for row in reader:
        values = {
            str(key).strip().lower(): (value or "").strip()
            for key, value in row.items()
            if key is not None and isinstance(value, str)
        }
        if any(values.values()):
            yield line, values
        line = reader.line_num + 1


def _whole(values: dict[str, str], name: str) -> int:
    try:
        return int(values.get(name, ""))
    except ValueError:
        raise ValueError(f"{name} “{values.get(name, '')}” is not a whole number.") from None


def _optional(values: dict[str, str], name: str, kind: Callable[[str], Any]) -> Any:
    text = values.get(name, "")
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise ValueError(f"{name} “{text}” is not a number.") from None


def _moment(text: str, tz: tzinfo) -> datetime:
    """An ISO 8601 time; one without a UTC offset is taken in the person's own timezone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"the time “{text}” should look like 2024-03-31T08:15:00+01:00.") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, tz)


def _run_near(user: Any, text: str, tz: tzinfo) -> int | None:
    """The person's run starting within a minute of ``text``, if there is one."""
    if not text:
        return None
    start = _moment(text, tz)
    near = Run.objects.owned_by(user).filter(
        start__gte=start - RUN_WINDOW, start__lte=start + RUN_WINDOW
    )
    closest = min(near.only("pk", "start"), key=lambda run: abs(run.start - start), default=None)
    return closest.pk if closest else None


# --- The export zip ------------------------------------------------------------------------

EXPORT_MEMBERS: dict[str, tuple[CsvKind, Callable[[Any, bytes], ImportSummary]]] = {
    "checkins.csv": ("checkins", import_checkins_csv),
    "responses.csv": ("responses", import_responses_csv),
}


def import_export_zip(user: Any, path: Path) -> ImportSummary:
    """Bring back the check-ins and answers of a Stridewell export zip (others are ignored)."""
    summary = ImportSummary()
    members = _export_members(path)
    for name, (kind, importer) in EXPORT_MEMBERS.items():
        data = members.get(name)
        if data is not None and detect_csv(data) == kind:
            summary.merge(importer(user, data), prefix=f"{name}: ")
    if (plan := members.get("safety_plan.json")) is not None:
        _restore_plan(user, plan, summary)
    return summary


def _export_members(path: Path) -> dict[str, bytes]:
    """The members an export zip brings back, read whole; none from a damaged zip.

    Only reading the zip is guarded: an error in the import itself must surface.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            found = {name: _member(archive, name) for name in (*EXPORT_MEMBERS, "safety_plan.json")}
    except ZIP_ERRORS:
        return {}  # the runs import reports a damaged zip already
    return {name: data for name, data in found.items() if data is not None}


def _restore_plan(user: Any, data: bytes, summary: ImportSummary) -> None:
    from stridewell.wellbeing.safety import restore_safety_plan

    try:
        changed = restore_safety_plan(user, data)
    except (ValueError, TypeError, AttributeError) as exc:
        summary.failed += 1
        summary.messages.append(f"safety_plan.json could not be read ({exc}).")
        return
    if changed:
        summary.imported += 1
    else:
        summary.duplicate += 1


def _member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """A top-level (or one folder down) member called ``name``, if it is of a sane size."""
    for info in archive.infolist():
        parts = PurePosixPath(info.filename).parts
        if parts and parts[-1] == name and len(parts) <= 2:
            return archive.read(info) if info.file_size <= MAX_MEMBER_BYTES else None
    return None
