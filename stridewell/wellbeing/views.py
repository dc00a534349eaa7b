"""Check-in pages and the "I need help now" page. Thin: the work is in checkins.py and crisis.py."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from stridewell.accounts.models import Profile
from stridewell.lib.http import AuthedRequest
from stridewell.wellbeing import checkins, instruments, questionnaires, tags
from stridewell.wellbeing.crisis import country_from_timezone, lines_for
from stridewell.wellbeing.forms import FEELING_CHOICES, CheckInDetailsForm, PreferencesForm
from stridewell.wellbeing.instruments.base import IncompleteAnswers
from stridewell.wellbeing.models import TAG_SUGGESTIONS, CheckIn, Kind, Preferences, Response, Tag


@login_required
def checkin_new(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            checkin = checkins.record(request.user, _posted_checkin(request))
        except (ValueError, ValidationError):
            messages.error(request, "Choose how you feel, from very bad to very good.")
            return redirect("wellbeing:new")
        if checkin.run_id and checkin.kind == Kind.AFTER_RUN:
            messages.success(request, "Saved with this run.")
            return redirect("runs:detail", run_id=checkin.run_id)
        if checkin.kind == Kind.BEFORE_RUN:
            messages.success(
                request, "Have a good one. This joins the run you log or import within three hours."
            )
        else:
            messages.success(request, "Saved. Add more below if you like — or leave it there.")
        return redirect("wellbeing:edit", checkin_id=checkin.pk)
    kind = request.GET.get("kind", Kind.DAILY)
    context = {"feelings": FEELING_CHOICES, "kind": kind if kind in Kind.values else Kind.DAILY}
    return render(request, "wellbeing/new.html", context)


def _posted_checkin(request: AuthedRequest) -> checkins.CheckInData:
    """The one-tap form: a feeling, and for a run's prompt its kind and run."""
    return checkins.CheckInData(
        feeling=int(request.POST.get("feeling", "")),
        kind=request.POST.get("kind") or Kind.DAILY,
        run_id=int(request.POST["run"]) if request.POST.get("run") else None,
    )


@login_required
def checkin_edit(request: AuthedRequest, checkin_id: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn, pk=checkin_id, user_id=request.user.pk)
    form = CheckInDetailsForm(request.POST or None, instance=checkin)
    if request.method == "POST" and form.is_valid():
        checkins.apply(checkin, form.changes())
        messages.success(request, "Saved.")
        return redirect("wellbeing:list")
    context = {"form": form, "checkin": checkin, "suggestions": TAG_SUGGESTIONS}
    return render(request, "wellbeing/edit.html", context)


@login_required
@require_POST
def checkin_delete(request: AuthedRequest, checkin_id: int) -> HttpResponse:
    get_object_or_404(CheckIn, pk=checkin_id, user_id=request.user.pk).delete()
    messages.success(request, "Check-in deleted.")
    return redirect("wellbeing:list")


@login_required
def checkin_list(request: AuthedRequest) -> HttpResponse:
    entries = CheckIn.objects.owned_by(request.user).prefetch_related("tags")
    page = Paginator(entries, 30).get_page(request.GET.get("page"))
    return render(request, "wellbeing/list.html", {"page": page})


@never_cache  # it shows the person's own safety plan
def help_now(request: HttpRequest) -> HttpResponse:
    """Always reachable, signed in or not: crisis lines for the person's country."""
    country = request.GET.get("country")
    if not country and request.user.is_authenticated:
        country = country_from_timezone(Profile.objects.for_request(request).timezone)
    extra = Path(settings.CRISIS_LINES_FILE) if settings.CRISIS_LINES_FILE else None
    context = {
        "info": lines_for(country, extra),
        "after_questionnaire": request.GET.get("after") == "questionnaire",
    }
    return render(request, "wellbeing/help.html", context)


@login_required
def questionnaire_list(request: AuthedRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=Preferences.for_user(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("wellbeing:questionnaires")
    context = {
        "form": form,
        "offered": questionnaires.offered(request.user),
        "responses": Response.objects.owned_by(request.user)[:20],
    }
    return render(request, "wellbeing/questionnaires.html", context)


@login_required
def questionnaire_take(request: AuthedRequest, instrument_id: str) -> HttpResponse:
    try:
        instrument = instruments.get(instrument_id)
    except KeyError:
        raise Http404("No such questionnaire") from None
    error = None
    if request.method == "POST":
        answers = [_int_or_none(request.POST.get(f"item{n}")) for n in range(len(instrument.items))]
        try:
            response, result = questionnaires.answer(request.user, instrument.id, answers)
        except IncompleteAnswers as exc:
            error = f"{exc} Every question needs an answer before we can add them up."
        else:
            if result.flags["crisis"]:
                return redirect(f"{reverse('wellbeing:help')}?after=questionnaire")
            return redirect("wellbeing:response", response_id=response.pk)
    return render(
        request,
        "wellbeing/take.html",
        {"instrument": instrument, "error": error, "given": request.POST},
    )


@login_required
def questionnaire_response(request: AuthedRequest, response_id: int) -> HttpResponse:
    response = get_object_or_404(Response, pk=response_id, user_id=request.user.pk)
    instrument = instruments.get(response.instrument)
    band = instrument.band_for(response.score)
    context = {"response": response, "instrument": instrument, "band": band}
    return render(request, "wellbeing/response.html", context)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


@login_required
def tag_list(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        tag = get_object_or_404(Tag, pk=request.POST.get("tag"), user_id=request.user.pk)
        try:
            kept = tags.rename(tag, request.POST.get("name", ""))
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Now “{kept.name}”.")
        return redirect("wellbeing:tags")
    own = Tag.objects.filter(user_id=request.user.pk).annotate(uses=Count("checkins"))
    return render(request, "wellbeing/tags.html", {"tags": own})
