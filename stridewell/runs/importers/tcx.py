"""TCX (Garmin Training Center) reader: one ParsedActivity per <Activity>.

Elements are matched by local name, so files without the TCX namespace, or
with any prefix for Garmin's ActivityExtension (ns3, ax, none), read the same.

Cadence: the TPX ``RunCadence`` extension holds strides (one foot) per minute
in Garmin exports, so it is doubled for foot sports to give steps per minute,
like the FIT importer does. The plain ``<Cadence>`` element is bike cadence in
the TCX schema and is kept as it is (rpm); ``RunCadence`` wins when both exist.
Lap ``TotalTimeSeconds`` is timer time; their sums become ``timer_s`` and the
sum of lap ``DistanceMeters`` becomes ``device_distance_m``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from lxml import etree

from stridewell.runs.importers.base import Lap, NotAnActivity, ParsedActivity, Streams
from stridewell.runs.importers.xmlsafe import (
    FOOT_SPORTS,
    activity_kind,
    drop_impossible_positions,
    epoch_array,
    epoch_seconds,
    finite_array,
    number,
    parse_xml,
    sport_from_name,
    utc_datetime,
)

# Where each stream lives: the element, and how many levels below its Trackpoint
# (Position/LatitudeDegrees is 2 deep, Extensions/TPX/RunCadence 3; at most 3).
# Only HeartRateBpm has a <Value> child in the TCX schema, so depth alone places it.
_FIELDS = {
    "time": ("{*}Time", 1),
    "lat": ("{*}LatitudeDegrees", 2),
    "lon": ("{*}LongitudeDegrees", 2),
    "ele": ("{*}AltitudeMeters", 1),
    "dist": ("{*}DistanceMeters", 1),
    "hr": ("{*}Value", 2),
    "cad": ("{*}Cadence", 1),
    "run_cad": ("{*}RunCadence", 3),
}


@dataclass
class _LapTotals:
    start: str | None
    timer_s: float
    distance_m: float


def parse(data: bytes) -> list[ParsedActivity]:
    root = parse_xml(data, "TCX")
    if activity_kind(root, "TCX") == "gpx":
        from stridewell.runs.importers import gpx  # a misnamed file: read it as what it is

        return [gpx.read_root(root)]
    return read_root(root)


def read_root(root: etree._Element) -> list[ParsedActivity]:
    # iter() also finds the activities nested in a MultiSportSession.
    activities = [_read_activity(activity) for activity in root.iter("{*}Activity")]
    if not activities:
        raise NotAnActivity("This TCX file holds no activity (it may be a course or a workout).")
    return activities


def _read_activity(activity: etree._Element) -> ParsedActivity:
    sport = sport_from_name(activity.get("Sport"))
    laps = [_read_lap(lap) for lap in activity.iterchildren("{*}Lap")]
    lost: list[str] = []
    streams, start_s = _streams(_columns(activity), sport, lost)
    if start_s is None:
        start_s = _first_time(_child_text(activity, "Id"), *(lap.start for lap in laps))
    return ParsedActivity(
        start=None if start_s is None else utc_datetime(start_s),
        sport=sport,
        streams=streams,
        device=_child_text(_child(activity, "Creator"), "Name"),
        notes=_child_text(activity, "Notes"),
        device_distance_m=_total(lap.distance_m for lap in laps),
        timer_s=_total(lap.timer_s for lap in laps),
        laps=[_lap(lap, start_s) for lap in laps],
        lost=lost,
    )


def _read_lap(lap: etree._Element) -> _LapTotals:
    return _LapTotals(
        start=lap.get("StartTime"),
        timer_s=number(_child_text(lap, "TotalTimeSeconds")),
        distance_m=number(_child_text(lap, "DistanceMeters")),
    )


def _columns(activity: etree._Element) -> tuple[int, dict[str, list[str | None]]]:
    """The number of trackpoints, and the text of each field per trackpoint.

    One ``iter`` per field instead of a walk through every trackpoint's
    children: lxml finds the elements in C, and Python touches only the ones
    we keep. Each element goes to the trackpoint it sits under, so points
    without a position (treadmill) or heart rate keep the columns aligned.
    A field no trackpoint has is left out.
    """
    points = {point: i for i, point in enumerate(activity.iter("{*}Trackpoint"))}
    index_of = points.get
    columns: dict[str, list[str | None]] = {}
    for field, (tag, depth) in _FIELDS.items():
        column: list[str | None] = [None] * len(points)
        found = False
        for element in activity.iter(tag):
            # Unrolled walk up to the trackpoint (depth <= 3): a loop costs a third more here.
            owner = element.getparent()
            if depth > 1 and owner is not None:
                owner = owner.getparent()
                if depth > 2 and owner is not None:
                    owner = owner.getparent()
            index = index_of(owner)
            if index is not None:
                column[index] = element.text
                found = True
        if found:
            columns[field] = column
    return len(points), columns


def _floats(texts: list[str | None] | None, n: int) -> np.ndarray:
    """float64 per text, NaN where absent or unreadable."""
    if texts is None:
        return np.full(n, np.nan)
    try:
        # numpy converts a list of strings (None -> NaN) in C; bad text raises.
        return finite_array(texts)
    except ValueError:
        return np.array([number(text) for text in texts], dtype=np.float64)


def _streams(
    points: tuple[int, dict[str, list[str | None]]], sport: str, lost: list[str]
) -> tuple[Streams, float | None]:
    """The streams, and the epoch seconds of the first timed trackpoint (None if none is)."""
    n, columns = points
    seconds = epoch_array(columns.get("time") or [None] * n, lost)
    timed = np.flatnonzero(~np.isnan(seconds))
    start = float(seconds[timed[0]]) if timed.size else None
    if start is not None:
        seconds -= start
    lat, lon, ele, dist, hr, cad, run = (
        _floats(columns.get(name), n)
        for name in ("lat", "lon", "ele", "dist", "hr", "cad", "run_cad")
    )
    drop_impossible_positions(lat, lon, lost)
    if sport in FOOT_SPORTS:
        run *= 2.0  # strides per minute -> steps per minute
    cad = np.where(np.isnan(run), cad, run)
    return Streams(seconds, lat, lon, ele, hr, cad, dist), start


def _first_time(*texts: str | None) -> float | None:
    """Epoch seconds of the first readable timestamp among ``texts``."""
    for text in texts:
        if text:
            try:
                return epoch_seconds(text)
            except ValueError:
                continue
    return None


def _lap(lap: _LapTotals, start_s: float | None) -> Lap:
    lap_start = _first_time(lap.start)
    offset = lap_start - start_s if lap_start is not None and start_s is not None else 0.0
    return Lap(
        start_offset_s=offset,
        elapsed_s=None if math.isnan(lap.timer_s) else lap.timer_s,
        distance_m=None if math.isnan(lap.distance_m) else lap.distance_m,
    )


def _total(values: Iterable[float]) -> float | None:
    """Sum of the values that are stated; None when none is."""
    stated = [v for v in values if not math.isnan(v)]
    return math.fsum(stated) if stated else None


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    return next(element.iterchildren("{*}" + name), None)


def _child_text(element: etree._Element | None, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""
