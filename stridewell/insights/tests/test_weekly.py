"""The weekly summary: one kind change worth noticing, by clear rules; mailed once a week."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from stridewell.accounts.models import ApiToken, Profile
from stridewell.insights.weekly import WeekError, parse_week, send_due, week_label, weekly_summary
from stridewell.runs.models import Run
from stridewell.wellbeing.models import CheckIn, Preferences

MONDAY = date(2026, 6, 1)  # ISO week 2026-W23
GUILT = ("less", "fewer", "only", "should", "missed", "didn't", "lower", "worse", "because")


def at(day: date, hour: int = 18) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def run(user, day, sport="running", metres=5000.0, seconds=1800.0):
    Run.objects.create(
        user=user,
        start=at(day, 7),
        sport=sport,
        distance_m=metres,
        elapsed_s=seconds,
        moving_s=seconds,
    )


def checkins(user, first: date, feelings):
    for offset, feeling in enumerate(feelings):
        CheckIn.objects.create(
            user=user, recorded_at=at(first + timedelta(days=offset)), feeling=feeling
        )


def kind_of(user, monday=MONDAY):
    return weekly_summary(user, monday).change


# --------------------------------------------------------------------------- #
# Weeks
# --------------------------------------------------------------------------- #


def test_weeks_are_written_the_iso_way():
    assert week_label(MONDAY) == "2026-W23" and parse_week("2026-W23") == MONDAY
    assert parse_week("2026w23") == MONDAY and parse_week("2020-W53") == date(2020, 12, 28)
    for bad in ("2026-W54", "2025-W53", "June", ""):
        with pytest.raises(WeekError, match="please write it like 2026-W14"):
            parse_week(bad)


# --------------------------------------------------------------------------- #
# What the week holds
# --------------------------------------------------------------------------- #


def test_runs_and_checkins_of_the_week_in_local_time(alice):
    Profile.objects.filter(user=alice).update(timezone="Europe/London")
    run(alice, MONDAY, metres=5000, seconds=1800)
    run(alice, MONDAY + timedelta(days=2), sport="walking", metres=3000, seconds=2400)
    Run.objects.create(
        user=alice, start="2026-05-31T23:30Z", sport="running", elapsed_s=600
    )  # Monday 00:30 BST
    Run.objects.create(
        user=alice, start="2026-06-07T23:30Z", sport="running", elapsed_s=600
    )  # next Monday
    Run.objects.create(user=alice, start=at(MONDAY), sport="cycling", elapsed_s=3600)  # not on foot
    checkins(alice, MONDAY, [2, 1, 3])
    summary = weekly_summary(alice, MONDAY + timedelta(days=3))  # any day finds its Monday
    assert (summary.week, summary.start, summary.end) == ("2026-W23", MONDAY, date(2026, 6, 7))
    assert (summary.runs, summary.walks, summary.distance_m, summary.moving_s) == (
        2,
        1,
        8000.0,
        4800.0,
    )
    assert summary.runs_text == "2 runs and 1 walk: 8.0 km in 1 h 20 min."
    assert (summary.checkins, summary.mean_feeling) == (3, 2.0)
    assert summary.checkins_text == "3 check-ins; your mean feeling was +2."


def test_hide_numbers_keeps_distance_and_time_out(alice):
    Profile.objects.filter(user=alice).update(hide_numbers=True, units="mi")
    run(alice, MONDAY)
    summary = weekly_summary(alice, MONDAY)
    assert summary.runs_text == "1 run." and summary.distance_m is None and summary.moving_s is None
    assert summary.as_dict()["distance_m"] is None


def test_miles_when_chosen(alice):
    Profile.objects.filter(user=alice).update(units="mi")
    run(alice, MONDAY, metres=8046.72, seconds=3000)
    assert weekly_summary(alice, MONDAY).runs_text == "1 run: 5.0 mi in 50 min."


# --------------------------------------------------------------------------- #
# The one change worth noticing, rule by rule
# --------------------------------------------------------------------------- #


def test_rest_week_is_a_kind_note(alice):
    change = kind_of(alice)
    assert change.kind == "rest_week" and "Rest weeks count too" in change.text


def test_first_run_ever(alice):
    run(alice, MONDAY + timedelta(days=1))
    assert kind_of(alice).kind == "first_run"


def test_first_run_after_a_break(alice):
    run(alice, MONDAY - timedelta(days=18))
    run(alice, MONDAY + timedelta(days=2))
    change = kind_of(alice)
    assert change.kind == "back_after_break" and "after 20 days" in change.text


def test_no_break_no_welcome_back(alice):
    run(alice, MONDAY - timedelta(days=5))
    run(alice, MONDAY + timedelta(days=2))
    change = kind_of(alice)
    assert change.kind == "kind_note" and "counts" in change.text


def test_mean_feeling_higher_than_the_four_weeks_before(alice):
    checkins(alice, MONDAY - timedelta(weeks=4), [0, 1, -1, 0, 0, 0])
    checkins(alice, MONDAY, [1, 0, 1])  # mean 0.67, before 0: up by more than 0.5
    change = kind_of(alice)
    assert (
        change.kind == "feeling_higher"
        and "+0.7" in change.text
        and "four weeks before (0)" in change.text
    )


def test_a_small_rise_is_not_called_out(alice):
    checkins(alice, MONDAY - timedelta(weeks=4), [0, 0, 0, 0, 0, 0])
    checkins(alice, MONDAY, [0, 1, 0, 0, 0, 1, 0])  # mean 0.29: below the 0.5 step
    assert kind_of(alice).kind == "more_checkins"


def test_too_few_checkins_to_compare_means(alice):
    checkins(alice, MONDAY - timedelta(weeks=4), [-3, -3])
    checkins(alice, MONDAY, [3, 3])
    assert kind_of(alice).kind == "more_checkins"


def test_more_checkins_than_last_week(alice):
    checkins(alice, MONDAY - timedelta(weeks=1), [1])
    checkins(alice, MONDAY, [1, 1])
    change = kind_of(alice)
    assert change.kind == "more_checkins" and "more often than the week before" in change.text


def test_a_new_pattern_comes_first(alice):
    # Three weeks of data is not enough to answer; the fourth week makes a clear pattern.
    first, noise = MONDAY - timedelta(days=22), [0, 1, -1, 0, 1, 0, -1, 2, -2, 1, 0]
    for n in range(29):
        day = first + timedelta(days=n)
        CheckIn.objects.create(
            user=alice, recorded_at=at(day), feeling=(2 if n % 3 else 0) + noise[n % 11]
        )
        if n % 3:
            run(alice, day)
    change = kind_of(alice)
    assert change.kind == "new_pattern"
    assert "“Do you feel different on days you run?”" in change.text and "not proof" in change.text
    assert kind_of(alice, MONDAY + timedelta(weeks=1)).kind != "new_pattern"  # new only once


def test_never_guilt_after_a_quieter_week(alice):
    run(alice, MONDAY - timedelta(weeks=1))
    run(alice, MONDAY - timedelta(days=5))
    checkins(alice, MONDAY - timedelta(weeks=4), [3] * 28)  # every day of the four weeks before
    checkins(alice, MONDAY, [-2])
    summary = weekly_summary(alice, MONDAY)
    assert summary.change.kind == "rest_week"
    words = " ".join([summary.change.text, summary.runs_text, summary.checkins_text]).lower()
    assert not [word for word in GUILT if f" {word} " in f" {words} "]


# --------------------------------------------------------------------------- #
# Mail: Monday morning in the person's timezone, once a week, only when asked
# --------------------------------------------------------------------------- #


def opt_in(user, timezone="Europe/London"):
    Profile.objects.filter(user=user).update(timezone=timezone)
    Preferences.objects.update_or_create(user=user, defaults={"weekly_summary_email": True})


def test_mailed_once_a_week_on_monday_morning(alice, bob, settings):
    settings.EMAIL_HOST = "smtp.example.org"
    opt_in(alice)
    Profile.objects.filter(user=bob).update(timezone="Europe/London")  # bob did not ask
    run(alice, MONDAY - timedelta(days=3))
    with time_machine.travel("2026-05-31 09:00:00+00:00", tick=False):  # Sunday
        assert send_due() == 0
    with time_machine.travel("2026-06-01 05:59:00+00:00", tick=False):  # 06:59 in London
        assert send_due() == 0
    with time_machine.travel("2026-06-01 06:00:00+00:00", tick=False):  # 07:00 in London
        assert send_due() == 1
        assert send_due() == 0
    with time_machine.travel("2026-06-01 16:00:00+00:00", tick=False):
        assert send_due() == 0
    with time_machine.travel("2026-06-02 06:00:00+00:00", tick=False):  # Tuesday
        assert send_due() == 0
    with time_machine.travel("2026-06-08 06:30:00+00:00", tick=False):  # the next Monday
        assert send_due() == 1
    assert [m.to for m in mail.outbox] == [[alice.email], [alice.email]]
    first = mail.outbox[0]
    assert first.subject == "Your week in Stridewell"
    assert "Monday 25 May to Sunday 31 May 2026" in first.body
    assert "1 run: 5.0 km in 30 min." in first.body and "Your first run or walk" in first.body
    assert "untick" in first.body and first.alternatives and "<li>" in first.alternatives[0][0]
    assert "at /insights/week/." in first.body  # no site address set: the path alone


def test_mail_links_to_the_site_when_its_address_is_set(alice, settings):
    settings.EMAIL_HOST = "smtp.example.org"
    settings.SITE_URL = "https://run.example.org"
    opt_in(alice)
    with time_machine.travel("2026-06-01 06:00:00+00:00", tick=False):
        assert send_due() == 1
    assert "https://run.example.org/insights/week/" in mail.outbox[0].body
    assert 'href="https://run.example.org/insights/week/"' in mail.outbox[0].alternatives[0][0]


def test_monday_morning_is_the_persons_own(alice, settings):
    settings.EMAIL_HOST = "smtp.example.org"
    opt_in(alice, "Pacific/Auckland")  # UTC+12: Monday 07:00 there is Sunday 19:00 UTC
    with time_machine.travel("2026-05-31 18:59:00+00:00", tick=False):
        assert send_due() == 0
    with time_machine.travel("2026-05-31 19:00:00+00:00", tick=False):
        assert send_due() == 1


def test_no_mail_without_email_set_up_or_when_not_asked(alice, settings):
    opt_in(alice)
    with time_machine.travel("2026-06-01 09:00:00+00:00", tick=False):
        settings.EMAIL_HOST = ""
        assert send_due() == 0
        settings.EMAIL_HOST = "smtp.example.org"
        Preferences.objects.filter(user=alice).update(weekly_summary_email=False)
        assert send_due() == 0
    assert not mail.outbox


def test_mail_honours_hide_numbers(alice, settings):
    settings.EMAIL_HOST = "smtp.example.org"
    opt_in(alice)
    Profile.objects.filter(user=alice).update(hide_numbers=True)
    run(alice, MONDAY - timedelta(days=3))
    with time_machine.travel("2026-06-01 09:00:00+00:00", tick=False):
        assert send_due() == 1
    assert "1 run." in mail.outbox[0].body and "km" not in mail.outbox[0].body


def test_command_sends_once(alice, settings):
    settings.EMAIL_HOST = "smtp.example.org"
    opt_in(alice)
    with time_machine.travel("2026-06-01 09:00:00+00:00", tick=False):
        call_command("send_weekly_summaries")
        call_command("send_weekly_summaries")
    assert len(mail.outbox) == 1


def test_opting_in_on_the_questionnaires_page(alice, alice_client):
    page = alice_client.get("/questionnaires/").content.decode()
    assert "Email me a summary of my week" in page
    alice_client.post(
        "/questionnaires/", {"questionnaire_every_days": 14, "weekly_summary_email": "on"}
    )
    assert Preferences.for_user(alice).weekly_summary_email is True


# --------------------------------------------------------------------------- #
# Page, card and API: only one's own week
# --------------------------------------------------------------------------- #


def test_week_page_with_links_to_other_weeks(alice, alice_client):
    run(alice, MONDAY)
    with time_machine.travel("2026-06-10 09:00:00+00:00", tick=False):  # in week 24
        this_week = alice_client.get("/insights/week/").content.decode()
        earlier = alice_client.get("/insights/week/", {"week": "2026-W23"}).content.decode()
        later = alice_client.get("/insights/week/", {"week": "2027-W01"}).content.decode()
        bad = alice_client.get("/insights/week/", {"week": "soon"}).content.decode()
        card = alice_client.get("/insights/week/card/").content.decode()
    assert "Your week so far" in this_week and 'href="?week=2026-W23"' in this_week
    assert 'href="?week=2026-W25"' not in this_week  # no future weeks
    assert "1 run: 5.0 km in 30 min." in earlier and 'href="?week=2026-W24"' in earlier
    assert "Your week so far" in later  # a future week shows this one
    assert "please write it like 2026-W14" in bad and "Your week so far" in bad
    assert "week-card" in card and "<html" not in card


def test_week_api(alice, alice_token):
    run(alice, MONDAY)
    api = Client(headers={"Authorization": f"Bearer {alice_token}"})
    body = api.get("/api/v1/insights/weekly", {"week": "2026-W23"}).json()
    assert (
        body["week"] == "2026-W23" and body["start"] == "2026-06-01" and body["end"] == "2026-06-07"
    )
    assert (body["runs"], body["distance_m"], body["checkins"]) == (1, 5000.0, 0)
    assert body["change"]["kind"] == "first_run" and body["runs_text"] == "1 run: 5.0 km in 30 min."
    bad = api.get("/api/v1/insights/weekly", {"week": "2026-W60"})
    assert bad.status_code == 422 and "2026-W14" in bad.json()["detail"][0]["msg"]
    with time_machine.travel("2026-06-03 09:00:00+00:00", tick=False):
        assert api.get("/api/v1/insights/weekly").json()["week"] == "2026-W23"
    assert Client().get("/api/v1/insights/weekly").status_code == 401


def test_bob_sees_none_of_alices_week(alice, bob):
    run(alice, MONDAY)
    checkins(alice, MONDAY, [3, 3])
    _, token = ApiToken.objects.issue(bob)
    body = (
        Client(headers={"Authorization": f"Bearer {token}"})
        .get("/api/v1/insights/weekly", {"week": "2026-W23"})
        .json()
    )
    assert (body["runs"], body["checkins"], body["change"]["kind"]) == (0, 0, "rest_week")
    client = Client()
    client.force_login(bob)
    page = client.get("/insights/week/", {"week": "2026-W23"}).content.decode()
    assert "No runs or walks this week." in page and "No check-ins this week." in page
    assert Client().get("/insights/week/").status_code == 302


def test_the_runs_page_fetches_the_week_card(alice_client):
    page = alice_client.get("/runs/").content.decode()
    assert 'hx-get="/insights/week/card/"' in page
    card = alice_client.get("/insights/week/card/")
    assert card.status_code == 200 and "week" in card.content.decode().lower()
