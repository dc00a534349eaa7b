"""Reminders at the person's own local time, across a daylight-saving change (frozen time)."""

from datetime import time

import time_machine
from django.core import mail

from stridewell.accounts.models import Profile
from stridewell.wellbeing.models import CheckIn, Preferences, Response
from stridewell.wellbeing.reminders import due_for, send_due


def remind_at_eight_in_london(user):
    Profile.objects.filter(user=user).update(timezone="Europe/London")
    Preferences.objects.update_or_create(user=user, defaults={"checkin_reminder_at": time(8, 0)})


def test_off_by_default(alice):
    with time_machine.travel("2026-06-01 12:00:00+00:00", tick=False):
        assert due_for(alice).checkin is False and due_for(alice).questionnaire is False


def test_daily_reminder_follows_local_time_across_the_clock_change(alice):
    remind_at_eight_in_london(alice)
    # Saturday 28 March 2026: London is on GMT, 08:00 local is 08:00 UTC.
    with time_machine.travel("2026-03-28 07:59:00+00:00", tick=False):
        assert not due_for(alice).checkin
    with time_machine.travel("2026-03-28 08:00:00+00:00", tick=False):
        assert due_for(alice).checkin
    # Monday 30 March 2026: British Summer Time, 08:00 local is 07:00 UTC.
    with time_machine.travel("2026-03-30 06:59:00+00:00", tick=False):
        assert not due_for(alice).checkin
    with time_machine.travel("2026-03-30 07:00:00+00:00", tick=False):
        assert due_for(alice).checkin


def test_a_check_in_after_the_reminder_time_clears_it(alice):
    remind_at_eight_in_london(alice)
    with time_machine.travel("2026-06-01 09:00:00+00:00", tick=False):
        assert due_for(alice).checkin
        CheckIn.objects.create(user=alice, recorded_at="2026-06-01T08:30:00Z", feeling=1)
        assert not due_for(alice).checkin


def test_questionnaire_due_on_the_chosen_schedule_only_when_asked(alice):
    Preferences.objects.update_or_create(user=alice, defaults={"questionnaire_every_days": 14})
    Response.objects.create(
        user=alice,
        instrument="who5",
        answers=[3] * 5,
        score=60,
        band="good wellbeing",
        recorded_at="2026-06-01T09:00Z",
    )
    with time_machine.travel("2026-06-20 09:00:00+00:00", tick=False):
        assert not due_for(alice).questionnaire  # reminders not chosen
        Preferences.objects.filter(user=alice).update(remind_questionnaires=True)
        assert due_for(alice).questionnaire
    with time_machine.travel("2026-06-10 09:00:00+00:00", tick=False):
        assert not due_for(alice).questionnaire


def test_shown_in_the_app_gently_and_never_on_the_help_page(alice_client, alice):
    remind_at_eight_in_london(alice)
    with time_machine.travel("2026-06-01 09:00:00+00:00", tick=False):
        page = alice_client.get("/runs/").content.decode()
        assert "A check-in is here whenever you" in page
        assert "A check-in is here" not in alice_client.get("/help/").content.decode()


def test_mailed_once_a_day_where_email_is_configured(alice, settings):
    remind_at_eight_in_london(alice)
    with time_machine.travel("2026-06-01 09:00:00+00:00", tick=False):
        settings.EMAIL_HOST = ""
        assert send_due() == 0 and not mail.outbox
        settings.EMAIL_HOST = "smtp.example.org"
        assert send_due() == 1
        assert send_due() == 0  # once a day
    assert mail.outbox[0].to == [alice.email] and "whenever you're ready" in mail.outbox[0].body
    assert "feel" not in mail.outbox[0].subject.lower()
