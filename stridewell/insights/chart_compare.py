"""Charts that compare groups: two_groups, paired, share_by_feeling and groups.

Shapes of the chart dicts are the contract in :mod:`stridewell.insights.charts`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from stridewell.insights.chart_parts import (
    BOTTOM,
    LEFT,
    RIGHT,
    TOP,
    Axis,
    Chart,
    Kind,
    Scene,
    W,
    as_count,
    as_interval,
    as_list,
    as_nums,
    as_text,
    average,
    compare,
    counted,
    data_range,
    fixed,
    fmt,
    pad,
    pct,
    x_ticks,
    y_ticks,
)

Interval = tuple[float, float] | None

# --------------------------------------------------------------------------- #
# two_groups: dot histograms with the mean and its interval
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class TwoGroups:
    labels: list[str]
    means: list[float | None]
    cis: list[Interval]
    counts: list[int | None]
    values: list[list[float]]
    count_word: str

    @classmethod
    def read(cls, c: Chart) -> TwoGroups:
        labels = pad(as_list(c.get("labels")), 2)
        groups = pad(as_list(c.get("values")), 2)
        return cls(
            [as_text(label, f"Group {i + 1}", 20) for i, label in enumerate(labels)],
            pad(as_nums(c.get("means")), 2),
            [as_interval(ci) for ci in pad(as_list(c.get("ci")), 2)],
            [as_count(n) for n in pad(as_list(c.get("counts")), 2)],
            [[v for v in as_nums(group) if v is not None] for group in groups],
            as_text(c.get("count_word"), "", 12),
        )

    @property
    def empty(self) -> bool:
        return not any(self.values) and all(m is None for m in self.means)

    def y_axis(self, fixed: object) -> Axis:
        extra = [v for ci in self.cis if ci for v in ci] + self.means
        return Axis(*data_range([v for vs in self.values for v in vs] + extra, fixed), BOTTOM, TOP)


def _stacks(values: list[float], y: Axis, row: float) -> list[tuple[float, int, int]]:
    """(y pixel, place in its row, row size) per value: values within a dot share a row.

    Laid side by side like a dot histogram, so the picture is the same on every render
    (no random jitter) and a row's width shows how many days had that value.
    """
    keys = [round(y.at(v) / row) for v in values]
    sizes = Counter(keys)
    seen: Counter[int] = Counter()
    out = []
    for v, key in zip(values, keys, strict=True):
        out.append((y.at(v), seen[key], sizes[key]))
        seen[key] += 1
    return out


def _draw_two_groups(c: Chart) -> Scene | None:
    g = TwoGroups.read(c)
    if g.empty:
        return None
    scene, r = Scene(), 3.0
    y = g.y_axis(c.get("y_range"))
    y_ticks(scene, y, LEFT, RIGHT)
    scene.text("caption", LEFT, 14, as_text(c.get("y_label")), anchor="start")
    band = (RIGHT - LEFT) / 2
    stacks = [_stacks(vs, y, 2 * r) for vs in g.values]
    widest = max((n for stack in stacks for _, _, n in stack), default=1)
    spacing = min(2 * r * 1.1, band * 0.62 / widest)  # one spacing for both, so widths compare
    for i in range(2):
        left = LEFT + i * band
        centre, whisker = left + band * 0.42, left + band * 0.84
        for py, k, n in stacks[i]:
            scene.circle("dot", centre + (k - (n - 1) / 2) * spacing, py, r)
        _mean_and_whisker(scene, y, g.means[i], g.cis[i], left + band * 0.08, whisker)
        scene.text("label", left + band / 2, BOTTOM + 18, g.labels[i])
        scene.text("num", left + band / 2, BOTTOM + 34, counted(g.counts[i], g.count_word))
    return scene


def _mean_and_whisker(
    scene: Scene, y: Axis, mean: float | None, ci: Interval, start: float, whisker: float
) -> None:
    """The interval as a capped vertical whisker; the mean as a bold bar across the dots."""
    if ci:
        top, bottom = y.at(ci[1]), y.at(ci[0])
        caps = [(whisker - 5, at, whisker + 5, at) for at in (top, bottom)]
        scene.path("whisker", (whisker, top, whisker, bottom), *caps)
    if mean is not None:
        scene.line("mean", start, y.at(mean), whisker + 4, y.at(mean))
        scene.text("num", whisker + 8, y.at(mean) + 4, fixed(mean), anchor="start")


def _describe_two_groups(c: Chart, hide: bool) -> str:
    g = TwoGroups.read(c)
    if g.empty:
        return ""
    a, b = g.labels
    intro = f"{as_text(c.get('y_label'), 'Values')} for {a} and {b}: a dot for each value"
    if hide:
        return f"{intro}, a bold bar at the average. {compare(a, g.means[0], b, g.means[1])}"
    intro += ", a bold bar at the average and a thin line for its 95% interval."
    parts = [average(g.labels[i], g.means[i], g.cis[i], g.counts[i], g.count_word) for i in (0, 1)]
    return " ".join([intro, *parts])


# --------------------------------------------------------------------------- #
# paired: before and after, one line per pair
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Paired:
    pairs: list[tuple[float, float]]
    before: float | None
    after: float | None
    labels: tuple[str, str]

    @classmethod
    def read(cls, c: Chart) -> Paired:
        pairs = [pad(as_nums(p), 2) for p in as_list(c.get("pairs"))]
        labels = pad(as_list(c.get("labels")), 2)
        before, after = pad(as_nums(c.get("means")), 2)
        return cls(
            [(b, a) for b, a in pairs if b is not None and a is not None],
            before,
            after,
            (as_text(labels[0], "Before", 24), as_text(labels[1], "After", 24)),
        )

    @property
    def empty(self) -> bool:
        return not self.pairs and (self.before is None or self.after is None)


def _draw_paired(c: Chart) -> Scene | None:
    p = Paired.read(c)
    if p.empty:
        return None
    scene = Scene()
    values = [v for pair in p.pairs for v in pair] + [p.before, p.after]
    y = Axis(*data_range(values, c.get("y_range")), BOTTOM, TOP)
    y_ticks(scene, y, LEFT, RIGHT)
    scene.text("caption", LEFT, 14, as_text(c.get("y_label"), "Feeling"), anchor="start")
    xs = (LEFT + (RIGHT - LEFT) * 0.28, LEFT + (RIGHT - LEFT) * 0.72)
    for before, after in p.pairs:
        scene.line("pair", xs[0], y.at(before), xs[1], y.at(after))
    if p.before is not None and p.after is not None:
        scene.line("mean", xs[0], y.at(p.before), xs[1], y.at(p.after))
        for x, m, side, anchor in ((xs[0], p.before, -10, "end"), (xs[1], p.after, 10, "start")):
            scene.circle("mean-dot", x, y.at(m), 5)
            scene.text("num", x + side, y.at(m) + 4, fixed(m), anchor=anchor)
    for x, label in zip(xs, p.labels, strict=True):
        scene.text("label", x, BOTTOM + 18, label)
    scene.text("num", (LEFT + RIGHT) / 2, BOTTOM + 34, counted(len(p.pairs) or None, "pairs"))
    return scene


def _describe_paired(c: Chart, hide: bool) -> str:
    p = Paired.read(c)
    if p.empty:
        return ""
    before, after = (label.lower() for label in p.labels)
    what = f"{as_text(c.get('y_label'), 'Feeling')} {before} and {after}"
    if hide:
        text = f"{what}: a thin line for each pair, a bold line between the averages."
        return f"{text} {compare(p.labels[1], p.after, p.labels[0], p.before)}".strip()
    text = (
        f"{what}: a thin line for each of {len(p.pairs)} pairs, a bold line between the averages."
    )
    if p.before is not None and p.after is not None:
        text += f" Average {before} {fixed(p.before)}, {after} {fixed(p.after)}."
    return text


# --------------------------------------------------------------------------- #
# share_by_feeling: bars by yesterday's feeling
# --------------------------------------------------------------------------- #

Share = tuple[float, float, int | None]  # feeling level, share of days with a run, days


def _read_shares(c: Chart) -> list[Share]:
    levels = as_nums(c.get("feeling_yesterday"))
    shares = pad(as_nums(c.get("run_share")), len(levels))
    counts = [as_count(n) for n in pad(as_list(c.get("counts")), len(levels))]
    rows = [
        (level, min(max(share, 0.0), 1.0), n)
        for level, share, n in zip(levels, shares, counts, strict=True)
        if level is not None and share is not None
    ]
    return sorted(rows, key=lambda row: row[0])


def _draw_share_by_feeling(c: Chart) -> Scene | None:
    rows = _read_shares(c)
    if not rows:
        return None
    scene, left = Scene(), LEFT + 8  # room for "100%"
    y = Axis(0.0, 1.0, BOTTOM, TOP)
    y_ticks(scene, y, left, RIGHT, label=pct)
    scene.text("caption", left, 14, "Share of days with a run", anchor="start")
    step = (RIGHT - left) / len(rows)
    width = min(step * 0.62, 28.0)
    for i, (level, share, _) in enumerate(rows):
        centre = left + step * (i + 0.5)
        top = min(y.at(share), BOTTOM - 1)  # a zero share still shows, as a hairline
        scene.rect("bar", centre - width / 2, top, width, BOTTOM - top)
        scene.text("num", centre, BOTTOM + 15, fmt(level))
    # Words at both ends keep the axis readable when the numbers are hidden.
    scene.text("caption", left, BOTTOM + 34, "worse", anchor="start")
    scene.text("caption", (left + RIGHT) / 2, BOTTOM + 34, "How you felt the day before")
    scene.text("caption", RIGHT, BOTTOM + 34, "better", anchor="end")
    return scene


def _describe_share_by_feeling(c: Chart, hide: bool) -> str:
    rows = _read_shares(c)
    if not rows:
        return ""
    intro = "Bars show the share of days with a run, by how you felt the day before"
    if hide:
        return f"{intro}, from worse to better. {_share_trend(rows)}"
    parts = [
        f"after {fmt(level)}, {pct(share)}" + (f" of {n} days" if n is not None else "")
        for level, share, n in rows
    ]
    return f"{intro} (-5 worst, 5 best): " + "; ".join(parts) + "."


def _share_trend(rows: list[Share]) -> str:
    """Which way the bars lean, from a day-weighted least-squares slope."""
    weights = [float(n or 1) for _, _, n in rows]
    total = sum(weights)
    mx = sum(w * level for w, (level, _, _) in zip(weights, rows, strict=True)) / total
    my = sum(w * share for w, (_, share, _) in zip(weights, rows, strict=True)) / total
    sxx = sum(w * (lv - mx) ** 2 for w, (lv, _, _) in zip(weights, rows, strict=True))
    sxy = sum(w * (lv - mx) * (s - my) for w, (lv, s, _) in zip(weights, rows, strict=True))
    slope = sxy / sxx if sxx else 0.0
    if abs(slope) < 0.01:  # under one percentage point per feeling point
        return "The bars are about even."
    return f"The bars are taller after {'better' if slope > 0 else 'worse'} days."


# --------------------------------------------------------------------------- #
# groups: one row per group, dot and whisker beside a zero line
# --------------------------------------------------------------------------- #

Group = tuple[str, float, Interval, int | None]


def _read_groups(c: Chart) -> list[Group]:
    means = as_nums(c.get("means"))
    n = len(means)
    labels = pad(as_list(c.get("labels")), n)
    cis = [as_interval(ci) for ci in pad(as_list(c.get("ci")), n)]
    counts = [as_count(v) for v in pad(as_list(c.get("counts")), n)]
    rows = zip(labels, means, cis, counts, strict=True)
    return [
        (as_text(label, f"Group {i + 1}", 16), m, ci, k)
        for i, (label, m, ci, k) in enumerate(rows)
        if m is not None
    ]


def _draw_groups(c: Chart) -> Scene | None:
    """Rows rather than columns: long labels fit, and the chart grows with the groups."""
    rows = _read_groups(c)
    if not rows:
        return None
    row_h, top, left, right = 30.0, 12.0, 124.0, W - 50.0
    bottom = top + row_h * len(rows)
    scene = Scene(height=bottom + 44)
    values = [m for _, m, _, _ in rows] + [v for _, _, ci, _ in rows if ci for v in ci]
    x = Axis(*data_range(values, include=[0.0]), left, right)
    x_ticks(scene, x, top, bottom)
    for i, (label, mean, ci, n) in enumerate(rows):
        cy = top + row_h * (i + 0.5)
        if ci:
            lo, hi = x.at(ci[0]), x.at(ci[1])
            caps = [(at, cy - 5, at, cy + 5) for at in (lo, hi)]
            scene.path("whisker", (lo, cy, hi, cy), *caps)
        scene.circle("mean-dot", x.at(mean), cy, 5)
        scene.text("label", left - 8, cy + 4, label, anchor="end")
        scene.text("num", W - 4, cy + 4, counted(n), anchor="end")
    scene.text("caption", (left + right) / 2, bottom + 34, as_text(c.get("y_label")))
    return scene


def _describe_groups(c: Chart, hide: bool) -> str:
    rows = _read_groups(c)
    if not rows:
        return ""
    intro = f"{as_text(c.get('y_label'), 'Average')} by group: a dot for each average"
    if hide:
        order = ", ".join(label for label, *_ in sorted(rows, key=lambda row: -row[1]))
        return f"{intro}, beside a zero line. From highest to lowest: {order}."
    parts = [average(label, mean, ci, n) for label, mean, ci, n in rows]
    return " ".join([f"{intro} and a line for its 95% interval, beside a zero line.", *parts])


KINDS: dict[str, Kind] = {
    "two_groups": Kind(
        _draw_two_groups,
        _describe_two_groups,
        lambda c: "{} compared with {}".format(*TwoGroups.read(c).labels),
    ),
    "paired": Kind(
        _draw_paired,
        _describe_paired,
        lambda c: "{} and {}, pair by pair".format(*Paired.read(c).labels),
    ),
    "share_by_feeling": Kind(
        _draw_share_by_feeling,
        _describe_share_by_feeling,
        lambda c: "Share of days with a run, by how you felt the day before",
    ),
    "groups": Kind(
        _draw_groups,
        _describe_groups,
        lambda c: f"{as_text(c.get('y_label'), 'Average')} by group",
    ),
}
