"""Groups: starting, joining (open, code, link), leaving, roles, removal, privacy of members.

Alice organises; Bob joins; Carol is a stranger who must see nothing of an invite-only group.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, time

import pytest

from stridewell.accounts.export import write_export
from stridewell.community import events, groups
from stridewell.community.groups import GroupError, NotAllowed
from stridewell.community.models import Block, Group, Membership, ModerationAction, Role
from stridewell.community.tests.group_helpers import api_for, browser_for, person
from stridewell.community.visibility import can_view


@pytest.fixture
def alice(db):
    return person("alice@example.org", "Alice Moss", "alice")


@pytest.fixture
def bob(db):
    return person("bob@example.org", "Bob Reed", "bobr")


@pytest.fixture
def carol(db):
    return person("carol@example.org", "Carol Fenn", "carol")


@pytest.fixture
def club(alice):
    return groups.create_group(alice, "Hackney Run and Talk", description="Every Saturday.")


@pytest.fixture
def circle(alice):
    return groups.create_group(alice, "Quiet Circle", invite_only=True)


def role(group, user):
    found = groups.membership(user, group)
    return found.role if found else None


# --------------------------------------------------------------------------- #
# Starting a group
# --------------------------------------------------------------------------- #


def test_the_creator_is_the_first_organiser_with_their_timezone(alice):
    group = groups.create_group(alice, "Morning Movers")
    assert role(group, alice) == Role.ORGANISER
    assert group.slug == "morning-movers"
    assert group.timezone == "Europe/London"
    assert len(group.invite_code) == 8


def test_slugs_stay_unique_and_never_shadow_a_page(alice):
    first = groups.create_group(alice, "Striders")
    second = groups.create_group(alice, "Striders")
    reserved = groups.create_group(alice, "New")
    assert (first.slug, second.slug) == ("striders", "striders-2")
    assert reserved.slug == "new-group"


def test_a_group_needs_a_name_and_a_known_timezone(alice):
    with pytest.raises(GroupError, match="name"):
        groups.create_group(alice, "  ")
    with pytest.raises(GroupError, match="timezone"):
        groups.create_group(alice, "Somewhere", timezone="Mars/Olympus")


def test_start_a_group_page(alice):
    client = browser_for(alice)
    assert client.get("/groups/new/").status_code == 200
    response = client.post(
        "/groups/new/",
        {"name": "Park Walkers", "description": "Gentle.", "timezone": "Europe/Paris"},
    )
    group = Group.objects.get(name="Park Walkers")
    assert response.url == f"/groups/{group.slug}/"
    assert group.timezone == "Europe/Paris" and role(group, alice) == Role.ORGANISER


# --------------------------------------------------------------------------- #
# Joining
# --------------------------------------------------------------------------- #


def test_joining_an_open_group_is_one_click_and_harmless_twice(club, bob):
    client = browser_for(bob)
    assert client.post(f"/groups/{club.slug}/join/").status_code == 302
    client.post(f"/groups/{club.slug}/join/")
    assert Membership.objects.filter(group=club, user=bob).count() == 1
    assert role(club, bob) == Role.MEMBER


def test_invite_only_needs_the_code(circle, bob):
    with pytest.raises(GroupError):
        groups.join(bob, circle, "wrongcode")
    with pytest.raises(GroupError):
        groups.join(bob, circle)
    groups.join(bob, circle, f"  {circle.invite_code.upper()} ")
    assert role(circle, bob) == Role.MEMBER


def test_join_with_a_code_on_the_groups_page(circle, bob):
    client = browser_for(bob)
    response = client.post("/groups/join/", {"code": circle.invite_code})
    assert response.url == f"/groups/{circle.slug}/"
    assert role(circle, bob) == Role.MEMBER


def test_a_wrong_code_says_so_kindly_and_reveals_nothing(circle, bob):
    client = browser_for(bob)
    response = client.post("/groups/join/", {"code": "nope1234"}, follow=True)
    assert "doesn&#x27;t match a group" in response.content.decode()
    assert circle.name not in response.content.decode()


def test_the_invite_link_shows_the_group_and_joins(circle, bob):
    client = browser_for(bob)
    page = client.get(f"/groups/join/{circle.invite_code}/")
    assert page.status_code == 200 and "Quiet Circle" in page.content.decode()
    client.post(f"/groups/join/{circle.invite_code}/")
    assert role(circle, bob) == Role.MEMBER
    assert client.get("/groups/join/notacode/").status_code == 404


def test_a_new_code_stops_the_old_one(circle, alice, bob):
    old = circle.invite_code
    new = groups.regenerate_code(alice, circle)
    assert new != old
    with pytest.raises(GroupError):
        groups.join(bob, circle, old)
    with pytest.raises(NotAllowed):
        groups.regenerate_code(bob, circle)


def test_api_join_with_a_code(circle, bob):
    api = api_for(bob)
    url = f"/api/v1/groups/{circle.pk}/join"
    wrong = api.post(url, {"code": "wrong"}, content_type="application/json")
    assert wrong.status_code == 404
    assert api.get(f"/api/v1/groups/{circle.pk}").status_code == 404
    ok = api.post(url, {"code": circle.invite_code}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["my_role"] == "member" and ok.json()["invite_code"] is None
    assert api.get(f"/api/v1/groups/{circle.pk}").status_code == 200


def test_api_create_and_list(alice, bob, circle):
    api = api_for(alice)
    made = api.post(
        "/api/v1/groups",
        {"name": "Lunch Joggers", "invite_only": False},
        content_type="application/json",
    )
    assert made.status_code == 201
    body = made.json()
    assert body["my_role"] == "organiser" and body["invite_code"]
    assert body["timezone"] == "Europe/London"
    bad = api.post(
        "/api/v1/groups", {"name": "X", "timezone": "Nowhere"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "timezone" in bad.json()["detail"]
    names = {g["name"] for g in api_for(bob).get("/api/v1/groups").json()["items"]}
    assert names == {"Lunch Joggers"}  # the invite-only circle is not listed for Bob
    mine = api.get("/api/v1/groups?mine=true").json()
    assert {g["name"] for g in mine["items"]} == {"Lunch Joggers", "Quiet Circle"}


# --------------------------------------------------------------------------- #
# Who sees a group
# --------------------------------------------------------------------------- #


def test_visible_groups_agrees_with_can_view(alice, bob, carol, club, circle):
    groups.join(bob, circle, circle.invite_code)
    for viewer in (alice, bob, carol):
        listed = set(groups.visible_groups(viewer))
        assert listed == {g for g in Group.objects.all() if can_view(viewer, g)}
    assert circle not in set(groups.visible_groups(carol))


def test_invite_only_group_pages_are_404_to_outsiders(circle, carol):
    client = browser_for(carol)
    for path in ("", "members/", "support/", "edit/", "runs/new/", "goals/new/"):
        assert client.get(f"/groups/{circle.slug}/{path}").status_code == 404, path
    assert client.post(f"/groups/{circle.slug}/join/").status_code == 404
    assert "Quiet Circle" not in client.get("/groups/").content.decode()


def test_members_show_name_and_handle_never_email(club, alice, bob, carol):
    groups.join(bob, club)
    page = browser_for(bob).get(f"/groups/{club.slug}/").content.decode()
    assert "Alice Moss" in page and "@alice" in page and "Organiser" in page
    assert "alice@example.org" not in page
    members = browser_for(bob).get(f"/groups/{club.slug}/members/").content.decode()
    assert "@bobr" in members and "example.org" not in members
    api = api_for(bob).get(f"/api/v1/groups/{club.pk}/members")
    assert api.status_code == 200
    assert api.json() == [
        {"display_name": "Alice Moss", "handle": "alice", "role": "organiser"},
        {"display_name": "Bob Reed", "handle": "bobr", "role": "member"},
    ]
    assert "example.org" not in api.content.decode()
    # An open group's page is visible to Carol, but not who is in it.
    outside = browser_for(carol).get(f"/groups/{club.slug}/").content.decode()
    assert "Hackney Run and Talk" in outside and "Bob Reed" not in outside
    assert api_for(carol).get(f"/api/v1/groups/{club.pk}/members").status_code == 404
    assert browser_for(carol).get(f"/groups/{club.slug}/members/").status_code == 404


def test_member_lists_still_work_across_a_block(club, alice, bob, carol):
    groups.join(bob, club)
    groups.join(carol, club)
    Block.objects.create(blocker=bob, blocked=carol)
    seen_by_bob = [m.user_id for m in groups.members_for(bob, club)]
    seen_by_carol = [m.user_id for m in groups.members_for(carol, club)]
    assert seen_by_bob == [alice.pk, bob.pk]
    assert seen_by_carol == [alice.pk, carol.pk]
    assert browser_for(bob).get(f"/groups/{club.slug}/members/").status_code == 200
    assert "Carol Fenn" not in browser_for(bob).get(f"/groups/{club.slug}/").content.decode()


# --------------------------------------------------------------------------- #
# Leaving, roles and removal
# --------------------------------------------------------------------------- #


def test_the_last_organiser_leaving_hands_on_to_the_longest_standing(club, alice, bob, carol):
    groups.join(bob, club)
    groups.join(carol, club)
    assert groups.leave(alice, club)
    assert role(club, alice) is None
    assert role(club, bob) == Role.ORGANISER and role(club, carol) == Role.MEMBER
    assert not groups.leave(alice, club)


def test_an_empty_group_is_kept_and_the_next_to_join_looks_after_it(club, alice, bob):
    groups.leave(alice, club)
    assert Group.objects.filter(pk=club.pk).exists()
    groups.join(bob, club)
    assert role(club, bob) == Role.ORGANISER


def test_leaving_drops_coming_rsvps_and_sweeping(club, alice, bob):
    groups.join(bob, club)
    group_run = events.create_group_run(
        alice, club, title="Run", place="Gate", first_date=date(2099, 5, 2), local_time=time(9)
    )
    occurrence = events.occurrences(group_run, date(2099, 5, 2), date(2099, 5, 2))[0]
    events.volunteer_as_sweeper(bob, occurrence)
    groups.leave(bob, club)
    occurrence.refresh_from_db()
    assert occurrence.sweeper is None and not occurrence.rsvps.exists()


def test_roles_are_changed_by_organisers_only(club, alice, bob, carol):
    groups.join(bob, club)
    groups.join(carol, club)
    with pytest.raises(NotAllowed):
        groups.set_role(bob, club, carol.pk, Role.ORGANISER)
    groups.set_role(alice, club, bob.pk, Role.CHAMPION)
    assert role(club, bob) == Role.CHAMPION
    with pytest.raises(GroupError, match="at least one organiser"):
        groups.set_role(alice, club, alice.pk, Role.MEMBER)
    client = browser_for(alice)
    client.post(f"/groups/{club.slug}/members/{carol.pk}/role/", {"role": "organiser"})
    assert role(club, carol) == Role.ORGANISER
    groups.set_role(carol, club, alice.pk, Role.MEMBER)  # now allowed: Carol organises
    assert role(club, alice) == Role.MEMBER


def test_support_resources_are_for_champions_and_organisers(club, alice, bob, carol):
    groups.update_group(alice, club, support_resources="Hackney Mind: 020 0000 0000")
    groups.join(bob, club)
    groups.join(carol, club)
    groups.set_role(alice, club, bob.pk, Role.CHAMPION)
    assert "Hackney Mind" in browser_for(bob).get(f"/groups/{club.slug}/support/").content.decode()
    assert "Support resources" in browser_for(bob).get(f"/groups/{club.slug}/").content.decode()
    assert browser_for(carol).get(f"/groups/{club.slug}/support/").status_code == 404
    assert (
        "Support resources" not in browser_for(carol).get(f"/groups/{club.slug}/").content.decode()
    )


def test_a_removed_member_loses_access_at_once_and_cannot_rejoin(circle, alice, bob):
    groups.join(bob, circle, circle.invite_code)
    client, api = browser_for(bob), api_for(bob)
    assert client.get(f"/groups/{circle.slug}/").status_code == 200
    with pytest.raises(NotAllowed):
        groups.remove_member(bob, circle, alice.pk)
    browser_for(alice).post(
        f"/groups/{circle.slug}/members/{bob.pk}/remove/", {"note": "Asked to leave"}
    )
    assert role(circle, bob) is None
    assert client.get(f"/groups/{circle.slug}/").status_code == 404
    assert api.get(f"/api/v1/groups/{circle.pk}").status_code == 404
    assert api.get(f"/api/v1/groups/{circle.pk}/events").status_code == 404
    logged = ModerationAction.objects.get(action=ModerationAction.Action.REMOVE_MEMBER)
    assert (logged.moderator, logged.user, logged.group) == (alice, bob, circle)
    assert logged.note == "Asked to leave"
    with pytest.raises(NotAllowed, match="removed"):
        groups.join(bob, circle, circle.invite_code)
    groups.let_back(alice, circle, bob.pk)
    groups.join(bob, circle, circle.invite_code)
    assert role(circle, bob) == Role.MEMBER


def test_organisers_cannot_remove_themselves(club, alice):
    with pytest.raises(GroupError, match="leave"):
        groups.remove_member(alice, club, alice.pk)


# --------------------------------------------------------------------------- #
# Export
# --------------------------------------------------------------------------- #


def test_export_has_my_own_group_rows_and_nobody_elses(club, alice, bob, carol):
    groups.join(bob, club)
    groups.join(carol, club)
    group_run = events.create_group_run(
        alice, club, title="Run", place="Gate", first_date=date(2099, 5, 2), local_time=time(9)
    )
    occurrence = events.occurrences(group_run, date(2099, 5, 2), date(2099, 5, 2))[0]
    events.rsvp(bob, occurrence)
    events.rsvp(carol, occurrence)
    buffer = io.BytesIO()
    write_export(bob, buffer)
    with zipfile.ZipFile(buffer) as archive:
        text = archive.read("groups.json").decode()
    data = json.loads(text)
    assert data["memberships"][0]["group"] == "Hackney Run and Talk"
    assert data["memberships"][0]["role"] == "member"
    assert [r["title"] for r in data["rsvps"]] == ["Run"]
    assert "carol" not in text.lower() and "alice" not in text.lower()
    assert "example.org" not in text
