"""CSRF on every form, on the views behind them, and on the API when it is reached
with the session cookie (a Bearer token needs none: a browser never sends it by itself)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from stridewell.wellbeing.models import CheckIn

ROOT = Path(__file__).resolve().parents[2]
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
POST = re.compile(r"method\s*=\s*[\"']?post", re.I)
INLINE_CODE = [
    re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"javascript:", re.I),
    re.compile(r"\shx-on", re.I),
    re.compile(r"<style\b", re.I),
]


def templates() -> list[Path]:
    found = sorted(p for p in ROOT.rglob("templates/**/*.html") if "email" not in p.parts)
    assert len(found) > 50
    return found


def test_every_post_form_has_a_csrf_token() -> None:
    missing, forms = [], 0
    for path in templates():
        text = path.read_text()
        matched = FORM.findall(text)
        # A form the pattern cannot pair with its end would escape the check.
        assert len(matched) == len(re.findall(r"<form\b", text, re.I)), path
        for attrs, body in matched:
            if POST.search(attrs):
                forms += 1
                if "{% csrf_token %}" not in body:
                    missing.append(f"{path.relative_to(ROOT)}: <form{attrs[:60]}>")
    assert forms > 40
    assert not missing, missing


def test_no_template_holds_inline_script_or_style() -> None:
    # The CSP refuses them; a page that relied on one would silently break.
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in templates()
        for pattern in INLINE_CODE
        if (match := pattern.search(path.read_text()))
    ]
    assert not found, found


def test_htmx_requests_carry_the_token() -> None:
    base = (ROOT / "templates" / "base.html").read_text()
    assert """hx-headers='{"X-CSRFToken": "{{ csrf_token }}"}'""" in base


UNSAFE_POSTS = [
    ("/checkins/new/", {"feeling": "2", "kind": "daily"}),
    ("/runs/new/", {"sport": "walking", "duration": "10"}),
    ("/settings/tokens/", {"name": "stolen"}),
    ("/groups/new/", {"name": "Evil"}),
    ("/stories/new/", {"title": "x", "body": "y"}),
    ("/accounts/logout/", {}),
    ("/settings/delete/", {"confirm": "alice@example.org"}),
]


@pytest.mark.parametrize(("path", "data"), UNSAFE_POSTS)
def test_posts_without_the_token_are_refused(alice: Any, path: str, data: dict[str, str]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(path, data).status_code == 403
    assert alice.api_tokens.count() == 0
    assert client.get("/runs/").status_code == 200  # still signed in, nothing deleted


def test_posts_with_the_token_go_through(alice: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get("/settings/")
    token = client.cookies["csrftoken"].value
    response = client.post("/settings/tokens/", {"name": "mine", "csrfmiddlewaretoken": token})
    assert response.status_code != 403
    assert alice.api_tokens.count() == 1


def test_login_form_needs_the_token(alice: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    data = {"login": "alice@example.org", "password": "correct horse battery"}
    assert client.post("/accounts/login/", data).status_code == 403


CHECKIN = json.dumps({"feeling": 3})


def test_api_with_the_session_cookie_needs_the_token(alice: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    refused = client.post("/api/v1/checkins", CHECKIN, content_type="application/json")
    assert refused.status_code == 403
    assert CheckIn.objects.count() == 0
    client.get("/settings/")
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/checkins", CHECKIN, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201


def test_api_with_a_bearer_token_needs_no_csrf(alice_token: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/checkins",
        CHECKIN,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {alice_token}",
    )
    assert response.status_code == 201
