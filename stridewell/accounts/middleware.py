"""Show every date in the signed-in person's own timezone."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from stridewell.accounts.models import Profile


class UserTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            profile = Profile.objects.for_user(request.user)
            request.profile = profile  # type: ignore[attr-defined]
            timezone.activate(profile.tzinfo)
        else:
            timezone.deactivate()
        return self.get_response(request)
