"""The wellbeing chart pages and their JSON. Thin: the work is in charts.py."""

from __future__ import annotations

from datetime import date, tzinfo

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.lib.http import AuthedRequest
from stridewell.wellbeing import charts, instruments
from stridewell.wellbeing.instruments import Instrument


def _tz_today(request: AuthedRequest) -> tuple[tzinfo, date]:
    tz = Profile.objects.for_request(request).tzinfo
    return tz, timezone.now().astimezone(tz).date()


def _year(raw: str | None, this_year: int) -> int:
    try:
        year = int(raw or this_year)
    except ValueError:
        return this_year
    return year if 1900 <= year <= this_year + 1 else this_year


@login_required
def year_in_colours(request: AuthedRequest) -> HttpResponse:
    tz, today = _tz_today(request)
    year = _year(request.GET.get("year"), today.year)
    context = {
        "data": charts.year_in_colours(request.user, year, tz),
        "legend": charts.legend(),
        "previous_year": year - 1,
        "next_year": year + 1 if year < today.year else None,
        "day_numbers": range(1, 32),
    }
    return render(request, "wellbeing/chart_year.html", context)


@login_required
def timeline_page(request: AuthedRequest) -> HttpResponse:
    tz, today = _tz_today(request)
    days = charts.timeline_days(request.GET.get("days"))
    context = {
        "days": days,
        "ranges": charts.TIMELINE_RANGES,
        "data": charts.timeline(request.user, days, tz, today),
        "timezone_name": str(tz),
    }
    return render(request, "wellbeing/chart_timeline.html", context)


@login_required
def timeline_json(request: AuthedRequest) -> JsonResponse:
    tz, today = _tz_today(request)
    days = charts.timeline_days(request.GET.get("days"))
    return JsonResponse(charts.timeline(request.user, days, tz, today))


def _instrument(request: AuthedRequest, answered: list[Instrument]) -> Instrument | None:
    wanted = request.GET.get("instrument")
    if not wanted:
        return answered[0] if answered else None
    try:
        return instruments.get(wanted)
    except KeyError:
        raise Http404("No such questionnaire.") from None


@login_required
def trend_page(request: AuthedRequest) -> HttpResponse:
    tz, today = _tz_today(request)
    answered = charts.answered_instruments(request.user)
    instrument = _instrument(request, answered)
    data = charts.trend(request.user, instrument, tz, today) if instrument else None
    context = {
        "answered": answered,
        "instrument": instrument,
        "data": data,
        "timezone_name": str(tz),
    }
    return render(request, "wellbeing/chart_trend.html", context)


@login_required
def trend_json(request: AuthedRequest) -> JsonResponse:
    tz, today = _tz_today(request)
    instrument = _instrument(request, charts.answered_instruments(request.user))
    if instrument is None:
        return JsonResponse({"instrument": None, "t": [], "score": [], "changes": []})
    return JsonResponse(charts.trend(request.user, instrument, tz, today))
