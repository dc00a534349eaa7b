"""What the importer fuzzer feeds each input to, and what counts as a bug.

One ``check_<format>`` per format takes the fuzzer's bytes through the same pure
path an upload takes (``expand`` → ``read_entry`` for activity files and
archives, the listing readers for activities.csv / runs.csv, ``parse_daylio``
for Daylio). A clear import error (``ImportProblem``, ``DaylioError``, a
``Prepared`` with status "failed" or "skipped" whose message a person can read)
is a correct answer; anything else is a bug and raises ``Bug``:

* an exception other than the clear errors (read_entry swallows those into an
  "unexpected error" result and logs them: we listen to that log);
* a run the database would refuse or mangle: a naive or missing start, an end
  before the start, a number that is NaN or infinite, JSON that is not strict
  JSON (NaN in laps), a count below zero.
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from stridewell.runs.importers.archive import Entry, Limits, expand
from stridewell.runs.importers.base import SPORTS, ImportProblem, ListedActivity
from stridewell.runs.importers.export_csv import read_runs_csv
from stridewell.runs.importers.read import Prepared, read_entry
from stridewell.runs.importers.strava import read_activities_csv
from stridewell.runs.imports import estimate_entries
from stridewell.runs.run_types import NO_HISTORY
from stridewell.wellbeing.daylio import (
    DEFAULT_MOOD_MAP,
    DaylioError,
    missing_labels,
    parse_daylio,
    score_for,
)

MB = 1024 * 1024
# Small limits: the fuzzer's inputs are small, and the refusals are paths to cover too.
LIMITS = Limits(max_file_bytes=4 * MB, max_archive_bytes=16 * MB, max_ratio=200, max_members=500)
MAX_HR = 190
# A zone with daylight saving: Daylio's local times may fall in its gaps and overlaps.
LOCAL_TZ = ZoneInfo("Europe/London")
STATUSES = ("ok", "partly_read", "skipped", "failed")
JSON_FIELDS = ("hr_zones_s", "sessions", "laps")
COUNT_FIELDS = ("points", "gps_points")
# Run.visibility's choices, and the 1-10 exertion the API accepts (runs.models needs Django set up).
VISIBILITIES = ("private", "buddies", "groups", "public")
EXERTION = range(1, 11)
UNEXPECTED = "an unexpected error"


class Bug(Exception):
    """An input made an importer do something other than import or refuse it clearly."""


class _Unexpected(logging.Handler):
    """Collects what read_entry logs when a parser raised something it should not have."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_HANDLER = _Unexpected()
_READ_LOG = logging.getLogger("stridewell.runs.importers.read")
_READ_LOG.addHandler(_HANDLER)
_READ_LOG.propagate = False  # the fuzzer's log stays readable


def _read(entry: Entry) -> Prepared:
    _HANDLER.records.clear()
    prepared = read_entry(entry, LIMITS, MAX_HR, NO_HISTORY)
    if _HANDLER.records:
        record = _HANDLER.records[0]
        if record.exc_info and record.exc_info[1] is not None:
            raise Bug(f"read_entry: {record.exc_info[1]!r}") from record.exc_info[1]
        raise Bug(f"read_entry logged: {record.getMessage()}")
    check_prepared(prepared)
    return prepared


def check_prepared(prepared: Prepared) -> None:
    """The invariants a Prepared must hold for the writer to store it as it is."""
    if prepared.status not in STATUSES:
        raise Bug(f"status {prepared.status!r}")
    if prepared.status in ("failed", "skipped"):
        if not prepared.message or UNEXPECTED in prepared.message:
            raise Bug(f"{prepared.status} without a clear message: {prepared.message!r}")
        return
    if not prepared.runs:
        raise Bug(f"status {prepared.status} with no run")
    for run in prepared.runs:
        check_fields(run.fields)


def check_fields(fields: dict[str, Any]) -> None:
    start, end = fields["start"], fields["end"]
    if not isinstance(start, datetime) or timezone.is_naive(start):
        raise Bug(f"start {start!r}")
    if not isinstance(end, datetime) or end < start:
        raise Bug(f"end {end!r} before start {start!r}")
    for name, value in fields.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise Bug(f"{name} is {value}")
    for name in JSON_FIELDS:
        if name in fields:
            try:
                json.dumps(fields[name], allow_nan=False)
            except (TypeError, ValueError) as exc:
                raise Bug(f"{name} is not strict JSON: {exc}") from exc
    for name in COUNT_FIELDS:
        if name in fields and fields[name] < 0:
            raise Bug(f"{name} is {fields[name]}")


def _activity_file(data: bytes, name: str) -> None:
    _read(Entry(name, data=data))


def check_fit(data: bytes) -> None:
    _activity_file(data, "fuzz.fit")


def check_gpx(data: bytes) -> None:
    _activity_file(data, "fuzz.gpx")


def check_tcx(data: bytes) -> None:
    _activity_file(data, "fuzz.tcx")


def check_zip(data: bytes) -> None:
    """An uploaded archive: the upload is a file on disk, as import_files sees it."""
    with tempfile.NamedTemporaryFile(suffix=".zip", dir=_scratch()) as handle:
        handle.write(data)
        handle.flush()
        path = Path(handle.name)
        estimate_entries(path)
        for entry in expand(path, "fuzz.zip", LIMITS):
            if entry.listed is not None:
                check_listed(entry.listed)
            _read(entry)


def check_strava_csv(data: bytes) -> None:
    """Strava's activities.csv and our own runs.csv: rows, then each row as a manual run."""
    for reader in (read_activities_csv, read_runs_csv):
        try:
            rows = reader(data)
        except ImportProblem as exc:
            if not str(exc):
                raise Bug("ImportProblem without a message") from exc
            continue
        for row in rows:
            _listed_row(row)


def check_listed(row: ListedActivity) -> None:
    """A listed row's values go into a Run as they are: they must be ones a Run can hold."""
    if row.sport not in SPORTS:
        raise Bug(f"listed sport {row.sport!r}")
    if row.visibility is not None and row.visibility not in VISIBILITIES:
        raise Bug(f"listed visibility {row.visibility!r}")
    if row.perceived_exertion is not None and row.perceived_exertion not in EXERTION:
        raise Bug(f"listed perceived exertion {row.perceived_exertion!r}")
    for name in ("elapsed_s", "moving_s", "distance_m"):
        value = getattr(row, name)
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise Bug(f"listed {name} is {value}")


def _listed_row(row: ListedActivity) -> None:
    check_listed(row)
    _read(Entry(f"row {row.external_id}", listed=row, source="archive"))


def check_daylio(data: bytes) -> None:
    """The Daylio upload: read, find moods without a score, place each entry in local time."""
    try:
        export = parse_daylio(data)
    except DaylioError as exc:
        if not str(exc):
            raise Bug("DaylioError without a message") from exc
        return
    missing_labels(export, DEFAULT_MOOD_MAP)
    for row in export.rows:
        score_for(row.mood_label, DEFAULT_MOOD_MAP)
        timezone.make_aware(row.local_datetime, LOCAL_TZ)


_SCRATCH: list[str] = []


def _scratch() -> str:
    """A RAM-backed directory where there is one: a file per input must stay cheap."""
    if not _SCRATCH:
        shm = Path("/dev/shm")
        _SCRATCH.append(str(shm) if shm.is_dir() else tempfile.gettempdir())
    return _SCRATCH[0]


TARGETS: dict[str, Callable[[bytes], None]] = {
    "fit": check_fit,
    "gpx": check_gpx,
    "tcx": check_tcx,
    "zip": check_zip,
    "strava_csv": check_strava_csv,
    "daylio": check_daylio,
}
