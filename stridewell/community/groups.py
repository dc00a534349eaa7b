"""Groups: starting one, joining, leaving, roles and removing members.

One function per step, called by the pages, the API and tests alike. Errors are
:class:`GroupError` with a sentence that can be shown as it is.

Leaving: when the last organiser leaves, the member who has been in the group
longest becomes its organiser, so a group is never left without someone who
can look after it. When the last member leaves, the group is kept (its group
runs and everyone's attendance milestones stay true) and whoever joins next
becomes its organiser.

Removing: an organiser's removal is logged as a moderation action and takes
effect at once; the removed person cannot join again by themselves (not even
with the code) — they would need to be let back in by an organiser.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from stridewell.accounts.models import Profile
from stridewell.community.models import (
    Goal,
    GoalParticipant,
    Group,
    Membership,
    ModerationAction,
    Occurrence,
    Role,
    Rsvp,
    member_rank,
    new_code,
)
from stridewell.community.visibility import not_blocked, visible_groups

__all__ = [
    "GroupError",
    "NotAllowed",
    "create_group",
    "find_by_code",
    "join",
    "leave",
    "let_back",
    "members_for",
    "membership",
    "regenerate_code",
    "remove_member",
    "set_role",
    "update_group",
    "visible_groups",
]


RESERVED_SLUGS = {"new", "join"}


class GroupError(Exception):
    """Something that cannot be done; the message says why, kindly."""


class NotAllowed(GroupError):
    """The person may see the group but not do this (for example, not an organiser)."""


# --------------------------------------------------------------------------- #
# Looking
# --------------------------------------------------------------------------- #


def membership(user: Any, group: Group) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(group_id=group.pk, user_id=user.pk).first()


def is_organiser(user: Any, group: Group) -> bool:
    found = membership(user, group)
    return found is not None and found.role == Role.ORGANISER


def members_for(viewer: Any, group: Group) -> QuerySet[Membership]:
    """The members ``viewer`` sees: organisers first, then by joining; nobody across a block."""
    return (
        Membership.objects.filter(group_id=group.pk)
        .filter(not_blocked(viewer, "user_id"))
        .select_related("user__profile")
        .order_by(member_rank(), "joined_at", "pk")
    )


def find_by_code(code: str) -> Group | None:
    code = (code or "").strip().lower()
    if not code:
        return None
    group = Group.objects.filter(invite_code=code).first()
    # The lookup is by the exact code; compare again in constant time all the same.
    if group is None or not secrets.compare_digest(group.invite_code, code):
        return None
    return group


# --------------------------------------------------------------------------- #
# Starting and changing a group
# --------------------------------------------------------------------------- #


def checked(obj: Any) -> Any:
    """``obj`` validated by its model, any problem raised as a :class:`GroupError`."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise GroupError(" ".join(exc.messages)) from None
    return obj


def _free_slug(name: str) -> str:
    base = slugify(name)[:80] or "group"
    if base in RESERVED_SLUGS:  # /groups/new/ and /groups/join/ are pages
        base = f"{base}-group"
    taken = set(Group.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


@transaction.atomic
def create_group(
    user: Any,
    name: str,
    *,
    description: str = "",
    invite_only: bool = False,
    timezone: str = "",
    support_resources: str = "",
) -> Group:
    """A new group with ``user`` as its first organiser (the timezone defaults to theirs)."""
    name = (name or "").strip()
    if not name:
        raise GroupError("Give the group a name, so people know what they are joining.")
    if Profile.objects.for_user(user).suspended:
        raise NotAllowed("Your account is paused for now, so you can't start a group.")
    group = Group(
        name=name[:100],
        slug=_free_slug(name),
        description=description.strip(),
        invite_only=invite_only,
        timezone=timezone or Profile.objects.for_user(user).timezone,
        support_resources=support_resources.strip(),
        created_by=user,
    )
    checked(group).save()
    Membership.objects.create(group=group, user=user, role=Role.ORGANISER)
    return group


def update_group(user: Any, group: Group, **fields: Any) -> Group:
    """An organiser changes the name, description, openness, timezone or support resources."""
    require_organiser(user, group)
    allowed = {"name", "description", "invite_only", "timezone", "support_resources"}
    for key, value in fields.items():
        if key in allowed and value is not None:
            setattr(group, key, value.strip() if isinstance(value, str) else value)
    if not group.name:
        raise GroupError("A group needs a name.")
    checked(group).save()
    return group


def regenerate_code(user: Any, group: Group) -> str:
    """A fresh invite code; the old code and link stop working at once."""
    require_organiser(user, group)
    group.invite_code = new_code()
    group.save(update_fields=["invite_code"])
    return group.invite_code


# --------------------------------------------------------------------------- #
# Joining and leaving
# --------------------------------------------------------------------------- #


def was_removed(user: Any, group: Group) -> bool:
    """Whether an organiser removed ``user`` and nobody has let them back since."""
    last = (
        ModerationAction.objects.filter(
            group_id=group.pk,
            user_id=user.pk,
            action__in=[ModerationAction.Action.REMOVE_MEMBER, ModerationAction.Action.RESTORE],
        )
        .order_by("-created_at", "-pk")
        .values_list("action", flat=True)
        .first()
    )
    return last == ModerationAction.Action.REMOVE_MEMBER


@transaction.atomic
def join(user: Any, group: Group, code: str = "") -> Membership:
    """Join an open group, or an invite-only one with its code. Joining twice is harmless.

    A wrong code raises :class:`GroupError` with the same words as an unknown
    group, so guessing tells nobody that a group exists.
    """
    found = membership(user, group)
    if found is not None:
        return found
    if group.invite_only and not secrets.compare_digest(
        group.invite_code, (code or "").strip().lower()
    ):
        raise GroupError("That code doesn't match a group. Check it with whoever shared it.")
    if was_removed(user, group):
        raise NotAllowed(
            "An organiser removed you from this group, so you can't rejoin it yourself."
        )
    # Nobody left to look after the group: the first to arrive does.
    role = Role.MEMBER if group.memberships.exists() else Role.ORGANISER
    return Membership.objects.create(group=group, user=user, role=role)


def _drop_future_commitments(user: Any, group: Group) -> None:
    """RSVPs to coming runs and counting towards unfinished goals end with membership."""
    today = timezone.localdate(timezone=group.tzinfo)
    Rsvp.objects.filter(
        user_id=user.pk, occurrence__group_run__group_id=group.pk, occurrence__date__gte=today
    ).delete()
    open_goals = Goal.objects.filter(group_id=group.pk, ends_on__gte=today)
    GoalParticipant.objects.filter(user_id=user.pk, goal__in=open_goals).delete()
    Occurrence.objects.filter(
        group_run__group_id=group.pk, date__gte=today, sweeper_id=user.pk
    ).update(sweeper=None)


def _hand_on_organiser(group: Group) -> Membership | None:
    """Make the longest-standing member organiser if no organiser is left."""
    if group.memberships.filter(role=Role.ORGANISER).exists():
        return None
    heir = group.memberships.order_by("joined_at", "pk").first()
    if heir is not None:
        heir.role = Role.ORGANISER
        heir.save(update_fields=["role"])
    return heir


@transaction.atomic
def leave(user: Any, group: Group) -> bool:
    """Leave at any time; answers whether ``user`` was a member."""
    found = membership(user, group)
    if found is None:
        return False
    found.delete()
    _drop_future_commitments(user, group)
    _hand_on_organiser(group)
    return True


# --------------------------------------------------------------------------- #
# Organisers: roles and removals
# --------------------------------------------------------------------------- #


def require_organiser(user: Any, group: Group) -> Membership:
    found = membership(user, group)
    if found is None or found.role != Role.ORGANISER:
        raise NotAllowed("Only the group's organisers can do that.")
    return found


def _member(group: Group, user_id: int) -> Membership:
    found = Membership.objects.filter(group_id=group.pk, user_id=user_id).first()
    if found is None:
        raise GroupError("That person isn't in this group (any more).")
    return found


@transaction.atomic
def remove_member(organiser: Any, group: Group, user_id: int, note: str = "") -> None:
    """An organiser removes someone; logged, and it takes effect at once."""
    require_organiser(organiser, group)
    if user_id == organiser.pk:
        raise GroupError("To step out yourself, leave the group instead.")
    target = _member(group, user_id)
    target.delete()
    _drop_future_commitments(target.user, group)
    ModerationAction.objects.create(
        moderator=organiser,
        action=ModerationAction.Action.REMOVE_MEMBER,
        user_id=user_id,
        group=group,
        note=note.strip(),
    )


def let_back(organiser: Any, group: Group, user_id: int, note: str = "") -> None:
    """Undo a removal's block on rejoining (logged); the person still joins themselves."""
    require_organiser(organiser, group)
    ModerationAction.objects.create(
        moderator=organiser,
        action=ModerationAction.Action.RESTORE,
        user_id=user_id,
        group=group,
        note=note.strip(),
    )


@transaction.atomic
def set_role(organiser: Any, group: Group, user_id: int, role: str) -> Membership:
    """An organiser makes someone organiser, mental health champion or member."""
    require_organiser(organiser, group)
    if role not in Role.values:
        raise GroupError("Choose organiser, mental health champion or member.")
    target = _member(group, user_id)
    others = group.memberships.filter(role=Role.ORGANISER).exclude(pk=target.pk)
    if target.role == Role.ORGANISER and role != Role.ORGANISER and not others.exists():
        raise GroupError("A group needs at least one organiser: make someone else one first.")
    target.role = role
    target.save(update_fields=["role"])
    return target


def group_json(group: Group, viewer: Any) -> dict[str, Any]:
    """What the API shows of a group; the invite code only to its organisers."""
    mine = membership(viewer, group)
    return {
        "id": group.pk,
        "name": group.name,
        "slug": group.slug,
        "description": group.description,
        "invite_only": group.invite_only,
        "timezone": group.timezone,
        "member_count": group.memberships.count(),
        "my_role": mine.role if mine else None,
        "invite_code": group.invite_code if mine and mine.role == Role.ORGANISER else None,
        "url": f"/groups/{group.slug}/",
    }
