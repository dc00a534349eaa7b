"""Buddies: asking by handle or invite link, answering, ending quietly, cheers and nudges,
rate limits, blocks, and telling buddies when someone hasn't been out for a while."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from stridewell.accounts.models import Profile
from stridewell.community import buddies
from stridewell.community.models import Block, Buddyship, Kind, Notification
from stridewell.community.ratelimit import RateLimited
from stridewell.community.tests.people_helpers import (
    api,
    befriend,
    body,
    login,
    person,
    run_of,
)
from stridewell.community.visibility import are_buddies

Status = Buddyship.Status


def notes_for(user, kind=None):
    rows = Notification.objects.filter(user=user)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.values_list("text", flat=True))


@pytest.fixture
def sam(db):
    return person("sam")


@pytest.fixture
def kim(db):
    return person("kim")


# --------------------------------------------------------------------------- #
# Asking and answering
# --------------------------------------------------------------------------- #


def test_ask_by_handle_then_accept_makes_buddies_and_tells_both(sam, kim):
    pair = buddies.request(sam, handle=" @Kim ")
    assert pair.status == Status.PENDING and not are_buddies(sam, kim)
    (text,) = notes_for(kim, Kind.BUDDY_REQUEST)
    assert text == "Sam (@sam) would like to be your buddy."
    buddies.accept(kim, pair.pk)
    assert are_buddies(sam, kim)
    assert notes_for(sam, Kind.BUDDY_REQUEST) == ["Kim (@kim) is now your buddy."]


def test_asking_someone_who_already_asked_you_accepts_their_request(sam, kim):
    buddies.request(sam, handle="kim")
    pair = buddies.request(kim, handle="sam")
    assert pair.status == Status.ACCEPTED and Buddyship.objects.count() == 1


def test_only_the_person_asked_can_accept(sam, kim, db):
    other = person("other")
    pair = buddies.request(sam, handle="kim")
    for wrong in (sam, other):
        with pytest.raises(buddies.NotFound):
            buddies.accept(wrong, pair.pk)
    assert not are_buddies(sam, kim)


def test_unknown_handle_and_yourself_are_refused_kindly(sam):
    with pytest.raises(buddies.NotFound, match="couldn't find anyone"):
        buddies.request(sam, handle="nobody_here")
    with pytest.raises(buddies.BuddyError, match="That's you"):
        buddies.request(sam, handle="sam")


def test_asking_twice_is_one_request_and_buddies_are_told_they_already_are(sam, kim):
    first = buddies.request(sam, handle="kim")
    assert buddies.request(sam, handle="kim").pk == first.pk
    assert len(notes_for(kim)) == 1
    buddies.accept(kim, first.pk)
    with pytest.raises(buddies.BuddyError, match="already buddies"):
        buddies.request(sam, handle="kim")


def test_declining_is_quiet_and_the_same_person_cannot_ask_again(sam, kim):
    pair = buddies.request(sam, handle="kim")
    buddies.decline(kim, pair.pk)
    assert notes_for(sam) == []  # not told
    assert notes_for(kim) == []  # the open request no longer waits in Kim's list
    assert list(buddies.outgoing(sam)) == [] and list(buddies.incoming(kim)) == []
    with pytest.raises(buddies.BuddyError, match="still with Kim"):
        buddies.request(sam, handle="kim")
    assert notes_for(kim) == []
    # Kim can change her mind and ask Sam herself.
    mine = buddies.request(kim, handle="sam")
    assert mine.requester == kim and mine.status == Status.PENDING
    assert Buddyship.objects.count() == 1


def test_ending_is_quiet_for_either_side(sam, kim):
    pair = befriend(sam, kim)
    buddies.end(kim, pair.pk)
    assert not Buddyship.objects.exists()
    assert notes_for(sam) == [] and notes_for(kim) == []


def test_withdrawing_takes_the_request_back_and_asking_again_is_possible(sam, kim):
    pair = buddies.request(sam, handle="kim")
    buddies.end(sam, pair.pk)
    pair.refresh_from_db()
    assert pair.status == Status.WITHDRAWN and notes_for(kim) == []
    buddies.request(sam, handle="kim")
    assert len(notes_for(kim)) == 1


def test_someone_elses_buddyship_is_not_found(sam, kim, db):
    pair = befriend(sam, kim)
    stranger = person("stranger")
    with pytest.raises(buddies.NotFound):
        buddies.end(stranger, pair.pk)
    assert Buddyship.objects.filter(pk=pair.pk).exists()


# --------------------------------------------------------------------------- #
# Invite links
# --------------------------------------------------------------------------- #


def test_invite_link_page_asks_the_inviter_who_still_says_yes(sam, kim):
    code = buddies.invite_for(sam).code
    client = login(kim)
    page = client.get(f"/buddies/invite/{code}/").content.decode()
    assert "Sam" in page and "@sam" in page and "sam.secret@" not in page
    response = client.post(f"/buddies/invite/{code}/")
    assert response.status_code == 302
    pair = Buddyship.objects.get()
    assert (pair.requester, pair.addressee, pair.status) == (kim, sam, Status.PENDING)
    assert notes_for(sam) == ["Kim (@kim) would like to be your buddy through your invite link."]


def test_a_new_link_retires_the_old_one(sam, kim):
    old = buddies.invite_for(sam).code
    new = buddies.new_invite(sam).code
    assert old != new and buddies.invite_for(sam).code == new
    page = body(login(kim).get(f"/buddies/invite/{old}/"))
    assert "doesn't work any more" in page
    with pytest.raises(buddies.NotFound):
        buddies.request(kim, code=old)


def test_my_own_invite_link_says_so(sam):
    code = buddies.invite_for(sam).code
    assert "your own invite link" in login(sam).get(f"/buddies/invite/{code}/").content.decode()
    with pytest.raises(buddies.BuddyError):
        buddies.request(sam, code=code)


def test_the_buddies_page_shows_my_link_and_handle(sam):
    page = login(sam).get("/buddies/").content.decode()
    code = buddies.invite_for(sam).code
    assert f"http://testserver/buddies/invite/{code}/" in page
    assert "@sam" in page and "No buddies yet" in page


# --------------------------------------------------------------------------- #
# Pages
# --------------------------------------------------------------------------- #


def test_the_whole_flow_on_the_pages(sam, kim):
    sam_client, kim_client = login(sam), login(kim)
    response = sam_client.post("/buddies/ask/", {"handle": "@kim"}, follow=True)
    assert "Asked." in response.content.decode()
    page = kim_client.get("/buddies/").content.decode()
    assert "Would like to be your buddy" in page and "@sam" in page
    pair = Buddyship.objects.get()
    kim_client.post(f"/buddies/{pair.pk}/accept/")
    assert are_buddies(sam, kim)
    assert "Cheer Kim on" in sam_client.get("/buddies/").content.decode()
    response = sam_client.post(f"/buddies/{pair.pk}/nudge/", HTTP_HX_REQUEST="true")
    assert "Sent" in response.content.decode()
    assert notes_for(kim, Kind.NUDGE) == ["Sam (@sam) is thinking of you: how are you doing?"]
    sam_client.post(f"/buddies/{pair.pk}/end/")
    assert not Buddyship.objects.exists()
    assert notes_for(kim, Kind.BUDDY_REQUEST) == ["Sam (@sam) would like to be your buddy."]


def test_unknown_handle_on_the_page_says_so(sam):
    response = login(sam).post("/buddies/ask/", {"handle": "ghost"}, follow=True)
    assert "couldn't find anyone" in body(response)


# --------------------------------------------------------------------------- #
# Cheers and nudges
# --------------------------------------------------------------------------- #


def test_cheer_and_nudge_a_buddy(sam, kim):
    pair = befriend(sam, kim)
    buddies.encourage(sam, pair.pk, "cheer")
    buddies.encourage(kim, pair.pk, "nudge")
    assert notes_for(kim, Kind.CHEER) == ["Sam (@sam) is cheering you on!"]
    assert notes_for(sam, Kind.NUDGE) == ["Kim (@kim) is thinking of you: how are you doing?"]


def test_only_buddies_can_be_nudged(sam, kim):
    pair = buddies.request(sam, handle="kim")
    with pytest.raises(buddies.NotFound):
        buddies.encourage(sam, pair.pk, "nudge")
    assert notes_for(kim, Kind.NUDGE) == []


def test_nudges_are_rate_limited(sam, kim, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "nudge": (2, 86400)}
    pair = befriend(sam, kim)
    buddies.encourage(sam, pair.pk, "nudge")
    buddies.encourage(sam, pair.pk, "cheer")
    with pytest.raises(RateLimited, match="wait a little"):
        buddies.encourage(sam, pair.pk, "nudge")
    assert len(notes_for(kim)) == 2


def test_a_nudge_turned_off_is_not_stored(sam, kim):
    Profile.objects.filter(user=kim).update(notifications_off=["nudge"])
    pair = befriend(sam, kim)
    buddies.encourage(sam, pair.pk, "nudge")
    buddies.encourage(sam, pair.pk, "cheer")
    assert notes_for(kim) == ["Sam (@sam) is cheering you on!"]


# --------------------------------------------------------------------------- #
# Rate limits and blocks
# --------------------------------------------------------------------------- #


def test_buddy_requests_are_rate_limited_and_withdrawing_does_not_reset_it(sam, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "buddy_request": (2, 86400)}
    others = [person(f"p{n}") for n in range(3)]
    first = buddies.request(sam, handle="p0")
    buddies.end(sam, first.pk)  # withdrawn: still counts
    buddies.request(sam, handle="p1")
    with pytest.raises(RateLimited):
        buddies.request(sam, handle="p2")
    assert notes_for(others[2]) == []


def test_someone_who_blocked_me_cannot_be_found_or_asked(sam, kim):
    code = buddies.invite_for(kim).code
    Block.objects.create(blocker=kim, blocked=sam)
    with pytest.raises(buddies.NotFound, match="couldn't find anyone"):
        buddies.request(sam, handle="kim")
    with pytest.raises(buddies.NotFound, match="doesn't work"):
        buddies.request(sam, code=code)
    # …and the other way round: Kim can't reach Sam either.
    with pytest.raises(buddies.NotFound):
        buddies.request(kim, handle="sam")
    assert not Buddyship.objects.exists() and notes_for(kim) == [] and notes_for(sam) == []


def test_blocked_answers_look_like_unknown_handles_in_the_api(sam, kim):
    Block.objects.create(blocker=kim, blocked=sam)
    client = api(sam)
    blocked = client.post("/api/v1/buddies", {"handle": "kim"}, content_type="application/json")
    unknown = client.post("/api/v1/buddies", {"handle": "zed"}, content_type="application/json")
    assert blocked.status_code == unknown.status_code == 404
    assert blocked.json() == unknown.json()


# --------------------------------------------------------------------------- #
# API
# --------------------------------------------------------------------------- #


def test_buddies_through_the_api(sam, kim):
    sam_api, kim_api = api(sam), api(kim)
    asked = sam_api.post("/api/v1/buddies", {"handle": "kim"}, content_type="application/json")
    assert asked.status_code == 201
    made = asked.json()
    assert made["status"] == "asked" and made["person"] == {"display_name": "Kim", "handle": "kim"}
    lists = kim_api.get("/api/v1/buddies").json()
    assert [b["person"]["handle"] for b in lists["incoming"]] == ["sam"]
    assert lists["incoming"][0]["status"] == "asking" and lists["invite_code"]
    pair_id = made["id"]
    assert sam_api.post(f"/api/v1/buddies/{pair_id}/accept").status_code == 404
    accepted = kim_api.post(f"/api/v1/buddies/{pair_id}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "buddies"
    again = sam_api.post("/api/v1/buddies", {"handle": "kim"}, content_type="application/json")
    assert again.status_code == 409 and "already buddies" in again.json()["detail"]
    assert sam_api.post(f"/api/v1/buddies/{pair_id}/nudge").status_code == 204
    assert kim_api.post(f"/api/v1/buddies/{pair_id}/cheer").status_code == 204
    assert notes_for(kim, Kind.NUDGE) and notes_for(sam, Kind.CHEER)
    assert kim_api.delete(f"/api/v1/buddies/{pair_id}").status_code == 204
    assert sam_api.get("/api/v1/buddies").json()["buddies"] == []
    assert sam_api.post(f"/api/v1/buddies/{pair_id}/nudge").status_code == 404
    assert "sam.secret@" not in str(lists) and "kim.secret@" not in str(made)


def test_api_decline_code_and_limits(sam, kim, settings):
    code = buddies.invite_for(sam).code
    kim_api = api(kim)
    asked = kim_api.post("/api/v1/buddies", {"code": code}, content_type="application/json")
    assert asked.status_code == 201 and asked.json()["person"]["handle"] == "sam"
    assert api(sam).post(f"/api/v1/buddies/{asked.json()['id']}/decline").status_code == 204
    assert kim_api.post("/api/v1/buddies", {}, content_type="application/json").status_code == 422
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "buddy_request": (1, 86400)}
    person("lee")
    limited = kim_api.post("/api/v1/buddies", {"handle": "lee"}, content_type="application/json")
    assert limited.status_code == 429 and "wait" in limited.json()["detail"]


# --------------------------------------------------------------------------- #
# Telling buddies when someone hasn't been out
# --------------------------------------------------------------------------- #

WELLBEING_WORDS = re.compile(r"check|mood|feel|question|score|sad|low|safety|worr", re.I)


@pytest.fixture
def quiet_sam(sam, kim, db):
    """Sam asked for buddies to be told after 5 days; Kim and Lee are Sam's buddies,
    Ash only asked to be one."""
    lee, ash = person("lee"), person("ash")
    befriend(sam, kim)
    befriend(lee, sam)
    buddies.request(ash, handle="sam")
    Profile.objects.filter(user=sam).update(tell_buddies_after_days=5)
    run_of(sam, "private", start="2026-03-02T18:00Z")
    return {"sam": sam, "kim": kim, "lee": lee, "ash": ash}


def quiet_notes(user):
    return notes_for(user, Kind.QUIET_BUDDY)


def test_off_by_default(sam, kim):
    befriend(sam, kim)
    run_of(sam, "private", start="2026-01-01T08:00Z")
    with time_machine.travel("2026-03-01T12:00Z"):
        assert buddies.tell_quiet_buddies() == 0
    assert quiet_notes(kim) == []


def test_buddies_are_told_once_after_the_days_chosen(quiet_sam):
    sam = quiet_sam["sam"]
    with time_machine.travel("2026-03-06T12:00Z"):  # four days on
        assert buddies.tell_quiet_buddies() == 0
    with time_machine.travel("2026-03-07T12:00Z"):  # five days on
        assert buddies.tell_quiet_buddies() == 1
        assert buddies.tell_quiet_buddies() == 0
    with time_machine.travel("2026-03-09T12:00Z"):
        assert buddies.tell_quiet_buddies() == 0
    text = "Sam hasn't been out for a run or walk for 5 days — maybe say hello?"
    assert quiet_notes(quiet_sam["kim"]) == [text]
    assert quiet_notes(quiet_sam["lee"]) == [text]
    assert quiet_notes(quiet_sam["ash"]) == []  # only asked; not a buddy
    assert quiet_notes(sam) == []
    assert not WELLBEING_WORDS.search(text)
    assert Profile.objects.get(user=sam).told_buddies_on == date(2026, 3, 7)
    note = Notification.objects.get(user=quiet_sam["kim"], kind=Kind.QUIET_BUDDY)
    assert note.url == "/people/sam/" and note.actor == sam


def test_a_new_run_starts_the_count_again(quiet_sam):
    with time_machine.travel("2026-03-07T12:00Z"):
        buddies.tell_quiet_buddies()
    run_of(quiet_sam["sam"], "private", start="2026-03-08T07:00Z")
    with time_machine.travel("2026-03-12T12:00Z"):
        assert buddies.tell_quiet_buddies() == 0
    with time_machine.travel("2026-03-13T12:00Z"):
        assert buddies.tell_quiet_buddies() == 1
    assert len(quiet_notes(quiet_sam["kim"])) == 2


def test_days_are_counted_in_the_persons_own_timezone(sam, kim):
    befriend(sam, kim)
    Profile.objects.filter(user=sam).update(tell_buddies_after_days=1, timezone="Pacific/Auckland")
    run_of(sam, "private", start="2026-03-01T11:30Z")  # 2 March, 00:30 in Auckland
    with time_machine.travel("2026-03-02T10:00Z"):  # still 2 March there (23:00)
        assert buddies.tell_quiet_buddies() == 0
    with time_machine.travel("2026-03-02T11:30Z"):  # 3 March, 00:30
        assert buddies.tell_quiet_buddies() == 1
    assert quiet_notes(kim) == [
        "Sam hasn't been out for a run or walk for 1 days — maybe say hello?"
    ]


def test_a_buddy_who_turned_it_off_is_not_told_and_the_command_runs(quiet_sam, capsys):
    Profile.objects.filter(user=quiet_sam["kim"]).update(notifications_off=["quiet"])
    with time_machine.travel("2026-03-08T12:00Z"):
        call_command("quiet_buddies")
    assert "Buddies of 1 person(s) told." in capsys.readouterr().out
    assert quiet_notes(quiet_sam["kim"]) == []
    assert len(quiet_notes(quiet_sam["lee"])) == 1


def test_a_paused_account_cannot_ask_or_nudge(sam, kim):
    from datetime import timedelta

    from django.utils import timezone

    pair = befriend(sam, kim)
    person("lee")
    Profile.objects.filter(user=sam).update(suspended_until=timezone.now() + timedelta(days=3))
    sam.profile.refresh_from_db()
    with pytest.raises(buddies.Paused, match="Posting is paused"):
        buddies.request(sam, handle="lee")
    response = api(sam).post(f"/api/v1/buddies/{pair.pk}/nudge")
    assert response.status_code == 403 and "paused" in response.json()["detail"]
    assert notes_for(kim) == []
