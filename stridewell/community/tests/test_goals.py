"""Shared goals: who sets them, whose runs count (their choice, their own local days),
one aggregate query, no one's share ever shown, and 25/50/75/100 % told once each."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from stridewell.accounts.models import Profile
from stridewell.community import goals, groups
from stridewell.community.goals import Progress, encouragement
from stridewell.community.groups import GroupError, NotAllowed
from stridewell.community.models import Buddyship, Goal, Kind, Notification
from stridewell.community.tests.group_helpers import api_for, browser_for, person
from stridewell.runs.models import Run, Sport

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
MARCH = {"starts_on": date(2026, 3, 1), "ends_on": date(2026, 3, 31)}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(db):
    return {
        "alice": person("alice@example.org", "Alice Moss", "alice"),
        "bob": person("bob@example.org", "Bob Reed", "bobr", tz="America/New_York"),
        "carol": person("carol@example.org", "Carol Fenn", "carol", tz="Asia/Tokyo"),
        "dave": person("dave@example.org", "Dave Lin", "dave"),
        "erin": person("erin@example.org", "Erin Shaw", "erin"),  # never joins
    }


@pytest.fixture
def club(people):
    group = groups.create_group(people["alice"], "Run and Talk")
    for name in ("bob", "carol", "dave"):
        groups.join(people[name], group)
    return group


def goal_for(club, people, metric="distance", target=100.0):
    return goals.create_goal(
        people["alice"], group=club, title="100 km in March", metric=metric, target=target, **MARCH
    )


def ran(user, start, km=5.0, minutes=30, sport=Sport.RUNNING):
    return Run.objects.create(
        user=user,
        start=start,
        end=start + timedelta(minutes=minutes),
        elapsed_s=minutes * 60,
        moving_s=minutes * 60 - 60,
        distance_m=km * 1000,
        sport=sport,
    )


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# --------------------------------------------------------------------------- #
# Setting a goal
# --------------------------------------------------------------------------- #


def test_organisers_set_group_goals_and_count_at_once(club, people):
    with pytest.raises(NotAllowed):
        goals.create_goal(
            people["bob"], group=club, title="x", metric="distance", target=5, **MARCH
        )
    goal = goal_for(club, people)
    assert goals.participant(people["alice"], goal).counting
    with pytest.raises(GroupError, match="after the day"):
        goals.create_goal(
            people["alice"], group=club, title="x", metric="distance", target=5,
            starts_on=date(2026, 3, 5), ends_on=date(2026, 3, 1),
        )  # fmt: skip
    with pytest.raises(GroupError, match="above zero"):
        goals.create_goal(
            people["alice"], group=club, title="x", metric="distance", target=0, **MARCH
        )
    with pytest.raises(GroupError, match="a year"):
        goals.create_goal(
            people["alice"], group=club, title="x", metric="sessions", target=5,
            starts_on=date(2026, 1, 1), ends_on=date(2027, 6, 1),
        )  # fmt: skip


def test_two_buddies_set_a_goal_together(people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    pair = Buddyship.objects.create(requester=alice, addressee=bob, status="accepted")
    goal = goals.create_goal(bob, buddyship=pair, title="", metric="sessions", target=12, **MARCH)
    assert goal.title == "Together: 12 sessions"
    with pytest.raises(NotAllowed):
        goals.create_goal(carol, buddyship=pair, title="", metric="sessions", target=3, **MARCH)
    goals.set_counting(alice, goal)
    with pytest.raises(NotAllowed):
        goals.set_counting(carol, goal)
    ran(alice, utc(2026, 3, 2, 8))
    ran(bob, utc(2026, 3, 3, 12))
    assert goals.progress(goal).total == 2
    assert browser_for(carol).get(f"/goals/{goal.pk}/").status_code == 404
    assert browser_for(alice).get(f"/goals/{goal.pk}/").status_code == 200


# --------------------------------------------------------------------------- #
# Progress
# --------------------------------------------------------------------------- #


def test_progress_counts_those_who_count_on_their_own_local_days(club, people):
    alice, bob, carol, dave = (people[n] for n in ("alice", "bob", "carol", "dave"))
    goal = goal_for(club, people)
    goals.set_counting(bob, goal)
    goals.set_counting(carol, goal)
    goals.set_counting(dave, goal, counting=False)
    ran(alice, utc(2026, 3, 1, 0, 30), km=5)  # London: 1 March
    ran(alice, utc(2026, 3, 9), km=3, sport=Sport.WALKING)
    ran(alice, utc(2026, 3, 10), km=40, sport=Sport.CYCLING)  # a ride does not count
    ran(bob, utc(2026, 4, 1, 2), km=7)  # New York: 31 March, 22:00
    ran(bob, utc(2026, 3, 1, 3), km=50)  # New York: still 28 February
    ran(carol, utc(2026, 2, 28, 16), km=11, sport=Sport.HIKING)  # Tokyo: 1 March
    ran(carol, utc(2026, 3, 31, 16), km=60)  # Tokyo: 1 April
    ran(dave, utc(2026, 3, 5), km=9)  # chose not to count
    ran(people["erin"], utc(2026, 3, 5), km=9)  # not in the group
    found = goals.progress(goal)
    assert found.total == pytest.approx(5 + 3 + 7 + 11)
    assert (found.people, found.percent) == (3, 26)


def test_minutes_and_sessions(club, people):
    alice = people["alice"]
    ran(alice, utc(2026, 3, 2), minutes=31)
    ran(alice, utc(2026, 3, 3), minutes=21)
    minutes = goal_for(club, people, metric="minutes", target=600)
    sessions = goal_for(club, people, metric="sessions", target=10)
    assert goals.progress(minutes).total == pytest.approx(50)  # moving time
    assert goals.progress(sessions).total == 2


def test_progress_is_two_queries_however_many_count(club, people, django_assert_num_queries):
    goal = goal_for(club, people)
    for name in ("bob", "carol", "dave"):
        goals.set_counting(people[name], goal)
        ran(people[name], utc(2026, 3, 4))
    with django_assert_num_queries(2):
        found = goals.progress(goal, today=date(2026, 3, 20))
    assert found.total == 15


def test_someone_who_left_no_longer_counts(club, people):
    goal = goal_for(club, people)
    goals.set_counting(people["bob"], goal)
    ran(people["bob"], utc(2026, 3, 4), km=8)
    assert goals.progress(goal).total == 8
    groups.leave(people["bob"], club)
    assert goals.progress(goal).total == 0


# --------------------------------------------------------------------------- #
# Privacy: the total only, never anyone's share
# --------------------------------------------------------------------------- #


def test_one_counting_person_shows_only_the_total_and_says_what_that_means(club, people):
    goal = goal_for(club, people)
    ran(people["alice"], utc(2026, 3, 4), km=12)
    page = browser_for(people["bob"]).get(f"/goals/{goal.pk}/").content.decode()
    assert "12.0 km of 100 km" in page and "1 person counting" in page
    assert "close to each person" in page  # the honest note about small totals
    assert "Alice Moss" not in page and "@alice" not in page
    body = api_for(people["bob"]).get(f"/api/v1/goals/{goal.pk}").json()
    assert body["total"] == 12 and body["people_counting"] == 1 and body["few_people"]
    assert set(body) == {
        "id", "title", "metric", "unit", "target", "starts_on", "ends_on", "group_id",
        "buddyship_id", "total", "percent", "people_counting", "few_people", "text",
        "taking_part", "counting",
    }  # fmt: skip
    group_page = browser_for(people["bob"]).get(f"/groups/{club.slug}/").content.decode()
    assert "12.0 km of 100 km" in group_page


def test_hidden_numbers_keep_a_small_total_hidden_from_others(club, people):
    alice, bob = people["alice"], people["bob"]
    Profile.objects.filter(user=alice).update(hide_numbers_from_others=True)
    goal = goal_for(club, people)
    ran(alice, utc(2026, 3, 4), km=12)
    assert api_for(bob).get(f"/api/v1/goals/{goal.pk}").json()["total"] is None
    page = browser_for(bob).get(f"/goals/{goal.pk}/").content.decode()
    assert "12.0 km" not in page and "keeps their numbers private" in page
    assert api_for(alice).get(f"/api/v1/goals/{goal.pk}").json()["total"] == 12
    goals.set_counting(bob, goal)
    goals.set_counting(people["carol"], goal)
    assert api_for(bob).get(f"/api/v1/goals/{goal.pk}").json()["total"] == 12


def test_goals_are_for_members_only(club, people):
    goal = goal_for(club, people)
    erin = people["erin"]
    assert browser_for(erin).get(f"/goals/{goal.pk}/").status_code == 404
    assert api_for(erin).get(f"/api/v1/goals/{goal.pk}").status_code == 404
    assert api_for(erin).get(f"/api/v1/groups/{club.pk}/goals").status_code == 404
    assert browser_for(erin).post(f"/goals/{goal.pk}/counting/").status_code == 404


def test_dont_count_my_runs(club, people):
    goal = goal_for(club, people)
    ran(people["bob"], utc(2026, 3, 4), km=8)
    client = browser_for(people["bob"])
    client.post(f"/goals/{goal.pk}/counting/", {"counting": "yes"})
    assert goals.progress(goal).total == 8
    client.post(f"/goals/{goal.pk}/counting/", {"counting": "no"})
    assert goals.progress(goal).total == 0
    assert "Count my runs" in client.get(f"/goals/{goal.pk}/").content.decode()


# --------------------------------------------------------------------------- #
# Encouragement and milestones
# --------------------------------------------------------------------------- #


def words(total, elapsed, started=True, ended=False):
    return encouragement(Progress(total, 100, 4, elapsed, started, ended, False))


def test_encouragement_follows_progress_and_time():
    assert "starts soon" in words(0, 0, started=False)
    assert "first steps" in words(0, 0.3)
    assert "Ahead" in words(60, 0.5)
    assert "on track" in words(40, 0.5)
    assert "plenty of time" in words(10, 0.5).lower()
    assert "period is over" in words(70, 1, ended=True)
    assert "You did it" in words(120, 1, ended=True)


def test_milestones_are_told_once_each_to_those_taking_part(club, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    goal = goal_for(club, people)
    goals.set_counting(bob, goal, counting=False)  # taking part without counting
    ran(alice, utc(2026, 3, 2), km=30)
    assert goals.announce_milestones(goal) == 25
    assert goals.announce_milestones(goal) is None
    ran(alice, utc(2026, 3, 3), km=50)
    assert goals.announce_due(NOW) == 1  # 80 %: one message, for 75 %
    goal.refresh_from_db()
    assert goal.announced == [25, 50, 75]
    texts = list(
        Notification.objects.filter(user=bob, kind=Kind.GOAL).values_list("text", flat=True)
    )
    assert sorted(t.split("reached ")[1][:3] for t in texts) == ["25%", "75%"]
    assert not Notification.objects.filter(user=carol).exists()
    ran(alice, utc(2026, 3, 4), km=25)
    browser_for(bob).get(f"/goals/{goal.pk}/")  # a visit checks too
    assert Notification.objects.filter(kind=Kind.GOAL, text__contains="You did it").count() == 2
    assert goals.announce_due(NOW) == 0


# --------------------------------------------------------------------------- #
# API and pages
# --------------------------------------------------------------------------- #


def test_api_group_and_buddy_goals(club, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    payload = {
        "title": "300 km",
        "metric": "distance",
        "target": 300,
        "starts_on": "2026-03-01",
        "ends_on": "2026-03-31",
    }
    assert (
        api_for(bob)
        .post(f"/api/v1/groups/{club.pk}/goals", payload, content_type="application/json")
        .status_code
        == 403
    )
    made = api_for(alice).post(
        f"/api/v1/groups/{club.pk}/goals", payload, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["counting"]
    goal_id = made.json()["id"]
    assert [g["id"] for g in api_for(bob).get(f"/api/v1/groups/{club.pk}/goals").json()] == [
        goal_id
    ]
    counted = api_for(bob).post(
        f"/api/v1/goals/{goal_id}/counting", {"counting": True}, content_type="application/json"
    )
    assert counted.json()["people_counting"] == 2
    pair = Buddyship.objects.create(requester=alice, addressee=carol, status="accepted")
    buddy = {**payload, "buddy_id": pair.pk}
    assert (
        api_for(bob).post("/api/v1/goals", buddy, content_type="application/json").status_code
        == 404
    )
    made = api_for(carol).post("/api/v1/goals", buddy, content_type="application/json")
    assert made.status_code == 201 and made.json()["buddyship_id"] == pair.pk
    assert api_for(bob).get(f"/api/v1/goals/{made.json()['id']}").status_code == 404


def test_goal_pages(club, people):
    alice = people["alice"]
    client = browser_for(alice)
    assert client.get(f"/groups/{club.slug}/goals/new/").status_code == 200
    response = client.post(
        f"/groups/{club.slug}/goals/new/",
        {
            "title": "Walk to Brighton",
            "metric": "distance",
            "target": "80",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
        },
    )
    goal = Goal.objects.get(title="Walk to Brighton")
    assert response.url == f"/goals/{goal.pk}/"
    assert browser_for(people["bob"]).get(f"/groups/{club.slug}/goals/new/").status_code == 404
    pair = Buddyship.objects.create(requester=alice, addressee=people["bob"], status="accepted")
    assert client.get(f"/goals/new/?buddy={pair.pk}").status_code == 200
    assert browser_for(people["carol"]).get(f"/goals/new/?buddy={pair.pk}").status_code == 404
