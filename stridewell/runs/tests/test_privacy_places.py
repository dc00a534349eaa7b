"""Privacy places: points inside them never reach anyone but the owner."""

import pytest
from django.test import Client

from stridewell.accounts.models import PrivacyPlace
from stridewell.runs.imports import import_files
from stridewell.runs.models import Run


@pytest.fixture
def public_run(alice, shared_data):
    import_files(alice, [(shared_data / "activities/gpx/gpxpy__korita-zbevnica.gpx", "a.gpx")])
    run = Run.objects.get(user=alice)
    run.visibility = "public"
    run.save()
    streams = run.streams()
    # A home at the start of the track
    PrivacyPlace.objects.create(
        user=alice, name="Home", lat=float(streams.lat[0]), lon=float(streams.lon[0]), radius_m=300
    )
    return run


def full_series(client, run):
    return client.get(f"/api/v1/runs/{run.pk}/streams?max_points=100000").json()


def test_owner_sees_every_point(alice_client, public_run):
    series = full_series(alice_client, public_run)
    assert len(series["lat"]) == public_run.points


def test_others_never_see_points_inside_the_place(public_run, bob):
    client = Client()
    client.force_login(bob)
    series = full_series(client, public_run)
    assert 0 < len(series["lat"]) < public_run.points
    import numpy as np

    from stridewell.lib.geo import within_radius

    place = PrivacyPlace.objects.get()
    lat = np.array([v if v is not None else np.nan for v in series["lat"]])
    lon = np.array([v if v is not None else np.nan for v in series["lon"]])
    assert not within_radius(lat, lon, place.lat, place.lon, place.radius_m).any()
    page_series = client.get(f"/runs/{public_run.pk}/streams.json").json()
    assert len(page_series["lat"]) <= len(series["lat"])


def test_private_notes_of_a_public_run_stay_private(public_run, bob):
    public_run.notes = "felt awful before"
    public_run.save()
    client = Client()
    client.force_login(bob)
    assert client.get(f"/api/v1/runs/{public_run.pk}").json()["notes"] == ""
    assert "felt awful" not in client.get(f"/runs/{public_run.pk}/").content.decode()
