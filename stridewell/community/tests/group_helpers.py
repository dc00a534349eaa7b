"""Shared set-up for the groups tests: people with names and handles, clients, the API."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import make_user
from stridewell.accounts.models import ApiToken, Profile


def person(email: str, name: str, handle: str, tz: str = "Europe/London") -> Any:
    user = make_user(email)
    Profile.objects.filter(user_id=user.pk).update(display_name=name, handle=handle, timezone=tz)
    return user


def browser_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user: Any) -> Client:
    token = ApiToken.objects.issue(user, "tests")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})
