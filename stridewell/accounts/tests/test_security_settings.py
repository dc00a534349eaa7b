"""Production settings pass Django's deploy checks; every response carries the security
headers; cookies are HttpOnly, SameSite and (over HTTPS) Secure; passwords are Argon2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import Client

from stridewell import settings as project_settings
from stridewell.lib.security import tile_source

ROOT = Path(__file__).resolve().parents[3]

# The production environment README.md ("Configuration") documents.
PRODUCTION_ENV = {
    "DEBUG": "False",
    "STRIDEWELL_HTTPS": "1",
    "STRIDEWELL_TRUSTED_PROXIES": "1",
    "ALLOWED_HOSTS": "run.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://run.example.org",
}


def deploy_check(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`manage.py check --deploy` in a fresh process, as the server would start."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "STRIDEWELL_DATA_DIR": str(tmp_path / "data"),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_with_the_documented_production_env(tmp_path: Path) -> None:
    result = deploy_check(tmp_path, PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout + result.stderr


def csp(response: Any) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/openapi.json", "/missing/"])
def test_every_response_carries_the_security_headers(path: str) -> None:
    response = Client().get(path)
    policy = csp(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert "camera=()" in response.headers["Permissions-Policy"]
    # Over plain HTTP (the default, a household on its own network) there is no HSTS.
    assert "Strict-Transport-Security" not in response.headers


def test_map_tiles_are_the_only_outside_images(settings: Any, client: Client) -> None:
    settings.TILE_URL = "https://{s}.tiles.example.net/{z}/{x}/{y}.png"
    policy = csp(client.get("/accounts/login/"))
    assert policy["img-src"] == ["'self'", "data:", "https://*.tiles.example.net"]
    assert tile_source("http://tiles.invalid/{z}/{x}/{y}.png") == "http://tiles.invalid"


def test_hsts_over_https(settings: Any, client: Client) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/accounts/login/", secure=True)
    assert (
        response.headers["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


def test_https_switch_in_the_settings_module() -> None:
    # The values a default (plain HTTP) process runs with; production flips them
    # with STRIDEWELL_HTTPS=1, which the deploy check above proves.
    assert project_settings.SESSION_COOKIE_HTTPONLY is True
    assert project_settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert project_settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def login(client: Client) -> Any:
    return client.post(
        "/accounts/login/", {"login": "alice@example.org", "password": "correct horse battery"}
    )


def test_session_cookie_is_httponly_and_lax(alice: Any) -> None:
    client = Client()
    csrf = client.get("/accounts/login/").cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"
    response = login(client)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert not session["secure"]


def test_cookies_are_secure_over_https(alice: Any, settings: Any) -> None:
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client = Client()
    assert client.get("/accounts/login/").cookies["csrftoken"]["secure"] is True
    response = login(client)
    assert response.cookies["sessionid"]["secure"] is True
    assert response.cookies["sessionid"]["httponly"] is True


@pytest.mark.django_db
def test_new_passwords_are_hashed_with_argon2(settings: Any) -> None:
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # conftest uses MD5 for speed
    response = Client().post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new@example.org")
    assert user.password.startswith("argon2$argon2id$")


def test_old_pbkdf2_hashes_still_work_and_are_upgraded(alice: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    alice.password = make_password("correct horse battery", hasher="pbkdf2_sha256")
    alice.save(update_fields=["password"])
    assert login(Client()).status_code == 302
    alice.refresh_from_db()
    assert alice.password.startswith("argon2$")
