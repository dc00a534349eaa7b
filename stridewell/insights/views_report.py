"""The report for a doctor or therapist (page and PDF) and the weekly summary pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse

from stridewell.insights.charts import chart_summary, render_chart
from stridewell.insights.pdf import report_pdf
from stridewell.insights.report import (
    NOT_A_DIAGNOSIS,
    WORDS,
    RangeError,
    Report,
    build_report,
    date_range,
    local_today,
    week_start,
)
from stridewell.insights.weekly import WeekError, parse_week, week_label, weekly_summary
from stridewell.lib.http import AuthedRequest


def pdf_response(report: Report) -> HttpResponse:
    """The report as a PDF download: the page's link and the API answer with it."""
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    name = f"stridewell-report-{report.start.isoformat()}-to-{report.end.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _figure(chart: dict[str, Any], hide_numbers: bool = False) -> dict[str, Any]:
    return {
        "svg": render_chart(chart, hide_numbers=hide_numbers),
        "summary": chart_summary(chart, hide_numbers=hide_numbers),
    }


def _report_context(report: Report, include_name: bool) -> dict[str, Any]:
    query = {"start": report.start.isoformat(), "end": report.end.isoformat()}
    if include_name:
        query["name"] = "1"
    return {
        "report": report,
        "trends": [(trend, _figure(trend.chart)) for trend in report.questionnaires],
        "running_figure": _figure(report.running.chart, report.hide_numbers),
        "pdf_url": reverse("insights_report:pdf") + "?" + urlencode(query),
        "not_a_diagnosis": NOT_A_DIAGNOSIS,
        "words": WORDS,
    }


@login_required
def report_page(request: AuthedRequest) -> HttpResponse:
    include_name = request.GET.get("name") == "1"
    start, end = request.GET.get("start"), request.GET.get("end")
    context: dict[str, Any] = {"include_name": include_name, "start": start or "", "end": end or ""}
    try:
        first, last = date_range(start, end, local_today(request.user))
    except RangeError as exc:
        context["error"] = str(exc)
        return render(request, "insights/report.html", context, status=400)
    report = build_report(request.user, first, last, include_name=include_name)
    context.update(
        _report_context(report, include_name), start=first.isoformat(), end=last.isoformat()
    )
    return render(request, "insights/report.html", context)


@login_required
def report_download(request: AuthedRequest) -> HttpResponse:
    try:
        first, last = date_range(
            request.GET.get("start"), request.GET.get("end"), local_today(request.user)
        )
    except RangeError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    include_name = request.GET.get("name") == "1"
    return pdf_response(build_report(request.user, first, last, include_name=include_name))


@login_required
def week_page(request: AuthedRequest) -> HttpResponse:
    this_monday = week_start(local_today(request.user))
    monday, error = this_monday, ""
    if request.GET.get("week"):
        try:
            monday = min(parse_week(request.GET["week"]), this_monday)
        except WeekError as exc:
            error = f"{exc} Here is this week instead."
    context = {
        "summary": weekly_summary(request.user, monday),
        "is_current": monday == this_monday,
        "previous": week_label(monday - timedelta(weeks=1)),
        "next": week_label(monday + timedelta(weeks=1)) if monday < this_monday else "",
        "error": error,
    }
    return render(request, "insights/weekly.html", context)


@login_required
def week_card(request: AuthedRequest) -> HttpResponse:
    """This week, as a small card (loaded after the page, so the page itself stays quick)."""
    summary = weekly_summary(request.user, local_today(request.user))
    return render(request, "insights/_week_card.html", {"summary": summary})
