"""/api/v1/plans, /plan, /plan/next, /plan/sessions — and nobody else sees any of it."""

from __future__ import annotations

import json

from stridewell.runs.models import Run
from stridewell.steps.sessions import choose

SESSION = {
    "step": "week-1",
    "started_at": "2026-03-02T08:30:00+01:00",
    "completed_seconds": 1800,
    "completed": True,
    "feeling_before": 0,
    "feeling_after": 2,
    "effort": 4,
    "intervals": [{"kind": "warmup", "seconds": 300}, {"kind": "run", "seconds": 60}],
}


def auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, url, body, **headers):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_lists_the_plans(client, alice_token):
    plans = client.get("/api/v1/plans", **auth(alice_token)).json()
    ids = [plan["id"] for plan in plans]
    assert ids == ["small-steps", "walking", "after-injury"]
    first = plans[0]["steps"][0]
    assert first["intervals"] == [{"kind": "walk", "seconds": 120}]


def test_no_plan_yet_is_a_kind_404(client, alice_token):
    answer = client.get("/api/v1/plan/next", **auth(alice_token))
    assert answer.status_code == 404
    assert "Whenever you're ready" in answer.json()["detail"]
    assert client.get("/api/v1/plan", **auth(alice_token)).status_code == 404


def test_start_a_plan_and_get_the_next_session(client, alice_token):
    answer = post(
        client, "/api/v1/plan", {"plan": "small-steps", "step": "week-1"}, **auth(alice_token)
    )
    assert answer.status_code == 200
    assert answer.json()["position"] == 7
    mine = client.get("/api/v1/plan", **auth(alice_token)).json()
    assert (mine["plan"], mine["step"]) == ("small-steps", "week-1")
    nxt = client.get("/api/v1/plan/next", **auth(alice_token)).json()
    assert (nxt["plan"], nxt["step"], nxt["total_seconds"]) == ("small-steps", "week-1", 1800)
    assert nxt["why"] and nxt["intervals"][0] == {"kind": "warmup", "seconds": 300}


def test_a_bad_plan_or_step_is_422(client, alice_token):
    assert post(client, "/api/v1/plan", {"plan": "nope"}, **auth(alice_token)).status_code == 422
    bad = post(client, "/api/v1/plan", {"plan": "walking", "step": "week-1"}, **auth(alice_token))
    assert bad.status_code == 422


def test_record_a_session_answers_the_run_and_is_idempotent(client, alice, alice_token):
    choose(alice, "small-steps", "week-1")
    first = post(client, "/api/v1/plan/sessions", SESSION, **auth(alice_token))
    assert first.status_code == 201
    run = first.json()
    assert (run["source"], run["elapsed_s"], run["perceived_exertion"]) == ("plan", 1800, 4)
    assert run["start"] == "2026-03-02T07:30:00+00:00"  # alice's timezone is UTC
    again = post(client, "/api/v1/plan/sessions", SESSION, **auth(alice_token))
    assert again.status_code == 201 and again.json()["id"] == run["id"]
    assert Run.objects.filter(user=alice).count() == 1


def test_out_of_range_feelings_are_refused(client, alice_token):
    body = SESSION | {"feeling_after": 7}
    assert post(client, "/api/v1/plan/sessions", body, **auth(alice_token)).status_code == 422
    body = SESSION | {"step": "nope"}
    assert post(client, "/api/v1/plan/sessions", body, **auth(alice_token)).status_code == 422


def test_another_person_sees_nothing(client, alice, alice_token, bob):
    choose(alice, "small-steps", "week-1")
    run = post(client, "/api/v1/plan/sessions", SESSION, **auth(alice_token)).json()
    client.force_login(bob)
    assert client.get("/api/v1/plan").status_code == 404
    assert client.get("/api/v1/plan/next").status_code == 404
    assert client.get(f"/api/v1/runs/{run['id']}").status_code == 404
    assert client.get("/api/v1/runs").json()["count"] == 0
    page = client.get("/steps/")
    assert "Where would you like to start?" in page.content.decode()


def test_signed_out_gets_401(client):
    assert client.get("/api/v1/plan").status_code == 401
