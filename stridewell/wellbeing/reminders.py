"""Gentle reminders: a daily check-in at the person's own local time, and a questionnaire
when their schedule says one is due. Shown in the app, and mailed where email is set up.

Never guilt-laden: the words say "whenever you're ready", and a reminder is sent at
most once a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.insights.experiments import send_morning_reminders
from stridewell.wellbeing.models import CheckIn, Preferences, Response

CHECKIN_TEXT = "A check-in is here whenever you're ready — one tap is enough."
QUESTIONNAIRE_TEXT = (
    "A short questionnaire is due, whenever you're ready. It takes about two minutes."
)


@dataclass(frozen=True)
class Due:
    checkin: bool
    questionnaire: bool


def checkin_due(prefs: Preferences, profile: Profile, now: datetime) -> bool:
    """Past today's reminder time in the person's timezone, and no check-in since it."""
    if prefs.checkin_reminder_at is None:
        return False
    local_now = timezone.localtime(now, profile.tzinfo)
    remind_at = datetime.combine(local_now.date(), prefs.checkin_reminder_at, profile.tzinfo)
    if local_now < remind_at:
        return False
    return not CheckIn.objects.filter(user_id=prefs.user_id, recorded_at__gte=remind_at).exists()


def questionnaire_due(prefs: Preferences, now: datetime) -> bool:
    if not prefs.remind_questionnaires or not prefs.questionnaire_every_days:
        return False
    last = Response.objects.filter(user_id=prefs.user_id).order_by("-recorded_at").first()
    return last is None or now - last.recorded_at >= timedelta(days=prefs.questionnaire_every_days)


def due_for(user: Any, now: datetime | None = None, profile: Profile | None = None) -> Due:
    now = now or timezone.now()
    prefs = Preferences.for_user(user)
    profile = profile or Profile.objects.for_user(user)
    return Due(checkin_due(prefs, profile, now), questionnaire_due(prefs, now))


def send_due(now: datetime | None = None) -> int:
    """Mail today's due reminders (once a day each); answers how many mails went out.

    Run every few minutes (``stridewell send_reminders``); without an SMTP host the
    reminders still show in the app, and nothing is mailed.
    """
    now = now or timezone.now()
    sent = send_morning_reminders(now)  # also finishes experiments whose last day has passed
    if not settings.EMAIL_HOST:
        return sent
    wanted = Preferences.objects.exclude(checkin_reminder_at=None, remind_questionnaires=False)
    for prefs in wanted.select_related("user"):
        sent += _send_one(prefs, now)
    return sent


def _send_one(prefs: Preferences, now: datetime) -> int:
    profile = Profile.objects.for_user(prefs.user)
    today = timezone.localtime(now, profile.tzinfo).date()
    lines = []
    if prefs.checkin_reminded_on != today and checkin_due(prefs, profile, now):
        lines.append(CHECKIN_TEXT)
        prefs.checkin_reminded_on = today
    if prefs.questionnaire_reminded_on != today and questionnaire_due(prefs, now):
        lines.append(QUESTIONNAIRE_TEXT)
        prefs.questionnaire_reminded_on = today
    if not lines or not prefs.user.email:
        return 0
    body = "\n\n".join([*lines, "You can change or turn off these reminders on the check-in page."])
    send_mail("A gentle reminder from Stridewell", body, None, [prefs.user.email])
    prefs.save(update_fields=["checkin_reminded_on", "questionnaire_reminded_on"])
    return 1
