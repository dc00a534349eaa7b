"""A calm 503 instead of a server error while the database or Redis is away.

Django calls ``handler500`` from inside the ``except`` block of any uncaught exception,
including those raised in middleware (sessions, the signed-in user), so the exception is
still at hand. The page is plain HTML: rendering a template would run context processors
that need the very database that is down; its styles are our static files, which
WhiteNoise serves without it.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RETRY_AFTER_S = 10
MESSAGE = (
    "Stridewell is briefly unavailable. Nothing you saved is lost; please try again in a moment."
)
PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Back in a moment · Stridewell</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{settings.STATIC_URL}vendor/pico-2.1.1.min.css">
<link rel="stylesheet" href="{settings.STATIC_URL}stridewell/app.css"></head>
<body><main class="container"><h1>Back in a moment</h1><p>{MESSAGE}</p>
<p>If you need help now, <a href="/help/">crisis lines are here</a>.</p></main></body></html>"""
SERVER_ERROR = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Something went wrong · Stridewell</title></head><body><h1>Something went wrong</h1>
<p>Sorry: this page could not be shown. Please try again.</p></body></html>"""


SERVICE_AWAY = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


def service_away(exc: BaseException | None) -> bool:
    """The database or Redis could not be reached (not a bug in a query)."""
    return isinstance(exc, SERVICE_AWAY)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 with Retry-After when a service is away, else a plain 500."""
    if not service_away(sys.exc_info()[1]):
        return HttpResponseServerError(SERVER_ERROR)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        response = HttpResponse(PAGE, status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response
