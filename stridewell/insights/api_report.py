"""GET /api/v1/insights/weekly and /api/v1/insights/report.pdf: one's own week and report."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpResponse
from ninja import Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from stridewell.insights.report import RangeError, build_report, date_range, local_today
from stridewell.insights.views_report import pdf_response
from stridewell.insights.weekly import WeekError, parse_week, weekly_summary
from stridewell.lib.http import AuthedRequest

router = Router(tags=["insights"])


class ChangeOut(Schema):
    kind: str
    text: str


class WeeklyOut(Schema):
    week: str
    start: date
    end: date
    runs: int
    walks: int
    distance_m: float | None
    moving_s: float | None
    checkins: int
    mean_feeling: float | None
    runs_text: str
    checkins_text: str
    change: ChangeOut


def _invalid(field: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["query", field], "msg": message}])


@router.get("/insights/weekly", response=WeeklyOut)
def weekly(request: AuthedRequest, week: str | None = None) -> dict[str, Any]:
    """A week's summary (``week=2026-W14``; this week when left out)."""
    try:
        monday = parse_week(week) if week else local_today(request.user)
    except WeekError as exc:
        raise _invalid("week", str(exc)) from None
    return weekly_summary(request.user, monday).as_dict()


@router.get("/insights/report.pdf")
def report(
    request: AuthedRequest, start: str | None = None, end: str | None = None, name: bool = False
) -> HttpResponse:
    """The report for a doctor or therapist as a PDF (the last 90 days when no dates are given)."""
    try:
        first, last = date_range(start, end, local_today(request.user))
    except RangeError as exc:
        raise _invalid("start", str(exc)) from None
    return pdf_response(build_report(request.user, first, last, include_name=name))
