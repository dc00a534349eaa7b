"""Security headers on every response, and a brake on guessed API tokens.

Django sets X-Frame-Options, nosniff, Referrer-Policy, COOP and HSTS itself
(settings.py); it has no Content-Security-Policy or Permissions-Policy, so they
are added here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from allauth.core.internal.httpkit import get_client_ip
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

# What the pages use: the step player holds the screen awake and may go full
# screen; nothing asks for the location, camera, microphone or payment.
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "camera=()",
        "display-capture=()",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "usb=()",
        "fullscreen=(self)",
        "screen-wake-lock=(self)",
    ]
)

BAD_TOKEN_WINDOW = 600


def tile_source(tile_url: str) -> str:
    """The CSP source for a Leaflet tile URL template: its scheme and host.

    Template labels such as ``{s}.tile.example.org`` become a wildcard label.
    """
    parts = urlsplit(tile_url)
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


def content_security_policy() -> str:
    """Scripts and styles only from our own static files: no inline code, no eval."""
    images = " ".join(filter(None, ["'self'", "data:", tile_source(settings.TILE_URL)]))
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": images,
        "font-src": "'self'",
        "connect-src": "'self'",
        "worker-src": "'self'",
        "manifest-src": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def _bad_token_key(request: HttpRequest) -> str:
    # Fixed ten-minute windows, named by their number: the count cannot outlive its
    # window even on caches whose incr() resets the expiry (the file cache does).
    window = int(time.time() // BAD_TOKEN_WINDOW)
    return f"bad-api-token:{window}:{get_client_ip(request) or 'unknown'}"


def token_guessing_blocked(request: HttpRequest) -> bool:
    """Whether this address has failed too many Bearer tokens in this ten-minute window."""
    return int(cache.get(_bad_token_key(request), 0)) >= settings.API_TOKEN_FAILURES


def record_bad_token(request: HttpRequest) -> None:
    """Count one failed token for this address (atomically where the cache can)."""
    key = _bad_token_key(request)
    cache.add(key, 0, BAD_TOKEN_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: this failure starts a new count
        cache.add(key, 1, BAD_TOKEN_WINDOW)
