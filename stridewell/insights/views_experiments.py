"""The experiment page, and starting or stopping one. Thin: the work is in experiments.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stridewell.accounts.models import Profile
from stridewell.insights import experiments
from stridewell.insights.models import MAX_WEEKS, MIN_WEEKS, ExperimentKind
from stridewell.lib.http import AuthedRequest

DEFAULT_WEEKS = 6


@login_required
def experiment_page(request: AuthedRequest) -> HttpResponse:
    tz = Profile.objects.for_request(request).tzinfo
    found = experiments.experiments_for(request.user)
    active = experiments.active_for(found)
    today = experiments.local_today(request.user, tz=tz)
    context = {
        "active": experiments.active_view(active, today, tz) if active else None,
        "past": [e for e in found if not e.is_active],
        "kinds": ExperimentKind.choices,
        "weeks_choices": range(MIN_WEEKS, MAX_WEEKS + 1),
        "default_weeks": DEFAULT_WEEKS,
        "min_days": experiments.MIN_DAYS_PER_ARM,
    }
    return render(request, "insights/experiment.html", context)


@login_required
@require_POST
def experiment_start(request: AuthedRequest) -> HttpResponse:
    try:
        weeks = int(request.POST.get("weeks", DEFAULT_WEEKS))
        experiment = experiments.start(request.user, request.POST.get("kind", ""), weeks)
    except ValueError:
        messages.error(request, "Choose how many weeks, from 4 to 8.")
    except experiments.ExperimentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Your experiment starts tomorrow, {experiment.start:%A %-d %B}. "
            "Each morning you'll see what the day is for.",
        )
    return redirect("experiments:page")


@login_required
@require_POST
def experiment_stop(request: AuthedRequest) -> HttpResponse:
    active = experiments.active_for(experiments.experiments_for(request.user))
    if active is None:
        messages.info(request, "There is no experiment running just now.")
    else:
        experiments.stop(active)
        messages.success(
            request, "Stopped. Your days so far are kept, and what they show is below."
        )
    return redirect("experiments:page")
