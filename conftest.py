"""Shared fixtures: Alice owns, Bob is another user, Charlie must see nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_storage(settings: Any, tmp_path: Path) -> None:
    """Each test gets its own files folder and runs background tasks at once."""
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "data" / "files"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.IMPORT_PROCESSES = 1
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A fresh cache per test: ids repeat across rolled-back tests.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }


def make_user(email: str) -> Any:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=email, email=email, password="correct horse battery"
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    from stridewell.accounts.models import Profile

    Profile.objects.for_user(user)
    return user


@pytest.fixture
def alice(db: Any) -> Any:
    return make_user("alice@example.org")


@pytest.fixture
def bob(db: Any) -> Any:
    return make_user("bob@example.org")


@pytest.fixture
def alice_client(alice: Any) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def alice_token(alice: Any) -> str:
    from stridewell.accounts.models import ApiToken

    return ApiToken.objects.issue(alice, "tests")[1]


@pytest.fixture
def shared_data() -> Path:
    return SHARED_DATA
