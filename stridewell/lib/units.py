"""Numbers as a person reads them: km or miles, h:mm:ss, min/km."""

from __future__ import annotations

import math
import re

METRES_PER_UNIT = {"km": 1000.0, "mi": 1609.344}


def unit_metres(units: str) -> float:
    return METRES_PER_UNIT.get(units, 1000.0)


def distance(metres: float | None, units: str = "km", digits: int = 2) -> str:
    if metres is None:
        return "—"
    return f"{metres / unit_metres(units):,.{digits}f} {units}"


def duration(seconds: float | None) -> str:
    """1:02:03 for an hour and more, 12:34 below it."""
    if seconds is None or math.isnan(seconds):
        return "—"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def pace(seconds_per_km: float | None, units: str = "km") -> str:
    if not seconds_per_km or math.isnan(seconds_per_km) or seconds_per_km > 3600:
        return "—"
    per_unit = seconds_per_km * unit_metres(units) / 1000
    return f"{duration(per_unit)} /{units}"


_DURATION = re.compile(r"^\s*(?:(\d+):)?(\d+)(?::(\d+))?\s*$")


def parse_duration(text: str) -> float | None:
    """'10' (minutes), '45:30' (minutes:seconds) or '1:02:03' (hours:minutes:seconds)."""
    match = _DURATION.match(text or "")
    if not match:
        return None
    first, middle, last = match.groups()
    if first is None and last is None:
        return int(middle) * 60.0
    if first is None:
        return int(middle) * 60.0 + int(last)
    if last is None:
        return int(first) * 60.0 + int(middle)
    return int(first) * 3600.0 + int(middle) * 60.0 + int(last)
