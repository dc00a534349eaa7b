"""Check-in pages and the "I need help now" page. Thin: the work is in checkins.py and crisis.py."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from stridewell.accounts.models import Profile
from stridewell.lib.http import AuthedRequest
from stridewell.wellbeing import checkins
from stridewell.wellbeing.crisis import country_from_timezone, lines_for
from stridewell.wellbeing.forms import FEELING_CHOICES, CheckInDetailsForm
from stridewell.wellbeing.models import TAG_SUGGESTIONS, CheckIn, Kind


@login_required
def checkin_new(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            data = checkins.CheckInData(
                feeling=int(request.POST.get("feeling", "")),
                kind=request.POST.get("kind") or Kind.DAILY,
            )
            checkin = checkins.record(request.user, data)
        except (ValueError, ValidationError):
            messages.error(request, "Choose how you feel, from very bad to very good.")
            return redirect("wellbeing:new")
        messages.success(request, "Saved. Add more below if you like — or leave it there.")
        return redirect("wellbeing:edit", checkin_id=checkin.pk)
    context = {
        "feelings": FEELING_CHOICES,
        "kinds": Kind.choices,
        "kind": request.GET.get("kind", Kind.DAILY),
    }
    return render(request, "wellbeing/new.html", context)


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


def help_now(request: HttpRequest) -> HttpResponse:
    """Always reachable, signed in or not: crisis lines for the person's country."""
    country = request.GET.get("country")
    if not country and request.user.is_authenticated:
        country = country_from_timezone(Profile.objects.for_user(request.user).timezone)
    extra = Path(settings.CRISIS_LINES_FILE) if settings.CRISIS_LINES_FILE else None
    return render(request, "wellbeing/help.html", {"info": lines_for(country, extra)})
