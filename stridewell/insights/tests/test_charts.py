"""Insight charts: valid, accessible SVG for every chart type, for the page, for print and PDF."""

from __future__ import annotations

import io
import logging
import math
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.template import Context, Template

from stridewell.insights.chart_parts import Axis
from stridewell.insights.charts import (
    KINDS,
    chart_summary,
    chart_title,
    draw_chart_on_pdf,
    render_chart,
    render_chart_for_print,
)

NS = {"s": "http://www.w3.org/2000/svg"}
SHAPES = ("rect", "line", "polyline", "circle", "path")


def day(i: int) -> str:
    return (date(2026, 1, 5) + timedelta(days=i)).isoformat()


def two_groups() -> dict:
    return {
        "type": "two_groups",
        "labels": ["Run days", "Rest days"],
        "means": [1.4, 0.6],
        "ci": [[1.0, 1.8], [0.3, 0.9]],
        "counts": [7, 9],
        "values": [[2, 2, 2, 1, 0, 3, -1], [1, 1, 0, 0, 0, -2, 2, 1, 4]],
        "y_label": "Feeling",
        "y_range": [-5, 5],
    }


def paired() -> dict:
    pairs = [[b, b + (i % 3)] for i, b in enumerate([-2, -1, 0, 0, 1, 2, 3, -3, 1, 0, 2])]
    return {
        "type": "paired",
        "labels": ["Before", "After"],
        "pairs": pairs,
        "means": [0.27, 1.18],
        "y_range": [-5, 5],
    }


def share_by_feeling() -> dict:
    return {
        "type": "share_by_feeling",
        "feeling_yesterday": [-2, -1, 0, 1, 2, 3],
        "run_share": [0.1, 0.2, 0.3, 0.45, 0.5, 0.0],
        "counts": [5, 9, 20, 18, 10, 2],
    }


def groups() -> dict:
    return {
        "type": "groups",
        "labels": ["Easy", "Long", "Tempo", "Intervals"],
        "means": [0.8, 1.2, 0.4, -0.2],
        "ci": [[0.4, 1.2], [0.5, 1.9], None, [-1.0, 0.6]],
        "counts": [40, 12, 8, 6],
        "y_label": "Change in feeling after a run",
    }


def scatter_trend() -> dict:
    xs = [20, 30, 35, 45, 50, 60, 75, 90]
    return {
        "type": "scatter_trend",
        "x": xs,
        "y": [0.2 + 0.02 * x + (-1) ** i * 0.3 for i, x in enumerate(xs)],
        "x_label": "Duration (minutes)",
        "y_label": "Change in feeling",
        "line": [0.2, 0.02],
    }


def timeline() -> dict:
    values = [1.0, 2.0, None, 0.5, -1.0, 0.0, None, None, 3.0, None, 1.5, 2.5, 1.0, 0.0]
    return {
        "type": "timeline",
        "dates": [day(i) for i in range(len(values))],
        "values": values,
        "y_label": "Feeling",
        "marks": [day(1), day(4), day(4), day(11), day(40)],  # a repeat, one outside the range
        "threshold": 1.5,
        "flagged": [[day(3), day(6)]],
    }


def score_trend() -> dict:
    return {
        "type": "score_trend",
        "instrument": "PHQ-9",
        "dates": [day(14 * i) for i in range(5)],
        "scores": [14, 12, 9, 6, 4],
        "max": 27,
        "bands": [
            [0, 4, "minimal"],
            [5, 9, "mild"],
            [10, 14, "moderate"],
            [15, 19, "moderately severe"],
            [20, 27, "severe"],
        ],
        "higher_is_better": False,
    }


SAMPLES = {
    "two_groups": two_groups,
    "paired": paired,
    "share_by_feeling": share_by_feeling,
    "groups": groups,
    "scatter_trend": scatter_trend,
    "timeline": timeline,
    "score_trend": score_trend,
}
EMPTY = {
    "two_groups": {"labels": [], "means": [], "ci": None, "counts": [], "values": [[], []]},
    "paired": {"labels": ["Before", "After"], "pairs": [], "means": [None, None]},
    "share_by_feeling": {"feeling_yesterday": [], "run_share": [], "counts": []},
    "groups": {"labels": ["Easy"], "means": [None], "ci": [None], "counts": [0]},
    "scatter_trend": {"x": [], "y": [], "line": None},
    "timeline": {"dates": [day(0), day(1)], "values": [None, None], "marks": []},
    "score_trend": {"instrument": "PHQ-9", "dates": [], "scores": [], "max": 27, "bands": []},
}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def marks(root: ET.Element, role: str) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("class") == f"ic-{role}"]


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter("{http://www.w3.org/2000/svg}text")]


def shapes(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if el.tag.split("}")[1] in SHAPES]


# --------------------------------------------------------------------------- #
# Every type: valid, accessible, described
# --------------------------------------------------------------------------- #


def test_every_registered_type_has_a_sample():
    assert set(KINDS) == set(SAMPLES)


@pytest.mark.parametrize("kind", SAMPLES)
def test_renders_accessible_svg(kind):
    chart = SAMPLES[kind]()
    svg = render_chart(chart)
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+(\.\d)? \d+(\.\d)?", root.get("viewBox", ""))
    title, desc = root.find("s:title", NS), root.find("s:desc", NS)
    assert title is not None and title.text == chart_title(chart)
    assert desc is not None and desc.text == chart_summary(chart)
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "<script" not in svg and "href" not in svg  # self-contained, no JS or links
    assert svg == render_chart(chart)  # deterministic: same dots, same ids, every time


@pytest.mark.parametrize("kind", SAMPLES)
def test_every_mark_carries_its_own_paint(kind):
    """fpdf2 and CSS-less viewers read attributes only."""
    root = parse(render_chart(SAMPLES[kind]()))
    for el in shapes(root):
        assert el.get("fill") and el.get("stroke"), ET.tostring(el)
        assert el.get("class", "").startswith("ic-")
    for el in root.iter("{http://www.w3.org/2000/svg}text"):
        assert el.get("font-size") and el.get("fill") == "currentColor"


@pytest.mark.parametrize("kind", SAMPLES)
def test_summary_is_plain_ascii_words(kind):
    """The PDF report prints it in a core font, which has no typographic minus or arrows."""
    for hide in (False, True):
        summary = chart_summary(SAMPLES[kind](), hide_numbers=hide)
        assert summary and summary.isascii() and summary.endswith(".")


# --------------------------------------------------------------------------- #
# Expected marks per type
# --------------------------------------------------------------------------- #


def test_two_groups_has_a_dot_per_value_and_a_mean_and_whisker_per_group():
    root = parse(render_chart(two_groups()))
    assert len(marks(root, "dot")) == 7 + 9
    assert len(marks(root, "mean")) == 2
    assert len(marks(root, "whisker")) == 2
    assert {"Run days", "Rest days", "n = 7", "n = 9", "1.4", "0.6"} <= set(texts(root))


def test_two_groups_stacks_equal_values_side_by_side_without_random_jitter():
    root = parse(render_chart({**two_groups(), "values": [[2, 2, 2], [0]]}))
    dots = [(float(d.get("cx")), float(d.get("cy"))) for d in marks(root, "dot")]
    twos = dots[:3]
    assert len({y for _, y in twos}) == 1  # one row
    xs = sorted(x for x, _ in twos)
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])  # evenly spaced around the centre


def test_two_groups_with_many_values_stays_inside_its_half():
    chart = {**two_groups(), "values": [[1] * 300, [0] * 200], "counts": [300, 200]}
    root = parse(render_chart(chart))
    width = float(root.get("viewBox", "").split()[2])
    left = [float(d.get("cx")) for d in marks(root, "dot")[:300]]
    assert len(marks(root, "dot")) == 500
    assert min(left) > 0 and max(left) < width / 2


def test_two_groups_count_word():
    root = parse(render_chart({**two_groups(), "count_word": "days"}))
    assert "7 days" in texts(root)


def test_paired_has_a_line_per_pair_and_one_bold_mean_line():
    root = parse(render_chart(paired()))
    assert len(marks(root, "pair")) == 11
    assert len(marks(root, "mean")) == 1
    assert len(marks(root, "mean-dot")) == 2
    assert {"0.3", "1.2", "11 pairs"} <= set(texts(root))


def test_share_by_feeling_has_a_bar_per_feeling_level():
    root = parse(render_chart(share_by_feeling()))
    bars = marks(root, "bar")
    assert len(bars) == 6
    heights = [float(b.get("height")) for b in bars]
    assert heights[4] > heights[0] > 0  # 50% taller than 10%
    assert heights[5] == pytest.approx(1)  # a zero share is a hairline, not a gap
    assert {"0%", "50%", "100%", "worse", "better"} <= set(texts(root))


def test_share_by_feeling_summary_gives_each_level():
    summary = chart_summary(share_by_feeling())
    assert "after -2, 10% of 5 days" in summary and "after 2, 50% of 10 days" in summary
    assert "taller after better days" in chart_summary(share_by_feeling(), hide_numbers=True)


def test_groups_has_a_dot_per_group_and_a_whisker_per_interval():
    root = parse(render_chart(groups()))
    assert len(marks(root, "mean-dot")) == 4
    assert len(marks(root, "whisker")) == 3  # Tempo has no interval
    assert len(marks(root, "zero")) == 1
    assert {"Easy", "Long", "Tempo", "Intervals", "n = 40"} <= set(texts(root))
    height = float(root.get("viewBox", "").split()[3])
    taller = parse(render_chart({**groups(), "labels": list("ABCDEFGH"), "means": [1] * 8}))
    assert float(taller.get("viewBox", "").split()[3]) > height  # rows, not squeezed columns


def test_groups_summary():
    assert "Easy (n = 40): average 0.8, 95% interval 0.4 to 1.2." in chart_summary(groups())
    hidden = chart_summary(groups(), hide_numbers=True)
    assert "From highest to lowest: Long, Easy, Tempo, Intervals." in hidden


def test_scatter_has_a_dot_per_point_and_the_fitted_line():
    root = parse(render_chart(scatter_trend()))
    assert len(marks(root, "dot")) == 8
    fit = marks(root, "fit")
    assert len(fit) == 1
    assert float(fit[0].get("y2")) < float(fit[0].get("y1"))  # rising: SVG y grows downwards
    summary = chart_summary(scatter_trend())
    assert "(8 points)" in summary and "rises from 0.6 at 20 to 2.0 at 90" in summary


def test_scatter_without_a_line_and_with_two_panels():
    root = parse(render_chart({**scatter_trend(), "line": None}))
    assert marks(root, "fit") == []
    second = {**scatter_trend(), "x": [1, 2, 3], "y": [3, 2, 1], "line": [4, -1]}
    panels = {"type": "scatter_trend", "panels": [scatter_trend(), second]}
    root = parse(render_chart(panels))
    assert len(marks(root, "dot")) == 8 + 3
    assert len(marks(root, "fit")) == 2
    assert "falls" in chart_summary(panels)


def test_timeline_breaks_the_line_at_gaps_and_marks_runs():
    root = parse(render_chart(timeline()))
    # [1, 2] | [0.5, -1, 0] | [3] alone | [1.5, 2.5, 1, 0]
    assert len(marks(root, "line")) == 3
    assert len(marks(root, "point")) == 1
    (ticks,) = marks(root, "mark")  # one path for every run day
    assert ticks.get("d", "").count("M") == 3  # day 4 twice is one tick; day 40 is off the chart
    assert len(marks(root, "threshold")) == 1
    assert len(marks(root, "flag")) == 1
    assert {"5 Jan", "18 Jan", "1.5"} <= set(texts(root))
    summary = chart_summary(timeline())
    assert "from 5 Jan 2026 to 18 Jan 2026: 10 values" in summary
    assert "3 days with a run" in summary and "Shaded: 8 Jan 2026 to 11 Jan 2026." in summary


def test_timeline_of_ten_years_stays_small():
    n = 3650
    chart = {
        "type": "timeline",
        "dates": [day(i) for i in range(n)],
        "values": [math.sin(i / 30) for i in range(n)],
        "marks": [day(i) for i in range(0, n, 2)],
    }
    root = parse(render_chart(chart))
    assert len(marks(root, "line")) == 1
    (ticks,) = marks(root, "mark")
    assert ticks.get("d", "").count("M") <= 2 * 360  # run ticks merge per half pixel
    last = date.fromisoformat(day(n - 1))
    assert {"Jan 2026", last.strftime("%b %Y")} <= set(texts(root))  # months for long spans


def test_score_trend_draws_labelled_bands_and_a_point_per_score():
    root = parse(render_chart(score_trend()))
    assert len(marks(root, "point")) == 5
    assert len(marks(root, "line")) == 1
    assert len(marks(root, "band-0") + marks(root, "band-1")) == 5
    assert {"minimal", "mild", "moderate", "severe", "Lower is better"} <= set(texts(root))
    summary = chart_summary(score_trend())
    assert "First 14 of 27 (moderate), latest 4 of 27 (minimal)" in summary
    hidden = chart_summary(score_trend(), hide_numbers=True)
    assert "First in the moderate band, latest in the minimal band" in hidden


def test_feeling_scale_ticks_are_round():
    assert Axis(-5, 5, 200, 20).ticks() == [-5, 0, 5]
    assert Axis(0, 27, 200, 20).ticks() == [0, 10, 20]
    assert Axis(0, 1, 200, 20).ticks() == [0, 0.5, 1]


# --------------------------------------------------------------------------- #
# Missing data
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("kind", SAMPLES)
def test_empty_chart_renders_nothing(kind):
    chart = {"type": kind, **EMPTY[kind]}
    assert render_chart(chart) == ""
    assert render_chart_for_print(chart) == ""
    assert chart_summary(chart) == "" and chart_title(chart) == ""
    assert render_chart({"type": kind}) == ""  # every key missing


@pytest.mark.parametrize("chart", [None, {}, {"type": "pie"}, {"type": None}, "two_groups", []])
def test_unknown_chart_renders_nothing(chart):
    assert render_chart(chart) == ""
    assert chart_summary(chart) == ""


def test_none_and_nan_values_are_skipped():
    nan = float("nan")
    chart = {**two_groups(), "values": [[1, None, nan, 2], None], "ci": None, "means": [1.5, None]}
    root = parse(render_chart(chart))
    assert len(marks(root, "dot")) == 2
    assert len(marks(root, "mean")) == 1 and marks(root, "whisker") == []
    pairs = {**paired(), "pairs": [[1, None], [None, 2], [1, 2], "x", [nan, 1]], "means": None}
    root = parse(render_chart(pairs))
    assert len(marks(root, "pair")) == 1 and marks(root, "mean") == []
    scatter = {**scatter_trend(), "x": [1, 2, None, 4], "y": [1, nan, 3], "line": [None, 1]}
    root = parse(render_chart(scatter))
    assert len(marks(root, "dot")) == 1 and marks(root, "fit") == []
    scores = {**score_trend(), "dates": [day(0), "not a date", day(9)], "scores": [3, 4, None]}
    root = parse(render_chart(scores))
    assert len(marks(root, "point")) == 1  # one score: a dot, no line
    assert "3 of 27 (minimal)" in chart_summary(scores)


def test_values_outside_the_range_stay_on_the_chart():
    root = parse(render_chart({**paired(), "pairs": [[-9, 12]], "means": [-9, 12]}))
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    for line in marks(root, "pair"):
        assert 0 <= float(line.get("y1")) <= height and 0 <= float(line.get("y2")) <= height


# --------------------------------------------------------------------------- #
# Escaping and hidden numbers
# --------------------------------------------------------------------------- #


def test_labels_are_escaped():
    evil = "<script>alert('x')</script> & co"
    chart = {**two_groups(), "labels": [evil, "Rest"], "y_label": '"><b>'}
    svg = render_chart(chart)
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)  # still well-formed XML
    assert any(t.startswith("<script>alert") for t in texts(root))
    assert root.find("s:title", NS).text.startswith("<script>")
    printable = render_chart_for_print(chart)
    assert "<script>" not in printable and "&lt;script&gt;" in printable


def test_hide_numbers_removes_numbers_but_keeps_shapes():
    for kind in ("two_groups", "paired", "share_by_feeling", "groups", "scatter_trend"):
        chart = SAMPLES[kind]()
        shown, hidden = parse(render_chart(chart)), parse(render_chart(chart, hide_numbers=True))
        assert marks(shown, "num") and not marks(hidden, "num")
        assert not any(re.search(r"\d", t) for t in texts(hidden)), kind
        assert len(shapes(hidden)) == len(shapes(shown))
        assert not re.search(r"\d", hidden.find("s:desc", NS).text or ""), kind


def test_hide_numbers_on_dated_charts_keeps_dates_and_words():
    hidden = parse(render_chart(timeline(), hide_numbers=True))
    assert not marks(hidden, "num")
    assert "5 Jan" in texts(hidden)
    summary = chart_summary(timeline(), hide_numbers=True)
    assert "10 values" not in summary and "1.5" not in summary and "Days with a run" in summary
    scores = parse(render_chart(score_trend(), hide_numbers=True))
    assert "moderate" in texts(scores) and "20" not in texts(scores)


# --------------------------------------------------------------------------- #
# Print and PDF
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("kind", SAMPLES)
def test_print_variant_is_plain_black_and_grey(kind):
    svg = render_chart_for_print(SAMPLES[kind]())
    assert "var(" not in svg and "currentColor" not in svg and "opacity" not in svg
    root = parse(svg)
    assert root.get("width") and root.get("height")  # a size in pixels, not 100%
    colours = {el.get(a) for el in shapes(root) for a in ("fill", "stroke")} - {"none"}
    colours |= {el.get("fill") for el in root.iter("{http://www.w3.org/2000/svg}text")}
    for colour in colours:  # greys only: r == g == b
        assert re.fullmatch(r"#([0-9a-f]{2})\1\1", colour or ""), colour
    assert root.find("s:title", NS) is not None


def test_print_variant_without_text_for_fpdf():
    root = parse(render_chart_for_print(groups(), text=False))
    assert texts(root) == []
    assert root.find("s:title", NS) is None and root.find("s:desc", NS) is None
    assert len(shapes(root)) == len(shapes(parse(render_chart_for_print(groups()))))


@pytest.mark.parametrize("kind", SAMPLES)
def test_fpdf_embeds_the_print_svg(kind, caplog):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        svg = render_chart_for_print(SAMPLES[kind](), text=False)
        pdf.image(io.BytesIO(svg.encode()), x=10, y=10, w=150)
    assert [r.message for r in caplog.records] == []  # every element understood
    assert bytes(pdf.output()).startswith(b"%PDF")


def test_draw_chart_on_pdf_writes_the_labels_as_text():
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.set_compression(False)
    pdf.set_font("helvetica", size=10)
    pdf.add_page()
    height = draw_chart_on_pdf(pdf, two_groups(), x=20, y=30, w=120)
    assert height == pytest.approx(120 * 240 / 360)
    assert pdf.font_size_pt == 10  # the caller's font size is back
    assert draw_chart_on_pdf(pdf, {"type": "pie"}, x=20, y=30, w=120) == 0
    out = bytes(pdf.output())
    assert b"(Run days)" in out and b"(n = 7)" in out
    hidden = fpdf.FPDF()
    hidden.set_compression(False)
    hidden.set_font("helvetica")
    hidden.add_page()
    draw_chart_on_pdf(hidden, two_groups(), x=20, y=30, w=120, hide_numbers=True)
    out = bytes(hidden.output())
    assert b"(Run days)" in out and b"(n = 7)" not in out


# --------------------------------------------------------------------------- #
# Template tag
# --------------------------------------------------------------------------- #


def test_template_tag_renders_a_figure_with_the_words():
    template = Template(
        "{% load insight_charts %}{% insight_chart chart hide %}|{{ chart|chart_summary:hide }}"
    )
    html = template.render(Context({"chart": groups(), "hide": False}))
    figure, words = html.split("|")
    assert figure.startswith('<figure class="insight-chart"><svg ')
    assert "<details><summary>The chart in words</summary><p>" in figure
    assert words == chart_summary(groups())
    assert "Easy (n = 40): average 0.8" in figure
    hidden = template.render(Context({"chart": groups(), "hide": True}))
    assert "n = 40" not in hidden and "ic-num" not in hidden
    assert template.render(Context({"chart": {}, "hide": False})) == "|"
