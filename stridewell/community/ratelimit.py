"""Rate limits on posting and on buddy requests, counted from the rows themselves.

Counting what the person actually created in the last window needs no extra
store and survives restarts; the limits are settings so an operator can tune
them.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

__all__ = ["RateLimited", "check"]


class RateLimited(Exception):
    """Too many of one thing too quickly; the message says when to try again."""


def check(recent: QuerySet, what: str, *, field: str = "created_at") -> None:
    """Raise :class:`RateLimited` when ``recent`` (the person's rows) already hit ``what``'s limit.

    ``what`` names an entry of ``settings.RATE_LIMITS``: ``(count, seconds)``.
    """
    count, seconds = settings.RATE_LIMITS[what]
    since = timezone.now() - timedelta(seconds=seconds)
    if recent.filter(**{f"{field}__gte": since}).count() >= count:
        minutes = max(1, seconds // 60)
        raise RateLimited(
            f"That's a lot in a short time — please wait a little (up to {minutes} minutes) "
            "and try again."
        )
