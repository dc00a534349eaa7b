"""Pages cost the same number of queries however much there is (no N+1): the feed, a group
page, a story page, the stories list, the runs list and the insights page are counted in
a small world, then again after more of everything of the same shape was added."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stridewell.community.models import Cheer, Comment, Goal, GroupRun, Membership, Metric, Story
from stridewell.community.tests.people_helpers import befriend, group_of, login, person, run_of
from stridewell.wellbeing.models import CheckIn

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
serial = count(1)


@pytest.fixture
def world(db):
    with time_machine.travel(NOW, tick=False):
        alice, bob, carol = person("alice"), person("bob"), person("carol")
        befriend(alice, bob)
        club = group_of(alice, carol, name="Harbour Runners")
        GroupRun.objects.create(
            group=club, title="Tuesday run", place="Harbour", first_date=NOW.date(),
            local_time="18:30", weekly=True,
        )  # fmt: skip
        Goal.objects.create(
            group=club, title="500 km", metric=Metric.DISTANCE, target=500,
            starts_on=NOW.date() - timedelta(days=10), ends_on=NOW.date() + timedelta(days=20),
        )  # fmt: skip
        story = Story.objects.create(
            author=bob, title="Why I run", body="It helps.", visibility="public"
        )
        world = {"alice": alice, "bob": bob, "carol": carol, "club": club, "story": story}
        grow(world)
        yield world


def grow(world, n=1):
    """``n`` more of everything, in the same shape: people in the group, runs of each kind
    of visibility, stories with comments and cheers, check-ins."""
    alice, bob, carol, club = world["alice"], world["bob"], world["carol"], world["club"]
    for _ in range(n):
        k = next(serial)
        newcomer = person(f"member{k}")
        Membership.objects.create(group=club, user=newcomer)
        befriend(newcomer, alice) if k % 2 else None
        start = NOW - timedelta(days=k % 30, hours=k)
        runs = [
            run_of(alice, "private", start=start, distance_m=5000),
            run_of(bob, "buddies", start=start + timedelta(minutes=1), distance_m=6000),
            run_of(carol, "groups", start=start + timedelta(minutes=2), distance_m=7000),
            run_of(newcomer, "public", start=start + timedelta(minutes=3), share_feeling=True),
        ]
        story = Story.objects.create(
            author=[bob, carol, newcomer][k % 3], title=f"Story {k}", body="Running helped.",
            visibility=["buddies", "groups", "public"][k % 3], anonymous=k % 4 == 0,
        )  # fmt: skip
        for target in (story, world["story"]):
            Comment.objects.create(author=newcomer, story=target, body="Thank you")
            Cheer.objects.create(user=newcomer, story=target)
        Comment.objects.create(author=newcomer, run=runs[2], body="Well done")
        Cheer.objects.create(user=newcomer, run=runs[1])
        CheckIn.objects.create(user=alice, recorded_at=start, feeling=k % 5, run=runs[0])


def queries(client, url):
    client.get(url)  # warm: sessions, the group's coming dates, cached insights
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


PAGES = {
    "feed": lambda w: "/feed/",
    "group page": lambda w: f"/groups/{w['club'].slug}/",
    "group members": lambda w: f"/groups/{w['club'].slug}/members/",
    "story page": lambda w: f"/stories/{w['story'].pk}/",
    "stories list": lambda w: "/stories/",
    "runs list": lambda w: "/runs/",
    "insights page": lambda w: "/insights/",
}


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_the_data(world, page):
    client = login(world["alice"])
    url = PAGES[page](world)
    with time_machine.travel(NOW, tick=False):
        before = queries(client, url)
        grow(world, 6)
        after = queries(client, url)
    assert after == before, f"{page}: {before} queries with a little data, {after} with more"


def test_a_group_page_view_takes_no_lock_when_no_milestone_is_due(world):
    """It used to lock the goal (on SQLite: the whole database) on every view."""
    client = login(world["alice"])
    url = f"/groups/{world['club'].slug}/"
    with time_machine.travel(NOW, tick=False):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
    statements = " ".join(q["sql"].upper() for q in captured.captured_queries)
    assert "SAVEPOINT" not in statements and "FOR UPDATE" not in statements


def test_the_feed_is_the_same_whether_the_circle_is_named_or_a_subquery(world, monkeypatch):
    from stridewell.community import feed

    alice = world["alice"]
    with time_machine.travel(NOW, tick=False):
        grow(world, 4)
        named = feed.feed_page(alice, size=50)
        monkeypatch.setattr(feed, "CIRCLE_NAMED", 2)  # Alice's circle is larger than that
        assert feed._named_circle(alice, feed.relations(alice)) is None
        queried = feed.feed_page(alice, size=50)
    keys = [(item.kind, item.id) for item in named.items]
    assert keys == [(item.kind, item.id) for item in queried.items] and len(keys) > 10
