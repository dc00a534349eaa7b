"""People: handles, a person's page, /me, the settings page — and no email address in
anything another user can see."""

from __future__ import annotations

import pytest

from stridewell.accounts.models import Profile
from stridewell.community import buddies
from stridewell.community.models import Block, Comment, Kind, Story
from stridewell.community.notify import notify
from stridewell.community.people import HandleError, find_person, set_handle
from stridewell.community.tests.people_helpers import (
    EMAILS,
    api,
    body,
    login,
    make_four,
    person,
    run_of,
)

# --------------------------------------------------------------------------- #
# Handles
# --------------------------------------------------------------------------- #


@pytest.fixture
def four(db):
    return make_four()


def test_set_handle_normalises_and_refuses_kindly(four):
    alice = Profile.objects.get(user=four["alice"])
    assert set_handle(alice, " @Sunny_Runner ").handle == "sunny_runner"
    assert set_handle(alice, "sunny_runner").handle == "sunny_runner"  # my own again is fine
    with pytest.raises(HandleError, match="@bob is already someone's handle"):
        set_handle(alice, "Bob")
    for bad in ("a", "no spaces", "_lead", "x" * 31, "émile"):
        with pytest.raises(HandleError, match="2–30 lower-case letters"):
            set_handle(alice, bad)
    alice.refresh_from_db()
    assert alice.handle == "sunny_runner"


def test_everyone_gets_a_handle_that_is_not_their_email(db):
    from conftest import make_user

    user = make_user("jo.bloggs@example.org")
    handle = Profile.objects.get(user=user).handle
    assert handle and "jo" not in handle and "@" not in handle


def test_find_person_respects_blocks_and_inactive_accounts(four):
    alice, bob, dave = four["alice"], four["bob"], four["dave"]
    assert find_person(alice, "@Bob") == bob
    assert find_person(alice, "nobody") is None
    Block.objects.create(blocker=dave, blocked=alice)
    assert find_person(alice, "dave") is None and find_person(dave, "alice") is None
    bob.is_active = False
    bob.save()
    assert find_person(alice, "bob") is None


# --------------------------------------------------------------------------- #
# A person's page
# --------------------------------------------------------------------------- #


def test_a_person_page_shows_only_what_i_may_see(four):
    alice, bob, dave = four["alice"], four["bob"], four["dave"]
    run_of(alice, "buddies", name="Buddies run")
    run_of(alice, "private", name="Private run")
    Story.objects.create(author=alice, title="Named story", body="b", visibility="buddies")
    Story.objects.create(
        author=alice, title="Anonymous story", body="b", visibility="buddies", anonymous=True
    )
    page = body(login(bob).get("/people/alice/"))
    assert "Alice" in page and "@alice" in page and "You're buddies." in page
    assert "Buddies run" in page and "Named story" in page
    for hidden in ("Private run", "Anonymous story", EMAILS["alice"]):
        assert hidden not in page
    stranger = body(login(dave).get("/people/alice/"))
    assert "Buddies run" not in stranger and "Ask to be buddies" in stranger
    assert login(dave).get("/people/nobody/").status_code == 404


def test_my_own_page_shows_my_anonymous_stories_to_me(four):
    alice = four["alice"]
    Story.objects.create(
        author=alice, title="Anonymous story", body="b", visibility="buddies", anonymous=True
    )
    page = body(login(alice).get("/people/alice/"))
    assert "This is how others see you" in page and "shown to others as Anonymous" in page


def test_a_request_waiting_for_me_can_be_answered_on_their_page(four):
    alice, dave = four["alice"], four["dave"]
    buddies.request(dave, handle="alice")
    client = login(alice)
    page = body(client.get("/people/dave/"))
    assert "Dave would like to be your buddy." in page
    pair = buddies.incoming(alice).get()
    response = client.post(f"/buddies/{pair.pk}/accept/", {"next": "/people/dave/"})
    assert response["Location"] == "/people/dave/"
    assert "You're buddies." in body(client.get("/people/dave/"))
    assert body(login(dave).get("/people/alice/")).count("Ask how they") == 1  # the nudge button


def test_people_through_the_api(four):
    alice = api(four["alice"])
    bob = alice.get("/api/v1/people/bob").json()
    assert bob["display_name"] == "Bob" and bob["handle"] == "bob"
    assert bob["relation"] == "buddies" and bob["buddy_id"]
    assert alice.get("/api/v1/people/dave").json()["relation"] == "none"
    assert alice.get("/api/v1/people/alice").json()["relation"] == "me"
    assert alice.get("/api/v1/people/ghost").status_code == 404


# --------------------------------------------------------------------------- #
# /me and the settings page
# --------------------------------------------------------------------------- #


def test_me_reads_and_writes_my_people_settings(four):
    client = api(four["alice"])
    me = client.get("/api/v1/me").json()
    assert me == {
        "handle": "alice",
        "display_name": "Alice",
        "hide_numbers_from_others": False,
        "tell_buddies_after_days": None,
        "notifications_off": [],
        "email_digest": False,
    }
    changed = client.patch(
        "/api/v1/me",
        {
            "handle": "@Ally",
            "display_name": "Ally",
            "hide_numbers_from_others": True,
            "tell_buddies_after_days": 4,
            "email_digest": True,
        },
        content_type="application/json",
    ).json()
    assert changed["handle"] == "ally" and changed["tell_buddies_after_days"] == 4
    assert changed["hide_numbers_from_others"] and changed["email_digest"]
    off = client.patch(
        "/api/v1/me", {"tell_buddies_after_days": None}, content_type="application/json"
    )
    assert off.json()["tell_buddies_after_days"] is None and off.json()["handle"] == "ally"


@pytest.mark.parametrize(
    ("handle", "message"),
    [("bob", "already someone's handle"), ("no way", "2–30 lower-case"), ("", "2–30")],
)
def test_me_refuses_a_bad_handle_with_a_message(four, handle, message):
    client = api(four["alice"])
    response = client.patch("/api/v1/me", {"handle": handle}, content_type="application/json")
    assert response.status_code == 422 and message in str(response.json())
    assert Profile.objects.get(user=four["alice"]).handle == "alice"


def test_settings_page_edits_handle_and_sharing_choices(four):
    client = login(four["alice"])
    form = {"display_name": "Alice", "timezone": "UTC", "units": "km"}
    page = body(client.post("/settings/", {**form, "handle": "bob"}))
    assert "@bob is already someone's handle" in page
    client.post(
        "/settings/",
        {
            **form,
            "handle": "@Al_runs",
            "hide_numbers_from_others": "on",
            "tell_buddies_after_days": "7",
        },
    )
    profile = Profile.objects.get(user=four["alice"])
    assert profile.handle == "al_runs" and profile.hide_numbers_from_others
    assert profile.tell_buddies_after_days == 7
    client.post("/settings/", {**form, "handle": ""})  # left empty: kept
    profile.refresh_from_db()
    assert profile.handle == "al_runs" and profile.tell_buddies_after_days is None
    page = body(client.get("/settings/"))
    assert "never anything about how you feel" in page and "Hide my numbers from others" in page


def test_together_page_links_everything(four):
    buddies.request(four["dave"], handle="alice")
    page = body(login(four["alice"]).get("/together/"))
    for link in ('href="/feed/"', 'href="/buddies/"', 'href="/groups/"', 'href="/stories/"'):
        assert link in page
    assert 'href="/notifications/"' in page and "Someone would like to be your buddy" in page


# --------------------------------------------------------------------------- #
# No email address in anything another user sees
# --------------------------------------------------------------------------- #


def test_emails_never_appear_in_what_others_see(four):
    alice, bob = four["alice"], four["bob"]
    run = run_of(alice, "buddies", share_feeling=True, name="Morning loop")
    story = Story.objects.create(author=alice, title="Why I run", body="b", visibility="buddies")
    Comment.objects.create(author=alice, run=run, body="Thanks all")
    notify(bob, Kind.CHEER, "Alice cheered your run", "/runs/1/", alice)
    pair = buddies.buddies_of(bob).get()
    buddies.request(four["carol"], handle="bob")
    pages = [
        "/together/", "/feed/", "/buddies/", "/people/alice/", f"/runs/{run.pk}/",
        f"/runs/{run.pk}/streams.json", "/notifications/", "/blocked/",
        f"/buddies/invite/{buddies.invite_for(alice).code}/",
    ]  # fmt: skip
    apis = [
        "/api/v1/feed", "/api/v1/buddies", "/api/v1/people/alice", f"/api/v1/runs/{run.pk}",
        "/api/v1/notifications", "/api/v1/blocks",
    ]  # fmt: skip
    web, token = login(bob), api(bob)
    seen = [body(web.get(url)) for url in pages] + [token.get(url).content.decode() for url in apis]
    seen.append(body(web.get(f"/stories/{story.pk}/")))
    for text in seen:
        for name in ("alice", "carol"):
            assert EMAILS[name] not in text
            assert f"{name}.secret" not in text
    assert pair.pk and "Morning loop" in "".join(seen)
    # Bob's own email may be shown to Bob (his settings); nobody else's ever.


def test_a_display_name_is_what_people_are_called(db):
    odd = person("odd")
    Profile.objects.filter(user=odd).update(display_name="")
    other = person("other")
    buddies.request(odd, handle="other")
    page = body(login(other).get("/buddies/"))
    assert "Runner" in page and "@odd" in page and "odd.secret" not in page


def test_the_export_has_my_people_by_handle_and_never_an_email(four):
    import io
    import json
    import zipfile

    from stridewell.accounts.export import write_export
    from stridewell.community import blocks

    alice = four["alice"]
    buddies.request(four["carol"], handle="alice")
    blocks.block(alice, four["dave"])
    notify(alice, Kind.CHEER, "Bob cheered your run", "/runs/1/", four["bob"])
    out = io.BytesIO()
    write_export(alice, out)
    with zipfile.ZipFile(out) as archive:
        raw = archive.read("people.json").decode()
    data = json.loads(raw)
    assert data["handle"] == "alice"
    assert [(b["handle"], b["display_name"]) for b in data["buddies"]] == [("bob", "Bob")]
    assert [r["handle"] for r in data["requests_received"]] == ["carol"]
    assert [b["handle"] for b in data["blocked"]] == ["dave"]
    assert {n["text"] for n in data["notifications"]} == {
        "Bob cheered your run",
        "Carol (@carol) would like to be your buddy.",
    }
    for name in ("bob", "carol", "dave"):
        assert EMAILS[name] not in raw
