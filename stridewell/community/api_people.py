"""The people part of /api/v1: me, people, buddies, the feed, blocks and notifications.

People appear as ``{"display_name", "handle"}``, never with an email address;
anyone blocked either way answers 404, as if they did not exist.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from pydantic import ValidationError as PydanticError

from stridewell.accounts.models import Profile
from stridewell.api_errors import Problem
from stridewell.api_types import Bool, Id, Int, Offset
from stridewell.community import blocks, buddies, notifications
from stridewell.community.feed import FeedError, feed_page
from stridewell.community.models import Buddyship, Kind
from stridewell.community.people import HandleError, card, clean_handle, find_person
from stridewell.community.ratelimit import RateLimited
from stridewell.lib.http import AuthedRequest

router = Router(tags=["people"])


class MeOut(Schema):
    handle: str
    display_name: str
    hide_numbers_from_others: bool
    tell_buddies_after_days: int | None = Field(
        description="null: buddies are never told (the default)"
    )
    notifications_off: list[str] = Field(description="kinds turned off: " + ", ".join(Kind.values))
    email_digest: bool


class MePatch(Schema):
    handle: str | None = Field(default=None, max_length=31)
    display_name: str | None = Field(default=None, max_length=80)
    hide_numbers_from_others: Bool | None = None
    tell_buddies_after_days: Int | None = Field(default=None, ge=1, le=365)
    notifications_off: list[str] | None = None
    email_digest: Bool | None = None


class PersonOut(Schema):
    display_name: str
    handle: str


class PersonPage(PersonOut):
    relation: str = Field(description="me, buddies, asked (you asked), asking (they asked) or none")
    buddy_id: int | None


class BuddyOut(Schema):
    id: int
    status: str = Field(
        description="buddies, asked (you asked, waiting) or asking (they asked you)"
    )
    person: PersonOut
    since: datetime


class BuddyLists(Schema):
    buddies: list[BuddyOut]
    incoming: list[BuddyOut]
    outgoing: list[BuddyOut]
    invite_code: str = Field(description="share /buddies/invite/<code>/ so people can ask you")


class BuddyIn(Schema):
    handle: str = ""
    code: str = Field(default="", description="someone's invite code, instead of a handle")


class FeedOut(Schema):
    items: list[dict[str, Any]]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next (older) page")


class BlockOut(Schema):
    id: int
    person: PersonOut
    since: datetime


class BlockIn(Schema):
    handle: str


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    read: bool
    created_at: datetime


class NotificationPage(Schema):
    count: int
    unread: int
    items: list[NotificationOut]


class ReadIn(Schema):
    ids: list[Id] | None = Field(default=None, description="leave out to mark all read")


# --------------------------------------------------------------------------- #
# Me and other people
# --------------------------------------------------------------------------- #


def _me(profile: Profile) -> dict[str, Any]:
    return {
        "handle": profile.handle or "",
        "display_name": profile.display_name,
        "hide_numbers_from_others": profile.hide_numbers_from_others,
        "tell_buddies_after_days": profile.tell_buddies_after_days,
        "notifications_off": list(profile.notifications_off or []),
        "email_digest": profile.email_digest,
    }


def _invalid(field: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["body", field], "msg": message}])


@router.get("/me", response=MeOut)
def get_me(request: AuthedRequest) -> dict[str, Any]:
    return _me(Profile.objects.for_user(request.user))


@router.patch("/me", response=MeOut)
def update_me(request: AuthedRequest, payload: MePatch) -> dict[str, Any]:
    profile = Profile.objects.for_user(request.user)
    changes = payload.dict(exclude_unset=True)
    try:
        if changes.get("handle") is not None:
            profile.handle = clean_handle(changes["handle"], profile)
        notifications.set_preferences(
            profile, off=changes.get("notifications_off"), email_digest=changes.get("email_digest")
        )
    except HandleError as exc:
        raise _invalid("handle", str(exc)) from None
    except ValueError as exc:
        raise _invalid("notifications_off", str(exc)) from None
    for key in ("display_name", "hide_numbers_from_others"):
        if changes.get(key) is not None:
            setattr(profile, key, changes[key])
    if "tell_buddies_after_days" in changes:  # null turns it off
        profile.tell_buddies_after_days = changes["tell_buddies_after_days"]
    profile.save()
    return _me(profile)


@router.get("/people/{handle}", response=PersonPage)
def get_person(request: AuthedRequest, handle: str) -> dict[str, Any]:
    other = find_person(request.user, handle)
    if other is None:
        raise Http404("No such person")
    relation, pair = buddies.relation(request.user, other)
    return {**card(other).as_dict(), "relation": relation, "buddy_id": pair.pk if pair else None}


# --------------------------------------------------------------------------- #
# Buddies
# --------------------------------------------------------------------------- #


def _buddy(pair: Buddyship, user: Any) -> dict[str, Any]:
    other = pair.other(user)
    if pair.status == Buddyship.Status.ACCEPTED:
        status = "buddies"
    else:
        status = "asked" if pair.requester_id == user.pk else "asking"
    return {
        "id": pair.pk,
        "status": status,
        "person": card(other).as_dict(),
        "since": pair.accepted_at or pair.created_at,
    }


def _refused(exc: Exception) -> Status[dict[str, str]]:
    if isinstance(exc, buddies.NotFound):
        raise Http404(str(exc))
    codes = {RateLimited: 429, buddies.Paused: 403}
    return Status(codes.get(type(exc), 409), {"detail": str(exc)})


@router.get("/buddies", response=BuddyLists)
def list_buddies(request: AuthedRequest) -> dict[str, Any]:
    user = request.user
    return {
        "buddies": [_buddy(p, user) for p in buddies.buddies_of(user)],
        "incoming": [_buddy(p, user) for p in buddies.incoming(user)],
        "outgoing": [_buddy(p, user) for p in buddies.outgoing(user)],
        "invite_code": buddies.invite_for(user).code,
    }


@router.post(
    "/buddies", response={201: BuddyOut, 403: Problem, 404: Problem, 409: Problem, 429: Problem}
)
def ask_buddy(request: AuthedRequest, payload: BuddyIn) -> Status[dict[str, Any]]:
    if not (payload.handle.strip() or payload.code.strip()):
        raise _invalid("handle", "Give their handle, or an invite code.")
    try:
        pair = buddies.request(request.user, handle=payload.handle, code=payload.code)
    except (buddies.BuddyError, RateLimited) as exc:
        return _refused(exc)
    return Status(201, _buddy(pair, request.user))


@router.post("/buddies/{pair_id}/accept", response={200: BuddyOut, 409: Problem})
def accept_buddy(request: AuthedRequest, pair_id: int) -> Status[dict[str, Any]]:
    try:
        pair = buddies.accept(request.user, pair_id)
    except buddies.BuddyError as exc:
        return _refused(exc)
    return Status(200, _buddy(pair, request.user))


@router.post("/buddies/{pair_id}/decline", response={204: None, 409: Problem})
def decline_buddy(request: AuthedRequest, pair_id: int) -> Status[Any]:
    try:
        buddies.decline(request.user, pair_id)
    except buddies.BuddyError as exc:
        return _refused(exc)
    return Status(204, None)


@router.delete("/buddies/{pair_id}", response={204: None, 409: Problem})
def end_buddy(request: AuthedRequest, pair_id: int) -> Status[Any]:
    """End a buddyship or withdraw a request, quietly (nobody is told)."""
    try:
        buddies.end(request.user, pair_id)
    except buddies.BuddyError as exc:
        return _refused(exc)
    return Status(204, None)


def _encourage(request: AuthedRequest, pair_id: int, what: str) -> Status[Any]:
    try:
        buddies.encourage(request.user, pair_id, what)
    except (buddies.BuddyError, RateLimited) as exc:
        return _refused(exc)
    return Status(204, None)


@router.post(
    "/buddies/{pair_id}/nudge", response={204: None, 403: Problem, 409: Problem, 429: Problem}
)
def nudge_buddy(request: AuthedRequest, pair_id: int) -> Status[Any]:
    """Ask a buddy "how are you doing?"."""
    return _encourage(request, pair_id, "nudge")


@router.post(
    "/buddies/{pair_id}/cheer", response={204: None, 403: Problem, 409: Problem, 429: Problem}
)
def cheer_buddy(request: AuthedRequest, pair_id: int) -> Status[Any]:
    return _encourage(request, pair_id, "cheer")


# --------------------------------------------------------------------------- #
# Feed, blocks, notifications
# --------------------------------------------------------------------------- #


@router.get("/feed", response=FeedOut)
def get_feed(
    request: AuthedRequest, cursor: str = "", limit: int = Query(20, ge=1, le=100)
) -> dict[str, Any]:
    """Runs and stories from my buddies, my groups and me, newest first."""
    try:
        page = feed_page(request.user, cursor or None, size=limit)
    except FeedError as exc:
        raise NinjaValidationError([{"loc": ["query", "cursor"], "msg": str(exc)}]) from None
    return {"items": [item.as_dict() for item in page.items], "next_cursor": page.next_cursor}


def _block(found: Any) -> dict[str, Any]:
    return {"id": found.pk, "person": card(found.blocked).as_dict(), "since": found.created_at}


@router.get("/blocks", response=list[BlockOut])
def list_blocks(request: AuthedRequest) -> list[dict[str, Any]]:
    return [_block(found) for found in blocks.blocks_by(request.user)]


@router.post("/blocks", response={201: BlockOut, 404: Problem})
def add_block(request: AuthedRequest, payload: BlockIn) -> Status[dict[str, Any]]:
    other = find_person(request.user, payload.handle)
    if other is None or other.pk == request.user.pk:
        raise Http404(buddies.NOT_FOUND)
    return Status(201, _block(blocks.block(request.user, other)))


@router.delete("/blocks/{block_id}", response={204: None})
def remove_block(request: AuthedRequest, block_id: int) -> Status[None]:
    if not blocks.unblock(request.user, block_id):
        raise Http404("No such block")
    return Status(204, None)


@router.get("/notifications", response=NotificationPage)
def list_notifications(
    request: AuthedRequest,
    unread: bool = False,
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = Query(0),
) -> dict[str, Any]:
    mine = notifications.for_user(request.user)
    if unread:
        mine = mine.filter(read_at__isnull=True)
    items = [
        {
            "id": n.pk,
            "kind": n.kind,
            "text": n.text,
            "url": n.url,
            "read": n.read_at is not None,
            "created_at": n.created_at,
        }
        for n in mine[offset : offset + limit]
    ]
    return {
        "count": mine.count(),
        "unread": notifications.unread_count(request.user),
        "items": items,
    }


@router.post(
    "/notifications/read",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": ReadIn.model_json_schema()}},
        }
    },
)
def read_notifications(request: AuthedRequest) -> dict[str, int]:
    """Mark notifications read: ``{"ids": [...]}`` for some, no body (or ``{}``) for all."""
    raw = request.body if request.content_type == "application/json" else b""
    try:
        data = json.loads(raw or b"{}")
        # A schema with only defaults would read any JSON value (a list, a number) as {}.
        if not isinstance(data, dict):
            raise ValueError("not an object")
        payload = ReadIn.model_validate(data)
    except (PydanticError, ValueError) as exc:
        raise NinjaValidationError(
            [{"loc": ["body", "ids"], "msg": "ids must be a list of notification ids"}]
        ) from exc
    return {"marked": notifications.mark_read(request.user, payload.ids)}
