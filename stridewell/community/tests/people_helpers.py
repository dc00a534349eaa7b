"""Shared set-up for the people tests: Alice, Bob (her buddy), Carol (in a group with her)
and Dave (a stranger), each with a display name and a handle."""

from __future__ import annotations

import html
from typing import Any

from django.test import Client
from django.utils import timezone

from conftest import make_user
from stridewell.accounts.models import ApiToken, Profile
from stridewell.community.models import Buddyship, Group, Membership
from stridewell.runs.models import Run

EMAILS = {name: f"{name}.secret@example.org" for name in ("alice", "bob", "carol", "dave")}


def person(name: str, **profile: Any) -> Any:
    user = make_user(f"{name}.secret@example.org")
    Profile.objects.filter(user=user).update(display_name=name.capitalize(), handle=name, **profile)
    user.profile.refresh_from_db()
    return user


def befriend(a: Any, b: Any) -> Buddyship:
    return Buddyship.objects.create(
        requester=a, addressee=b, status=Buddyship.Status.ACCEPTED, accepted_at=timezone.now()
    )


def group_of(*members: Any, name: str = "Run and talk") -> Group:
    group = Group.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    for member in members:
        Membership.objects.create(group=group, user=member)
    return group


def run_of(owner: Any, visibility: str = "buddies", **fields: Any) -> Run:
    fields.setdefault("start", "2026-05-01T07:00Z")
    fields.setdefault("elapsed_s", 1800)
    run = Run.objects.create(user=owner, visibility=visibility, **fields)
    run.refresh_from_db()  # dates given as text come back as datetimes
    return run


def body(response: Any) -> str:
    """A page's text with HTML entities undone ("couldn&#x27;t" reads "couldn't")."""
    return html.unescape(response.content.decode())


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user: Any) -> Client:
    raw = ApiToken.objects.issue(user, "tests")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def make_four() -> dict[str, Any]:
    """Alice; Bob her buddy; Carol in her group; Dave a stranger (each test file's ``four``)."""
    people = {name: person(name) for name in ("alice", "bob", "carol", "dave")}
    befriend(people["alice"], people["bob"])
    people["club"] = group_of(people["alice"], people["carol"])
    return people
