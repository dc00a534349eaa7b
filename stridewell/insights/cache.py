"""Insights cached per person, keyed on a fingerprint of their data.

Answering every question for a ten-year archive takes a fraction of a second;
a page view should not. Rather than remembering to forget the cache on each of
the many ways data changes (imports, edits, the API, deletions, queryset
updates), the key is a cheap fingerprint of the person's rows: counts, highest
ids, last changes and sums that move when a value is edited. Any change makes a
new key; old entries simply expire.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, Max, Min, Sum

from stridewell.accounts.models import Profile
from stridewell.community.models import Attendance
from stridewell.insights.questions import Answers, answer_user
from stridewell.runs.models import Run
from stridewell.wellbeing.models import CheckIn, Response

# Bump when the questions or their wording change, so old answers are not served.
VERSION = 1
TIMEOUT_S = 7 * 24 * 3600
T = TypeVar("T")


def fingerprint(user: Any) -> str:
    """A short hash that changes whenever anything the insights read changes. Seven queries."""
    profile = Profile.objects.for_user(user)
    checkins = CheckIn.objects.filter(user_id=user.pk).aggregate(
        n=Count("id"), last=Max("id"), feeling=Sum("feeling"), runs=Sum("run_id"),
        first_at=Min("recorded_at"), last_at=Max("recorded_at"),
    )  # fmt: skip
    tags = CheckIn.tags.through.objects.filter(checkin__user_id=user.pk).aggregate(
        n=Count("id"), ids=Sum("tag_id")
    )
    runs = Run.objects.filter(user_id=user.pk).aggregate(
        n=Count("id"), last=Max("id"), updated=Max("updated_at")
    )
    # Reclassifying runs (a queryset update) leaves updated_at alone: count the kinds.
    kinds = list(
        Run.objects.filter(user_id=user.pk)
        .values_list("run_type", "indoor")
        .annotate(n=Count("id"))
        .order_by("run_type", "indoor")
    )
    # Group runs one came to count as runs with others.
    came = Attendance.objects.filter(user_id=user.pk).aggregate(n=Count("id"), runs=Sum("run_id"))
    responses = Response.objects.filter(user_id=user.pk).aggregate(n=Count("id"), last=Max("id"))
    parts = [
        VERSION,
        profile.timezone,
        profile.max_hr,
        checkins,
        tags,
        runs,
        kinds,
        came,
        responses,
    ]
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def cached(user: Any, part: str, compute: Callable[[], T], stamp: str | None = None) -> T:
    """``compute()``, kept per person and ``part`` until their data changes.

    ``stamp``: their :func:`fingerprint`, when the caller has just read it."""
    key = f"insights:{user.pk}:{part}:{stamp or fingerprint(user)}"
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TIMEOUT_S)
    return found


def cached_answers(
    user: Any, since: date | None = None, until: date | None = None, stamp: str | None = None
) -> Answers:
    """:func:`answer_user`, from the cache when the person's data has not changed."""
    part = f"answers:{since}:{until}"
    return cached(user, part, lambda: answer_user(user, since, until), stamp)
