"""How people find and name each other: a handle and a display name, never an email address.

A person's *card* is everything another user may learn about them by default:
their display name and @handle. Lookups by handle go through the one visibility
rule, so someone who blocked you (or whom you blocked) is simply not found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from stridewell.accounts.models import Profile, validate_handle
from stridewell.community.visibility import can_view

__all__ = ["Card", "HandleError", "card", "cards", "clean_handle", "find_person", "set_handle"]


class HandleError(ValueError):
    """A handle that cannot be used; the message says why, kindly."""


@dataclass(frozen=True)
class Card:
    """What anyone else sees of a person: no email, ever."""

    user_id: int
    name: str
    handle: str
    # Not shown: whether the person hides their pace, times and distances from others.
    hides_numbers: bool = False

    @property
    def at(self) -> str:
        return f"@{self.handle}"

    @property
    def url(self) -> str:
        return f"/people/{self.handle}/"

    def as_dict(self) -> dict[str, Any]:
        return {"display_name": self.name, "handle": self.handle}


def normalise(handle: str) -> str:
    """What people type ("@Sam_R ") as the handle we store ("sam_r")."""
    return (handle or "").strip().lstrip("@").strip().lower()


def clean_handle(handle: str, profile: Profile | None = None) -> str:
    """``handle`` normalised and checked: well-formed and not someone else's."""
    value = normalise(handle)
    try:
        validate_handle(value)
    except ValidationError as exc:
        raise HandleError(" ".join(exc.messages)) from None
    others = Profile.objects.filter(handle=value)
    if profile is not None and profile.pk:
        others = others.exclude(pk=profile.pk)
    if others.exists():
        raise HandleError(f"@{value} is already someone's handle — try another.")
    return value


def set_handle(profile: Profile, handle: str) -> Profile:
    """Give ``profile`` a new handle (the settings page and ``PATCH /me`` alike)."""
    profile.handle = clean_handle(handle, profile)
    profile.save(update_fields=["handle"])
    return profile


def card(user: Any, profile: Profile | None = None) -> Card:
    profile = profile or Profile.objects.for_user(user)
    return Card(user.pk, profile.name, profile.handle or "", profile.hide_numbers_from_others)


def cards(user_ids: Iterable[int]) -> dict[int, Card]:
    """Cards for many people in one query (feeds, lists)."""
    rows = Profile.objects.filter(user_id__in=set(user_ids)).values_list(
        "user_id", "display_name", "handle", "hide_numbers_from_others"
    )
    return {
        uid: Card(uid, name or "Runner", handle or "", hides) for uid, name, handle, hides in rows
    }


def find_person(viewer: Any, handle: str) -> Any | None:
    """The user with ``handle`` as ``viewer`` may see them; None when missing or blocked."""
    value = normalise(handle)
    if not value:
        return None
    user = get_user_model().objects.filter(profile__handle=value, is_active=True).first()
    if user is None or not can_view(viewer, user):
        return None
    return user
