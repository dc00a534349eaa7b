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
from dataclasses import dataclass, field

import numpy as np
from lxml import etree

from stridewell.runs.importers.base import Lap, NotAnActivity, ParsedActivity, Streams
from stridewell.runs.importers.xmlsafe import (
    FOOT_SPORTS,
    activity_kind,
    drop_impossible_positions,
    epoch_array,
    epoch_seconds,
    local_name,
    number,
    parse_xml,
    sport_from_name,
    utc_datetime,
)

_NAN = math.nan


@dataclass
class _Columns:
    """Per-trackpoint values as Python lists: appending is far cheaper than growing arrays."""

    times: list[str | None] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    ele: list[float] = field(default_factory=list)
    dist: list[float] = field(default_factory=list)
    hr: list[float] = field(default_factory=list)
    cad: list[float] = field(default_factory=list)
    run_cad: list[float] = field(default_factory=list)


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
    columns = _Columns()
    laps = [_read_lap(lap, columns) for lap in activity.iterchildren("{*}Lap")]
    lost: list[str] = []
    streams, start_s = _streams(columns, sport, lost)
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


def _read_lap(lap: etree._Element, c: _Columns) -> _LapTotals:
    for track in lap.iterchildren("{*}Track"):
        _read_track(track, c)
    return _LapTotals(
        start=lap.get("StartTime"),
        timer_s=number(_child_text(lap, "TotalTimeSeconds")),
        distance_m=number(_child_text(lap, "DistanceMeters")),
    )


def _read_track(track: etree._Element, c: _Columns) -> None:
    """One pass over the trackpoints; a chain of string tests beats a dispatch table here."""
    add_time, add_lat, add_lon, add_ele = c.times.append, c.lat.append, c.lon.append, c.ele.append
    add_dist, add_hr, add_cad, add_run = c.dist.append, c.hr.append, c.cad.append, c.run_cad.append
    for point in track.iterchildren("{*}Trackpoint"):
        time = None
        lat = lon = ele = dist = hr = cad = run_cad = _NAN
        for child in point:
            name = local_name(child.tag)
            if name == "Time":
                time = child.text
            elif name == "Position":
                lat, lon = _position(child)
            elif name == "AltitudeMeters":
                ele = number(child.text)
            elif name == "DistanceMeters":
                dist = number(child.text)
            elif name == "HeartRateBpm":
                hr = _value(child)
            elif name == "Extensions":
                run_cad = _run_cadence(child)
            elif name == "Cadence":
                cad = number(child.text)
        add_time(time)
        add_lat(lat)
        add_lon(lon)
        add_ele(ele)
        add_dist(dist)
        add_hr(hr)
        add_cad(cad)
        add_run(run_cad)


def _position(position: etree._Element) -> tuple[float, float]:
    lat = lon = _NAN
    for child in position:
        name = local_name(child.tag)
        if name == "LatitudeDegrees":
            lat = number(child.text)
        elif name == "LongitudeDegrees":
            lon = number(child.text)
    return lat, lon


def _value(element: etree._Element) -> float:
    for child in element:
        if local_name(child.tag) == "Value":
            return number(child.text)
    return _NAN


def _run_cadence(extensions: etree._Element) -> float:
    for node in extensions.iter():
        if local_name(node.tag) == "RunCadence":
            return number(node.text)
    return _NAN


def _streams(c: _Columns, sport: str, lost: list[str]) -> tuple[Streams, float | None]:
    """The streams, and the epoch seconds of the first timed trackpoint (None if none is)."""
    seconds = epoch_array(c.times, lost)
    timed = np.flatnonzero(~np.isnan(seconds))
    start = float(seconds[timed[0]]) if timed.size else None
    if start is not None:
        seconds -= start
    lat, lon = np.array(c.lat), np.array(c.lon)
    drop_impossible_positions(lat, lon, lost)
    ele, hr, dist = np.array(c.ele), np.array(c.hr), np.array(c.dist)
    return Streams(seconds, lat, lon, ele, hr, _cadence(c, sport), dist), start


def _cadence(c: _Columns, sport: str) -> np.ndarray:
    run = np.array(c.run_cad)
    if sport in FOOT_SPORTS:
        run *= 2.0  # strides per minute -> steps per minute
    return np.where(np.isnan(run), np.array(c.cad), run)


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
