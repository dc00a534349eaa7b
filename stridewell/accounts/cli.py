"""Small helpers shared by the management commands."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def user_by_email(email: str) -> Any:
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        raise CommandError(f"No account for {email}. Make one with: stridewell adduser {email}")
    return user
