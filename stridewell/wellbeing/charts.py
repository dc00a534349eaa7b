"""Data for the wellbeing charts: a year in colours, a feeling timeline, questionnaire trends.

Queries plus plain computation, no HTTP. Every function takes the user and only
ever reads that user's rows (``owned_by``). Days are calendar days in the user's
timezone (``Profile.tzinfo``), never UTC days.
"""

from __future__ import annotations

import calendar
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from stridewell.runs.models import Run
from stridewell.wellbeing import instruments
from stridewell.wellbeing.instruments import Instrument
from stridewell.wellbeing.models import CheckIn, Response

TIMELINE_RANGES = (30, 90, 365)
DEFAULT_TIMELINE_DAYS = 90
# The legend of the year in colours: one step per point of the Feeling Scale.
FEELING_STEPS = tuple(range(-5, 6))


# ---------- shared helpers -----------------------------------------------------


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The start of ``day`` in ``tz`` (aware)."""
    return datetime.combine(day, time.min, tz)


def signed(value: float, places: int = 1) -> str:
    """A feeling with its sign: ``+1.2``, ``−0.5``, ``0``."""
    text = f"{abs(value):.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "0":
        return "0"
    return ("+" if value > 0 else "−") + text


def feeling_step(mean: float) -> int:
    """A mean feeling rounded half away from zero to a whole point of the scale."""
    step = math.floor(abs(mean) + 0.5)
    return int(math.copysign(step, mean)) if step else 0


def feeling_class(mean: float | None) -> str:
    """The CSS class colouring a day: ``feel-m5`` … ``feel-0`` … ``feel-p5``; ``feel-none``."""
    if mean is None:
        return "feel-none"
    step = feeling_step(mean)
    return "feel-0" if step == 0 else f"feel-{'p' if step > 0 else 'm'}{abs(step)}"


def _checkins_between(user: Any, first: date, last: date, tz: tzinfo) -> list[tuple[datetime, int]]:
    """(local time, feeling) of the user's check-ins from ``first`` to ``last`` inclusive."""
    rows = (
        CheckIn.objects.owned_by(user)
        .filter(
            recorded_at__gte=local_midnight(first, tz),
            recorded_at__lt=local_midnight(last + timedelta(days=1), tz),
        )
        .order_by("recorded_at")
        .values_list("recorded_at", "feeling")
    )
    return [(at.astimezone(tz), feeling) for at, feeling in rows]


@dataclass(frozen=True)
class DayMean:
    day: date
    mean: float
    count: int


def day_means(checkins: Iterable[tuple[datetime, int]]) -> dict[date, DayMean]:
    """The mean feeling per local day of (local time, feeling) pairs."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for at, feeling in checkins:
        by_day[at.date()].append(feeling)
    return {
        day: DayMean(day, sum(values) / len(values), len(values)) for day, values in by_day.items()
    }


# ---------- 1. the year in colours ----------------------------------------------


@dataclass(frozen=True)
class Cell:
    day: date | None  # None: a day the month does not have (30 February)
    css: str
    label: str


@dataclass(frozen=True)
class MonthRow:
    name: str
    short: str
    cells: list[Cell]


@dataclass(frozen=True)
class YearInColours:
    year: int
    rows: list[MonthRow]
    days_checked_in: int
    checkins: int
    mean: float | None
    summary: str


def _cell(year: int, month: int, day_number: int, means: dict[date, DayMean]) -> Cell:
    if day_number > calendar.monthrange(year, month)[1]:
        return Cell(None, "pixel-none", "")
    day = date(year, month, day_number)
    name = f"{day.day} {calendar.month_name[month]}"
    found = means.get(day)
    if found is None:
        return Cell(day, "feel-none", f"{name}: no check-in")
    times = "check-in" if found.count == 1 else "check-ins"
    label = f"{name}: mean feeling {signed(found.mean)} from {found.count} {times}"
    return Cell(day, feeling_class(found.mean), label)


def year_summary(year: int, days: int, mean: float | None) -> str:
    if mean is None:
        return f"In {year} you have not checked in yet."
    plural = "day" if days == 1 else "days"
    return f"In {year} you checked in on {days} {plural}; the mean feeling was {signed(mean)}."


def year_in_colours(user: Any, year: int, tz: tzinfo) -> YearInColours:
    """One cell per day of ``year``, coloured by the day's mean feeling."""
    checkins = _checkins_between(user, date(year, 1, 1), date(year, 12, 31), tz)
    means = day_means(checkins)
    rows = [
        MonthRow(
            calendar.month_name[month],
            calendar.month_abbr[month],
            [_cell(year, month, number, means) for number in range(1, 32)],
        )
        for month in range(1, 13)
    ]
    mean = sum(f for _, f in checkins) / len(checkins) if checkins else None
    summary = year_summary(year, len(means), mean)
    return YearInColours(year, rows, len(means), len(checkins), mean, summary)


def legend() -> list[tuple[str, str]]:
    """(CSS class, label) for each point of the Feeling Scale."""
    return [(feeling_class(step), signed(step, 0)) for step in FEELING_STEPS]


# ---------- 2. the timeline -------------------------------------------------------


def timeline_days(raw: str | None) -> int:
    """The ``days`` query value, kept to 7…730; 90 when missing or not a number."""
    try:
        days = int(raw or DEFAULT_TIMELINE_DAYS)
    except ValueError:
        return DEFAULT_TIMELINE_DAYS
    return min(max(days, 7), 730)


def _run_days(user: Any, first: date, last: date, tz: tzinfo) -> Counter[date]:
    starts = Run.objects.owned_by(user).on_days(first, last, tz).values_list("start", flat=True)
    return Counter(start.astimezone(tz).date() for start in starts)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def timeline_summary(days: int, means: dict[date, DayMean], runs: Counter[date]) -> str:
    if not means:
        return f"You have not checked in during the last {days} days."
    count = sum(m.count for m in means.values())
    overall = sum(m.mean * m.count for m in means.values()) / count
    text = (
        f"Over the last {days} days you checked in {_times(count)} on {_count(len(means), 'day')}; "
        f"the mean feeling was {signed(overall)}."
    )
    on_run = [m.mean for day, m in means.items() if day in runs]
    off_run = [m.mean for day, m in means.items() if day not in runs]
    if on_run and off_run:
        text += (
            f" On days with a run the daily mean was {signed(sum(on_run) / len(on_run))},"
            f" on other days {signed(sum(off_run) / len(off_run))}."
        )
    return text


def timeline(user: Any, days: int, tz: tzinfo, today: date) -> dict[str, Any]:
    """Daily mean feeling, runs per day and each check-in over the ``days`` up to ``today``.

    ``day`` holds epoch seconds of each local midnight; ``mean_feeling`` is null on
    days without a check-in; ``checkins`` is a list of ``[epoch seconds, feeling]``.
    """
    first = today - timedelta(days=days - 1)
    checkins = _checkins_between(user, first, today, tz)
    means = day_means(checkins)
    runs = _run_days(user, first, today, tz)
    span = [first + timedelta(days=offset) for offset in range(days)]
    return {
        "days": days,
        "day": [int(local_midnight(day, tz).timestamp()) for day in span],
        "mean_feeling": [round(means[d].mean, 2) if d in means else None for d in span],
        "runs": [runs.get(day, 0) for day in span],
        "checkins": [[int(at.timestamp()), feeling] for at, feeling in checkins],
        "summary": timeline_summary(days, means, runs),
    }


# ---------- 3. questionnaire trends ---------------------------------------------


def answered_instruments(user: Any) -> list[Instrument]:
    """The instruments the user has answered, in the registry's order."""
    ids = set(Response.objects.owned_by(user).values_list("instrument", flat=True))
    return [instrument for key, instrument in instruments.INSTRUMENTS.items() if key in ids]


def _short_date(at: datetime, today: date) -> str:
    text = f"{at.day} {at:%b}"
    return text if at.year == today.year else f"{text} {at.year}"


def change_text(instrument: Instrument, at: datetime, delta: int, today: date) -> str:
    """``12 Mar: WHO-5 rose by 12 — a meaningful change``."""
    moved = "rose" if delta > 0 else "fell"
    return f"{_short_date(at, today)}: {instrument.short_name} {moved} by {abs(delta)} — a meaningful change"


def is_meaningful(instrument: Instrument, delta: int | None) -> bool:
    threshold = instrument.meaningful_change
    return threshold is not None and delta is not None and abs(delta) >= threshold


def _points(
    instrument: Instrument, rows: list[tuple[datetime, int]], today: date
) -> list[dict[str, Any]]:
    points: list[dict[str, Any]] = []
    previous: int | None = None
    for at, score in rows:
        delta = None if previous is None else score - previous
        meaningful = is_meaningful(instrument, delta)
        points.append(
            {
                "t": int(at.timestamp()),
                "score": score,
                "band": instrument.band_for(score).name,
                "change": delta,
                "meaningful": meaningful,
                "text": change_text(instrument, at, delta or 0, today) if meaningful else "",
            }
        )
        previous = score
    return points


def trend(user: Any, instrument: Instrument, tz: tzinfo, today: date) -> dict[str, Any]:
    """The user's scores on ``instrument`` over time, its bands and the meaningful changes."""
    rows = (
        Response.objects.owned_by(user)
        .filter(instrument=instrument.id)
        .order_by("recorded_at")
        .values_list("recorded_at", "score")
    )
    points = _points(instrument, [(at.astimezone(tz), score) for at, score in rows], today)
    return {
        "instrument": instrument.id,
        "name": instrument.short_name,
        "min_score": instrument.min_score,
        "max_score": instrument.max_score,
        "meaningful_change": instrument.meaningful_change,
        "bands": [{"low": b.low, "high": b.high, "name": b.name} for b in instrument.bands],
        "t": [p["t"] for p in points],
        "score": [p["score"] for p in points],
        "meaningful": [p["meaningful"] for p in points],
        "changes": [
            {"t": p["t"], "change": p["change"], "text": p["text"]}
            for p in points
            if p["meaningful"]
        ],
        "summary": trend_summary(instrument, points),
    }


def trend_summary(instrument: Instrument, points: list[dict[str, Any]]) -> str:
    if not points:
        return f"You have not answered the {instrument.short_name} yet."
    last = points[-1]
    times = "once" if len(points) == 1 else f"{len(points)} times"
    marked = sum(1 for p in points if p["meaningful"])
    changes = (
        "no meaningful change"
        if not marked
        else f"{marked} meaningful change" + ("s" if marked > 1 else "")
    )
    text = (
        f"You answered the {instrument.short_name} {times}; the latest score was {last['score']} "
        f"({last['band']})"
    )
    return text + "." if len(points) == 1 else f"{text}, with {changes} between answers."
