"""Gentle reminders for planned sessions, on the days and at the time the person picks.

In the app, and mailed (once a day at most) where email is set up. Never pushy: one
line, "whenever you're ready", easy to snooze or turn off.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.steps.models import PlanSession, Progress

REMINDER_TEXT = "A short {what} is waiting for you whenever you're ready."
SNOOZE = timedelta(hours=3)


def text_for(progress: Progress) -> str:
    what = "session" if progress.step.has_running else "walk"
    return REMINDER_TEXT.format(what=what)


def due(progress: Progress, profile: Profile, now: datetime) -> bool:
    """A chosen weekday, past the chosen time (their timezone), not snoozed, not yet out."""
    if progress.remind_at is None or not progress.remind_days:
        return False
    if progress.snoozed_until and now < progress.snoozed_until:
        return False
    local = timezone.localtime(now, profile.tzinfo)
    if local.weekday() not in progress.remind_days:
        return False
    remind_at = datetime.combine(local.date(), progress.remind_at, profile.tzinfo)
    if local < remind_at:
        return False
    day_start = datetime.combine(local.date(), datetime.min.time(), profile.tzinfo)
    sessions = PlanSession.objects.filter(user_id=progress.user_id, started_at__gte=day_start)
    return not sessions.exists()


def snooze(progress: Progress, now: datetime | None = None) -> None:
    progress.snoozed_until = (now or timezone.now()) + SNOOZE
    progress.save(update_fields=["snoozed_until"])


def send_due(now: datetime | None = None) -> int:
    """Mail today's due reminders; answers how many went out (none without an SMTP host)."""
    if not settings.EMAIL_HOST:
        return 0
    now = now or timezone.now()
    sent = 0
    wanted = Progress.objects.exclude(remind_at=None).select_related("user")
    for progress in wanted:
        profile = Profile.objects.for_user(progress.user)
        today = timezone.localtime(now, profile.tzinfo).date()
        if progress.reminded_on == today or not progress.user.email:
            continue
        if due(progress, profile, now):
            body = f"{text_for(progress)}\n\nYou can snooze or turn off these reminders on the Small steps page."
            send_mail("Small steps", body, None, [progress.user.email])
            progress.reminded_on = today
            progress.save(update_fields=["reminded_on"])
            sent += 1
    return sent
