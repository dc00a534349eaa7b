"""/api/v1 answers as its OpenAPI schema says: a quick schemathesis pass, and what it found.

The full fuzz is ``make apifuzz`` (proof/apifuzz.sh, a real server and many more
examples); this pass runs every operation in-process with a few examples and a
fixed seed so CI notices when a view starts answering something undeclared.
The tests after it pin the bugs schemathesis found, one each.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS
from schemathesis.schemas import BaseSchema

from proof.apifuzz import EXCLUDED, populate
from stridewell.api import api
from stridewell.wsgi import application

# The checks make apifuzz holds the API to, less the ones that need many requests
# or state between them (ignored_auth, use_after_free, …): the full fuzz runs those.
QUICK_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
)


def _schema() -> BaseSchema:
    """The schema as /api/v1/openapi.json serves it, without a request (none may reach a
    database while tests are collected); calls then go to the WSGI app in-process."""
    document = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = application
    # Wrong types, missing fields, out-of-range values too, not only valid requests.
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    return schema.exclude(
        func=lambda ctx: f"{ctx.operation.method.upper()} {ctx.operation.path}" in EXCLUDED
    )


schema = _schema()


@pytest.fixture
def fuzz_token(db: Any) -> Iterator[str]:
    """The fuzzing user's token, with the app kept off the test's connection.

    Django's test client stops the app closing database connections after a request;
    schemathesis calls the WSGI app itself, and on PostgreSQL that close would end the
    transaction the test runs in.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield populate()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=2,
    derandomize=True,  # the same cases every run: a failure here is a regression
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_operation_answers_as_declared(case: Any, fuzz_token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_token}"},
        checks=CHECKS.get_by_names(list(QUICK_CHECKS)),
    )


# --------------------------------------------------------------------------- #
# What the fuzz found. Each was a 500 or a wrong answer before the fix.
# --------------------------------------------------------------------------- #


def _api(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_openapi_declares_the_framework_errors(client: Client) -> None:
    """422/401/404 were answered but undeclared (ST103) on nearly every operation."""
    schema = client.get("/api/v1/openapi.json").json()
    patch_run = schema["paths"]["/api/v1/runs/{run_id}"]["patch"]["responses"]
    assert {"200", "400", "401", "404", "422", "429"} <= set(patch_run)
    assert "404" in schema["paths"]["/api/v1/plan"]["get"]["responses"]
    assert "404" in schema["paths"]["/api/v1/blocks"]["post"]["responses"]
    assert "Error" in schema["components"]["schemas"]


def test_huge_group_id_in_a_story_is_refused_not_a_crash(alice_token: str) -> None:
    """SQLite raised OverflowError (500) for a group id past 2**63."""
    story = {"title": "t", "body": "b", "visibility": "groups", "group_ids": [2**64]}
    response = _api(alice_token).post("/api/v1/stories", story, content_type="application/json")
    assert response.status_code == 422


def test_huge_offset_is_refused_not_a_crash(alice_token: str) -> None:
    """An OFFSET past 2**63 was a database error (500) on the check-ins list."""
    response = _api(alice_token).get("/api/v1/checkins", {"offset": 2**64})
    assert response.status_code == 422
    assert _api(alice_token).get("/api/v1/checkins", {"offset": 10}).status_code == 200


def test_group_run_time_with_a_utc_offset_is_refused(alice_token: str) -> None:
    """An aware time reached SQLite ("does not support timezone-aware times"): a 500."""
    api = _api(alice_token)
    group = api.post("/api/v1/groups", {"name": "Loop"}, content_type="application/json").json()
    event = {"title": "Loop", "place": "Gate", "first_date": "2030-01-05"}
    url = f"/api/v1/groups/{group['id']}/events"
    aware = api.post(url, {**event, "local_time": "09:00:00+02:00"}, "application/json")
    assert aware.status_code == 422
    assert "offset" in aware.json()["detail"][0]["msg"]
    assert api.post(url, {**event, "local_time": "09:00:00"}, "application/json").status_code == 201


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("patch", "/api/v1/me"),
        ("post", "/api/v1/notifications/read"),
    ],
)
def test_a_json_list_is_not_a_body(alice_token: str, method: str, path: str) -> None:
    """``[null, null]`` was read as ``{}`` (defaults for everything) and answered 200."""
    response = getattr(_api(alice_token), method)(path, "[null, null]", "application/json")
    assert response.status_code in (400, 422)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/checkins", {"feeling": 1, "sleep_hours": False}),
        ("/api/v1/checkins", {"feeling": True}),
        ("/api/v1/checkins", {"feeling": 1, "recorded_at": 1700000000}),
        ("/api/v1/groups", {"name": "Loop", "invite_only": 0}),
        ("/api/v1/runs", {"elapsed_s": 1800, "indoor": 0}),
        ("/api/v1/runs", {"elapsed_s": "1800"}),
    ],
)
def test_values_of_the_wrong_type_are_refused(alice_token: str, path: str, body: Any) -> None:
    """pydantic's lax mode took false as 0 hours, 0 as false and a number as a date."""
    response = _api(alice_token).post(path, body, content_type="application/json")
    assert response.status_code == 422


def test_a_number_is_not_a_date_in_a_query(alice_token: str) -> None:
    """``?until=0`` was read as 1970-01-01."""
    assert _api(alice_token).get("/api/v1/runs", {"until": "0"}).status_code == 422
    assert _api(alice_token).get("/api/v1/runs", {"until": "2026-01-31"}).status_code == 200


def test_the_right_types_still_work(alice_token: str) -> None:
    """Ints where numbers are asked for, and ISO text for times, are still fine."""
    api = _api(alice_token)
    checkin = {"feeling": 1, "sleep_hours": 7, "recorded_at": "2026-03-01T08:00:00+01:00"}
    assert api.post("/api/v1/checkins", checkin, "application/json").status_code == 201
    run = {"elapsed_s": 1800, "distance_m": 5000.5, "indoor": True, "start": "2026-03-01T08:00"}
    assert api.post("/api/v1/runs", run, "application/json").status_code == 201
