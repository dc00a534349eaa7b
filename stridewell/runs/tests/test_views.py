"""Run pages: list, manual entry, detail, edit, delete, import with progress."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from stridewell.accounts.models import Profile
from stridewell.runs.models import Run


def test_pages_need_a_login(db):
    response = Client().get("/runs/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_empty_list_guides_the_next_step(alice_client):
    page = alice_client.get("/runs/").content.decode()
    assert "Log a walk" in page and "import your watch" in page


@time_machine.travel("2026-11-25 18:30:00+00:00", tick=False)
def test_i_walked_for_ten_minutes_is_a_valid_entry(alice_client, alice):
    response = alice_client.post("/runs/new/", {"sport": "walking", "duration": "10"})
    run = Run.objects.get(user=alice)
    assert response.status_code == 302 and response["Location"] == f"/runs/{run.pk}/"
    assert (run.sport, run.elapsed_s, run.distance_m, run.source) == (
        "walking",
        600,
        None,
        "manual",
    )
    assert run.start.isoformat() == "2026-11-25T18:30:00+00:00"


def test_manual_entry_in_miles_and_users_timezone(alice_client, alice):
    Profile.objects.filter(user=alice).update(units="mi", timezone="America/New_York")
    alice_client.post(
        "/runs/new/",
        {"sport": "running", "duration": "30:00", "distance": "3.1", "start": "2026-01-10T07:00"},
    )
    run = Run.objects.get(user=alice)
    assert run.distance_m == pytest.approx(3.1 * 1609.344)
    assert run.start.isoformat() == "2026-01-10T12:00:00+00:00"


def test_bad_duration_gets_a_kind_message(alice_client):
    page = alice_client.post(
        "/runs/new/", {"sport": "running", "duration": "soon"}
    ).content.decode()
    assert "Say how long" in page


def test_list_filters_by_sport_and_date(alice_client, alice):
    Run.objects.create(
        user=alice, start="2024-01-05T10:00Z", elapsed_s=60, sport="running", name="January run"
    )
    Run.objects.create(
        user=alice, start="2024-03-05T10:00Z", elapsed_s=60, sport="cycling", name="March ride"
    )
    page = alice_client.get("/runs/?sport=cycling").content.decode()
    assert "March ride" in page and "January run" not in page
    page = alice_client.get("/runs/?since=2024-01-01&until=2024-01-31").content.decode()
    assert "January run" in page and "March ride" not in page


def test_list_is_paginated(alice_client, alice):
    Run.objects.bulk_create(
        Run(user=alice, start=f"2024-01-01T{h:02d}:00Z", elapsed_s=60) for h in range(24)
    )
    Run.objects.bulk_create(
        Run(user=alice, start=f"2024-01-02T{h:02d}:00Z", elapsed_s=60) for h in range(24)
    )
    assert "Page 1 of 2" in alice_client.get("/runs/").content.decode()


def test_hide_numbers_keeps_figures_out_of_sight(alice_client, alice):
    run = Run.objects.create(user=alice, start="2024-01-05T10:00Z", elapsed_s=1234, distance_m=5000)
    assert "5.00 km" in alice_client.get(f"/runs/{run.pk}/").content.decode()
    Profile.objects.filter(user=alice).update(hide_numbers=True)
    detail = alice_client.get(f"/runs/{run.pk}/").content.decode()
    listing = alice_client.get("/runs/").content.decode()
    assert "5.00 km" not in detail and "20:34" not in detail and "5.00 km" not in listing


def test_edit_and_delete(alice_client, alice):
    run = Run.objects.create(user=alice, start="2024-01-05T10:00Z", elapsed_s=60)
    alice_client.post(
        f"/runs/{run.pk}/edit/",
        {"name": "Renamed", "sport": "hiking", "notes": "n", "visibility": "public"},
    )
    run.refresh_from_db()
    assert (run.name, run.sport, run.visibility) == ("Renamed", "hiking", "public")
    alice_client.post(f"/runs/{run.pk}/delete/")
    assert not Run.objects.filter(pk=run.pk).exists()


def test_others_cannot_see_edit_or_delete_a_private_run(alice, bob):
    run = Run.objects.create(
        user=alice, start="2024-01-05T10:00Z", elapsed_s=60, notes="private note"
    )
    client = Client()
    client.force_login(bob)
    for url in (f"/runs/{run.pk}/", f"/runs/{run.pk}/edit/", f"/runs/{run.pk}/streams.json"):
        assert client.get(url).status_code == 404
    assert client.post(f"/runs/{run.pk}/delete/").status_code == 404
    assert "private note" not in client.get("/runs/").content.decode()
    assert Run.objects.filter(pk=run.pk).exists()


def test_detail_of_an_imported_run_has_map_charts_and_splits(alice_client, shared_data):
    data = (shared_data / "activities/fit/fitparse__activity-small-fenix2-run.fit").read_bytes()
    alice_client.post("/import/", {"files": [SimpleUploadedFile("run.fit", data)]})
    run = Run.objects.get()
    page = alice_client.get(f"/runs/{run.pk}/").content.decode()
    assert 'id="run-map"' in page and 'id="run-charts"' in page and "Splits" in page
    assert "vendor/leaflet" in page and "http" not in page.split("data-tile-url")[0].split("<body")[
        -1
    ].replace("https://tile", "")
    series = alice_client.get(f"/runs/{run.pk}/streams.json").json()
    assert len(series["distance_m"]) <= 1000 and any(v is not None for v in series["pace_s_per_km"])


def test_import_page_shows_progress_then_results(alice_client, shared_data):
    data = (shared_data / "activities/gpx/gpxpy__korita-zbevnica.gpx").read_bytes()
    response = alice_client.post(
        "/import/",
        {"files": [SimpleUploadedFile("a.gpx", data), SimpleUploadedFile("x.png", b"\x89PNG....")]},
    )
    assert response.status_code == 302
    page = alice_client.get(response["Location"]).content.decode()
    assert "<progress" in page and 'value="100"' in page
    assert "Imported" in page and "Skipped" in page and "PNG image" in page
    partial = alice_client.get(
        response["Location"], headers={"HX-Request": "true"}
    ).content.decode()
    assert partial.lstrip().startswith('<div id="import-progress"')


def test_empty_upload_says_what_to_do(alice_client):
    page = alice_client.post("/import/", {}, follow=True).content.decode()
    assert "Choose one or more files" in page


def test_no_page_loads_anything_from_another_host(alice_client, alice):
    run = Run.objects.create(user=alice, start="2024-01-05T10:00Z", elapsed_s=60)
    for url in ("/runs/", "/runs/new/", "/import/", "/settings/", f"/runs/{run.pk}/"):
        page = alice_client.get(url).content.decode()
        assert 'src="http' not in page and 'href="http' not in page.replace(
            'href="https://tile', ""
        ), url


def test_time_in_heart_rate_zones_uses_my_maximum(alice_client, alice, shared_data):
    Profile.objects.filter(user=alice).update(max_hr=190)
    data = (shared_data / "activities/fit/fitparse__activity-small-fenix2-run.fit").read_bytes()
    alice_client.post("/import/", {"files": [SimpleUploadedFile("run.fit", data)]})
    run = Run.objects.get()
    assert len(run.hr_zones_s) == 5 and sum(run.hr_zones_s) == pytest.approx(
        run.elapsed_s, rel=0.05
    )
    page = alice_client.get(f"/runs/{run.pk}/").content.decode()
    assert "Time in heart-rate zones" in page and "90 and over" in page
