"""Passwords and API tokens cannot be guessed quickly: failures lock the door for a while."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from stridewell.settings import _cache

WRONG = {"login": "alice@example.org", "password": "not my password"}
RIGHT = {"login": "alice@example.org", "password": "correct horse battery"}
LOCKED = "Too many failed login attempts. Try again later."


def test_lockout_after_failed_logins_then_recovery(alice: Any, settings: Any) -> None:
    failures, window = settings.LOGIN_FAILURES, settings.LOGIN_LOCKOUT_SECONDS
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"].endswith(f",{failures}/{window}s/key")
    client = Client()
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(failures):
            response = client.post("/accounts/login/", WRONG)
            assert response.status_code == 200
            assert LOCKED not in response.content.decode()
        # Now even the right password is refused, with a message that says why.
        response = client.post("/accounts/login/", RIGHT)
        assert response.status_code == 200
        assert LOCKED in response.content.decode()
        assert client.get("/runs/").status_code == 302
        # Another address is not locked out by Alice's failures.
        assert LOCKED not in Client().post("/accounts/login/", {**WRONG, "login": "x@y.org"}).text
        clock.shift(window + 1)
        assert client.post("/accounts/login/", RIGHT).status_code == 302
        assert client.get("/runs/").status_code == 200


def test_a_right_password_does_not_reset_the_count(alice: Any, settings: Any) -> None:
    # Otherwise an attacker who knows one password could interleave it with guesses.
    settings.LOGIN_FAILURES = 3
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "100/m/ip,3/900s/key",
    }
    for _ in range(2):
        Client().post("/accounts/login/", WRONG)
    assert Client().post("/accounts/login/", RIGHT).status_code == 302
    Client().post("/accounts/login/", WRONG)
    assert LOCKED in Client().post("/accounts/login/", RIGHT).content.decode()


def bearer(token: str, ip: str = "203.0.113.7") -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "REMOTE_ADDR": ip}


@pytest.mark.parametrize("cache", ["locmem", "file"])
def test_bad_api_tokens_are_limited_per_address(
    alice_token: str, settings: Any, tmp_path: Path, cache: str
) -> None:
    if cache == "file":  # the default cache of a household install
        settings.CACHES = {"default": _cache(f"file://{tmp_path / 'cache'}")}
    client = Client()
    limit = settings.API_TOKEN_FAILURES
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for n in range(limit):
            assert client.get("/api/v1/runs", **bearer(f"sw_guess{n}")).status_code == 401
        # Once the address has failed too often, not even a real token gets through.
        refused = client.get("/api/v1/runs", **bearer(alice_token))
        assert refused.status_code == 429
        assert "Too many failed tokens" in refused.json()["detail"]
        # Somebody else, from another address, is unaffected.
        assert client.get("/api/v1/runs", **bearer(alice_token, "198.51.100.2")).status_code == 200
        clock.shift(601)
        assert client.get("/api/v1/runs", **bearer(alice_token)).status_code == 200


def test_good_tokens_never_count_against_the_address(alice_token: str, settings: Any) -> None:
    settings.API_TOKEN_FAILURES = 2
    client = Client()
    for _ in range(10):
        assert client.get("/api/v1/runs", **bearer(alice_token)).status_code == 200
    assert client.get("/api/v1/runs", **bearer("sw_wrong")).status_code == 401
    assert client.get("/api/v1/runs", **bearer(alice_token)).status_code == 200


def test_sign_in_attempts_per_address_are_limited(alice: Any, settings: Any) -> None:
    # Spreading guesses over many accounts from one address hits this limit instead.
    assert settings.ACCOUNT_RATE_LIMITS["login"] == f"{settings.LOGINS_PER_IP}/m/ip"
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    client = Client()
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for n in range(3):
            assert (
                client.post("/accounts/login/", {**WRONG, "login": f"p{n}@x.org"}).status_code
                == 200
            )
        assert client.post("/accounts/login/", RIGHT).status_code == 429
        clock.shift(61)
        assert client.post("/accounts/login/", RIGHT).status_code == 302
