"""The feed: what my buddies and groups share (and mine), newest first, paged by cursor,
a fixed number of queries a page, anonymous stories never giving their author away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from stridewell.accounts.models import Profile
from stridewell.community.feed import FeedError, feed_page
from stridewell.community.models import Block, Cheer, Comment, Status, Story
from stridewell.community.tests.people_helpers import (
    api,
    body,
    login,
    make_four,
    person,
    run_of,
)
from stridewell.wellbeing.models import CheckIn


@pytest.fixture
def four(db):
    return make_four()


T0 = datetime(2026, 5, 1, 7, 0, tzinfo=UTC)


def story_of(author, visibility="buddies", at=None, **fields):
    story = Story.objects.create(
        author=author, title=fields.pop("title", "Why I run"), body="Running helped me.",
        visibility=visibility, **fields,
    )  # fmt: skip
    if at is not None:
        Story.objects.filter(pk=story.pk).update(created_at=at)
        story.refresh_from_db()
    return story


def keys(page):
    return [(item.kind, item.id) for item in page.items]


def test_buddies_groups_and_me_but_not_strangers(four):
    alice, bob, carol, dave = four["alice"], four["bob"], four["carol"], four["dave"]
    mine = run_of(alice, "private", start=T0)
    bobs = run_of(bob, "buddies", start=T0 + timedelta(hours=1))
    carols = run_of(carol, "groups", start=T0 + timedelta(hours=2))
    run_of(bob, "private", start=T0 + timedelta(hours=3))  # not shared
    run_of(carol, "buddies", start=T0 + timedelta(hours=4))  # Carol isn't Alice's buddy
    run_of(dave, "public", start=T0 + timedelta(hours=5))  # a stranger's public run
    story = story_of(bob, "public", at=T0 + timedelta(hours=6))
    page = feed_page(alice)
    assert keys(page) == [
        ("story", story.pk), ("run", carols.pk), ("run", bobs.pk), ("run", mine.pk),
    ]  # fmt: skip
    assert page.next_cursor is None
    assert [item.author.handle for item in page.items] == ["bob", "carol", "bob", "alice"]
    assert [item.mine for item in page.items] == [False, False, False, True]


def test_paging_by_cursor_has_no_gaps_or_repeats_even_at_the_same_moment(four):
    alice, bob = four["alice"], four["bob"]
    expected = []
    for n in range(9):
        at = T0 + timedelta(hours=n // 3)  # three items share each moment
        expected.append(("run", run_of(bob, "buddies", start=at).pk, at, 0))
        expected.append(("story", story_of(bob, at=at).pk, at, 1))
    expected.sort(key=lambda row: (row[2], row[3], row[1]), reverse=True)
    seen, cursor = [], None
    while True:
        page = feed_page(alice, cursor, size=4)
        seen += keys(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [(kind, pk) for kind, pk, _, _ in expected]


def test_the_page_and_the_api_page_through_the_same_items(four):
    alice, bob = four["alice"], four["bob"]
    for n in range(25):
        run_of(bob, "buddies", start=T0 + timedelta(minutes=n), name=f"Run number {n}")
    client = login(alice)
    first = body(client.get("/feed/"))
    assert "Run number 24" in first and "Run number 5" in first and "Run number 4" not in first
    assert "Older" in first and "Newest" not in first
    cursor = feed_page(alice).next_cursor
    second = body(client.get(f"/feed/?before={cursor}"))
    assert "Run number 4" in second and "Run number 5" not in second and "Newest" in second
    data = api(alice).get("/api/v1/feed", {"limit": 20}).json()
    assert data["next_cursor"] == cursor and len(data["items"]) == 20
    rest = api(alice).get("/api/v1/feed", {"cursor": cursor}).json()
    assert len(rest["items"]) == 5 and rest["next_cursor"] is None


def test_a_made_up_cursor_is_refused(four):
    with pytest.raises(FeedError):
        feed_page(four["alice"], "not-a-cursor")
    assert api(four["alice"]).get("/api/v1/feed?cursor=1.9.3").status_code == 422
    response = login(four["alice"]).get("/feed/?before=junk")
    assert response.status_code == 302 and response["Location"] == "/feed/"


def test_an_empty_feed_shows_the_next_small_step(db):
    loner = person("loner")
    page = body(login(loner).get("/feed/"))
    assert "Nothing here yet" in page and "Find a buddy" in page


# --------------------------------------------------------------------------- #
# Anonymous stories
# --------------------------------------------------------------------------- #


def test_anonymous_stories_never_show_their_author(four):
    alice, bob, carol = four["alice"], four["bob"], four["carol"]
    hidden = story_of(bob, "buddies", anonymous=True, title="A hard winter")
    story_of(carol, "public", anonymous=True, title="Public but anonymous")
    page = body(login(alice).get("/feed/"))
    assert "A hard winter" in page and "Anonymous" in page
    for tell in ("Bob", "@bob", "/people/bob/", "bob.secret@"):
        assert tell not in page
    # A public anonymous story would single out "someone I know": it stays on /stories/.
    assert "Public but anonymous" not in page
    data = api(alice).get("/api/v1/feed").json()
    (item,) = data["items"]
    assert item["id"] == hidden.pk and item["author"] is None and item["anonymous"] is True
    assert "bob" not in str(item).lower()
    assert str(bob.pk) not in (data["next_cursor"] or "")


def test_my_own_anonymous_story_is_mine_in_my_feed(four):
    bob = four["bob"]
    story_of(bob, "buddies", anonymous=True, title="A hard winter")
    page = body(login(bob).get("/feed/"))
    assert "shown to others as Anonymous" in page and "@bob" in page


# --------------------------------------------------------------------------- #
# Numbers, feelings, counts
# --------------------------------------------------------------------------- #


def test_numbers_hidden_from_others_stay_hidden_in_the_feed(four):
    alice, bob = four["alice"], four["bob"]
    Profile.objects.filter(user=bob).update(hide_numbers_from_others=True)
    run_of(bob, "buddies", distance_m=5000, elapsed_s=1800, name="Park loop")
    page = body(login(alice).get("/feed/"))
    assert "Park loop" in page and "5.00" not in page and "30:00" not in page
    (item,) = api(alice).get("/api/v1/feed").json()["items"]
    assert item["distance_m"] is None and item["elapsed_s"] is None and item["numbers_hidden"]
    # Bob still sees his own numbers.
    (own,) = api(bob).get("/api/v1/feed").json()["items"]
    assert own["distance_m"] == 5000 and not own["numbers_hidden"]


def test_shown_numbers_are_in_the_feed(four):
    run_of(four["bob"], "buddies", distance_m=5000, elapsed_s=1800)
    page = body(login(four["alice"]).get("/feed/"))
    assert "5.00 km" in page and "30:00" in page


def felt(run, before, after):
    for kind, feeling, minutes in (("before_run", before, -5), ("after_run", after, 40)):
        checkin = CheckIn.objects.create(
            user=run.user, run=run, kind=kind, feeling=feeling, stress=9,
            recorded_at=run.start + timedelta(minutes=minutes),
        )  # fmt: skip
        checkin.note = "PRIVATE-NOTE"
        checkin.save()


def test_the_feeling_shows_only_when_shared(four):
    alice, bob = four["alice"], four["bob"]
    shared = run_of(bob, "buddies", share_feeling=True, name="Shared", start=T0)
    kept = run_of(bob, "buddies", name="Kept", start=T0 + timedelta(hours=1))
    felt(shared, -1, 3)
    felt(kept, -4, -2)
    items = {i["id"]: i for i in api(alice).get("/api/v1/feed").json()["items"]}
    assert items[shared.pk]["feeling"] == {"before": -1, "after": 3}
    assert items[kept.pk]["feeling"] is None
    page = body(login(alice).get("/feed/"))
    assert "before: fairly bad (-1) → after: good (+3)" in page
    assert "before: -4" not in page and "PRIVATE-NOTE" not in page
    assert "stress" not in page.lower() and "Kept" in page


def test_counts_are_of_cheers_and_visible_comments_only(four):
    alice, bob, carol, dave = four["alice"], four["bob"], four["carol"], four["dave"]
    run = run_of(bob, "public")
    for user in (carol, dave):
        Cheer.objects.create(user=user, run=run)
    Comment.objects.create(author=carol, run=run, body="Well done")
    Comment.objects.create(author=dave, run=run, body="Nice", status=Status.HELD)
    Comment.objects.create(author=dave, run=run, body="Great")
    Block.objects.create(blocker=alice, blocked=dave)
    (item,) = feed_page(alice).items
    assert (item.cheers, item.comments) == (1, 1)
    (item,) = feed_page(bob).items
    assert (item.cheers, item.comments) == (2, 2)
    Cheer.objects.create(user=alice, run=run)
    (item,) = feed_page(alice).items
    assert item.cheered and item.cheers == 2


# --------------------------------------------------------------------------- #
# A fixed number of queries a page, however much there is
# --------------------------------------------------------------------------- #


def fill(people, n):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    helpers = [person(f"fan{n}_{k}") for k in range(3)]
    for k in range(n):
        for owner, visibility in ((bob, "buddies"), (carol, "groups")):
            run = run_of(owner, visibility, start=T0 + timedelta(minutes=k), share_feeling=True)
            felt(run, 0, 2)
            for fan in helpers:
                Cheer.objects.create(user=fan, run=run)
            Comment.objects.create(author=alice, run=run, body="Lovely")
        story = story_of(bob, at=T0 + timedelta(minutes=k, seconds=30), anonymous=k % 2 == 0)
        Comment.objects.create(author=carol, story=story, body="Thank you")


@pytest.mark.parametrize("size", [3, 40])
def test_a_page_costs_the_same_few_queries_at_any_size(four, size, django_assert_max_num_queries):
    fill(four, size)
    alice = get_user_model().objects.get(pk=four["alice"].pk)
    # Ten: my relations (buddies, groups, blocks), who is in my circle (named when few:
    # see feed._named_circle), runs, stories, the authors' cards, the shared feelings,
    # and cheers and comments on the page's runs and on its stories.
    with django_assert_max_num_queries(10):
        page = feed_page(alice)
    assert len(page.items) == min(20, 3 * size)
    with django_assert_max_num_queries(10):
        feed_page(alice, page.next_cursor)
