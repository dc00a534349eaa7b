"""A calm 503 instead of a server error while the database or Redis is away.

Django calls ``handler500`` from inside the ``except`` block of any uncaught exception,
including those raised in middleware (sessions, the signed-in user), so the exception is
still at hand. The page is plain HTML: rendering a template would run context processors
that need the very database that is down.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse

RETRY_AFTER_S = 10
MESSAGE = (
    "Stridewell is briefly unavailable. Nothing you saved is lost; please try again in a moment."
)
PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Back in a moment · Stridewell</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;
line-height:1.5;color:#1f2a2e;background:#f7f8f6}}@media (prefers-color-scheme:dark){{
body{{color:#e6ecea;background:#161b1d}}}}</style></head>
<body><h1>Back in a moment</h1><p>{MESSAGE}</p>
<p>If you need help now, <a href="/help/">crisis lines are here</a>.</p></body></html>"""
SERVER_ERROR = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Something went wrong · Stridewell</title></head><body><h1>Something went wrong</h1>
<p>Sorry: this page could not be shown. Please try again.</p></body></html>"""


def _service_away(exc: BaseException | None) -> bool:
    """The database or Redis could not be reached (not a bug in a query)."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is optional
        return False
    return isinstance(exc, (RedisConnectionError, RedisTimeoutError))


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 with Retry-After when a service is away, else a plain 500."""
    if not _service_away(sys.exc_info()[1]):
        return HttpResponseServerError(SERVER_ERROR)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        response = HttpResponse(PAGE, status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response
