from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from stridewell.accounts.models import Profile
from stridewell.insights.experiments import reminder_text
from stridewell.wellbeing.reminders import CHECKIN_TEXT, QUESTIONNAIRE_TEXT, due_for


def reminders(request: HttpRequest) -> dict[str, Any]:
    """In-app reminders for the signed-in person (never on the help page: no nudges there)."""
    if not request.user.is_authenticated or request.path.startswith("/help/"):
        return {}
    due = due_for(request.user, profile=Profile.objects.for_request(request))
    texts = [
        text
        for on, text in ((due.checkin, CHECKIN_TEXT), (due.questionnaire, QUESTIONNAIRE_TEXT))
        if on
    ]
    experiment = reminder_text(request.user, tz=Profile.objects.for_request(request).tzinfo)
    return {"reminders": texts, "reminder_due": due, "experiment_reminder": experiment}
