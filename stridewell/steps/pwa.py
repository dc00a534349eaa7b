"""The installable, offline-capable side of the session player: manifest and service worker.

Both live under /steps/ (not /static/): a service worker only controls pages at or below
its own path, and the player is /steps/session/.
"""

from __future__ import annotations

import hashlib
from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

SESSION_URL = "/steps/session/"  # the contract with the plan pages; fixed, not reversed
THEME_COLOUR = "#0f766e"  # the teal accent in app.css
CACHED_STATIC = ("stridewell/player.js", "stridewell/player.css", "stridewell/app.css")


@cache
def assets_version() -> str:
    """A short hash of the player's files: a release that changes them renames the cache."""
    digest = hashlib.sha256()
    for name in CACHED_STATIC:
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    digest.update(render_to_string("steps/sw.js", {"version": ""}).encode())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    context = {
        "version": assets_version(),
        "session_url": SESSION_URL,
        "manifest_url": reverse("steps_pwa:manifest"),
    }
    response = HttpResponse(
        render_to_string("steps/sw.js", context), content_type="application/javascript"
    )
    # Browsers check for a new worker on each visit; never let a cache hide an update.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static("stridewell/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("stridewell/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("stridewell/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    data = {
        "name": "Stridewell small steps",
        "short_name": "Stridewell",
        "description": "A gentle way back into running, one small step at a time.",
        "start_url": "/steps/",
        "scope": "/steps/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": icons,
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response
