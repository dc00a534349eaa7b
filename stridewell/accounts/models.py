"""A person's profile, API tokens and privacy places."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


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

    objects = ProfileManager()

    def __str__(self) -> str:
        return self.display_name or f"profile {self.user_id}"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def name(self) -> str:
        return self.display_name or "Runner"


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
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValidationError(
                "Latitude must be between −90 and 90, longitude between −180 and 180."
            )
