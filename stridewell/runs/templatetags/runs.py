"""Template filters that format numbers in the person's units and respect "hide numbers"."""

from __future__ import annotations

from django import template

from stridewell.lib import units

register = template.Library()


@register.filter
def distance(metres: float | None, unit: str = "km") -> str:
    return units.distance(metres, unit or "km")


@register.filter
def duration(seconds: float | None) -> str:
    return units.duration(seconds)


@register.filter
def pace(seconds_per_km: float | None, unit: str = "km") -> str:
    return units.pace(seconds_per_km, unit or "km")


@register.filter
def rounded(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


@register.filter
def pace_per_unit(seconds_per_unit: float | None, unit: str = "km") -> str:
    """A pace already measured per ``unit`` (splits), written as m:ss /unit."""
    if not seconds_per_unit or seconds_per_unit > 24 * 3600:
        return "—"
    return f"{units.duration(seconds_per_unit)} /{unit}"
