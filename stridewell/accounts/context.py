from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def profile(request: HttpRequest) -> dict[str, Any]:
    return {
        "profile": getattr(request, "profile", None),
        "TILE_URL": settings.TILE_URL,
        "TILE_ATTRIBUTION": settings.TILE_ATTRIBUTION,
    }
