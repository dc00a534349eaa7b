"""Charts of change: scatter_trend, timeline and score_trend.

Shapes of the chart dicts are the contract in :mod:`stridewell.insights.charts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stridewell.insights.chart_parts import (
    BOTTOM,
    LEFT,
    MONTHS,
    RIGHT,
    TOP,
    Axis,
    Chart,
    Kind,
    Scene,
    W,
    as_date,
    as_list,
    as_num,
    as_nums,
    as_text,
    data_range,
    day_text,
    fixed,
    fmt,
    pad,
    y_ticks,
)

# --------------------------------------------------------------------------- #
# scatter_trend: points and a fitted line, in one or two panels
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Scatter:
    points: list[tuple[float, float]]
    line: tuple[float, float] | None  # intercept, slope
    x_label: str
    y_label: str

    @classmethod
    def read(cls, c: Any) -> Scatter:
        c = c if isinstance(c, dict) else {}
        xs = as_nums(c.get("x"))
        ys = pad(as_nums(c.get("y")), len(xs))
        points = [(a, b) for a, b in zip(xs, ys, strict=True) if a is not None and b is not None]
        a, b = pad(as_nums(c.get("line")), 2)
        line = (a, b) if a is not None and b is not None and points else None
        return cls(points, line, as_text(c.get("x_label")), as_text(c.get("y_label")))

    def ends(self) -> list[tuple[float, float]]:
        """Where the fitted line starts and stops: over the observed x only."""
        if self.line is None:
            return []
        xs = [a for a, _ in self.points]
        return [(x, self.line[0] + self.line[1] * x) for x in (min(xs), max(xs))]

    def title(self) -> str:
        return f"{self.y_label or 'Values'} against {self.x_label or 'the other measure'}"


def _panels(c: Chart) -> list[Scatter]:
    panels = [Scatter.read(p) for p in as_list(c.get("panels"))] or [Scatter.read(c)]
    return [p for p in panels[:2] if p.points]


def _draw_scatter(c: Chart) -> Scene | None:
    panels = _panels(c)
    if not panels:
        return None
    scene = Scene()
    width = W / len(panels)
    for i, panel in enumerate(panels):
        _scatter_panel(scene, panel, i * width, width)
    return scene


def _scatter_panel(scene: Scene, p: Scatter, x0: float, width: float) -> None:
    left, right = x0 + LEFT, x0 + width - 10
    ends = p.ends()
    x = Axis(*data_range([a for a, _ in p.points]), left, right)
    y = Axis(*data_range([b for _, b in p.points] + [b for _, b in ends]), BOTTOM, TOP)
    y_ticks(scene, y, left, right)
    for tick in x.ticks():
        scene.text("num", x.at(tick), BOTTOM + 15, fmt(tick, 2))
    scene.line("axis", left, BOTTOM, right, BOTTOM)
    for a, b in p.points:
        scene.circle("dot", x.at(a), y.at(b), 3)
    if ends:
        (xa, ya), (xb, yb) = ends
        scene.line("fit", x.at(xa), y.at(ya), x.at(xb), y.at(yb))
    scene.text("caption", left, 14, p.y_label, anchor="start")
    scene.text("caption", (left + right) / 2, BOTTOM + 34, p.x_label)


def _describe_scatter(c: Chart, hide: bool) -> str:
    return " ".join(_describe_panel(p, hide) for p in _panels(c))


def _describe_panel(p: Scatter, hide: bool) -> str:
    text = p.title() + ("." if hide else f" ({len(p.points)} points).")
    ends = p.ends()
    if not ends:
        return text
    (x0, y0), (x1, y1) = ends
    if abs(y1 - y0) < 0.05:
        return f"{text} The fitted line is about flat."
    direction = "rises" if y1 > y0 else "falls"
    if hide:
        return f"{text} The fitted line {direction}."
    return f"{text} The fitted line {direction} from {fixed(y0)} at {fmt(x0)} to {fixed(y1)} at {fmt(x1)}."


# --------------------------------------------------------------------------- #
# Dates along the bottom (timeline and score_trend)
# --------------------------------------------------------------------------- #


def _dated(dates: Any, values: Any) -> list[tuple[dt.date, float | None]]:
    days = [as_date(d) for d in as_list(dates)]
    values = pad(as_nums(values), len(days))
    return sorted(((d, v) for d, v in zip(days, values, strict=True) if d), key=lambda p: p[0])


def _date_axis(points: Sequence[tuple[dt.date, Any]], left: float, right: float) -> Axis:
    first, last = points[0][0].toordinal(), points[-1][0].toordinal()
    if first == last:  # one day: put it in the middle
        first, last = first - 1, last + 1
    return Axis(float(first), float(last), left, right)


def _date_labels(scene: Scene, x: Axis, y: float) -> None:
    """Up to four dates along the bottom; month and year once the span nears a year."""
    long = x.hi - x.lo > 330
    seen: set[str] = set()
    for i, anchor in enumerate(("start", "middle", "middle", "end")):
        day = dt.date.fromordinal(round(x.lo + (x.hi - x.lo) * i / 3))
        month = MONTHS[day.month - 1]
        text = f"{month} {day.year}" if long else f"{day.day} {month}"
        if text not in seen:
            seen.add(text)
            scene.text("date", x.at(day.toordinal()), y, text, anchor=anchor)


def _draw_line(scene: Scene, points: list[tuple[float, float]]) -> None:
    """A polyline, or a dot when a stretch is a single day (a line needs two)."""
    if len(points) == 1:
        scene.circle("point", points[0][0], points[0][1], 3)
    else:
        scene.polyline("line", points)


# --------------------------------------------------------------------------- #
# timeline: a line over days, with runs, a threshold and flagged weeks
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Timeline:
    points: list[tuple[dt.date, float | None]]
    runs: list[dt.date]
    threshold: float | None
    spans: list[tuple[dt.date, dt.date]]

    @classmethod
    def read(cls, c: Chart) -> Timeline:
        points = _dated(c.get("dates"), c.get("values"))
        if not any(v is not None for _, v in points):
            return cls([], [], None, [])
        first, last = points[0][0], points[-1][0]
        marks = {as_date(d) for d in as_list(c.get("marks"))}
        runs = sorted(d for d in marks if d and first <= d <= last)
        spans = [(s, e) for s, e in map(_span, as_list(c.get("flagged"))) if s and e and s <= e]
        spans = [(s, e) for s, e in spans if e >= first and s <= last]
        return cls(points, runs, as_num(c.get("threshold")), spans)

    def segments(self, x: Axis, y: Axis) -> list[list[tuple[float, float]]]:
        """Stretches of consecutive values in pixels: a ``None`` breaks the line."""
        out: list[list[tuple[float, float]]] = [[]]
        for day, value in self.points:
            if value is None:
                out.append([])
            else:
                out[-1].append((x.at(day.toordinal()), y.at(value)))
        return [segment for segment in out if segment]


def _span(value: Any) -> tuple[dt.date | None, dt.date | None]:
    start, end = pad(as_list(value), 2)
    return as_date(start), as_date(end)


def _draw_timeline(c: Chart) -> Scene | None:
    t = Timeline.read(c)
    if not t.points:
        return None
    scene, bottom = Scene(), BOTTOM - 8  # room below for the run ticks
    include = [t.threshold] if t.threshold is not None else []
    x = _date_axis(t.points, LEFT, RIGHT)
    y = Axis(*data_range([v for _, v in t.points], c.get("y_range"), include), bottom, TOP)
    for start, end in t.spans:  # behind everything; inclusive, so to the end of the last day
        x0, x1 = x.at(start.toordinal()), x.at(end.toordinal() + 1)
        scene.rect("flag", x0, TOP, max(x1 - x0, 2.0), bottom - TOP)
    y_ticks(scene, y, LEFT, RIGHT)
    for segment in t.segments(x, y):
        _draw_line(scene, segment)
    if t.threshold is not None:
        scene.line("threshold", LEFT, y.at(t.threshold), RIGHT, y.at(t.threshold))
        scene.text("num", RIGHT, y.at(t.threshold) - 4, fmt(t.threshold, 2), anchor="end")
    # Ten years of runs would be thousands of ticks: days on the same half-pixel share one,
    # and all of them are one path (a tenth of the bytes of one element each).
    columns = sorted({round(x.at(d.toordinal()) * 2) / 2 for d in t.runs})
    if columns:
        scene.path("mark", *[(px, bottom + 4, px, bottom + 13) for px in columns])
    _date_labels(scene, x, bottom + 32)
    scene.text("caption", LEFT, 14, as_text(c.get("y_label")), anchor="start")
    return scene


def _describe_timeline(c: Chart, hide: bool) -> str:
    t = Timeline.read(c)
    if not t.points:
        return ""
    values = [v for _, v in t.points if v is not None]
    first, last = day_text(t.points[0][0]), day_text(t.points[-1][0])
    text = f"{as_text(c.get('y_label'), 'Values')} from {first} to {last}"
    if not hide:
        text += f": {len(values)} values, lowest {fmt(min(values))}, highest {fmt(max(values))}"
        text += f", latest {fmt(values[-1])}"
    text += "."
    if t.runs:
        count = "Days" if hide else f"{len(t.runs)} days"
        text += f" {count} with a run are marked along the bottom."
    if t.threshold is not None:
        text += " A dashed line marks " + ("the threshold." if hide else f"{fmt(t.threshold, 2)}.")
    if t.spans:
        spans = ", ".join(f"{day_text(s)} to {day_text(e)}" for s, e in t.spans)
        text += f" Shaded: {spans}."
    return text


# --------------------------------------------------------------------------- #
# score_trend: questionnaire scores on labelled band stripes
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Scores:
    instrument: str
    points: list[tuple[dt.date, float]]
    top: float
    bands: list[tuple[float, float, str]]
    higher_is_better: bool

    @classmethod
    def read(cls, c: Chart) -> Scores:
        points = [(d, v) for d, v in _dated(c.get("dates"), c.get("scores")) if v is not None]
        bands = []
        for band in as_list(c.get("bands")):
            lo, hi, label = pad(as_list(band), 3)
            lo, hi = as_num(lo), as_num(hi)
            if lo is not None and hi is not None:
                bands.append((lo, hi, as_text(label, "", 24)))
        top = as_num(c.get("max")) or max([v for _, v in points] + [b[1] for b in bands] + [1.0])
        instrument = as_text(c.get("instrument"), "Questionnaire", 24)
        return cls(instrument, points, top, sorted(bands), bool(c.get("higher_is_better")))

    def band_of(self, score: float) -> str:
        return next((label for lo, hi, label in self.bands if lo <= score <= hi), "")

    def words(self, score: float, hide: bool) -> str:
        band = self.band_of(score)
        if hide:
            return f"in the {band} band" if band else "recorded"
        return f"{fmt(score)} of {fmt(self.top)}" + (f" ({band})" if band else "")


def _draw_score_trend(c: Chart) -> Scene | None:
    s = Scores.read(c)
    if not s.points:
        return None
    scene = Scene()
    x = _date_axis(s.points, LEFT, RIGHT)
    y = Axis(0.0, max(s.top, 1e-9), BOTTOM, TOP)
    for i, (lo, hi, label) in enumerate(s.bands):
        # Integer bands ([0, 4], [5, 9]) meet at the next band's start, leaving no gaps.
        upper = s.bands[i + 1][0] if i + 1 < len(s.bands) else s.top
        y0, y1 = y.at(lo), y.at(max(upper, hi))
        scene.rect(f"band-{i % 2}", LEFT, y1, RIGHT - LEFT, y0 - y1)
        if y0 - y1 >= 12:
            scene.text("band-label", RIGHT - 4, (y0 + y1) / 2 + 4, label, anchor="end")
    y_ticks(scene, y, LEFT, RIGHT)
    _draw_line(scene, [(x.at(d.toordinal()), y.at(v)) for d, v in s.points])
    for d, v in s.points if len(s.points) > 1 else []:
        scene.circle("point", x.at(d.toordinal()), y.at(v), 3)
    _date_labels(scene, x, BOTTOM + 18)
    scene.text("caption", LEFT, 14, f"{s.instrument} score", anchor="start")
    better = "Higher is better" if s.higher_is_better else "Lower is better"
    scene.text("caption", RIGHT, 14, better, anchor="end")
    return scene


def _describe_score_trend(c: Chart, hide: bool) -> str:
    s = Scores.read(c)
    if not s.points:
        return ""
    (first_day, first), (last_day, last) = s.points[0], s.points[-1]
    better = "Higher scores are better." if s.higher_is_better else "Lower scores are better."
    text = f"{s.instrument} scores from {day_text(first_day)} to {day_text(last_day)}"
    text += "" if hide else f", {len(s.points)} in all"
    if len(s.points) == 1:
        return f"{text}: {s.words(last, hide)}. {better}"
    return f"{text}. First {s.words(first, hide)}, latest {s.words(last, hide)}. {better}"


KINDS: dict[str, Kind] = {
    "scatter_trend": Kind(
        _draw_scatter,
        _describe_scatter,
        lambda c: " and ".join(p.title() for p in _panels(c)),
    ),
    "timeline": Kind(
        _draw_timeline,
        _describe_timeline,
        lambda c: f"{as_text(c.get('y_label'), 'Values')} over time",
    ),
    "score_trend": Kind(
        _draw_score_trend,
        _describe_score_trend,
        lambda c: f"{Scores.read(c).instrument} scores over time",
    ),
}
