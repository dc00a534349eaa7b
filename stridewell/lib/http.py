"""Typing for requests that have passed login (a view behind ``login_required`` or API auth)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]
