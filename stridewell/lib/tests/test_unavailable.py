"""While the database or Redis restarts, pages answer a calm 503, never a traceback."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

from stridewell.lib.commands import RepeatingCommand


def failing(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """Loading the session, the first query of a signed-in request, raises ``error``."""

    def load(store: SessionStore) -> Any:
        raise error

    monkeypatch.setattr(SessionStore, "load", load)


@pytest.fixture
def client(alice: Any, settings: Any) -> Client:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def gone(monkeypatch: pytest.MonkeyPatch) -> None:
    failing(monkeypatch, OperationalError("server closed the connection unexpectedly"))


def test_a_page_answers_503_with_retry_after_while_the_database_is_away(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone(monkeypatch)
    response = client.get("/runs/")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    body = response.content.decode()
    assert "Back in a moment" in body and "Traceback" not in body and "OperationalError" not in body


def test_the_api_answers_json_503(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    gone(monkeypatch)
    response = client.get("/api/v1/runs")
    assert response.status_code == 503
    assert "briefly unavailable" in response.json()["detail"]


def test_other_errors_stay_a_plain_500(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    failing(monkeypatch, ValueError("a bug"))
    response = client.get("/runs/")
    assert response.status_code == 500 and "a bug" not in response.content.decode()


class Flaky(RepeatingCommand):
    """Finds the database away on its first round, then does its work."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error: Exception | None = error

    def run_once(self) -> str:
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        return "Work done."


@pytest.mark.django_db
def test_a_repeating_command_outlives_a_database_restart() -> None:
    command = Flaky(OperationalError("terminating connection due to administrator command"))
    assert command._round() == "Skipped a round: a service was away."
    assert command._round() == "Work done."


@pytest.mark.django_db
def test_a_repeating_command_still_stops_on_a_bug() -> None:
    with pytest.raises(ValueError):
        Flaky(ValueError("a bug"))._round()
