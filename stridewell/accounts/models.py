"""A person's profile, API tokens and privacy places."""

from __future__ import annotations

import hashlib
import re
import secrets
import zoneinfo
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import slugify


@cache
def timezone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


def validate_timezone(name: str) -> None:
    if name not in timezone_names():
        raise ValidationError(f"“{name}” is not a timezone we know (try Europe/London).")


class Units(models.TextChoices):
    KM = "km", "Kilometres"
    MI = "mi", "Miles"


class ProfileManager(models.Manager["Profile"]):
    def for_request(self, request: Any) -> Profile:
        """The signed-in person's profile, as the timezone middleware already loaded it."""
        return getattr(request, "profile", None) or self.for_user(request.user)

    def for_user(self, user: Any) -> Profile:
        """The user's profile, made with defaults the first time it is needed."""
        profile, _ = self.get_or_create(user_id=user.pk)
        return profile


HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9_]{1,29}$")


def validate_handle(value: str) -> None:
    if not HANDLE_RE.match(value or ""):
        raise ValidationError(
            "A handle is 2–30 lower-case letters, digits or underscores, starting with a letter or digit."
        )


def free_handle(wanted: str) -> str:
    """``wanted`` made into a handle that nobody has yet (``sam``, ``sam2``, ``sam3`` …)."""
    base = re.sub(r"[^a-z0-9_]+", "", slugify(wanted).replace("-", "_"))[:24] or "runner"
    base = base if len(base) >= 2 else f"{base}_runner"
    taken = set(Profile.objects.filter(handle__startswith=base).values_list("handle", flat=True))
    if base not in taken:
        return base
    return next(f"{base}{n}" for n in range(2, len(taken) + 3) if f"{base}{n}" not in taken)


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=80, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    units = models.CharField(max_length=2, choices=Units.choices, default=Units.KM)
    max_hr = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Used for heart-rate zones."
    )
    hide_numbers = models.BooleanField(
        default=False, help_text="Keep pace, times and distances out of my sight."
    )
    # How others find and name me: never by email address.
    handle = models.CharField(
        max_length=30, unique=True, null=True, blank=True, validators=[validate_handle]
    )
    hide_numbers_from_others = models.BooleanField(
        default=False, help_text="Hide my pace, times and distances from everyone else too."
    )
    # Off by default: tell my buddies (only that I haven't moved) after this many days.
    tell_buddies_after_days = models.PositiveSmallIntegerField(null=True, blank=True)
    told_buddies_on = models.DateField(null=True, blank=True)
    notifications_off = models.JSONField(default=list, blank=True)
    email_digest = models.BooleanField(default=False)
    suspended_until = models.DateTimeField(null=True, blank=True)

    objects = ProfileManager()

    def __str__(self) -> str:
        return self.display_name or f"profile {self.user_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.handle:
            self.handle = free_handle(self.display_name or f"runner{self.user_id}")
        super().save(*args, **kwargs)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def name(self) -> str:
        return self.display_name or "Runner"

    @property
    def suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenManager(models.Manager["ApiToken"]):
    def issue(self, user: Any, name: str = "") -> tuple[ApiToken, str]:
        """A new token: the stored row and the secret, which is shown once and never kept."""
        raw = "sw_" + secrets.token_urlsafe(32)
        token = self.create(
            user=user, name=name or "API token", key_hash=_hash_token(raw), prefix=raw[:10]
        )
        return token, raw

    def authenticate(self, raw: str) -> ApiToken | None:
        token = self.select_related("user").filter(key_hash=_hash_token(raw)).first()
        if token is None or not token.user.is_active:
            return None
        # Record use at most once a minute: a busy client should not write on every call.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PrivacyPlace(models.Model):
    """A place (home, work) whose track points nobody but the owner ever sees."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_places"
    )
    name = models.CharField(max_length=80)
    lat = models.FloatField()
    lon = models.FloatField()
    radius_m = models.PositiveIntegerField(default=300)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.lat is None or self.lon is None:  # the fields themselves report a missing value
            return
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValidationError(
                "Latitude must be between −90 and 90, longitude between −180 and 180."
            )
