"""Read one entry into runs ready to store: decompress, sniff, parse, summarise, pack.

Pure and picklable, so a pool of processes can do it on every core while the
main process writes to the database.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from stridewell.runs import metrics
from stridewell.runs.importers import parser_for
from stridewell.runs.importers.archive import Entry, Limits, decompress_if_gzip
from stridewell.runs.importers.base import (
    ImportProblem,
    ListedActivity,
    NotAnActivity,
    ParsedActivity,
)
from stridewell.runs.importers.sniff import READABLE, sniff
from stridewell.runs.run_types import NO_HISTORY, History, RunFacts, automatic_type, is_indoor
from stridewell.runs.streams import pack

log = logging.getLogger(__name__)

# How a kept original is named, by format.
EXTENSIONS = {"fit": ".fit", "gpx": ".gpx", "tcx": ".tcx"}


@dataclass
class PreparedRun:
    """Field values for one Run, computed away from the database."""

    fields: dict[str, Any]
    streams_blob: bytes | None
    content_hash: str


@dataclass
class Prepared:
    """The outcome of reading one entry: runs to store, or why there are none."""

    name: str
    status: str  # "ok", "partly_read", "skipped" or "failed"
    message: str = ""
    runs: list[PreparedRun] = field(default_factory=list)
    original: bytes | None = None  # the bytes as they came (maybe gzipped), to keep
    original_ext: str = ""
    listed: ListedActivity | None = None
    source: str = "file"


def read_entry(
    entry: Entry, limits: Limits, max_hr: int | None, history: History = NO_HISTORY
) -> Prepared:
    """Never raises: every outcome is a Prepared with a status a person can read.

    ``max_hr`` is the profile's (for heart-rate zones); ``history`` is the person's
    earlier runs, for the run type (computed once per import by the caller).
    """
    outcome = Prepared(entry.name, "ok", listed=entry.listed, source=entry.source)
    if entry.refused:
        outcome.status, outcome.message = "failed", entry.refused
        return outcome
    try:
        if entry.data is None:
            return _listed_only(outcome, history)
        _read_file(entry.data, outcome, limits, max_hr, history)
    except NotAnActivity as exc:
        outcome.status, outcome.message = "skipped", str(exc)
    except ImportProblem as exc:
        outcome.status, outcome.message = "failed", str(exc)
    except Exception as exc:  # a parser bug must not stop the other files
        log.exception("unexpected error reading %s", entry.name)
        outcome.status = "failed"
        outcome.message = (
            f"We could not read this file: an unexpected error ({type(exc).__name__})."
        )
    return outcome


def _read_file(
    raw: bytes, outcome: Prepared, limits: Limits, max_hr: int | None, history: History
) -> None:
    data = decompress_if_gzip(raw, limits.max_file_bytes)
    fmt = sniff(data)
    if fmt == "empty":
        raise ImportProblem("This file is empty (0 bytes).")
    if fmt == "zip":
        raise NotAnActivity("This is a zip archive inside a compressed file; unpack it first.")
    if fmt not in READABLE:
        raise NotAnActivity(f"This is {fmt}, not an activity file (FIT, GPX or TCX).")
    activities = parser_for(fmt)(data)
    if not activities:
        raise NotAnActivity(f"This {fmt.upper()} file holds no activity.")
    digest = hashlib.sha256(data).hexdigest()
    outcome.original, outcome.original_ext = (
        raw,
        EXTENSIONS[fmt] + (".gz" if raw is not data else ""),
    )
    listed = outcome.listed
    for index, activity in enumerate(activities):
        content_hash = digest if index == 0 else f"{digest}:{index}"
        if activity.start is None and listed is not None and listed.start is not None:
            # A watch whose clock was never set: the list (Strava's) knows when it was.
            activity.start = listed.start
            activity.lost = []
        prepared = _prepare(activity, content_hash, max_hr)
        _classify(prepared.fields, activity, listed, history)
        outcome.runs.append(prepared)
    lost = [sentence for activity in activities for sentence in activity.lost]
    if lost:
        outcome.status, outcome.message = "partly_read", " ".join(lost)


def _prepare(activity: ParsedActivity, content_hash: str, max_hr: int | None) -> PreparedRun:
    if activity.start is None:
        why = " ".join(activity.lost) or "This file holds no times."
        raise ImportProblem(f"{why} Without a date we cannot keep it as a run.")
    summary = metrics.summarize(
        activity.streams,
        sport=activity.sport,
        device_distance_m=activity.device_distance_m,
        timer_s=activity.timer_s,
        elapsed_s=activity.elapsed_s,
        max_hr=max_hr,
    )
    fields = summary_fields(summary)
    fields.update(
        start=activity.start,
        end=_end(activity.start, summary.elapsed_s or 0.0),
        sport=activity.sport,
        name=activity.name[:200],
        notes=activity.notes,
        device=activity.device[:120],
        sessions=activity.sessions,
        laps=[lap.__dict__ for lap in activity.laps],
        lost=" ".join(activity.lost),
    )
    blob = pack(activity.streams) if len(activity.streams) else None
    return PreparedRun(fields=fields, streams_blob=blob, content_hash=content_hash)


def _end(start: datetime, elapsed_s: float) -> datetime:
    """When it ended; a duration that runs past the calendar (year 9999) is refused."""
    try:
        return start + timedelta(seconds=elapsed_s)
    except OverflowError:
        raise ImportProblem(
            f"This activity says it lasted {elapsed_s:,.0f} seconds, which ends past any date "
            "we can keep; its time cannot be right."
        ) from None


def listed_name(row: ListedActivity, file_name: str) -> str:
    """Our own export is exact (an empty name stays empty); Strava's empty name falls back to the file's."""
    return row.name[:200] if row.sport_is_exact else (row.name[:200] or file_name)


def listed_sport(row: ListedActivity, file_sport: str) -> str:
    if row.sport_is_exact or (row.sport != "other" and file_sport != "multisport"):
        return row.sport
    return file_sport


def _classify(
    fields: dict[str, Any],
    activity: ParsedActivity,
    listed: ListedActivity | None,
    history: History,
) -> None:
    """Run type and indoors, here where the streams are at hand, judged on the name and
    sport the run will get (a list's win over the file's, as imports._apply_listing does)."""
    name, sport, notes = fields["name"], fields["sport"], fields["notes"]
    if listed is not None:
        name, sport, notes = listed_name(listed, name), listed_sport(listed, sport), listed.notes
    facts = RunFacts(
        sport=sport,
        elapsed_s=fields["elapsed_s"],
        moving_s=fields["moving_s"],
        distance_m=fields["distance_m"],
        avg_hr=fields["avg_hr"],
        name=name,
        notes=notes,
        laps=fields["laps"],
    )
    fields["run_type"] = automatic_type(facts, activity.streams, history)
    fields["indoor"] = is_indoor(
        name=name,
        sub_sport=activity.sub_sport,
        streams=activity.streams,
        distance_m=fields["distance_m"],
        sport=sport,
    )


def summary_fields(summary: metrics.Summary) -> dict[str, Any]:
    return {
        "distance_m": summary.distance_m,
        "elapsed_s": summary.elapsed_s or 0.0,
        "moving_s": summary.moving_s,
        "ascent_m": summary.ascent_m,
        "descent_m": summary.descent_m,
        "avg_hr": summary.avg_hr,
        "max_hr": summary.max_hr,
        "avg_cadence": summary.avg_cadence,
        "max_cadence": summary.max_cadence,
        "hr_zones_s": summary.hr_zones_s,
        "points": summary.points,
        "gps_points": summary.gps_points,
    }


def _listed_only(outcome: Prepared, history: History) -> Prepared:
    """A listed row without a file: a manual entry, from the row's own figures."""
    row = outcome.listed
    assert row is not None
    if row.start is None:
        outcome.status, outcome.message = "failed", "This row's date could not be read."
        return outcome
    elapsed = row.elapsed_s or 0.0
    fields: dict[str, Any] = {
        "start": row.start,
        "end": _end(row.start, elapsed),
        "sport": row.sport,
        "elapsed_s": elapsed,
        "moving_s": row.moving_s,
        "distance_m": row.distance_m or None,
    }
    facts = RunFacts(
        sport=row.sport,
        elapsed_s=elapsed,
        moving_s=row.moving_s,
        distance_m=row.distance_m or None,
        name=row.name,
        notes=row.notes,
    )
    fields["run_type"] = automatic_type(facts, None, history)
    fields["indoor"] = is_indoor(name=row.name)
    outcome.runs.append(
        PreparedRun(fields=fields, streams_blob=None, content_hash=f"row:{row.external_id}")
    )
    outcome.source = "manual"
    return outcome
