"""A forgiving consistency measure, and the optional streak.

Consistency is an exponentially weighted share of the sessions a plan asks for: each
session weighs 0.5^(age / half-life), and the sum is divided by what the same weights
give for ``per_week`` sessions spread evenly. A missed day only lets it fade a little;
nothing ever drops it to zero at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

HALF_LIFE_DAYS = 14.0
HORIZON_DAYS = 90


def weight(age_days: int) -> float:
    return float(0.5 ** (age_days / HALF_LIFE_DAYS))


def consistency(days: Iterable[date], today: date, per_week: int = 3) -> float:
    """0 … 1: sessions on ``days`` (one counted per day) against ``per_week`` a week."""
    active = {day for day in days if 0 <= (today - day).days < HORIZON_DAYS}
    got = sum(weight((today - day).days) for day in active)
    expected = sum(weight(age) for age in range(HORIZON_DAYS)) * per_week / 7
    return min(1.0, got / expected)


def words(score: float) -> str:
    """Kind words for the measure; the number is there for those who want it."""
    if score >= 0.75:
        return "Steady — you've been getting out regularly."
    if score >= 0.4:
        return "Building — every session adds to it."
    if score > 0:
        return "Getting started — each small step counts."
    return "Ready whenever you are."


def week_streak(days: Iterable[date], today: date) -> int:
    """Weeks in a row (this one or last one counting as current) with at least one session."""
    weeks = {day - timedelta(days=day.weekday()) for day in days}
    monday = today - timedelta(days=today.weekday())
    if monday not in weeks:
        monday -= timedelta(days=7)
    count = 0
    while monday in weeks:
        count += 1
        monday -= timedelta(days=7)
    return count
