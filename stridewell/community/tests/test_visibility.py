"""The one visibility rule, object by object: four viewers × every visibility.

Alice owns; Bob is her buddy; Carol shares a group with her; Dave is a stranger.
The page/API/feed sweep lives in test_visibility_matrix.py; this file checks the
rule itself, and that the single-object answer always agrees with the lists.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from stridewell.community.models import (
    Block,
    Buddyship,
    Comment,
    Group,
    Membership,
    RunAudience,
    Status,
    Story,
)
from stridewell.community.visibility import (
    Relations,
    can_view,
    feeling_visible,
    relations,
    visible_comments,
    visible_runs,
    visible_stories,
)
from stridewell.runs.models import Run
from stridewell.wellbeing.models import CheckIn, Response

VISIBILITIES = ["private", "buddies", "groups", "public"]
# Who sees an object of each visibility, among the four viewers.
EXPECTED = {
    "private": {"alice"},
    "buddies": {"alice", "bob"},
    "groups": {"alice", "carol"},
    "public": {"alice", "bob", "carol", "dave"},
}


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    users = {name: make_user(f"{name}@example.org") for name in ("alice", "bob", "carol", "dave")}
    Buddyship.objects.create(requester=users["alice"], addressee=users["bob"], status="accepted")
    club = Group.objects.create(name="Run and talk", slug="run-and-talk")
    for name in ("alice", "carol"):
        Membership.objects.create(group=club, user=users[name])
    users["club"] = club
    return users


def viewers(people: dict[str, Any]) -> dict[str, Any]:
    return {name: people[name] for name in ("alice", "bob", "carol", "dave")}


def run_of(owner: Any, visibility: str) -> Run:
    return Run.objects.create(
        user=owner, start="2026-05-01T07:00Z", elapsed_s=1800, visibility=visibility
    )


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_runs(people, visibility):
    run = run_of(people["alice"], visibility)
    for name, viewer in viewers(people).items():
        seen = can_view(viewer, run)
        assert seen == (name in EXPECTED[visibility]), (name, visibility)
        assert (run in visible_runs(viewer)) == seen


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_stories_and_their_comments(people, visibility):
    story = Story.objects.create(author=people["alice"], title="t", body="b", visibility=visibility)
    comment = Comment.objects.create(author=people["alice"], story=story, body="thanks")
    for name, viewer in viewers(people).items():
        expected = name in EXPECTED[visibility]
        assert can_view(viewer, story) == expected == (story in visible_stories(viewer))
        assert can_view(viewer, comment) == expected == (comment in visible_comments(viewer))


def test_anonymous_visitors_see_public_only_when_public_pages_are_on(people, settings):
    public = run_of(people["alice"], "public")
    settings.PUBLIC_PAGES = False
    assert not can_view(AnonymousUser(), public) and not can_view(None, public)
    settings.PUBLIC_PAGES = True
    assert can_view(AnonymousUser(), public)
    assert not can_view(AnonymousUser(), run_of(people["alice"], "buddies"))


def test_picked_groups_narrow_the_audience(people):
    other = Group.objects.create(name="Parkrun crew", slug="parkrun")
    Membership.objects.create(group=other, user=people["alice"])
    Membership.objects.create(group=other, user=people["dave"])
    run = run_of(people["alice"], "groups")
    assert can_view(people["carol"], run) and can_view(people["dave"], run)  # none picked: all
    RunAudience.objects.create(run=run, group=other)
    assert not can_view(people["carol"], run) and can_view(people["dave"], run)
    # Leaving the group takes the run away from that group at once.
    Membership.objects.filter(group=other, user=people["alice"]).delete()
    assert not can_view(people["dave"], run)


def test_leaving_or_being_removed_takes_effect_at_once(people):
    run = run_of(people["alice"], "groups")
    assert can_view(people["carol"], run)
    Membership.objects.filter(user=people["carol"]).delete()
    assert not can_view(people["carol"], run)


def test_a_block_hides_everything_both_ways_at_once(people):
    run = run_of(people["alice"], "public")
    story = Story.objects.create(author=people["alice"], title="t", body="b", visibility="public")
    theirs = Story.objects.create(author=people["dave"], title="t", body="b", visibility="public")
    Block.objects.create(blocker=people["alice"], blocked=people["dave"])
    assert not can_view(people["dave"], run) and not can_view(people["dave"], story)
    assert not can_view(people["alice"], theirs)
    assert not can_view(people["dave"], people["alice"])
    assert can_view(people["bob"], run)


def test_comments_from_someone_i_blocked_disappear_for_me(people):
    story = Story.objects.create(author=people["alice"], title="t", body="b", visibility="public")
    rude = Comment.objects.create(author=people["dave"], story=story, body="hm")
    assert can_view(people["bob"], rude) and can_view(people["alice"], rude)
    Block.objects.create(blocker=people["alice"], blocked=people["dave"])
    assert not can_view(people["alice"], rude)
    assert can_view(people["bob"], rude)  # Bob did not block anyone


@pytest.mark.parametrize("status", [Status.HELD, Status.HIDDEN])
def test_held_or_hidden_stories_and_comments_are_the_authors_alone(people, status):
    story = Story.objects.create(
        author=people["alice"], title="t", body="b", visibility="public", status=status
    )
    assert can_view(people["alice"], story)
    assert not any(can_view(people[n], story) for n in ("bob", "carol", "dave"))
    open_story = Story.objects.create(
        author=people["alice"], title="t", body="b", visibility="public"
    )
    comment = Comment.objects.create(
        author=people["bob"], story=open_story, body="x", status=status
    )
    assert can_view(people["bob"], comment)
    assert not can_view(people["alice"], comment) and not can_view(people["dave"], comment)


def test_wellbeing_is_never_anyone_elses(people):
    alice = people["alice"]
    checkin = CheckIn.objects.create(user=alice, recorded_at="2026-05-01T08:00Z", feeling=3)
    response = Response.objects.create(
        user=alice,
        instrument="phq9",
        answers=[0] * 9,
        score=0,
        band="minimal",
        recorded_at="2026-05-01T08:00Z",
    )
    for obj in (checkin, response):
        assert can_view(alice, obj)
        assert not any(can_view(people[n], obj) for n in ("bob", "carol", "dave"))
        assert not can_view(AnonymousUser(), obj)


def test_shared_feeling_follows_the_run_and_the_tick(people):
    run = run_of(people["alice"], "buddies")
    assert feeling_visible(people["alice"], run)
    assert not feeling_visible(people["bob"], run)
    run.share_feeling = True
    run.save()
    assert feeling_visible(people["bob"], run) and not feeling_visible(people["dave"], run)


def test_pending_requests_are_not_buddies(people):
    Buddyship.objects.create(requester=people["alice"], addressee=people["dave"])
    assert not can_view(people["dave"], run_of(people["alice"], "buddies"))


def test_relations_are_read_from_both_sides_and_only_accepted_buddies_count(people):
    alice, bob, carol, dave = (people[name] for name in ("alice", "bob", "carol", "dave"))
    # Asked by someone else (Carol asked Alice), still pending (Dave asked Alice).
    Buddyship.objects.create(requester=carol, addressee=alice, status="accepted")
    Buddyship.objects.create(requester=dave, addressee=alice, status="pending")
    other_club = Group.objects.create(name="Walkers", slug="walkers")
    Membership.objects.create(group=other_club, user=alice)
    Block.objects.create(blocker=dave, blocked=alice)  # blocked by, not blocking
    found = relations(alice)
    assert found.buddies == tuple(sorted([bob.pk, carol.pk]))
    assert found.groups == tuple(sorted([people["club"].pk, other_club.pk]))
    assert found.blocked == (dave.pk,)
    assert relations(bob) == Relations(buddies=(alice.pk,))
    assert relations(AnonymousUser()) == Relations()
