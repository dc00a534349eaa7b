"""Blocking: at once and everywhere, the blocked person no longer sees me or reaches me —
and I no longer see them."""

from __future__ import annotations

import pytest

from stridewell.community import blocks, buddies
from stridewell.community.models import Block, Buddyship, Kind, Notification, Story
from stridewell.community.notify import notify
from stridewell.community.tests.people_helpers import (
    api,
    body,
    login,
    make_four,
    run_of,
)
from stridewell.community.visibility import can_view


@pytest.fixture
def four(db):
    return make_four()


def test_blocking_ends_the_buddyship_requests_and_notifications_both_ways(four):
    alice, bob, dave = four["alice"], four["bob"], four["dave"]
    buddies.request(dave, handle="alice")
    notify(alice, Kind.CHEER, "Bob cheered", actor=bob)
    notify(bob, Kind.CHEER, "Alice cheered", actor=alice)
    blocks.block(alice, bob)
    blocks.block(alice, dave)
    assert not Buddyship.objects.exists()
    assert not Notification.objects.filter(user__in=[alice, bob]).exists()
    # Blocking twice is one block.
    blocks.block(alice, bob)
    assert Block.objects.filter(blocker=alice).count() == 2


def test_the_blocked_person_loses_sight_of_everything_at_once(four):
    alice, bob = four["alice"], four["bob"]
    shared = run_of(alice, "buddies", distance_m=5000)
    public = run_of(alice, "public")
    story = Story.objects.create(author=alice, title="Why I run", body="b", visibility="public")
    bob_web, bob_api = login(bob), api(bob)
    assert bob_web.get(f"/runs/{shared.pk}/").status_code == 200
    assert len(bob_api.get("/api/v1/feed").json()["items"]) == 3
    blocks.block(alice, bob)
    for run in (shared, public):
        assert bob_web.get(f"/runs/{run.pk}/").status_code == 404
        assert bob_web.get(f"/runs/{run.pk}/streams.json").status_code == 404
        assert bob_api.get(f"/api/v1/runs/{run.pk}").status_code == 404
    assert not can_view(bob, story)
    assert bob_api.get("/api/v1/feed").json()["items"] == []
    assert bob_web.get("/people/alice/").status_code == 404
    assert bob_api.get("/api/v1/people/alice").status_code == 404


def test_and_i_no_longer_see_them(four):
    alice, carol = four["alice"], four["carol"]
    theirs = run_of(carol, "public")
    blocks.block(alice, carol)
    assert login(alice).get(f"/runs/{theirs.pk}/").status_code == 404
    assert login(alice).get("/people/carol/").status_code == 404
    assert api(alice).get("/api/v1/feed").json()["items"] == []


def test_the_blocked_person_cannot_reach_me(four):
    alice, bob = four["alice"], four["bob"]
    pair = Buddyship.objects.get()
    blocks.block(alice, bob)
    bob_api = api(bob)
    assert bob_api.post(f"/api/v1/buddies/{pair.pk}/nudge").status_code == 404
    asked = bob_api.post("/api/v1/buddies", {"handle": "alice"}, content_type="application/json")
    assert asked.status_code == 404
    assert notify(alice, Kind.COMMENT, "hello", actor=bob) is None
    assert not Notification.objects.filter(user=alice).exists()


def test_unblocking_lets_public_things_show_again_but_not_the_buddyship(four):
    alice, bob = four["alice"], four["bob"]
    public = run_of(alice, "public")
    found = blocks.block(alice, bob)
    assert not blocks.unblock(bob, found.pk)  # only the blocker lifts it
    assert blocks.unblock(alice, found.pk)
    assert can_view(bob, public)
    assert not Buddyship.objects.exists()


def test_block_pages(four):
    alice = four["alice"]
    client = login(alice)
    person_page = body(client.get("/people/dave/"))
    assert "Block @dave" in person_page and "/reports/new/?user=" in person_page
    response = client.post("/people/dave/block/", follow=True)
    page = body(response)
    assert "You blocked @dave" in page and "Dave" in page and "dave.secret@" not in page
    block = Block.objects.get(blocker=alice)
    client.post(f"/blocked/{block.pk}/unblock/")
    assert not Block.objects.exists()
    assert "Nobody blocked" in body(client.get("/blocked/"))
    assert client.post("/people/alice/block/").status_code == 404  # not yourself


def test_blocks_through_the_api(four):
    alice_api, dave_api = api(four["alice"]), api(four["dave"])
    made = alice_api.post("/api/v1/blocks", {"handle": "dave"}, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["person"] == {"display_name": "Dave", "handle": "dave"}
    assert [b["person"]["handle"] for b in alice_api.get("/api/v1/blocks").json()] == ["dave"]
    assert dave_api.get("/api/v1/blocks").json() == []
    block_id = made.json()["id"]
    assert dave_api.delete(f"/api/v1/blocks/{block_id}").status_code == 404
    assert alice_api.delete(f"/api/v1/blocks/{block_id}").status_code == 204
    missing = alice_api.post(
        "/api/v1/blocks", {"handle": "nobody"}, content_type="application/json"
    )
    assert missing.status_code == 404


@pytest.mark.parametrize("direction", ["i_blocked", "they_blocked"])
def test_a_person_page_is_404_across_a_block_either_way(four, direction):
    alice, dave = four["alice"], four["dave"]
    if direction == "i_blocked":
        Block.objects.create(blocker=alice, blocked=dave)
    else:
        Block.objects.create(blocker=dave, blocked=alice)
    assert login(alice).get("/people/dave/").status_code == 404
    assert login(dave).get("/people/alice/").status_code == 404
