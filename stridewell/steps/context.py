from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.steps.models import Progress
from stridewell.steps.reminders import due, text_for


def reminder(request: HttpRequest) -> dict[str, Any]:
    """The in-app reminder for a planned session (never on the help page, nor mid-session)."""
    if not request.user.is_authenticated or request.path.startswith(("/help/", "/steps/session")):
        return {}
    progress = Progress.for_user(request.user)
    if progress is None or progress.remind_at is None:
        return {}
    if not due(progress, Profile.objects.for_request(request), timezone.now()):
        return {}
    return {"step_reminder": text_for(progress)}
