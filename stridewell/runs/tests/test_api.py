"""/api/v1: Bearer tokens, runs CRUD, streams, imports; another user's run is a 404."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from stridewell.accounts.models import ApiToken, Profile
from stridewell.runs.models import Run


def api(token: str | None = None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(headers=headers)


@pytest.fixture
def alice_run(alice):
    return Run.objects.create(
        user=alice,
        start="2024-03-01T07:00:00Z",
        elapsed_s=1800,
        sport="running",
        name="Easy",
        notes="secret",
    )


def test_no_token_or_a_wrong_one_is_401(db, alice_run):
    assert api().get("/api/v1/runs").status_code == 401
    assert api("sw_nope").get("/api/v1/runs").status_code == 401


def test_revoked_token_stops_working(alice, alice_run):
    token, raw = ApiToken.objects.issue(alice, "temp")
    assert api(raw).get("/api/v1/runs").status_code == 200
    token.delete()
    assert api(raw).get("/api/v1/runs").status_code == 401


def test_list_has_my_runs_with_the_documented_fields(alice_token, alice_run, bob):
    Run.objects.create(user=bob, start="2024-03-01T08:00:00Z", elapsed_s=600)
    body = api(alice_token).get("/api/v1/runs").json()
    assert body["count"] == 1
    (run,) = body["items"]
    for key in (
        "id",
        "start",
        "sport",
        "name",
        "distance_m",
        "elapsed_s",
        "moving_s",
        "ascent_m",
        "avg_hr",
        "max_hr",
        "avg_cadence",
        "source",
        "visibility",
        "notes",
    ):
        assert key in run
    assert run["start"] == "2024-03-01T07:00:00+00:00"
    assert run["notes"] == "secret"


def test_start_carries_the_owner_timezone_offset(alice, alice_token, alice_run):
    Profile.objects.filter(user=alice).update(timezone="Europe/Berlin")
    run = api(alice_token).get(f"/api/v1/runs/{alice_run.pk}").json()
    assert run["start"] == "2024-03-01T08:00:00+01:00"


def test_another_users_run_is_404_for_every_method(alice_run, bob):
    _, bob_token = ApiToken.objects.issue(bob)
    client = api(bob_token)
    url = f"/api/v1/runs/{alice_run.pk}"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"name": "mine"}, content_type="application/json").status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get(url + "/streams").status_code == 404
    assert client.get("/api/v1/runs").json()["count"] == 0
    alice_run.refresh_from_db()
    assert alice_run.name == "Easy"


def test_create_patch_delete(alice_token, alice):
    client = api(alice_token)
    made = client.post(
        "/api/v1/runs",
        {"sport": "walking", "elapsed_s": 600, "start": "2024-05-01T10:00:00+02:00"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    run_id = made.json()["id"]
    assert Run.objects.get(pk=run_id).start.isoformat() == "2024-05-01T08:00:00+00:00"
    patched = client.patch(
        f"/api/v1/runs/{run_id}",
        {"name": "Lunch walk", "visibility": "public"},
        content_type="application/json",
    )
    assert patched.json()["name"] == "Lunch walk" and patched.json()["visibility"] == "public"
    assert client.delete(f"/api/v1/runs/{run_id}").status_code == 204
    assert not Run.objects.filter(pk=run_id).exists()


def test_invalid_input_is_422_with_a_message(alice_token):
    response = api(alice_token).post(
        "/api/v1/runs", {"elapsed_s": -5}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "elapsed_s" in json.dumps(response.json())


def test_upload_and_poll_an_import(alice_token, shared_data):
    data = (shared_data / "activities/fit/fitparse__activity-small-fenix2-run.fit").read_bytes()
    files = [SimpleUploadedFile("a.fit", data), SimpleUploadedFile("b.txt", b"hello")]
    response = api(alice_token).post("/api/v1/imports", {"files": files})
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    job = api(alice_token).get(f"/api/v1/imports/{job_id}").json()
    assert job["status"] == "done"
    assert [(i["name"], i["status"]) for i in job["items"]] == [
        ("a.fit", "imported"),
        ("b.txt", "skipped"),
    ]
    run_id = job["items"][0]["run_id"]
    streams = api(alice_token).get(f"/api/v1/runs/{run_id}/streams").json()
    assert len(streams["lat"]) > 100 and any(v is not None for v in streams["hr"])


def test_someone_elses_import_is_404(alice_token, bob, shared_data):
    _, bob_token = ApiToken.objects.issue(bob)
    job_id = (
        api(alice_token)
        .post("/api/v1/imports", {"files": [SimpleUploadedFile("b.txt", b"x")]})
        .json()["id"]
    )
    assert api(bob_token).get(f"/api/v1/imports/{job_id}").status_code == 404
    assert api(bob_token).get("/api/v1/imports/not-a-uuid").status_code == 404


def test_openapi_document_lists_the_operations(db):
    spec = Client().get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/runs",
        "/api/v1/runs/{run_id}",
        "/api/v1/runs/{run_id}/streams",
        "/api/v1/imports",
        "/api/v1/imports/{job_id}",
    } <= set(spec["paths"])


def test_list_filters_by_days_in_my_timezone_and_sport(alice, alice_token):
    Profile.objects.filter(user=alice).update(timezone="Pacific/Auckland")
    # 23:30 UTC on 4 Jan is 12:30 on 5 Jan in Auckland.
    Run.objects.create(
        user=alice, start="2024-01-04T23:30Z", elapsed_s=60, sport="running", name="late"
    )
    Run.objects.create(
        user=alice, start="2024-01-04T08:00Z", elapsed_s=60, sport="cycling", name="early"
    )
    client = api(alice_token)
    names = [
        r["name"]
        for r in client.get("/api/v1/runs?since=2024-01-05&until=2024-01-05").json()["items"]
    ]
    assert names == ["late"]
    assert [r["name"] for r in client.get("/api/v1/runs?sport=cycling").json()["items"]] == [
        "early"
    ]
    assert client.get("/api/v1/runs?limit=1&offset=1").json()["items"][0]["name"] == "early"
