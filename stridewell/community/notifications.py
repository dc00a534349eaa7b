"""Reading notifications, choosing which kinds to get, and the daily email digest.

Notifications are made only by :func:`stridewell.community.notify.notify`, which
keeps wellbeing out of them and skips kinds a person turned off; this module is
everything after that. The digest mails what is still unread, once a day from
08:00 in the person's timezone, only to people who asked for it and only where
the operator set up email (``EMAIL_HOST``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from stridewell.accounts.models import Profile
from stridewell.community.models import Kind, Notification

__all__ = [
    "DIGEST_HOUR",
    "for_user",
    "mark_read",
    "open_one",
    "send_digests",
    "set_preferences",
    "unread_count",
]

DIGEST_HOUR = 8


def for_user(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    return for_user(user).filter(read_at__isnull=True).count()


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark some (by id) or all of ``user``'s notifications read; answers how many changed."""
    unread = for_user(user).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def open_one(user: Any, notification_id: int) -> str | None:
    """Mark one notification read and answer where it points (a path on this site), or None."""
    found = for_user(user).filter(pk=notification_id).first()
    if found is None:
        return None
    if found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    safe = found.url.startswith("/") and url_has_allowed_host_and_scheme(found.url, None)
    return found.url if safe else "/notifications/"


def set_preferences(
    profile: Profile, *, off: Iterable[str] | None = None, email_digest: bool | None = None
) -> Profile:
    """Which kinds ``profile`` does not want (by ``Kind`` value), and the daily digest."""
    fields = []
    if off is not None:
        wanted = sorted(set(off))
        if unknown := [kind for kind in wanted if kind not in Kind.values]:
            known = ", ".join(Kind.values)
            raise ValueError(f"“{unknown[0]}” is not a kind of notification (one of {known}).")
        profile.notifications_off = wanted
        fields.append("notifications_off")
    if email_digest is not None:
        profile.email_digest = email_digest
        fields.append("email_digest")
    if fields:
        profile.save(update_fields=fields)
    return profile


# --------------------------------------------------------------------------- #
# The daily digest
# --------------------------------------------------------------------------- #


def send_digests(now: datetime | None = None) -> int:
    """Mail each person who wants it what is unread and not yet mailed, once a day.

    Run every few minutes (``stridewell notification_digest --every 300``). Answers how
    many mails went out; without ``EMAIL_HOST`` nothing is mailed.
    """
    if not settings.EMAIL_HOST:
        return 0
    now = now or timezone.now()
    waiting = Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
    profiles = Profile.objects.filter(
        email_digest=True, user__is_active=True, user_id__in=waiting.values("user_id")
    ).select_related("user")
    return sum(_send_one(profile, now) for profile in profiles)


def _send_one(profile: Profile, now: datetime) -> int:
    local = timezone.localtime(now, profile.tzinfo)
    morning = datetime.combine(local.date(), time(DIGEST_HOUR), profile.tzinfo)
    mine = Notification.objects.filter(user_id=profile.user_id)
    if local < morning or mine.filter(emailed_at__gte=morning).exists():
        return 0
    due = list(
        mine.filter(read_at__isnull=True, emailed_at__isnull=True)
        .exclude(kind__in=profile.notifications_off or [])
        .order_by("created_at")[:50]
    )
    if not due or not profile.user.email:
        return 0
    send_mail("What's new on Stridewell", digest_text(profile, due), None, [profile.user.email])
    Notification.objects.filter(pk__in=[n.pk for n in due]).update(emailed_at=now)
    return 1


def digest_text(profile: Profile, notifications: list[Notification]) -> str:
    """The mail: each notification's own short text and link, nothing more."""
    site = settings.SITE_URL
    lines = [f"Hello {profile.name},", "", "Here is what happened since your last visit:", ""]
    for note in notifications:
        link = f" — {site}{note.url}" if note.url else ""
        lines.append(f"• {note.text}{link}")
    lines += [
        "",
        f"All your notifications: {site}/notifications/",
        "You get this once a day because you turned on the email digest. "
        f"You can turn it off under Settings ({site}/settings/#notifications).",
    ]
    return "\n".join(lines)
