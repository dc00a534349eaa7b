"""Server-rendered SVG charts for insights: accessible, calm, and printable.

Every :class:`~stridewell.insights.questions.Insight` carries the data for its chart in
``insight.chart``. This module turns that dict into an inline SVG: no JavaScript, no
external resources, a ``<title>`` and a ``<desc>`` for screen readers, and colours that
follow the page (``currentColor`` plus the classes styled in ``insights.css``) so the
same markup works in dark mode and prints in black and white.

Public functions:

- :func:`render_chart` — the SVG for a page (``SafeString``; empty when there is nothing
  to draw or the type is unknown).
- :func:`chart_summary` — the same chart in plain words (ASCII only, so a PDF core font
  can print it): the ``<desc>``, the page's ``<details>`` text, the PDF report's caption.
- :func:`render_chart_for_print` — a plain SVG string with explicit black and grey
  colours (no CSS variables, no ``currentColor``) for a printable report.
- :func:`draw_chart_on_pdf` — places the print SVG on an ``fpdf.FPDF`` page and writes
  its labels as PDF text, because fpdf2 (2.8) ignores SVG ``<text>``.
- :func:`chart_title` — the chart's short name (its ``<title>``).

The types live in a registry, :data:`KINDS`, filled by
:mod:`stridewell.insights.chart_compare` and :mod:`stridewell.insights.chart_trends`;
the shared pieces (scene, axes, readers) are in :mod:`stridewell.insights.chart_parts`.

With ``hide_numbers=True`` (the profile's "Hide numbers") every number drawn as text is
left out and the summary speaks in words; the shapes stay.

Only basic elements are drawn (rect, line, polyline, circle, text, and path with M/L) and
every mark has explicit ``fill``/``stroke``/``font-size`` attributes as well as an ``ic-*``
class, because fpdf2 reads attributes and ignores CSS.

The contract: chart dicts, exactly as ``questions.py`` produces them. Any key may be
missing; ``None``, ``NaN`` and mismatched lengths are skipped rather than drawn.

``two_groups``
    ``{"type": "two_groups", "labels": [a, b], "means": [m_a, m_b],
    "ci": [[lo, hi], [lo, hi]] | None, "counts": [n_a, n_b], "values": [[...], [...]],
    "y_label": str, "y_range": [-5, 5]}`` and optionally ``"count_word": "days"``
    (counts read "40 days" instead of "n = 40"). Each group's values are stacked as a
    dot histogram (equal values side by side, no random jitter), the mean is a bold bar
    and its interval a whisker.
``paired``
    ``{"type": "paired", "labels": ["Before", "After"], "pairs": [[before, after], ...],
    "means": [mb, ma], "y_range": [-5, 5]}`` and optionally ``"y_label"``. A thin grey
    line per pair, a bold line between the means.
``share_by_feeling``
    ``{"type": "share_by_feeling", "feeling_yesterday": [ints], "run_share": [0..1],
    "counts": [ints]}``. One bar per feeling level: the share of days with a run.
``groups``
    ``{"type": "groups", "labels": [...], "means": [...], "ci": [[lo, hi], ...],
    "counts": [...], "y_label": str}``. One row per group: a dot at the mean, a whisker
    for the interval, and a zero line.
``scatter_trend``
    ``{"type": "scatter_trend", "x": [...], "y": [...], "x_label": str, "y_label": str,
    "line": [intercept, slope] | None}``, or ``{"type": "scatter_trend", "panels":
    [{...}, {...}]}`` for two panels side by side (each panel has the same keys).
``timeline``
    ``{"type": "timeline", "dates": ["2026-01-05", ...], "values": [float | None, ...],
    "y_label": str, "marks": ["2026-01-06", ...], "threshold": float | None,
    "flagged": [["2026-03-02", "2026-03-08"], ...]}`` and optionally ``"y_range"``.
    A line over time with gaps at ``None``, run days as ticks along the bottom, a dashed
    threshold and shaded (inclusive) date spans.
``score_trend``
    ``{"type": "score_trend", "instrument": "PHQ-9", "dates": [...], "scores": [...],
    "max": 27, "bands": [[0, 4, "minimal"], [5, 9, "mild"], ...],
    "higher_is_better": false}``. Scores over time on labelled band stripes.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from stridewell.insights import chart_compare, chart_trends
from stridewell.insights.chart_parts import Chart, Kind, Mark, Scene, coord

__all__ = [
    "KINDS",
    "chart_summary",
    "chart_title",
    "draw_chart_on_pdf",
    "render_chart",
    "render_chart_for_print",
]

KINDS: dict[str, Kind] = {**chart_compare.KINDS, **chart_trends.KINDS}
SVG_NS = "http://www.w3.org/2000/svg"

# --------------------------------------------------------------------------- #
# Paint: each role drawn for the screen or for print
# --------------------------------------------------------------------------- #

Paint = dict[str, str]


def _stroke(width: float, opacity: float, grey: str, **extra: str) -> tuple[Paint, Paint]:
    common = {"fill": "none", "stroke-width": f"{width:g}", **extra}
    screen = {**common, "stroke": "currentColor"}
    if opacity < 1:
        screen["stroke-opacity"] = f"{opacity:g}"
    return screen, {**common, "stroke": grey}


def _fill(opacity: float, grey: str) -> tuple[Paint, Paint]:
    screen = {"fill": "currentColor", "stroke": "none"}
    if opacity < 1:
        screen["fill-opacity"] = f"{opacity:g}"
    return screen, {"fill": grey, "stroke": "none"}


# Screen paint is currentColor with opacity, right in any theme even without a stylesheet
# (insights.css refines it, and CSS wins over these attributes). Print paint is greys that
# survive a black-and-white printer and fpdf2, which reads attributes and ignores CSS.
PAINT: dict[str, tuple[Paint, Paint]] = {
    "grid": _stroke(1, 0.12, "#dddddd"),
    "axis": _stroke(1, 0.5, "#555555"),
    "zero": _stroke(1.2, 0.5, "#666666", **{"stroke-dasharray": "4 3"}),
    "dot": _fill(0.4, "#999999"),
    "mean": _stroke(4, 1, "#000000", **{"stroke-linecap": "round"}),
    "mean-dot": _fill(1, "#000000"),
    "whisker": _stroke(1.5, 1, "#000000"),
    "pair": _stroke(1, 0.2, "#c4c4c4"),
    "bar": _fill(0.55, "#8a8a8a"),
    "line": _stroke(2, 1, "#000000", **{"stroke-linejoin": "round"}),
    "point": _fill(1, "#000000"),
    "fit": _stroke(2.5, 1, "#000000", **{"stroke-linecap": "round"}),
    "threshold": _stroke(1.5, 0.7, "#555555", **{"stroke-dasharray": "6 4"}),
    "flag": _fill(0.1, "#e6e6e6"),
    "mark": _stroke(1.5, 0.6, "#555555"),
    "band-0": _fill(0.04, "#f4f4f4"),
    "band-1": _fill(0.1, "#e2e2e2"),
}
# Text roles: font size and print grey. "num" is every number drawn as text (hidden on request).
TEXT: dict[str, tuple[int, str]] = {
    "label": (14, "#000000"),
    "caption": (13, "#333333"),
    "num": (12, "#333333"),
    "date": (12, "#333333"),
    "band-label": (12, "#333333"),
}

# --------------------------------------------------------------------------- #
# Serialisation
# --------------------------------------------------------------------------- #


def _drawn(chart: Any) -> tuple[Kind, Scene] | None:
    """The chart's kind and scene, or None for an unknown type or nothing to draw."""
    kind = KINDS.get(chart.get("type", "")) if isinstance(chart, dict) else None
    scene = kind.draw(chart) if kind else None
    return (kind, scene) if kind and scene and scene.marks else None


def _attrs(attrs: dict[str, str]) -> str:
    return " ".join(f'{name}="{escape(value)}"' for name, value in attrs.items())


def _element(mark: Mark, printable: bool) -> str:
    attrs = {"class": f"ic-{mark.role}", **mark.geo}
    if mark.tag == "text":
        size, grey = TEXT[mark.role]
        attrs |= {"font-size": str(size), "fill": grey if printable else "currentColor"}
        return f"<text {_attrs(attrs)}>{escape(mark.text)}</text>"
    return f"<{mark.tag} {_attrs(attrs | PAINT[mark.role][1 if printable else 0])}/>"


def _visible(scene: Scene, hide_numbers: bool, text: bool = True) -> list[Mark]:
    """The marks to draw: never an empty text, no numbers when hidden, no text if asked."""
    return [
        m
        for m in scene.marks
        if m.tag != "text" or (text and m.text and not (hide_numbers and m.role == "num"))
    ]


def _uid(chart: Chart, hide_numbers: bool) -> str:
    """An id from the content: stable between renders, different for different charts."""
    blob = json.dumps(chart, sort_keys=True, default=str) + str(hide_numbers)
    return "ic-" + hashlib.sha1(blob.encode(), usedforsecurity=False).hexdigest()[:10]


def render_chart(chart: Chart, *, hide_numbers: bool = False) -> SafeString:
    """The chart as an accessible inline SVG, or an empty string when there is nothing to draw."""
    drawn = _drawn(chart)
    if drawn is None:
        return mark_safe("")
    kind, scene = drawn
    uid = _uid(chart, hide_numbers)
    root = {
        "xmlns": SVG_NS,
        "class": f"insight-svg insight-svg-{chart['type']}",
        "viewBox": f"0 0 {coord(scene.width)} {coord(scene.height)}",
        "width": "100%",
        "role": "img",
        "aria-labelledby": f"{uid}-t {uid}-d",
        "preserveAspectRatio": "xMidYMid meet",
        "font-family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    }
    title = f'<title id="{uid}-t">{escape(kind.title(chart))}</title>'
    desc = f'<desc id="{uid}-d">{escape(kind.describe(chart, hide_numbers))}</desc>'
    body = "".join(_element(m, False) for m in _visible(scene, hide_numbers))
    return mark_safe(f"<svg {_attrs(root)}>{title}{desc}{body}</svg>")  # every value escaped


def render_chart_for_print(chart: Chart, *, hide_numbers: bool = False, text: bool = True) -> str:
    """A plain SVG in black and greys with a fixed pixel size (empty when nothing to draw).

    ``text=False`` leaves out ``<title>``, ``<desc>`` and ``<text>``: fpdf2 cannot draw
    them and logs a warning for each (:func:`draw_chart_on_pdf` writes the labels itself).
    """
    drawn = _drawn(chart)
    if drawn is None:
        return ""
    kind, scene = drawn
    w, h = coord(scene.width), coord(scene.height)
    root = {"xmlns": SVG_NS, "viewBox": f"0 0 {w} {h}", "width": w, "height": h}
    root["font-family"] = "Helvetica, Arial, sans-serif"
    head = ""
    if text:
        head = f"<title>{escape(kind.title(chart))}</title>"
        head += f"<desc>{escape(kind.describe(chart, hide_numbers))}</desc>"
    body = "".join(_element(m, True) for m in _visible(scene, hide_numbers, text))
    return f"<svg {_attrs(root)}>{head}{body}</svg>"


def chart_summary(chart: Chart, *, hide_numbers: bool = False) -> str:
    """The chart in plain ASCII words (empty for an unknown or empty chart)."""
    drawn = _drawn(chart)
    return drawn[0].describe(chart, hide_numbers) if drawn else ""


def chart_title(chart: Chart) -> str:
    """A short name for the chart (its SVG ``<title>``), empty when there is no chart."""
    drawn = _drawn(chart)
    return drawn[0].title(chart) if drawn else ""


# --------------------------------------------------------------------------- #
# PDF
# --------------------------------------------------------------------------- #


def draw_chart_on_pdf(
    pdf: Any, chart: Chart, *, x: float, y: float, w: float, hide_numbers: bool = False
) -> float:
    """Draw ``chart`` on an ``fpdf.FPDF`` page at ``(x, y)``, ``w`` wide; returns the height used.

    The shapes go in as SVG; the labels are written with ``pdf.text`` in the current font
    family, because fpdf2 drops SVG ``<text>``. Our own words are ASCII; labels that come
    from the chart dict need a Unicode font on ``pdf`` if they may hold other characters.
    """
    drawn = _drawn(chart)
    if drawn is None:
        return 0.0
    scene = drawn[1]
    scale = w / scene.width
    svg = render_chart_for_print(chart, hide_numbers=hide_numbers, text=False)
    pdf.image(io.BytesIO(svg.encode()), x=x, y=y, w=w, h=scene.height * scale)
    with pdf.local_context():  # the caller's font size and colour come back afterwards
        for mark in _visible(scene, hide_numbers):
            if mark.tag == "text":
                _pdf_text(pdf, mark, x, y, scale)
    return scene.height * scale


def _pdf_text(pdf: Any, mark: Mark, x: float, y: float, scale: float) -> None:
    size, grey = TEXT[mark.role]
    pdf.set_font_size(size * scale * pdf.k)
    pdf.set_text_color(int(grey[1:3], 16))
    width = pdf.get_string_width(mark.text)
    shift = {"start": 0.0, "middle": width / 2, "end": width}[mark.geo.get("text-anchor", "start")]
    pdf.text(x + float(mark.geo["x"]) * scale - shift, y + float(mark.geo["y"]) * scale, mark.text)
