"""Telling someone about something: one function every feature calls.

A notification carries a short text and a link, never wellbeing data, and is
skipped when the person turned that kind off or when either has blocked the
other.
"""

from __future__ import annotations

from typing import Any

from stridewell.accounts.models import Profile
from stridewell.community.models import Kind, Notification
from stridewell.community.visibility import is_blocked

__all__ = ["Kind", "notify"]


def notify(
    user: Any, kind: str, text: str, url: str = "", actor: Any = None
) -> Notification | None:
    """Store a notification for ``user`` unless they turned ``kind`` off or a block stands."""
    if actor is not None and (actor.pk == user.pk or is_blocked(actor, user)):
        return None
    if kind in (Profile.objects.for_user(user).notifications_off or []):
        return None
    return Notification.objects.create(user=user, kind=kind, text=text[:300], url=url, actor=actor)
