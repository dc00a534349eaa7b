"""Small steps pages. Thin: the work is in sessions.py, overview.py and reminders.py."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stridewell.accounts.models import Profile
from stridewell.lib.http import AuthedRequest
from stridewell.steps import reminders
from stridewell.steps.ladder import all_plans, find_step
from stridewell.steps.models import Progress
from stridewell.steps.overview import START_CHOICES, START_STEPS, ladder_rows, overview
from stridewell.steps.sessions import SessionError, choose

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    progress = Progress.for_user(request.user)
    if progress is None:
        choices = {"plans": all_plans().values(), "start_choices": START_CHOICES}
        return render(request, "steps/start.html", choices)
    context: dict[str, Any] = {
        "view": overview(progress, Profile.objects.for_request(request)),
        "rows": ladder_rows(progress),
        "plans": all_plans().values(),
        "weekdays": list(enumerate(WEEKDAYS)),
    }
    return render(request, "steps/home.html", context)


@login_required
@require_POST
def start(request: AuthedRequest) -> HttpResponse:
    plan_id = request.POST.get("plan", "small-steps")
    where = request.POST.get("where", "")
    step_id = START_STEPS.get(where) if plan_id == "small-steps" else None
    try:
        choose(request.user, plan_id, step_id)
    except SessionError as exc:
        messages.error(request, str(exc))
    return redirect("steps:home")


@login_required
@require_POST
def choose_step(request: AuthedRequest) -> HttpResponse:
    progress = Progress.for_user(request.user)
    step_id = request.POST.get("step", "")
    if progress is None or step_id not in {step.id for step in progress.plan.steps}:
        return redirect("steps:home")
    choose(request.user, progress.plan_id, step_id)
    messages.success(
        request, f"Your next step: {progress.plan.step(step_id).title}. Any choice is a good one."
    )
    return redirect("steps:home")


@login_required
@require_POST
def settings(request: AuthedRequest) -> HttpResponse:
    progress = Progress.for_user(request.user)
    if progress is None:
        return redirect("steps:home")
    if request.POST.get("action") == "snooze":
        reminders.snooze(progress)
        messages.success(request, "Snoozed for a few hours.")
        return redirect("steps:home")
    progress.show_streak = request.POST.get("show_streak") == "on"
    days = [int(day) for day in request.POST.getlist("remind_days") if day in "0123456"]
    progress.remind_days = sorted(set(days))
    progress.remind_at = _time_or_none(request.POST.get("remind_at", ""))
    if request.POST.get("action") == "off":
        progress.remind_days, progress.remind_at = [], None
    progress.save()
    messages.success(request, "Saved.")
    return redirect("steps:home")


def _time_or_none(value: str) -> time | None:
    try:
        return time.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def session(request: AuthedRequest) -> HttpResponse:
    """The player: today's step, or the one asked for (``?step=``)."""
    progress = Progress.for_user(request.user)
    found = find_step(request.GET.get("step", ""))
    if found is None and progress is None:
        return redirect("steps:home")
    step = found[1] if found else progress.step  # type: ignore[union-attr]
    data = step.session()
    return render(
        request, "steps/session.html", {"session": data, "session_json": json.dumps(data)}
    )
