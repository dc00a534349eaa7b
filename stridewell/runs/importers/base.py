"""What every importer returns: plain data, no Django.

An importer is a pure function ``parse(data: bytes) -> list[ParsedActivity]``.
It raises ``ImportProblem`` with a sentence a person understands when nothing
usable can be read; when part of a file is readable it returns what it could
read and says what was lost in ``ParsedActivity.lost``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

# The sports a run can have. Files name many more; each importer maps its
# own names onto these (anything unknown becomes "other").
SPORTS = ("running", "walking", "hiking", "cycling", "swimming", "multisport", "other")

STREAM_NAMES = ("time", "lat", "lon", "ele", "hr", "cad", "dist")

# Run.visibility's choices (runs.models), for the lists that name one: importers stay free of Django.
VISIBILITIES = ("private", "buddies", "groups", "public")


def csv_text(data: bytes) -> str:
    """An activity list's bytes as text. NUL characters are dropped: PostgreSQL text
    cannot hold them (a fuzzed runs.csv imported on SQLite and failed there)."""
    return data.decode("utf-8-sig", errors="replace").replace("\x00", "")


def listed_number(value: float | None) -> float | None:
    """A list's figure (distance, time) as a Run can hold it: finite and not negative, else None."""
    if value is None or not math.isfinite(value) or value < 0:
        return None
    return value


def listed_exertion(value: float | None) -> int | None:
    """Perceived exertion on the 1-10 scale the API takes; None for anything else (NaN too)."""
    return int(value) if value is not None and 1 <= value <= 10 else None


class ImportProblem(Exception):
    """A file we cannot import; ``str(exc)`` is shown to the person as it is."""


class NotAnActivity(ImportProblem):
    """A file that is not an activity at all (an image, a settings file...)."""


@dataclass
class Streams:
    """Per-sample series of one activity, all the same length, float64, NaN where missing.

    time: seconds since ``ParsedActivity.start`` (NaN when the file has no times)
    lat, lon: degrees (WGS84); ele: metres; hr: beats per minute;
    cad: running cadence in steps per minute (FIT stores strides per minute for
         running: importers double it) or rpm for cycling;
    dist: metres from the start as the device recorded it (NaN when absent).
    """

    time: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    ele: np.ndarray
    hr: np.ndarray
    cad: np.ndarray
    dist: np.ndarray

    def __len__(self) -> int:
        return len(self.time)

    @classmethod
    def empty(cls, n: int = 0) -> Streams:
        return cls(*(np.full(n, np.nan) for _ in STREAM_NAMES))

    @classmethod
    def from_columns(cls, columns: Mapping[str, Sequence[float] | np.ndarray], n: int) -> Streams:
        """Build from a dict of columns; missing columns become all-NaN."""
        arrays = []
        for name in STREAM_NAMES:
            values = columns.get(name)
            arrays.append(
                np.full(n, np.nan) if values is None else np.asarray(values, dtype=np.float64)
            )
        return cls(*arrays)


@dataclass
class Lap:
    start_offset_s: float
    elapsed_s: float | None = None
    distance_m: float | None = None
    sport: str | None = None


@dataclass
class ParsedActivity:
    """One activity read from a file."""

    start: datetime | None  # aware, UTC; None only when the file holds no time at all
    sport: str  # one of SPORTS
    streams: Streams
    # The file's finer activity type, lower case: FIT's sub_sport ("treadmill",
    # "indoor_running", "trail"...) or GPX's free-text <type>; "" when it names none.
    sub_sport: str = ""
    device: str = ""
    name: str = ""
    notes: str = ""
    # What the file itself states, where it does (FIT session totals, TCX lap sums).
    device_distance_m: float | None = None
    timer_s: float | None = None
    elapsed_s: float | None = None
    # Multisport files: one entry per session ("swimming", "cycling", ...).
    sessions: list[str] = field(default_factory=list)
    laps: list[Lap] = field(default_factory=list)
    # Human sentences about what could not be read ("the file ends after 4,096 of 78,233 bytes").
    lost: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ListedActivity:
    """A row of an activity list that comes with files (Strava's activities.csv, our export's runs.csv).

    Its values win over what the file says where the person set them (name, notes, sport).
    A row without a file becomes a run of its own (a manual entry).
    """

    external_id: str  # "strava:123" or "stridewell:<uuid>"
    start: datetime | None
    name: str = ""
    sport: str = "other"
    notes: str = ""
    filename: str = ""
    elapsed_s: float | None = None
    moving_s: float | None = None
    distance_m: float | None = None
    perceived_exertion: int | None = None
    visibility: str | None = None
    # Our own export knows a sport exactly; Strava's "Workout" says little.
    sport_is_exact: bool = False
    # Our own export: a run type and indoors the person set themselves come back as set.
    run_type: str = ""
    run_type_by_user: bool = False
    indoor: bool | None = None
    indoor_by_user: bool = False
    # Who the run was shared with: the feeling tick and, for "groups", the groups' slugs.
    share_feeling: bool = False
    group_slugs: tuple[str, ...] = ()
