"""Check-ins: one tap to record, details after, encrypted notes, API, and nobody else sees any."""

import pytest
from django.db import connection
from django.test import Client

from stridewell.accounts.models import ApiToken, Profile
from stridewell.runs.models import Run
from stridewell.wellbeing.models import CheckIn, Tag


def api(token):
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_one_tap_on_the_feeling_scale_saves_a_check_in(alice_client, alice):
    page = alice_client.get("/checkins/new/").content.decode()
    assert page.count('name="feeling"') == 11
    response = alice_client.post("/checkins/new/", {"feeling": "3"})
    checkin = CheckIn.objects.get(user=alice)
    assert (checkin.feeling, checkin.kind) == (3, "daily")
    assert response["Location"] == f"/checkins/{checkin.pk}/"


def test_feeling_outside_the_scale_is_refused_kindly(alice_client, alice):
    alice_client.post("/checkins/new/", {"feeling": "9"})
    page = alice_client.get("/checkins/new/").content.decode()
    assert not CheckIn.objects.exists() and "Choose how you feel" in page


def test_details_tags_and_note_are_added_after(alice_client, alice):
    alice_client.post("/checkins/new/", {"feeling": "-1"})
    checkin = CheckIn.objects.get(user=alice)
    alice_client.post(
        f"/checkins/{checkin.pk}/",
        {
            "recorded_at": "2026-11-20T08:30", "kind": "before_run", "feeling": "-1", "arousal": "2",
            "stress": "7", "sleep_hours": "6.5", "sleep_quality": "2", "tags": "Work, sleep, work",
            "note": "Heavy head this morning",
        },
    )  # fmt: skip
    checkin.refresh_from_db()
    assert (checkin.kind, checkin.arousal, checkin.stress, checkin.sleep_hours) == (
        "before_run",
        2,
        7,
        6.5,
    )
    assert sorted(t.name for t in checkin.tags.all()) == ["sleep", "work"]
    assert checkin.note == "Heavy head this morning"
    assert "Heavy head" in alice_client.get(f"/checkins/{checkin.pk}/").content.decode()


def test_note_is_ciphertext_in_the_raw_database_row(alice, alice_client):
    alice_client.post("/checkins/new/", {"feeling": "1"})
    checkin = CheckIn.objects.get()
    checkin.note = "I felt like giving up today"
    checkin.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT note_ciphertext FROM wellbeing_checkin WHERE id = %s", [checkin.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("v1:") and "giving up" not in raw
    assert CheckIn.objects.get().note == "I felt like giving up today"


def test_history_lists_only_my_check_ins(alice_client, alice, bob):
    CheckIn.objects.create(user=bob, recorded_at="2026-11-20T08:00Z", feeling=-5)
    page = alice_client.get("/checkins/").content.decode()
    assert "No check-ins yet" in page and "Very bad" not in page


def test_nobody_else_can_open_edit_or_delete_my_check_in(alice, bob):
    checkin = CheckIn.objects.create(user=alice, recorded_at="2026-11-20T08:00Z", feeling=-5)
    client = Client()
    client.force_login(bob)
    assert client.get(f"/checkins/{checkin.pk}/").status_code == 404
    assert client.post(f"/checkins/{checkin.pk}/", {"feeling": "5"}).status_code == 404
    assert client.post(f"/checkins/{checkin.pk}/delete/").status_code == 404
    assert CheckIn.objects.get(pk=checkin.pk).feeling == -5


def test_api_create_list_patch_delete_with_offsets(alice, alice_token):
    Profile.objects.filter(user=alice).update(timezone="Europe/London")
    client = api(alice_token)
    made = client.post(
        "/api/v1/checkins",
        {
            "feeling": 3,
            "recorded_at": "2026-07-01T09:00:00",
            "tags": ["outdoors"],
            "note": "sunny",
            "arousal": 5,
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (
        body["recorded_at"] == "2026-07-01T09:00:00+01:00"
    )  # naive times are the owner's local time
    assert (body["feeling"], body["tags"], body["note"], body["kind"]) == (
        3,
        ["outdoors"],
        "sunny",
        "daily",
    )
    for key in ("id", "stress", "sleep_hours", "sleep_quality", "run_id"):
        assert key in body
    patched = client.patch(
        f"/api/v1/checkins/{body['id']}", {"stress": 2}, content_type="application/json"
    ).json()
    assert (patched["stress"], patched["feeling"], patched["note"]) == (2, 3, "sunny")
    assert client.get("/api/v1/checkins").json()["count"] == 1
    assert client.delete(f"/api/v1/checkins/{body['id']}").status_code == 204
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"feeling": 6}, "feeling"), ({}, "feeling"), ({"feeling": 0, "arousal": 7}, "arousal"),
     ({"feeling": 0, "stress": -1}, "stress"), ({"feeling": 0, "sleep_quality": 0}, "sleep_quality"),
     ({"feeling": 0, "kind": "sometime"}, "kind")],
)  # fmt: skip
def test_api_out_of_range_or_missing_is_422_naming_the_field(alice_token, payload, field):
    response = api(alice_token).post("/api/v1/checkins", payload, content_type="application/json")
    assert response.status_code == 422
    assert any(field in error["loc"] for error in response.json()["detail"])
    assert not CheckIn.objects.exists()


def test_api_refuses_linking_someone_elses_run(alice_token, bob):
    run = Run.objects.create(user=bob, start="2026-11-20T08:00Z", elapsed_s=60)
    response = api(alice_token).post(
        "/api/v1/checkins", {"feeling": 1, "run_id": run.pk}, content_type="application/json"
    )
    assert response.status_code == 422 and "run_id" in str(response.json())


def test_api_someone_elses_check_in_is_404_and_never_listed(alice, bob):
    checkin = CheckIn.objects.create(user=alice, recorded_at="2026-11-20T08:00Z", feeling=-5)
    checkin.note = "private"
    checkin.save()
    _, bob_token = ApiToken.objects.issue(bob)
    client = api(bob_token)
    url = f"/api/v1/checkins/{checkin.pk}"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"feeling": 5}, content_type="application/json").status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get("/api/v1/checkins").json() == {"count": 0, "items": []}
    assert Client().get("/api/v1/checkins").status_code == 401


def test_tags_are_per_user(alice, bob):
    for user in (alice, bob):
        checkin = CheckIn.objects.create(user=user, recorded_at="2026-11-20T08:00Z", feeling=0)
        checkin.set_tags(["Family"])
    assert Tag.objects.filter(name="family").count() == 2


def test_rotating_the_note_key_reencrypts_and_old_key_can_go(alice, settings):
    import io

    from django.core.management import call_command

    from stridewell.lib.crypto import generate_key
    from stridewell.wellbeing.notes import cipher
    from stridewell.wellbeing.safety import plan_as_dict, plan_for, save_plan

    old, new = generate_key(), generate_key()
    settings.NOTE_KEYS = old
    cipher.cache_clear()
    checkin = CheckIn.objects.create(user=alice, recorded_at="2026-11-20T08:00Z", feeling=0)
    checkin.note = "rotate me"
    checkin.save()
    save_plan(alice, {"warning_signs": "I stop answering messages"})
    settings.NOTE_KEYS = f"{new},{old}"
    cipher.cache_clear()
    out = io.StringIO()
    call_command("rotate_note_key", stdout=out)
    assert out.getvalue().startswith("2 note(s)")
    settings.NOTE_KEYS = new
    cipher.cache_clear()
    try:
        assert CheckIn.objects.get().note == "rotate me"
        assert (
            plan_as_dict(plan_for(alice))["sections"]["warning_signs"]
            == "I stop answering messages"
        )
    finally:
        settings.NOTE_KEYS = None
        cipher.cache_clear()


def test_tags_can_be_renamed_and_merged(alice_client, alice, bob):
    first = CheckIn.objects.create(user=alice, recorded_at="2026-11-20T08:00Z", feeling=0)
    first.set_tags(["jogging"])
    second = CheckIn.objects.create(user=alice, recorded_at="2026-11-21T08:00Z", feeling=0)
    second.set_tags(["running", "outdoors"])
    jogging = Tag.objects.get(user=alice, name="jogging")
    alice_client.post("/checkins/tags/", {"tag": jogging.pk, "name": "Running"})
    assert not Tag.objects.filter(pk=jogging.pk).exists()
    running = Tag.objects.get(user=alice, name="running")
    assert set(running.checkins.all()) == {first, second}
    alice_client.post("/checkins/tags/", {"tag": running.pk, "name": "runs"})
    assert Tag.objects.get(pk=running.pk).name == "runs"
    bobs = CheckIn.objects.create(user=bob, recorded_at="2026-11-21T08:00Z", feeling=0)
    bobs.set_tags(["secret"])
    assert (
        alice_client.post(
            "/checkins/tags/", {"tag": Tag.objects.get(user=bob).pk, "name": "x"}
        ).status_code
        == 404
    )
    assert "secret" not in alice_client.get("/checkins/tags/").content.decode()
