"""Nobody sees what is not theirs: every URL pattern and every API operation, filled with
each of Olive's objects, requested by a signed-out visitor, a stranger, her buddy, a member
of her invite-only group and Olive herself.

A non-owner fails the sweep when an answer holds a marker of something they may not see
(raw, HTML- or JSON-escaped), when an object they may not see answers 2xx, when a list
names one of her private objects, or when their POST, PATCH or DELETE changes her data.
Olive must see every marker somewhere, so the markers are known to be findable.
``bash proof/leaks.sh`` runs this file and prints the totals.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest
from django.test import Client

from stridewell.accounts.models import ApiToken
from stridewell.community.tests.leak_sweep import (
    GET_ONLY_PREFIXES,
    OK,
    Finding,
    Sweep,
    Target,
    excluded,
    fill,
    leaked,
    request_body,
    tampered,
    url_patterns,
)
from stridewell.community.tests.leak_world import (
    BLOCKED,
    OWNER,
    SHUT_OUT,
    STRANGER,
    VIEWERS,
    VISITOR,
    World,
    build_world,
    fingerprint,
)
from stridewell.runs.models import Run

PATH_ARG = re.compile(r"\{(\w+)\}")
# The list endpoints and the kind of object each lists: none of Olive's private ones may appear.
LISTS = {
    "/api/v1/runs": "run", "/api/v1/checkins": "checkin", "/api/v1/responses": "response",
    "/api/v1/experiments": "experiment", "/api/v1/stories": "story", "/api/v1/groups": "group",
    "/api/v1/blocks": "block", "/api/v1/notifications": "notification",
    "/api/v1/buddies": "buddyship",
}  # fmt: skip


@pytest.fixture
def world(db: Any, settings: Any) -> World:
    settings.PUBLIC_PAGES = True  # the harder case: signed-out visitors see public things
    return build_world()


def client_for(world: World, viewer: str) -> Client:
    if viewer in (VISITOR, SHUT_OUT):
        return Client(raise_request_exception=False)
    user = world.people[viewer]
    token = ApiToken.objects.issue(user)[1]
    # A crash is answered as a 500 and reported as a finding, so the sweep goes on.
    client = Client(headers={"Authorization": f"Bearer {token}"}, raise_request_exception=False)
    client.force_login(user)
    return client


def sweep_pages(sweep: Sweep) -> int:
    patterns = 0
    for route, name in url_patterns():
        if excluded(route, name):
            continue
        patterns += 1
        for target in fill(sweep.world, route, name) or []:
            sweep.call("GET", target)
            if sweep.viewer != OWNER and not route.startswith(GET_ONLY_PREFIXES):
                sweep.call("POST", target, sweep.owner_form(target.url))
    return patterns


def api_operations() -> list[tuple[str, str, dict[str, Any]]]:
    from stridewell.api import api

    spec = api.get_openapi_schema()
    return [
        (path, method.upper(), op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
    ]


def sweep_api(sweep: Sweep) -> int:
    from stridewell.api import api

    spec = api.get_openapi_schema()
    operations = api_operations()
    for path, method, op in operations:
        route = PATH_ARG.sub(r"<\1>", path.lstrip("/"))
        content = op.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        data = request_body(schema, spec, sweep.world) if schema else None
        for target in fill(sweep.world, route, op["operationId"]) or []:
            response = sweep.call(method, target, data, as_json=method != "GET")
            if method == "GET" and target.url in LISTS and response.status_code in OK:
                list_check(sweep, target, response.json(), LISTS[target.url])
    return len(operations)


def list_check(sweep: Sweep, target: Target, payload: Any, kind: str) -> None:
    """No private object of Olive's in the list, by id (JSON may carry no marker at all)."""
    owner = sweep.viewer == OWNER
    hidden = {t.key for t in sweep.world.of_kind(kind) if owner or sweep.viewer not in t.audience}
    for item in list_items(payload):
        if not isinstance(item, dict) or item.get("id") not in hidden:
            continue
        if owner:  # she sees hers: the check would catch them
            sweep.listed.add(kind)
        else:
            what = f"lists {kind} {item['id']}"
            sweep.findings.append(Finding(sweep.viewer, "GET", target.url, 200, what))


def list_items(payload: Any) -> list[Any]:
    """A list answer's entries: the list itself, or every list in an object ("items", or
    "buddies", "incoming" and "outgoing")."""
    if isinstance(payload, dict):
        return [item for value in payload.values() if isinstance(value, list) for item in value]
    return payload if isinstance(payload, list) else []


def report(viewer: str, patterns: int, operations: int, sweep: Sweep) -> None:
    """One line per viewer for proof/leaks.sh to add up."""
    path = os.environ.get("LEAK_SWEEP_SUMMARY")
    if path:
        line = {"viewer": viewer, "patterns": patterns, "operations": operations,
                "requests": sweep.requests, "leaks": len(sweep.findings)}  # fmt: skip
        with open(path, "a") as out:
            out.write(json.dumps(line) + "\n")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_nothing_leaks(world: World, viewer: str, settings: Any) -> None:
    settings.PUBLIC_PAGES = viewer != SHUT_OUT
    owner = client_for(world, OWNER)
    sweep = Sweep(world, viewer, client_for(world, viewer), owner)
    patterns = sweep_pages(sweep)
    operations = sweep_api(sweep)
    report(viewer, patterns, operations, sweep)
    assert not sweep.findings, "\n".join(str(f) for f in sweep.findings)
    if viewer == OWNER:  # the markers and ids can be found: the sweep is able to fail
        assert set(world.markers) - sweep.seen - set(world.unshown) == set()
        assert set(LISTS.values()) - sweep.listed == set()


def test_every_url_pattern_and_operation_can_be_filled(world: World) -> None:
    missing = [
        name or route
        for route, name in url_patterns()
        if not excluded(route, name) and fill(world, route, name) is None
    ]
    missing += [
        op["operationId"]
        for path, _, op in api_operations()
        if fill(world, PATH_ARG.sub(r"<\1>", path.lstrip("/")), op["operationId"]) is None
    ]
    assert missing == []


def test_the_checks_can_fail(world: World) -> None:
    """A marker is found escaped, and a change to Olive's data is seen."""
    marker = next(m for m, who in world.markers.items() if "&" in m and VISITOR not in who)
    page = f"<p>{marker.replace('&', '&amp;')}</p>".lower()
    assert leaked(world, VISITOR, page, "/") == [marker]
    assert leaked(world, VISITOR, json.dumps({"x": marker}).lower(), "/") == [marker]
    assert leaked(world, VISITOR, page, f"/{marker}/") == []  # what the viewer sent
    before = fingerprint(world, "stranger")
    Run.objects.filter(user=world.olive).first().delete()  # type: ignore[union-attr]
    changed = tampered(before, fingerprint(world, "stranger"))
    assert any(section.startswith("runs ") for section in changed)


def test_a_place_without_coordinates_is_refused_not_a_crash(alice_client: Client) -> None:
    """Found by the sweep: an empty form made PrivacyPlace.clean compare None (a 500)."""
    response = alice_client.post("/settings/places/", {"name": "Home", "radius_m": "300"})
    assert response.status_code in (200, 302, 400)
    from stridewell.accounts.models import PrivacyPlace

    assert not PrivacyPlace.objects.exists()


def test_the_sweep_catches_a_broken_rule(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the run rule broken (every run visible to all), the API sweep must cry out."""
    from django.db.models import Q

    from stridewell.community import visibility

    monkeypatch.setattr(visibility, "run_q", lambda viewer, rel=None: Q())
    sweep = Sweep(world, "stranger", client_for(world, "stranger"), client_for(world, OWNER))
    sweep_api(sweep)
    found = {(f.url, f.what) for f in sweep.findings}
    private_run = world.of_kind("run")[0].key
    assert (
        f"/api/v1/runs/{private_run}",
        "answers 2xx about an object this viewer may not see",
    ) in found
    assert any("run-name-private" in what for _, what in found)


def test_a_buddy_invite_is_gone_for_someone_she_blocked(world: World) -> None:
    """Found by the sweep: the blocked person got the "link gone" page as a 200, unlike 404
    everywhere else; an unknown code and a blocked viewer now answer alike."""
    code = world.of_kind("buddy_code")[0].key
    blocked = client_for(world, BLOCKED)
    for response in (blocked.get(f"/buddies/invite/{code}/"), blocked.get("/buddies/invite/nope/")):
        assert response.status_code == 404
        assert "Olive" not in response.content.decode()
    assert client_for(world, STRANGER).get(f"/buddies/invite/{code}/").status_code == 200
