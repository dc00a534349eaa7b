"""Buddies: two people who agreed to look out for each other.

A request goes by handle or by someone's invite link, and both must accept.
Either can end it quietly: the other is not told. A declined request is kept
(as "declined") so the same person cannot ask again and again; they are told,
gently, that the earlier request is still with the other person. Withdrawn
requests are kept too, so withdrawing does not reset the rate limit.

Someone who blocked you, or whom you blocked, is answered as if their handle did
not exist. A buddy can cheer you on or ask how you are; and, only if you turn it
on, your buddies are told when you have not been out for a while — never
anything about how you feel.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.community import ratelimit
from stridewell.community.models import BuddyInvite, Buddyship, Kind, Notification
from stridewell.community.notify import notify
from stridewell.community.people import card, find_person
from stridewell.community.posting import PostingError, ensure_can_post
from stridewell.community.visibility import can_view
from stridewell.runs.models import Run

__all__ = [
    "BuddyError",
    "accept",
    "buddies_of",
    "decline",
    "end",
    "encourage",
    "incoming",
    "invite_for",
    "new_invite",
    "outgoing",
    "relation",
    "request",
    "tell_quiet_buddies",
]

Status = Buddyship.Status
BUDDIES_URL = "/buddies/"
NOT_FOUND = "We couldn't find anyone with that handle. Check the spelling (no need for the @)."
LINK_GONE = "This invite link doesn't work any more. Ask for a new one."


class BuddyError(Exception):
    """Something a person tried that cannot happen; the message says why, kindly."""


class NotFound(BuddyError):
    """No such person, request or link — or one hidden by a block (same answer on purpose)."""


class Paused(BuddyError):
    """A moderator paused this person's reaching out to others for a while."""


def _may_reach_out(user: Any) -> None:
    """Requests and nudges reach other people: not while a moderator has paused posting."""
    try:
        ensure_can_post(user)
    except PostingError as exc:
        raise Paused(str(exc)) from None


# --------------------------------------------------------------------------- #
# Lists
# --------------------------------------------------------------------------- #


def _involving(user: Any) -> QuerySet[Buddyship]:
    return Buddyship.objects.filter(Q(requester_id=user.pk) | Q(addressee_id=user.pk))


def buddies_of(user: Any) -> QuerySet[Buddyship]:
    """Accepted buddyships, most recent first, with both people loaded."""
    return (
        _involving(user)
        .filter(status=Status.ACCEPTED)
        .select_related("requester__profile", "addressee__profile")
        .order_by("-accepted_at", "-pk")
    )


def incoming(user: Any) -> QuerySet[Buddyship]:
    return (
        Buddyship.objects.filter(addressee_id=user.pk, status=Status.PENDING)
        .select_related("requester__profile")
        .order_by("-created_at")
    )


def outgoing(user: Any) -> QuerySet[Buddyship]:
    return (
        Buddyship.objects.filter(requester_id=user.pk, status=Status.PENDING)
        .select_related("addressee__profile")
        .order_by("-created_at")
    )


def relation(viewer: Any, other: Any) -> tuple[str, Buddyship | None]:
    """Answers "me", "buddies", "asked" (I asked), "asking" (they asked) or "none", with the row."""
    if viewer.pk == other.pk:
        return "me", None
    rows = Buddyship.objects.filter(
        requester_id__in=[viewer.pk, other.pk], addressee_id__in=[viewer.pk, other.pk]
    )
    for pair in rows:
        mine = pair.requester_id == viewer.pk
        if pair.status == Status.ACCEPTED:
            return "buddies", pair
        if pair.status == Status.PENDING:
            return ("asked" if mine else "asking"), pair
    return "none", None


# --------------------------------------------------------------------------- #
# Asking, answering, ending
# --------------------------------------------------------------------------- #


def invite_for(user: Any) -> BuddyInvite:
    """The person's invite link (made the first time they look for it)."""
    invite = BuddyInvite.objects.filter(user_id=user.pk).order_by("-created_at").first()
    return invite or BuddyInvite.objects.create(user=user)


def new_invite(user: Any) -> BuddyInvite:
    """A fresh link; the old one stops working (for a link shared too widely)."""
    BuddyInvite.objects.filter(user_id=user.pk).delete()
    return BuddyInvite.objects.create(user=user)


def inviter(viewer: Any, code: str) -> Any:
    """Who made the invite link ``code``, as ``viewer`` may see them, or NotFound."""
    invite = BuddyInvite.objects.select_related("user").filter(code=code.strip().lower()).first()
    if invite is None or not invite.user.is_active or not can_view(viewer, invite.user):
        raise NotFound(LINK_GONE)
    return invite.user


def request(user: Any, *, handle: str = "", code: str = "") -> Buddyship:
    """Ask someone (by handle, or through their invite link) to be buddies.

    When they already asked you, this accepts their request instead.
    """
    if code:
        other = inviter(user, code)
    else:
        other = find_person(user, handle)
        if other is None:
            raise NotFound(NOT_FOUND)
    if other.pk == user.pk:
        raise BuddyError("That's you! Share your invite link with someone you'd like as a buddy.")
    _may_reach_out(user)
    with transaction.atomic():
        return _ask(user, other, via_link=bool(code))


def _ask(user: Any, other: Any, via_link: bool) -> Buddyship:
    theirs = Buddyship.objects.filter(requester_id=other.pk, addressee_id=user.pk).first()
    mine = Buddyship.objects.filter(requester_id=user.pk, addressee_id=other.pk).first()
    name = card(other).name
    if Status.ACCEPTED in (getattr(theirs, "status", None), getattr(mine, "status", None)):
        raise BuddyError(f"You and {name} are already buddies.")
    if theirs is not None and theirs.status == Status.PENDING:
        return accept(user, theirs.pk)
    if mine is not None and mine.status == Status.PENDING:
        return mine
    if mine is not None and mine.status == Status.DECLINED:
        raise BuddyError(
            f"Your earlier request is still with {name}. They can ask you whenever they like."
        )
    ratelimit.check(Buddyship.objects.filter(requester_id=user.pk), "buddy_request")
    if theirs is not None:  # they declined or withdrew earlier; now it is my turn to ask
        theirs.delete()
    if mine is None:
        mine = Buddyship(requester=user, addressee=other)
    mine.status, mine.created_at = Status.PENDING, timezone.now()
    mine.save()
    me = card(user)
    how = " through your invite link" if via_link else ""
    notify(
        other,
        Kind.BUDDY_REQUEST,
        f"{me.name} ({me.at}) would like to be your buddy{how}.",
        BUDDIES_URL,
        actor=user,
    )
    return mine


def _mine(user: Any, buddyship_id: int, *, as_addressee: bool = False) -> Buddyship:
    """A buddyship ``user`` is part of (or was asked in), else NotFound."""
    rows = Buddyship.objects.filter(pk=buddyship_id)
    if as_addressee:
        rows = rows.filter(addressee_id=user.pk)
    else:
        rows = rows.filter(Q(requester_id=user.pk) | Q(addressee_id=user.pk))
    found = rows.select_related("requester", "addressee").first()
    if found is None:
        raise NotFound("That buddy request isn't there any more.")
    return found


def accept(user: Any, buddyship_id: int) -> Buddyship:
    pair = _mine(user, buddyship_id, as_addressee=True)
    if pair.status == Status.ACCEPTED:
        return pair
    if pair.status != Status.PENDING:
        raise NotFound("That buddy request isn't there any more.")
    pair.status, pair.accepted_at = Status.ACCEPTED, timezone.now()
    pair.save(update_fields=["status", "accepted_at"])
    me = card(user)
    notify(
        pair.requester,
        Kind.BUDDY_REQUEST,
        f"{me.name} ({me.at}) is now your buddy.",
        BUDDIES_URL,
        actor=user,
    )
    return pair


def decline(user: Any, buddyship_id: int) -> None:
    """Say no, quietly: the person who asked is not told."""
    pair = _mine(user, buddyship_id, as_addressee=True)
    if pair.status == Status.PENDING:
        pair.status = Status.DECLINED
        pair.save(update_fields=["status"])
        _forget_request_notice(pair)


def end(user: Any, buddyship_id: int) -> None:
    """End a buddyship, or withdraw my own request — quietly, nobody is told."""
    pair = _mine(user, buddyship_id)
    if pair.status == Status.ACCEPTED:
        pair.delete()
    elif pair.status == Status.PENDING and pair.requester_id == user.pk:
        pair.status = Status.WITHDRAWN
        pair.save(update_fields=["status"])
        _forget_request_notice(pair)
    elif pair.status == Status.PENDING:
        decline(user, pair.pk)


def _forget_request_notice(pair: Buddyship) -> None:
    """A request that is no longer open should not wait in the other's notifications."""
    Notification.objects.filter(
        user_id=pair.addressee_id, actor_id=pair.requester_id, kind=Kind.BUDDY_REQUEST
    ).delete()


# --------------------------------------------------------------------------- #
# Cheering on and asking after a buddy
# --------------------------------------------------------------------------- #

ENCOURAGEMENTS = {
    "cheer": (Kind.CHEER, "{name} ({at}) is cheering you on!"),
    "nudge": (Kind.NUDGE, "{name} ({at}) is thinking of you: how are you doing?"),
}


def encourage(user: Any, buddyship_id: int, what: str) -> Any:
    """Send a buddy a cheer or a "how are you doing?" nudge; answers the buddy.

    Both count towards the "nudge" rate limit, counted from the notifications sent.
    """
    kind, text = ENCOURAGEMENTS[what]
    pair = _mine(user, buddyship_id)
    if pair.status != Status.ACCEPTED:
        raise NotFound("You can cheer on or ask after buddies only.")
    _may_reach_out(user)
    ratelimit.check(
        Notification.objects.filter(
            actor_id=user.pk, url=BUDDIES_URL, kind__in=[Kind.CHEER, Kind.NUDGE]
        ),
        "nudge",
    )
    buddy = pair.other(user)
    me = card(user)
    notify(buddy, kind, text.format(name=me.name, at=me.at), BUDDIES_URL, actor=user)
    return buddy


# --------------------------------------------------------------------------- #
# "Tell my buddies when I haven't been out for a while"
# --------------------------------------------------------------------------- #


def quiet_text(name: str, days: int) -> str:
    # Only about moving: never a word about check-ins, moods or questionnaires.
    return f"{name} hasn't been out for a run or walk for {days} days — maybe say hello?"


def tell_quiet_buddies(now: datetime | None = None) -> int:
    """Tell the buddies of people who asked for it that they haven't moved for N days.

    Once per quiet spell: ``told_buddies_on`` is set, and a new run after it starts
    the count again. Days are the person's own (their timezone). Answers how many
    people's buddies were told.
    """
    now = now or timezone.now()
    last_run = Run.objects.filter(user_id=OuterRef("user_id")).order_by("-start")
    profiles = (
        Profile.objects.filter(tell_buddies_after_days__isnull=False, user__is_active=True)
        .annotate(last_start=Subquery(last_run.values("start")[:1]))
        .select_related("user")
    )
    told = 0
    for profile in profiles.iterator():
        today = timezone.localtime(now, profile.tzinfo).date()
        last_day = _last_day(profile, profile.last_start)
        days = (today - last_day).days
        if days < (profile.tell_buddies_after_days or 0):
            continue
        if profile.told_buddies_on is not None and profile.told_buddies_on > last_day:
            continue
        _tell(profile, days)
        profile.told_buddies_on = today
        profile.save(update_fields=["told_buddies_on"])
        told += 1
    return told


def _last_day(profile: Profile, last_start: datetime | None) -> date:
    """The person's last day out, or the day they joined when they have not been out yet."""
    moment = last_start or profile.user.date_joined
    return timezone.localtime(moment, profile.tzinfo).date()


def _tell(profile: Profile, days: int) -> None:
    person = card(profile.user, profile)
    text = quiet_text(person.name, days)
    buddy_ids = [pair.other(profile.user).pk for pair in buddies_of(profile.user)]
    for buddy in get_user_model().objects.filter(pk__in=buddy_ids, is_active=True):
        notify(buddy, Kind.QUIET_BUDDY, text, person.url, actor=profile.user)
