"""Group runs: dates, RSVPs and capacity, the sweeper, check-in on the day, attendance,
linked runs, results only with both yeses, reminders the day before, and who sees whom."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command

from stridewell.accounts.models import Profile
from stridewell.community import events, groups
from stridewell.community.groups import GroupError, NotAllowed
from stridewell.community.models import Attendance, Kind, Notification, Occurrence
from stridewell.community.tests.group_helpers import api_for, browser_for, person
from stridewell.runs.models import Run, Sport

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)  # a Thursday
SATURDAY = date(2026, 3, 7)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def alice(db):
    return person("alice@example.org", "Alice Moss", "alice")


@pytest.fixture
def bob(db):
    return person("bob@example.org", "Bob Reed", "bobr", tz="America/New_York")


@pytest.fixture
def carol(db):
    return person("carol@example.org", "Carol Fenn", "carol")


@pytest.fixture
def club(alice, bob):
    group = groups.create_group(alice, "Run and Talk", timezone="Europe/London")
    groups.join(bob, group)
    return group


def plan(organiser, group, **fields):
    values = {
        "title": "Saturday run and talk",
        "place": "Victoria Park, the boating lake",
        "first_date": SATURDAY,
        "local_time": time(9, 0),
        "weekly": True,
        "distance_m": 5000,
    }
    return events.create_group_run(organiser, group, **{**values, **fields})


def first(group_run):
    return events.occurrences(group_run, group_run.first_date, group_run.first_date)[0]


def run_for(user, start, sport=Sport.RUNNING, elapsed_s=1800):
    return Run.objects.create(
        user=user,
        start=start,
        end=start + timedelta(seconds=elapsed_s),
        elapsed_s=elapsed_s,
        sport=sport,
    )


# --------------------------------------------------------------------------- #
# Dates
# --------------------------------------------------------------------------- #


def test_weekly_dates_fall_on_the_same_weekday_and_stop_at_until(alice, club):
    group_run = plan(alice, club)
    window = (date(2026, 3, 10), date(2026, 3, 31))
    assert events.schedule_dates(group_run, *window) == [
        date(2026, 3, 14),
        date(2026, 3, 21),
        date(2026, 3, 28),
    ]
    group_run.until = date(2026, 3, 21)
    assert events.schedule_dates(group_run, *window) == [date(2026, 3, 14), date(2026, 3, 21)]
    one_off = plan(alice, club, weekly=False, until=date(2026, 4, 1))
    assert one_off.until is None
    assert events.schedule_dates(one_off, SATURDAY, date(2026, 12, 31)) == [SATURDAY]
    assert events.schedule_dates(one_off, date(2026, 3, 8), date(2026, 12, 31)) == []


def test_occurrences_are_made_once_lazily(alice, club):
    group_run = plan(alice, club)
    assert not Occurrence.objects.exists()
    found = events.occurrences(group_run, SATURDAY, SATURDAY + timedelta(weeks=3))
    again = events.occurrences(group_run, SATURDAY, SATURDAY + timedelta(weeks=3))
    assert [o.pk for o in found] == [o.pk for o in again]
    assert Occurrence.objects.count() == 4
    assert len({o.code for o in found}) == 4
    coming = events.upcoming(club)
    assert coming[0].date == SATURDAY and len(coming) == 6  # six weeks ahead


def test_only_organisers_plan_and_dates_must_make_sense(alice, bob, club):
    with pytest.raises(NotAllowed):
        plan(bob, club)
    with pytest.raises(GroupError, match="today"):
        plan(alice, club, first_date=date(2026, 1, 1))
    with pytest.raises(GroupError, match="last date"):
        plan(alice, club, until=date(2026, 3, 1))
    with pytest.raises(GroupError, match="place"):
        plan(alice, club, place=" ")


def test_cancelling_tells_those_coming(alice, bob, club):
    group_run = plan(alice, club)
    events.rsvp(bob, first(group_run))
    assert events.cancel_group_run(alice, group_run) == 1
    note = Notification.objects.get(user=bob, kind=Kind.GROUP_RUN)
    assert "cancelled" in note.text and note.url == f"/groups/{club.slug}/"
    assert events.upcoming(club) == []
    with pytest.raises(GroupError, match="cancelled"):
        events.rsvp(bob, first(group_run))


# --------------------------------------------------------------------------- #
# RSVPs and the sweeper
# --------------------------------------------------------------------------- #


def test_rsvp_needs_membership_and_respects_capacity(alice, bob, carol, club):
    occurrence = first(plan(alice, club, capacity=1))
    with pytest.raises(NotAllowed, match="Join the group"):
        events.rsvp(carol, occurrence)
    events.rsvp(bob, occurrence)
    events.rsvp(bob, occurrence)  # twice is harmless
    with pytest.raises(GroupError, match=r"full \(1 places\)"):
        events.rsvp(alice, occurrence)
    assert events.cancel_rsvp(bob, occurrence)
    events.rsvp(alice, occurrence)
    assert occurrence.rsvps.count() == 1


def test_the_sweeper_is_coming_and_never_takes_a_place(alice, bob, club):
    occurrence = first(plan(alice, club, capacity=1))
    events.rsvp(alice, occurrence)
    events.volunteer_as_sweeper(bob, occurrence)
    assert occurrence.rsvps.count() == 2
    occurrence.refresh_from_db()
    assert occurrence.sweeper == bob
    with pytest.raises(GroupError, match="already sweeping"):
        events.volunteer_as_sweeper(alice, occurrence)
    events.cancel_rsvp(bob, occurrence)
    occurrence.refresh_from_db()
    assert occurrence.sweeper is None


def test_no_rsvp_once_it_has_started(alice, bob, club):
    occurrence = first(plan(alice, club))
    started = time_machine.travel(datetime(2026, 3, 7, 9, 1, tzinfo=UTC), tick=False)
    with started, pytest.raises(GroupError, match="started"):
        events.rsvp(bob, occurrence)


def test_rsvp_page_with_htmx_swaps_the_box(alice, bob, club):
    occurrence = first(plan(alice, club, capacity=10))
    client = browser_for(bob)
    partial = client.post(
        f"/events/{occurrence.pk}/rsvp/", {"going": "yes"}, headers={"HX-Request": "true"}
    )
    text = partial.content.decode()
    assert "You're going" in text and "<html" not in text
    assert "9 places left of 10" in text
    client.post(f"/events/{occurrence.pk}/rsvp/", {"going": "no"})
    assert not occurrence.rsvps.exists()


# --------------------------------------------------------------------------- #
# Attendance
# --------------------------------------------------------------------------- #


def test_check_in_only_on_the_day_in_the_groups_timezone(alice, bob):
    # Auckland is 13 hours ahead: its Saturday begins on Friday at 11:00 UTC.
    group = groups.create_group(alice, "Harbour Walkers", timezone="Pacific/Auckland")
    groups.join(bob, group)
    occurrence = first(plan(alice, group, local_time=time(18, 0)))
    friday_there = time_machine.travel(datetime(2026, 3, 6, 10, 0, tzinfo=UTC), tick=False)
    with friday_there, pytest.raises(GroupError, match="on the day"):
        events.check_in(bob, occurrence, occurrence.code)
    with time_machine.travel(datetime(2026, 3, 6, 12, 0, tzinfo=UTC), tick=False):
        with pytest.raises(GroupError, match="doesn't match"):
            events.check_in(bob, occurrence, "wrong")
        attendance = events.check_in(bob, occurrence, f" {occurrence.code.upper()} ")
    assert attendance.marked_by == bob and not attendance.swept


def test_check_in_links_the_run_nearest_the_start(alice, bob, club):
    occurrence = first(plan(alice, club))
    start = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)  # London is on UTC in March
    run_for(bob, start - timedelta(hours=3))  # an early walk
    near = run_for(bob, start + timedelta(minutes=4))
    run_for(bob, start, sport=Sport.CYCLING)  # a ride there does not count
    run_for(alice, start)  # somebody else's run never links
    with time_machine.travel(start, tick=False):
        browser_for(bob).post(f"/events/{occurrence.pk}/checkin/", {"code": occurrence.code})
    assert Attendance.objects.get(user=bob).run == near


def test_a_run_imported_later_is_linked_on_the_next_visit(alice, bob, club):
    occurrence = first(plan(alice, club))
    with time_machine.travel(datetime(2026, 3, 7, 9, 5, tzinfo=UTC), tick=False):
        events.check_in(bob, occurrence, occurrence.code)
    assert Attendance.objects.get(user=bob).run is None
    run = run_for(bob, datetime(2026, 3, 7, 9, 0, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 3, 8, 10, 0, tzinfo=UTC), tick=False):
        browser_for(bob).get(f"/events/{occurrence.pk}/")
    assert Attendance.objects.get(user=bob).run == run
    assert events.link_attendance_runs(bob) == 0


def test_organisers_mark_who_came(alice, bob, carol, club):
    groups.join(carol, club)
    occurrence = first(plan(alice, club))
    events.volunteer_as_sweeper(carol, occurrence)
    with pytest.raises(GroupError, match="from the day"):
        events.set_attendance(alice, occurrence, {bob.pk})
    with time_machine.travel(datetime(2026, 3, 7, 11, 0, tzinfo=UTC), tick=False):
        with pytest.raises(NotAllowed):
            events.set_attendance(bob, occurrence, {bob.pk})
        client = browser_for(alice)
        client.post(f"/events/{occurrence.pk}/attendance/", {"came": [bob.pk, carol.pk, 99999]})
        came = {a.user_id: a for a in Attendance.objects.filter(occurrence=occurrence)}
        assert set(came) == {bob.pk, carol.pk}
        assert came[carol.pk].swept and not came[bob.pk].swept
        assert came[bob.pk].marked_by == alice
        events.set_attendance(alice, occurrence, {carol.pk})
    assert list(Attendance.objects.values_list("user_id", flat=True)) == [carol.pk]


# --------------------------------------------------------------------------- #
# Results: the organiser turns them on and each runner agrees
# --------------------------------------------------------------------------- #


def test_results_need_both_yeses_and_respect_hidden_numbers(alice, bob, carol, club):
    groups.join(carol, club)
    occurrence = first(plan(alice, club))
    with time_machine.travel(datetime(2026, 3, 7, 11, 0, tzinfo=UTC), tick=False):
        events.set_attendance(
            alice, occurrence, {bob.pk, carol.pk}, {bob.pk: (1500.0, 1), carol.pk: (1600.0, 2)}
        )
    assert Attendance.objects.get(user=bob).result_s is None  # results are off: nothing kept
    occurrence.group_run.results_enabled = True
    occurrence.group_run.save()
    with time_machine.travel(datetime(2026, 3, 7, 11, 0, tzinfo=UTC), tick=False):
        events.set_attendance(
            alice, occurrence, {bob.pk, carol.pk}, {bob.pk: (1500.0, 1), carol.pk: (1600.0, 2)}
        )
    assert events.results_for(carol, occurrence) == []  # nobody agreed yet
    events.set_share_result(bob, occurrence, True)
    assert [(r.handle, r.time_s, r.position) for r in events.results_for(carol, occurrence)] == [
        ("bobr", 1500.0, 1)
    ]
    Profile.objects.filter(user=bob).update(hide_numbers_from_others=True)
    assert events.results_for(carol, occurrence) == []
    assert [r.handle for r in events.results_for(bob, occurrence)] == ["bobr"]
    page = browser_for(carol).get(f"/events/{occurrence.pk}/").content.decode()
    assert "25:00" not in page


# --------------------------------------------------------------------------- #
# Who sees who's coming
# --------------------------------------------------------------------------- #


def test_event_page_shows_both_timezones_and_people_only_to_members(alice, bob, carol, club):
    occurrence = first(plan(alice, club))
    events.rsvp(bob, occurrence)
    page = browser_for(bob).get(f"/events/{occurrence.pk}/").content.decode()
    assert "Saturday 7 March 2026, 09:00" in page and "Europe/London time" in page
    assert "04:00, Saturday 7 March your time (America/New York)" in page
    assert "1 going" in page and "Bob Reed" in page and "Victoria Park" in page
    assert "example.org" not in page
    outside = browser_for(carol).get(f"/events/{occurrence.pk}/").content.decode()
    assert "1 going" in outside and "Bob Reed" not in outside and "Join the group" in outside
    assert occurrence.code not in outside and occurrence.code not in page
    assert occurrence.code in browser_for(alice).get(f"/events/{occurrence.pk}/").content.decode()


def test_invite_only_events_are_404_to_outsiders(alice, bob, carol):
    circle = groups.create_group(alice, "Circle", invite_only=True)
    occurrence = first(plan(alice, circle))
    assert browser_for(carol).get(f"/events/{occurrence.pk}/").status_code == 404
    assert api_for(carol).get(f"/api/v1/events/{occurrence.pk}").status_code == 404
    assert api_for(carol).post(f"/api/v1/events/{occurrence.pk}/rsvp").status_code == 404


def test_api_plan_list_rsvp_and_attend(alice, bob, carol, club):
    organiser, member = api_for(alice), api_for(bob)
    payload = {
        "title": "Run and talk",
        "place": "The bandstand",
        "first_date": "2026-03-07",
        "local_time": "09:00",
        "weekly": True,
        "capacity": 12,
    }
    assert (
        member.post(
            f"/api/v1/groups/{club.pk}/events", payload, content_type="application/json"
        ).status_code
        == 403
    )
    made = organiser.post(
        f"/api/v1/groups/{club.pk}/events", payload, content_type="application/json"
    )
    assert made.status_code == 201 and len(made.json()["events"]) == 6
    event = made.json()["events"][0]
    assert event["starts_at"] == "2026-03-07T09:00:00+00:00" and event["code"]
    listed = member.get(f"/api/v1/groups/{club.pk}/events").json()
    assert listed[0]["code"] is None and listed[0]["places_left"] == 12
    going = member.post(f"/api/v1/events/{event['id']}/rsvp").json()
    assert going["going"] and going["going_count"] == 1
    assert going["people_going"] == [{"display_name": "Bob Reed", "handle": "bobr"}]
    stranger = api_for(carol).get(f"/api/v1/events/{event['id']}").json()
    assert stranger["people_going"] == [] and stranger["going_count"] == 1
    refused = api_for(carol).post(f"/api/v1/events/{event['id']}/rsvp")
    assert refused.status_code == 403 and "Join the group" in refused.json()["detail"]
    assert not member.delete(f"/api/v1/events/{event['id']}/rsvp").json()["going"]
    early = member.post(
        f"/api/v1/events/{event['id']}/attend",
        {"code": event["code"]},
        content_type="application/json",
    )
    assert early.status_code == 400 and "on the day" in early.json()["detail"]
    with time_machine.travel(datetime(2026, 3, 7, 9, 30, tzinfo=UTC), tick=False):
        attended = member.post(
            f"/api/v1/events/{event['id']}/attend",
            {"code": event["code"]},
            content_type="application/json",
        )
    assert attended.status_code == 200 and attended.json()["event_id"] == event["id"]


# --------------------------------------------------------------------------- #
# Reminders
# --------------------------------------------------------------------------- #


def test_reminders_go_once_the_day_before_in_the_groups_day(alice, bob, carol):
    # Berlin is an hour ahead: at 23:30 UTC on Thursday it is already Friday there.
    group = groups.create_group(alice, "Spree Runners", timezone="Europe/Berlin")
    groups.join(bob, group)
    groups.join(carol, group)
    saturday = first(plan(alice, group))
    sunday = first(plan(alice, group, title="Long walk", first_date=date(2026, 3, 8), weekly=False))
    events.rsvp(bob, saturday)
    events.rsvp(carol, sunday)
    thursday_noon = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    assert events.send_group_run_reminders(thursday_noon) == 0
    friday_in_berlin = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
    assert events.send_group_run_reminders(friday_in_berlin) == 1
    assert events.send_group_run_reminders(friday_in_berlin + timedelta(hours=5)) == 0
    note = Notification.objects.get(kind=Kind.GROUP_RUN)
    assert note.user == bob and note.url == f"/events/{saturday.pk}/"
    assert "Tomorrow at 09:00" in note.text and "Spree Runners" in note.text


def test_no_reminder_for_people_who_turned_them_off_or_cancelled_runs(alice, bob, carol, club):
    groups.join(carol, club)
    group_run = plan(alice, club)
    occurrence = first(group_run)
    events.rsvp(bob, occurrence)
    events.rsvp(carol, occurrence)
    Profile.objects.filter(user=carol).update(notifications_off=[Kind.GROUP_RUN])
    friday = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)
    assert events.send_group_run_reminders(friday) == 1
    Notification.objects.all().delete()
    group_run.cancelled = True
    group_run.save()
    assert events.send_group_run_reminders(friday) == 0


def test_the_reminder_command_runs_once_without_every(alice, bob, club):
    events.rsvp(bob, first(plan(alice, club)))
    out = io.StringIO()
    with time_machine.travel(datetime(2026, 3, 6, 10, 0, tzinfo=UTC), tick=False):
        call_command("group_run_reminders", stdout=out)
    assert out.getvalue().strip() == "1 group run reminder(s), 0 goal milestone(s)."
