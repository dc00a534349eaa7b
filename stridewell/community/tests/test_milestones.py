"""Group-run milestones instead of leaderboards: first, 10, 25, 50, 100; sweeping counts;
each told once; seen by the person alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from stridewell.accounts.models import Profile
from stridewell.community import events, groups, milestones
from stridewell.community.models import Attendance, GroupRun, Kind, Notification
from stridewell.community.tests.group_helpers import browser_for, person

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def alice(db):
    return person("alice@example.org", "Alice Moss", "alice")


@pytest.fixture
def bob(db):
    return person("bob@example.org", "Bob Reed", "bobr")


@pytest.fixture
def club(alice, bob):
    group = groups.create_group(alice, "Run and Talk")
    groups.join(bob, group)
    return group


@pytest.fixture
def weeks(club, alice):
    """Twenty past Saturdays of a weekly group run (made directly: plans start from today)."""
    group_run = GroupRun.objects.create(
        group=club,
        title="Saturday",
        place="Park",
        first_date=date(2026, 1, 3),
        local_time=time(9),
        weekly=True,
    )
    return events.occurrences(group_run, date(2026, 1, 3), date(2026, 5, 16))


def came(alice, occurrences, *people):
    for occurrence in occurrences:
        events.set_attendance(alice, occurrence, {p.pk for p in people})


def told(user):
    return list(
        Notification.objects.filter(user=user, kind=Kind.MILESTONE)
        .order_by("pk")
        .values_list("text", flat=True)
    )


def test_first_and_tenth_are_told_once(alice, bob, weeks):
    came(alice, weeks[:1], bob)
    assert told(bob) == [milestones.WORDS[1]]
    came(alice, weeks[1:9], bob)
    assert len(told(bob)) == 1
    came(alice, weeks[9:10], bob)
    assert told(bob) == [milestones.WORDS[1], milestones.WORDS[10]]
    # Unmarked and marked again: the tenth is not told twice.
    events.set_attendance(alice, weeks[9], set())
    came(alice, weeks[9:10], bob)
    assert len(told(bob)) == 2
    assert (
        Notification.objects.get(user=bob, text=milestones.WORDS[10]).url == "/groups/#milestone-10"
    )


def test_sweeping_counts_as_coming(alice, bob, club, weeks):
    weeks[0].sweeper = bob
    weeks[0].save()
    came(alice, weeks[:3], bob)
    found = milestones.summary(bob)
    assert (found.attended, found.swept, found.reached, found.next) == (3, 1, [1], 10)
    assert found.text == "You've come to 3 group runs, 1 of them as sweeper. Next milestone: 10."
    assert Attendance.objects.get(occurrence=weeks[0], user=bob).swept


def test_summary_before_and_after_the_last_milestone(alice, bob):
    assert milestones.summary(bob).text == "Your first group run will be a milestone of its own."
    assert milestones.summary(bob).to_next == 1


def test_counts_in_one_group_and_in_all(alice, bob, club, weeks):
    other = groups.create_group(alice, "Sunday Walkers")
    groups.join(bob, other)
    sunday = GroupRun.objects.create(
        group=other, title="Sunday", place="Hill", first_date=date(2026, 1, 4), local_time=time(10)
    )
    came(alice, weeks[:2], bob)
    came(alice, events.occurrences(sunday, date(2026, 1, 4), date(2026, 1, 4)), bob)
    assert milestones.summary(bob).attended == 3
    assert milestones.summary(bob, club).attended == 2


def test_no_notification_when_turned_off(alice, bob, weeks):
    Profile.objects.filter(user=bob).update(notifications_off=[Kind.MILESTONE])
    came(alice, weeks[:1], bob)
    assert told(bob) == []


def test_shown_to_the_person_themself_and_nobody_else(alice, bob, club, weeks):
    came(alice, weeks[:12], bob)
    own = browser_for(bob).get(f"/groups/{club.slug}/").content.decode()
    assert "You&#x27;ve come to 12 group runs" in own or "You've come to 12 group runs" in own
    listing = browser_for(bob).get("/groups/").content.decode()
    assert "12 group runs" in listing and 'id="milestone-10"' in listing
    seen_by_alice = browser_for(alice).get(f"/groups/{club.slug}/").content.decode()
    assert "12 group runs" not in seen_by_alice
    assert "Your first group run will be a milestone" in seen_by_alice
