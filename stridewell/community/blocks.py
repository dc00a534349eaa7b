"""Blocking someone: they no longer see you or reach you, at once and everywhere.

Every list, page and feed asks :mod:`stridewell.community.visibility`, which
checks :class:`Block` in both directions, so a block needs no clean-up of what
others can see. Here it also ends any buddyship or request between the two, and
clears the notifications they caused you.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from stridewell.community.models import Block, Buddyship, Notification

__all__ = ["block", "blocks_by", "unblock"]


def blocks_by(user: Any) -> QuerySet[Block]:
    return (
        Block.objects.filter(blocker_id=user.pk)
        .select_related("blocked__profile")
        .order_by("-created_at")
    )


def block(user: Any, other: Any) -> Block:
    """``user`` blocks ``other``: buddyships and requests between them end, quietly."""
    if other.pk == user.pk:
        raise ValueError("You can't block yourself.")
    with transaction.atomic():
        found, _ = Block.objects.get_or_create(blocker_id=user.pk, blocked_id=other.pk)
        Buddyship.objects.filter(
            Q(requester_id=user.pk, addressee_id=other.pk)
            | Q(requester_id=other.pk, addressee_id=user.pk)
        ).delete()
        Notification.objects.filter(
            Q(user_id=user.pk, actor_id=other.pk) | Q(user_id=other.pk, actor_id=user.pk)
        ).delete()
    return found


def unblock(user: Any, block_id: int) -> bool:
    """Lift one of ``user``'s blocks; nothing that ended with it comes back."""
    deleted, _ = Block.objects.filter(pk=block_id, blocker_id=user.pk).delete()
    return bool(deleted)
