"""The pieces every insight chart is drawn with: a scene of marks, axes, careful readers.

Charts in :mod:`stridewell.insights.chart_compare` and
:mod:`stridewell.insights.chart_trends` draw :class:`Mark` objects into a :class:`Scene`
in viewBox pixels; :mod:`stridewell.insights.charts` turns a scene into SVG for the
screen or for print. Marks carry a *role* ("dot", "mean", "num", …) rather than colours,
so the same scene can be painted for a page, for paper, or written onto a PDF.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Chart = dict[str, Any]
W = 360  # viewBox width: about a phone's, so 12px text stays near 11px on a 360px screen
H = 240
LEFT, RIGHT, TOP, BOTTOM = 36.0, W - 10.0, 28.0, H - 44.0  # the plot area of most charts
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# --------------------------------------------------------------------------- #
# Scene
# --------------------------------------------------------------------------- #


def coord(value: float | str) -> str:
    """A coordinate to one decimal: precise enough on screen, a third smaller than repr."""
    if isinstance(value, str):
        return value
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True, slots=True)
class Mark:
    """One SVG element: its tag, its role (which picks paint and class) and its geometry."""

    tag: str
    role: str
    geo: dict[str, str]
    text: str = ""


@dataclass(slots=True)
class Scene:
    width: float = W
    height: float = H
    marks: list[Mark] = field(default_factory=list)

    def add(self, tag: str, role: str, text: str = "", **geo: float | str) -> None:
        attrs = {k.replace("_", "-"): coord(v) for k, v in geo.items()}
        self.marks.append(Mark(tag, role, attrs, text))

    def line(self, role: str, x1: float, y1: float, x2: float, y2: float) -> None:
        self.add("line", role, x1=x1, y1=y1, x2=x2, y2=y2)

    def rect(self, role: str, x: float, y: float, w: float, h: float) -> None:
        self.add("rect", role, x=x, y=y, width=max(w, 0.0), height=max(h, 0.0))

    def circle(self, role: str, x: float, y: float, r: float) -> None:
        self.add("circle", role, cx=x, cy=y, r=r)

    def polyline(self, role: str, points: Sequence[tuple[float, float]]) -> None:
        self.add("polyline", role, points=" ".join(f"{coord(x)},{coord(y)}" for x, y in points))

    def path(self, role: str, *segments: tuple[float, float, float, float]) -> None:
        """Separate straight segments in one element (M/L only, which fpdf2 reads)."""
        d = " ".join(f"M{coord(a)} {coord(b)} L{coord(c)} {coord(e)}" for a, b, c, e in segments)
        self.add("path", role, d=d)

    def text(self, role: str, x: float, y: float, text: str, anchor: str = "middle") -> None:
        self.add("text", role, text, x=x, y=y, text_anchor=anchor)


@dataclass(frozen=True, slots=True)
class Kind:
    """How to draw, describe and name one chart type (the registry's value)."""

    draw: Callable[[Chart], Scene | None]
    describe: Callable[[Chart, bool], str]
    title: Callable[[Chart], str]


# --------------------------------------------------------------------------- #
# Reading the chart dict: anything may be missing, None, NaN or the wrong length
# --------------------------------------------------------------------------- #


def as_num(value: Any) -> float | None:
    """A finite float, or None for anything else (None, NaN, strings, booleans)."""
    if value is None or isinstance(value, str | bytes | bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def as_nums(value: Any) -> list[float | None]:
    return [as_num(v) for v in as_list(value)]


def pad(items: list[Any], n: int) -> list[Any]:
    """Exactly ``n`` items: cut, or filled with None."""
    return (items + [None] * n)[:n]


def as_interval(value: Any) -> tuple[float, float] | None:
    pair = as_nums(value)
    if len(pair) != 2 or pair[0] is None or pair[1] is None:
        return None
    return min(pair[0], pair[1]), max(pair[0], pair[1])


def as_text(value: Any, default: str = "", limit: int = 60) -> str:
    """A label, shortened with "..." so it cannot run over the chart (ASCII for PDF fonts)."""
    text = str(value).strip() if isinstance(value, str | int | float) else ""
    text = text or default
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def as_count(value: Any) -> int | None:
    number = as_num(value)
    return int(number) if number is not None and number >= 0 else None


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# --------------------------------------------------------------------------- #
# Numbers and words (ASCII only: the PDF report's core fonts have no U+2212)
# --------------------------------------------------------------------------- #


def fmt(value: float, digits: int = 1, *, trim: bool = True) -> str:
    """``value`` for reading, never ``-0``; ``trim`` drops trailing zeros (ticks: 0.5, 1, 1.5)."""
    text = f"{round(value, digits) + 0.0:.{digits}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fixed(value: float) -> str:
    """One decimal, always: averages and intervals read alike (1.0 to 1.8)."""
    return fmt(value, trim=False)


def pct(share: float) -> str:
    return f"{round(share * 100)}%"


def day_text(value: dt.date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def counted(n: int | None, word: str = "") -> str:
    """``"40 days"`` with a word, else ``"n = 40"``; empty without a count."""
    if n is None:
        return ""
    return f"{n} {word}" if word else f"n = {n}"


def compare(a: str, ma: float | None, b: str, mb: float | None) -> str:
    """``"Run days averaged higher than Rest days."`` (words only, for hidden numbers)."""
    if ma is None or mb is None:
        return ""
    if abs(ma - mb) < 0.05:
        return f"{a} averaged about the same as {b}."
    return f"{a} averaged {'higher' if ma > mb else 'lower'} than {b}."


def average(
    label: str, mean: float | None, ci: tuple[float, float] | None, n: int | None, word: str = ""
) -> str:
    """``"Run days (n = 40): average 1.2, 95% interval 0.8 to 1.6."``"""
    count = counted(n, word)
    head = f"{label} ({count})" if count else label
    if mean is None:
        return f"{head}: no average yet."
    interval = f", 95% interval {fixed(ci[0])} to {fixed(ci[1])}" if ci else ""
    return f"{head}: average {fixed(mean)}{interval}."


# --------------------------------------------------------------------------- #
# Axes
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Axis:
    """Maps data ``lo..hi`` onto pixels ``start..end``; values outside are clamped to the edge."""

    lo: float
    hi: float
    start: float
    end: float

    def at(self, value: float) -> float:
        span = self.hi - self.lo or 1.0
        clamped = min(max(value, self.lo), self.hi)
        return self.start + (clamped - self.lo) / span * (self.end - self.start)

    def ticks(self, target: int = 4) -> list[float]:
        """Round steps of 1, 2 or 5 (times a power of ten): -5, 0, 5 on the feeling scale."""
        span = self.hi - self.lo
        if span <= 0:
            return [self.lo]
        raw = span / target
        magnitude = 10 ** math.floor(math.log10(raw))
        step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
        first = math.ceil(self.lo / step - 1e-9) * step
        count = math.floor((self.hi - first) / step + 1e-9) + 1
        return [round(first + i * step, 10) for i in range(max(count, 0))]


def data_range(
    values: Iterable[float | None], fixed: Any = None, include: Sequence[float] = ()
) -> tuple[float, float]:
    """The axis range: ``fixed`` when it is a valid ``[lo, hi]``, else the data padded by 6%."""
    given = as_interval(fixed)
    if given and given[1] > given[0]:
        return given
    data = [v for v in values if v is not None] + list(include)
    if not data:
        return 0.0, 1.0
    lo, hi = min(data), max(data)
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    padding = (hi - lo) * 0.06
    return lo - padding, hi + padding


def y_ticks(
    scene: Scene, y: Axis, left: float, right: float, label: Callable[[float], str] = fmt
) -> None:
    """Grid lines with their numbers on the left, and a dashed zero line inside the range."""
    for tick in y.ticks():
        scene.line("grid", left, y.at(tick), right, y.at(tick))
        scene.text("num", left - 6, y.at(tick) + 4, label(tick), anchor="end")
    if y.lo < 0 < y.hi:
        scene.line("zero", left, y.at(0), right, y.at(0))


def x_ticks(scene: Scene, x: Axis, top: float, bottom: float) -> None:
    """Vertical grid lines with their numbers below, and a dashed zero line inside the range."""
    for tick in x.ticks():
        scene.line("grid", x.at(tick), top, x.at(tick), bottom)
        scene.text("num", x.at(tick), bottom + 15, fmt(tick, 2))
    if x.lo < 0 < x.hi:
        scene.line("zero", x.at(0), top, x.at(0), bottom)
