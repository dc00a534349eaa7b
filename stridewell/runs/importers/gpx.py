"""GPX 1.0 / 1.1 reader: every track point of a file, in document order, as one activity.

Elements are matched by local name only: GPX 1.0 files often carry GPX 1.1
Garmin extensions, and apps use many prefixes (gpxtpx, ns3, none) for them.

A file with no track points but with timed route points is read from the
route points: some apps export a recording as a route. A route without times
is a plan, not an activity, and is refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from lxml import etree

from stridewell.runs.importers.base import NotAnActivity, ParsedActivity, Streams
from stridewell.runs.importers.xmlsafe import (
    FOOT_SPORTS,
    activity_kind,
    drop_impossible_positions,
    epoch_array,
    local_name,
    number,
    parse_xml,
    sport_from_name,
    utc_datetime,
)

# Extension elements we read, by lower-cased local name, whatever their namespace.
_EXTENSION_FIELDS = {"hr": "hr", "heartrate": "hr", "cad": "cad", "cadence": "cad"}
_EXTENSION_TAGS: dict[object, str] = {}
_NAN = math.nan


@dataclass
class _Columns:
    """Per-point values as Python lists: appending is far cheaper than growing arrays."""

    times: list[str | None] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    ele: list[float] = field(default_factory=list)
    hr: list[float] = field(default_factory=list)
    cad: list[float] = field(default_factory=list)


def parse(data: bytes) -> list[ParsedActivity]:
    root = parse_xml(data, "GPX")
    if activity_kind(root, "GPX") == "tcx":
        from stridewell.runs.importers import tcx  # a misnamed file: read it as what it is

        return tcx.read_root(root)
    return [read_root(root)]


def read_root(root: etree._Element) -> ParsedActivity:
    columns = _read_points(root, "{*}trkpt")
    if not columns.lat:
        columns = _read_points(root, "{*}rtept")
        if not any(columns.times):
            raise NotAnActivity("This GPX file holds no track (only routes or waypoints).")
    kind = _first_track_text(root, "type")
    sport = sport_from_name(kind)
    lost: list[str] = []
    streams, start = _streams(columns, sport, lost)
    return ParsedActivity(
        start=start,
        sport=sport,
        sub_sport=kind.strip().lower()[:80],  # "treadmill running" tells us it was indoors
        streams=streams,
        device=(root.get("creator") or "").strip(),
        name=_first_track_text(root, "name") or _metadata_name(root),
        lost=lost,
    )


def _read_points(root: etree._Element, tag: str) -> _Columns:
    """One pass over the points; ``root.iter`` matches the wildcard tag in C."""
    c = _Columns()
    add_time, add_lat, add_lon = c.times.append, c.lat.append, c.lon.append
    add_ele, add_hr, add_cad = c.ele.append, c.hr.append, c.cad.append
    for point in root.iter(tag):
        add_lat(number(point.get("lat")))
        add_lon(number(point.get("lon")))
        ele = hr = cad = _NAN
        time = None
        for child in point:
            name = local_name(child.tag)
            if name == "ele":
                ele = number(child.text)
            elif name == "time":
                time = child.text
            elif name == "extensions" or len(child):
                # GPX 1.0 has no <extensions>: apps put the Garmin block straight in the point.
                hr, cad = _extension_values(child, hr, cad)
        add_ele(ele)
        add_time(time)
        add_hr(hr)
        add_cad(cad)
    return c


def _extension_values(element: etree._Element, hr: float, cad: float) -> tuple[float, float]:
    for node in element.iter():
        kind = _extension_field(node.tag)
        if kind == "hr":
            hr = number(node.text)
        elif kind == "cad":
            cad = number(node.text)
    return hr, cad


def _extension_field(tag: object) -> str:
    kind = _EXTENSION_TAGS.get(tag)
    if kind is None:
        kind = _EXTENSION_FIELDS.get(local_name(tag).lower(), "")
        if len(_EXTENSION_TAGS) < 10_000:
            _EXTENSION_TAGS[tag] = kind
    return kind


def _streams(c: _Columns, sport: str, lost: list[str]) -> tuple[Streams, datetime | None]:
    seconds = epoch_array(c.times, lost)
    timed = np.flatnonzero(~np.isnan(seconds))
    start = utc_datetime(float(seconds[timed[0]])) if timed.size else None
    if timed.size:
        seconds -= seconds[timed[0]]
    lat, lon = np.array(c.lat), np.array(c.lon)
    drop_impossible_positions(lat, lon, lost)
    cad = np.array(c.cad)
    if sport in FOOT_SPORTS:
        # Garmin's TrackPointExtension holds strides (one foot) per minute for foot sports.
        cad *= 2.0
    # GPX states no distance: ``dist`` stays NaN, a summary computes it from positions.
    dist = np.full(len(seconds), np.nan)
    streams = Streams(seconds, lat, lon, np.array(c.ele), np.array(c.hr), cad, dist)
    return streams, start


def _first_track_text(root: etree._Element, field_name: str) -> str:
    """The first non-empty ``<trk><name>`` (or ``<type>``) of the file."""
    for track in root.iterchildren("{*}trk"):
        for child in track.iterchildren("{*}" + field_name):
            if child.text and child.text.strip():
                return child.text.strip()
    return ""


def _metadata_name(root: etree._Element) -> str:
    """GPX 1.1 keeps the file's name in <metadata>; GPX 1.0 straight under <gpx>."""
    for parent in (root, *root.iterchildren("{*}metadata")):
        for child in parent.iterchildren("{*}name"):
            if child.text and child.text.strip():
                return child.text.strip()
    return ""
