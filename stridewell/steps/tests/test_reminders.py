"""Reminders at the person's chosen days and time, in their timezone; snooze and off."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from html import unescape

import time_machine
from django.core import mail
from django.core.management import call_command

from stridewell.accounts.models import Profile
from stridewell.steps.models import Progress
from stridewell.steps.reminders import send_due
from stridewell.steps.sessions import SessionData, choose, record_session

# Tuesday 10 March 2026, 17:30 UTC = 18:30 in Berlin.
NOW = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
TEXT = "A short walk is waiting for you whenever you're ready."


def remind(user, days=(1,), at=time(18, 0)):  # type: ignore[no-untyped-def]
    profile = Profile.objects.for_user(user)
    profile.timezone = "Europe/Berlin"
    profile.save()
    progress = choose(user, "small-steps", "walk-10")
    progress.remind_days, progress.remind_at = list(days), at
    progress.save()
    return progress


@time_machine.travel(NOW)
def test_shown_in_the_app_after_the_chosen_time(alice_client, alice):
    remind(alice)
    assert TEXT in unescape(alice_client.get("/runs/").content.decode())


@time_machine.travel(NOW)
def test_not_before_the_time_nor_on_other_days(alice_client, alice):
    progress = remind(alice, at=time(19, 0))
    assert TEXT not in unescape(alice_client.get("/runs/").content.decode())
    progress.remind_at, progress.remind_days = time(18, 0), [3]
    progress.save()
    assert TEXT not in unescape(alice_client.get("/runs/").content.decode())


@time_machine.travel(NOW)
def test_not_once_out_today(alice_client, alice):
    remind(alice)
    record_session(alice, SessionData("walk-10", NOW - timedelta(hours=8), 600, True))
    assert TEXT not in unescape(alice_client.get("/runs/").content.decode())


@time_machine.travel(NOW)
def test_snooze_and_turn_off(alice_client, alice):
    remind(alice)
    alice_client.post("/steps/settings/", {"action": "snooze"})
    assert TEXT not in unescape(alice_client.get("/runs/").content.decode())
    alice_client.post("/steps/settings/", {"action": "off"})
    progress = Progress.objects.get(user=alice)
    assert (progress.remind_at, progress.remind_days) == (None, [])


@time_machine.travel(NOW)
def test_mailed_once_a_day_where_email_is_set_up(alice, settings):
    remind(alice)
    settings.EMAIL_HOST = ""
    assert send_due() == 0
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("plan_reminders")
    assert len(mail.outbox) == 1 and TEXT in mail.outbox[0].body
    assert send_due() == 0
