"""The visibility matrix: every kind of object × every visibility × four viewers × every way
of seeing it (page, API object, list, feed, comments, notifications, export).

Alice owns everything; Bob is her buddy; Carol shares a group with her; Dave is a
stranger. Each object carries a marker word, and each way of seeing is checked by
looking for the marker in what the viewer actually receives. Alongside: her email
address, her private check-in note and her safety plan never reach anyone else.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client

from conftest import make_user
from stridewell.accounts.models import ApiToken, Profile
from stridewell.community.models import (
    Buddyship,
    Comment,
    Goal,
    Group,
    GroupRun,
    Membership,
    Occurrence,
    Status,
    Story,
)  # fmt: skip
from stridewell.runs.models import Run
from stridewell.wellbeing.models import CheckIn
from stridewell.wellbeing.safety import save_plan

VISIBILITIES = ["private", "buddies", "groups", "public"]
SEES = {
    "private": {"alice"},
    "buddies": {"alice", "bob"},
    "groups": {"alice", "carol"},
    "public": {"alice", "bob", "carol", "dave"},
}
# The feed shows what buddies and groups share (and one's own), not strangers' public posts.
IN_FEED_CIRCLE = {"alice", "bob", "carol"}
VIEWERS = ["alice", "bob", "carol", "dave"]
SECRETS = ["alice@example.org", "SECRETNOTE", "SECRETPLAN", "HELDSTORY"]


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    people = {name: make_user(f"{name}@example.org") for name in VIEWERS}
    alice = people["alice"]
    Buddyship.objects.create(requester=alice, addressee=people["bob"], status="accepted")
    club = Group.objects.create(name="Run and talk", slug="run-and-talk")
    for name in ("alice", "carol"):
        Membership.objects.create(group=club, user=people[name])
    hidden = Group.objects.create(name="HIDDENGROUP", slug="hidden", invite_only=True)
    Membership.objects.create(group=hidden, user=alice, role="organiser")
    Membership.objects.create(group=hidden, user=people["carol"])
    event = GroupRun.objects.create(
        group=hidden,
        title="HIDDENRUN",
        place="The park",
        first_date="2026-06-01",
        local_time="09:00",
    )
    occurrence = Occurrence.objects.create(group_run=event, date="2026-06-01")
    goal = Goal.objects.create(
        group=hidden, title="HIDDENGOAL", metric="distance", target=100,
        starts_on="2026-06-01", ends_on="2026-06-30",
    )  # fmt: skip
    objects: dict[str, Any] = {}
    for v in VISIBILITIES:
        run = Run.objects.create(
            user=alice,
            start="2026-05-01T07:00Z",
            elapsed_s=1800,
            visibility=v,
            name=f"RUN{v.upper()}",
        )
        story = Story.objects.create(
            author=alice, title=f"STORY{v.upper()}", body=f"Words {v}", visibility=v
        )
        Comment.objects.create(author=alice, run=run, body=f"RUNCOMMENT{v.upper()}")
        Comment.objects.create(author=alice, story=story, body=f"STORYCOMMENT{v.upper()}")
        for kind, feeling in (("before_run", -3), ("after_run", 4)):
            CheckIn.objects.create(
                user=alice, run=run, kind=kind, feeling=feeling, recorded_at="2026-05-01T06:55Z"
            )
        objects[v] = {"run": run, "story": story}
    Story.objects.create(
        author=alice, title="HELDSTORY", body="x", visibility="public", status=Status.HELD
    )
    note = CheckIn(user=alice, recorded_at="2026-05-02T20:00Z", feeling=-4)
    note.note = "SECRETNOTE"
    note.save()
    save_plan(alice, {"warning_signs": "SECRETPLAN"})
    clients = {}
    for name in VIEWERS:
        client = Client(
            headers={"Authorization": f"Bearer {ApiToken.objects.issue(people[name])[1]}"}
        )
        client.force_login(people[name])
        clients[name] = client
    handle = Profile.objects.for_user(alice).handle
    return {
        "people": people, "objects": objects, "clients": clients, "handle": handle,
        "hidden": hidden, "occurrence": occurrence, "goal": goal,
    }  # fmt: skip


def body(response: Any) -> str:
    return response.content.decode()


def never_secret(name: str, text: str) -> None:
    if name != "alice":
        for secret in SECRETS:
            assert secret not in text, (name, secret)


def marker(kind: str, v: str) -> str:
    return f"{kind}{v.upper()}"


@pytest.mark.parametrize("name", VIEWERS)
def test_pages_and_api_objects(world, name):
    client = world["clients"][name]
    for v in VISIBILITIES:
        seen = name in SEES[v]
        for kind, page, api in (
            ("RUN", "/runs/{}/", "/api/v1/runs/{}"),
            ("STORY", "/stories/{}/", "/api/v1/stories/{}"),
        ):
            obj = world["objects"][v]["run" if kind == "RUN" else "story"]
            for url in (page.format(obj.pk), api.format(obj.pk)):
                response = client.get(url)
                assert response.status_code == (200 if seen else 404), (name, v, url)
                assert (marker(kind, v) in body(response)) == seen, (name, v, url)
                never_secret(name, body(response))


@pytest.mark.parametrize("name", VIEWERS)
def test_lists_and_person_pages(world, name):
    client = world["clients"][name]
    pages = {
        "stories page": client.get("/stories/"),
        "stories api": client.get("/api/v1/stories"),
        "person page": client.get(f"/people/{world['handle']}/"),
        "person api": client.get(f"/api/v1/people/{world['handle']}"),
        "groups page": client.get("/groups/"),
        "groups api": client.get("/api/v1/groups"),
    }
    for where, response in pages.items():
        text = body(response)
        never_secret(name, text)
        member = name in ("alice", "carol")
        assert ("HIDDENGROUP" in text) == (member and "groups" in where), (name, where)
        for v in VISIBILITIES:
            if where == "person api":  # the card only: name, handle, relation
                assert marker("STORY", v) not in text and marker("RUN", v) not in text
                continue
            if where.startswith("groups"):
                assert marker("STORY", v) not in text
                continue
            assert (marker("STORY", v) in text) == (name in SEES[v]), (name, where, v)
            if "person" in where:
                assert (marker("RUN", v) in text) == (name in SEES[v]), (name, where, v)
            else:
                assert marker("RUN", v) not in text or name == "alice", (name, where, v)


@pytest.mark.parametrize("name", VIEWERS)
def test_feed(world, name):
    client = world["clients"][name]
    for response in (client.get("/feed/"), client.get("/api/v1/feed")):
        text = body(response)
        never_secret(name, text)
        for v in VISIBILITIES:
            expected = name in SEES[v] and name in IN_FEED_CIRCLE
            assert (marker("RUN", v) in text) == expected, (name, v)
            assert (marker("STORY", v) in text) == expected, (name, v)


@pytest.mark.parametrize("name", VIEWERS)
def test_comments(world, name):
    client = world["clients"][name]
    for v in VISIBILITIES:
        seen = name in SEES[v]
        objs = world["objects"][v]
        for url, word in (
            (f"/api/v1/runs/{objs['run'].pk}/comments", "RUNCOMMENT"),
            (f"/api/v1/stories/{objs['story'].pk}/comments", "STORYCOMMENT"),
        ):
            response = client.get(url)
            assert response.status_code == (200 if seen else 404), (name, v, url)
            assert (marker(word, v) in body(response)) == seen
            never_secret(name, body(response))


@pytest.mark.parametrize("name", ["bob", "carol", "dave"])
def test_cheers_comments_and_notifications(world, name):
    client = world["clients"][name]
    reached = 0
    for v in VISIBILITIES:
        seen = name in SEES[v]
        objs = world["objects"][v]
        for url in (
            f"/api/v1/runs/{objs['run'].pk}/cheers",
            f"/api/v1/stories/{objs['story'].pk}/cheers",
        ):
            assert (client.post(url).status_code == 200) == seen, (name, v, url)
        comment = client.post(
            f"/api/v1/runs/{objs['run'].pk}/comments",
            {"body": "Lovely!"},
            content_type="application/json",
        )
        assert (comment.status_code == 201) == seen, (name, v)
        reached += seen
    alice = world["clients"]["alice"]
    notes = body(alice.get("/api/v1/notifications"))
    handle = Profile.objects.for_user(world["people"][name]).handle
    assert (
        handle in notes or Profile.objects.for_user(world["people"][name]).name in notes
    ) == bool(reached)
    # What the others are told never carries Alice's wellbeing or address.
    never_secret(name, body(client.get("/api/v1/notifications")))
    never_secret(name, body(client.get("/notifications/")))


@pytest.mark.parametrize("name", VIEWERS)
def test_export_holds_only_ones_own(world, name):
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(world["clients"][name].post("/settings/export/").streaming_content))
    )
    text = "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    for v in VISIBILITIES:
        for kind in ("RUN", "STORY", "RUNCOMMENT", "STORYCOMMENT"):
            assert (marker(kind, v) in text) == (name == "alice"), (name, kind, v)
    if name == "alice":
        assert "SECRETNOTE" in text and "SECRETPLAN" in text
    never_secret(name, text)


def test_held_story_is_the_authors_alone(world):
    held = Story.objects.get(title="HELDSTORY")
    for name in VIEWERS:
        client = world["clients"][name]
        ok = name == "alice"
        assert client.get(f"/stories/{held.pk}/").status_code == (200 if ok else 404)
        assert client.get(f"/api/v1/stories/{held.pk}").status_code == (200 if ok else 404)
        assert ("HELDSTORY" in body(client.get("/stories/"))) == ok


def test_a_block_takes_effect_everywhere_at_once(world):
    bob = world["clients"]["bob"]
    run = world["objects"]["buddies"]["run"]
    assert bob.get(f"/runs/{run.pk}/").status_code == 200
    from stridewell.community.blocks import block

    block(world["people"]["alice"], world["people"]["bob"])
    assert bob.get(f"/runs/{run.pk}/").status_code == 404
    assert bob.get(f"/api/v1/runs/{run.pk}").status_code == 404
    assert "RUNBUDDIES" not in body(bob.get("/api/v1/feed"))
    assert "STORYPUBLIC" not in body(bob.get("/api/v1/stories"))
    assert bob.get(f"/api/v1/people/{world['handle']}").status_code == 404


@pytest.mark.parametrize("name", VIEWERS)
def test_an_invite_only_groups_runs_goals_and_members(world, name):
    client = world["clients"][name]
    member = name in ("alice", "carol")
    hidden, occurrence, goal = world["hidden"], world["occurrence"], world["goal"]
    urls = [
        f"/groups/{hidden.slug}/", f"/api/v1/groups/{hidden.pk}", f"/api/v1/groups/{hidden.pk}/members",
        f"/api/v1/groups/{hidden.pk}/events", f"/api/v1/groups/{hidden.pk}/goals",
        f"/events/{occurrence.pk}/", f"/api/v1/events/{occurrence.pk}",
        f"/goals/{goal.pk}/", f"/api/v1/goals/{goal.pk}",
    ]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == (200 if member else 404), (name, url)
        never_secret(name, body(response))
    for url in ("/groups/", "/api/v1/groups", "/feed/", "/api/v1/feed", "/together/"):
        text = body(client.get(url))
        assert not any(word in text for word in ("HIDDENRUN", "HIDDENGOAL")) or member, (name, url)
