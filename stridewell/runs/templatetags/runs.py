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
