"""The report as a PDF (fpdf2), for a person to print or give to their doctor or therapist.

Text is set in DejaVu Sans, bundled in ``fonts/`` with its licence, so names, tags and
signs like − and ≥ print as written (fpdf2's built-in fonts only know Latin-1). Charts
come from :func:`stridewell.insights.charts.render_chart_for_print` as plain SVG.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from stridewell.insights.charts import chart_summary, draw_chart_on_pdf, render_chart_for_print
from stridewell.insights.report import (
    NOT_A_DIAGNOSIS,
    VERDICTS,
    WORDS,
    QuestionnaireTrend,
    Report,
    hours,
    long_date,
)
from stridewell.lib import units as fmt

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
TEXT = (43, 48, 54)
MUTED = (91, 99, 112)
ACCENT = (15, 118, 110)  # the app's one accent colour, teal 700
SOFT = (227, 241, 239)
LINE = 5.2  # mm per line of body text
CHART_SHARE = 0.62  # of the text width: a chart as wide as the page would be taller than half of it


class ReportPDF(FPDF):
    """A4 pages with the page number and the not-a-diagnosis reminder at the foot."""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, "Self-tracking report from Stridewell · not a diagnosis", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def report_pdf(report: Report, *, compress: bool = True) -> bytes:
    """The whole report as PDF bytes (``compress=False`` keeps the streams readable for tests)."""
    pdf = _new_pdf(report, compress)
    _cover(pdf, report)
    _questionnaires(pdf, report)
    _running(pdf, report)
    _checkins(pdf, report)
    _insights(pdf, report)
    _words(pdf)
    return bytes(pdf.output())


def _new_pdf(report: Report, compress: bool) -> ReportPDF:
    pdf = ReportPDF(format="A4")
    pdf.set_compression(compress)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(f"{report.title}, {report.period}")
    pdf.set_creator("Stridewell")
    pdf.set_lang("en")
    if report.name:
        pdf.set_author(report.name)
    pdf.add_page()
    return pdf


# --------------------------------------------------------------------------- #
# Building blocks
# --------------------------------------------------------------------------- #


def _text(pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, color: Any = TEXT) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.52, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.will_page_break(40):
        pdf.add_page()
    pdf.ln(4)
    _text(pdf, text, size=14, bold=True, color=ACCENT)
    pdf.ln(1.5)


def _subheading(pdf: FPDF, text: str) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(2)
    _text(pdf, text, size=11, bold=True)
    pdf.ln(0.5)


def _chart_height(chart: dict[str, Any], width: float) -> float:
    """How tall the chart will be at ``width``, so it can start on a new page if needed."""
    found = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', render_chart_for_print(chart, text=False))
    return width * float(found[2]) / float(found[1]) if found else 0.0


def _chart(pdf: FPDF, chart: dict[str, Any], hide_numbers: bool = False) -> None:
    width = pdf.epw * CHART_SHARE
    height = _chart_height(chart, width)
    if not height:
        return
    if pdf.will_page_break(height + 12):
        pdf.add_page()
    y = pdf.get_y() + 1
    used = draw_chart_on_pdf(pdf, chart, x=pdf.l_margin, y=y, w=width, hide_numbers=hide_numbers)
    pdf.set_y(y + used + 1)
    _text(pdf, chart_summary(chart, hide_numbers=hide_numbers), size=8, color=MUTED)
    pdf.ln(2)


def _table(
    pdf: FPDF, head: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
) -> None:
    pdf.set_font(FONT, size=9)
    pdf.set_text_color(*TEXT)
    pdf.set_draw_color(223, 229, 230)
    with pdf.table(
        col_widths=tuple(widths),
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD", color=TEXT, fill_color=SOFT),
        line_height=5,
        width=pdf.epw,
        text_align="LEFT",
    ) as table:
        for cells in (head, *rows):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(2)


# --------------------------------------------------------------------------- #
# The sections
# --------------------------------------------------------------------------- #


def _cover(pdf: FPDF, report: Report) -> None:
    _text(pdf, report.title, size=20, bold=True, color=ACCENT)
    pdf.ln(1)
    if report.name:
        _text(pdf, report.name, size=13, bold=True)
    _text(pdf, f"{report.period} · made on {long_date(report.generated_on)}", size=10, color=MUTED)
    pdf.ln(3)
    pdf.set_fill_color(*SOFT)
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*TEXT)
    pdf.multi_cell(
        0, LINE, NOT_A_DIAGNOSIS, fill=True, padding=3, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def _questionnaires(pdf: FPDF, report: Report) -> None:
    _heading(pdf, "Questionnaires")
    if not report.questionnaires:
        _text(pdf, "No questionnaires were answered in this period.", color=MUTED)
    for trend in report.questionnaires:
        _trend(pdf, trend)


def _bands_text(trend: QuestionnaireTrend) -> str:
    bands = trend.chart["bands"]
    return "Bands: " + ", ".join(f"{low}–{high} {name}" for low, high, name in bands) + "."


def _trend(pdf: FPDF, trend: QuestionnaireTrend) -> None:
    _subheading(pdf, f"{trend.short_name} ({trend.name})")
    _text(pdf, trend.summary)
    _text(pdf, _bands_text(trend), size=9, color=MUTED)
    _chart(pdf, trend.chart)
    rows = [(long_date(row.day), str(row.score), row.band) for row in trend.rows]
    _table(pdf, ("Date", "Score", "Band"), rows, (3, 2, 4))
    _text(pdf, f"Source: {trend.source}", size=8, color=MUTED)


def _running(pdf: FPDF, report: Report) -> None:
    running = report.running
    _heading(pdf, "Running and walking, per week")
    _text(pdf, running.summary)
    if running.runs:
        _chart(pdf, running.chart, report.hide_numbers)
    if running.runs and not report.hide_numbers:
        total = fmt.distance(running.distance_m, report.units, 1)
        weeks = len(running.weeks)
        _table(
            pdf,
            ("Runs and walks", "Distance", "Moving time", "Weeks"),
            [(str(running.runs), total, hours(running.moving_s), str(weeks))],
            (3, 3, 3, 2),
        )


def _checkins(pdf: FPDF, report: Report) -> None:
    summary = report.checkins
    _heading(pdf, "Check-ins")
    _text(pdf, summary.summary)
    if summary.months:
        pdf.ln(1)
        rows = [(f"{m.month:%B %Y}", str(m.count), m.mean_text) for m in summary.months]
        _table(pdf, ("Month", "Check-ins", "Mean feeling"), rows, (4, 3, 3))
    if summary.tags:
        tags = ", ".join(f"{name} ({n})" for name, n in summary.tags)
        _text(pdf, f"Most used tags: {tags}.")


def _insights(pdf: FPDF, report: Report) -> None:
    _heading(pdf, "Insights from the person's own data")
    _text(
        pdf,
        "Each question is answered from the runs and check-ins in this period only.",
        size=9,
        color=MUTED,
    )
    for insight in report.insights:
        _subheading(pdf, insight.question)
        _text(pdf, VERDICTS.get(insight.verdict, insight.verdict), size=9, bold=True, color=ACCENT)
        _text(pdf, insight.sentence)
        if insight.note:
            _text(pdf, insight.note, size=9, color=MUTED)


def _words(pdf: FPDF) -> None:
    _heading(pdf, "What the words mean")
    for word, meaning in WORDS:
        _text(pdf, word, size=10, bold=True)
        _text(pdf, meaning)
        pdf.ln(1)
