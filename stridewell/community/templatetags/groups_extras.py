"""Template filters for group pages: goal amounts and group-run distances in plain words."""

from __future__ import annotations

from django import template

from stridewell.community.models import Metric

register = template.Library()


@register.filter
def goal_amount(value: float | None, metric: str) -> str:
    """500 km, 1,200 minutes, 37 sessions: whole numbers, except short distances."""
    amount = value or 0.0
    if metric == Metric.DISTANCE:
        return f"{amount:,.1f} km" if amount < 100 else f"{amount:,.0f} km"
    if metric == Metric.MINUTES:
        return f"{amount:,.0f} minutes"
    sessions = int(round(amount))
    return f"{sessions:,} session{'s' if sessions != 1 else ''}"


@register.filter
def tz_label(name: str) -> str:
    """America/New_York as people write it: America/New York."""
    return str(name).replace("_", " ")
