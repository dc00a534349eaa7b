"""Fixtures for the stories, comments, cheers and moderation tests: Alice writes, Bob is her
buddy or fellow group member as a test needs, Charlie is a stranger who must see nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client

from stridewell.accounts.models import ApiToken
from stridewell.community.models import Block, Buddyship, Group, Membership, Role
from stridewell.runs.models import Run


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user: Any) -> Client:
    raw = ApiToken.objects.issue(user, "tests")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


def buddies(a: Any, b: Any) -> Buddyship:
    return Buddyship.objects.create(requester=a, addressee=b, status=Buddyship.Status.ACCEPTED)


def block(blocker: Any, blocked: Any) -> Block:
    return Block.objects.create(blocker=blocker, blocked=blocked)


def group_of(*members: Any, organiser: Any = None, name: str = "Harbour Runners") -> Group:
    group = Group.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    for member in members:
        Membership.objects.create(group=group, user=member)
    if organiser is not None:
        Membership.objects.create(group=group, user=organiser, role=Role.ORGANISER)
    return group


def run_of(user: Any, visibility: str = "public", name: str = "Morning loop") -> Run:
    return Run.objects.create(
        user=user, start="2024-03-01T07:00:00Z", elapsed_s=1800, name=name, visibility=visibility
    )


def named(user: Any, name: str) -> Any:
    profile = user.profile
    profile.display_name = name
    profile.handle = name.lower()
    profile.save()
    return user
