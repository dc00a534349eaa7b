"""Sharing a run: the edit page and PATCH /api/v1/runs/{id}; what others then see of it —
the owner by name and handle, numbers only if the owner shows them, and the before→after
feeling only when shared, only with those who see the run."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from stridewell.accounts.models import PrivacyPlace, Profile
from stridewell.community.models import RunAudience
from stridewell.community.tests.people_helpers import (
    api,
    body,
    group_of,
    login,
    make_four,
    run_of,
)
from stridewell.runs.importers.base import Streams
from stridewell.runs.streams import pack
from stridewell.wellbeing.models import CheckIn


@pytest.fixture
def four(db):
    return make_four()


def patch(client, run, data):
    return client.patch(f"/api/v1/runs/{run.pk}", data, content_type="application/json")


# --------------------------------------------------------------------------- #
# The edit page
# --------------------------------------------------------------------------- #


def test_the_edit_page_offers_four_plain_choices_my_groups_and_the_feeling(four):
    alice = four["alice"]
    group_of(four["dave"], name="Not mine")
    run = run_of(alice, "private")
    page = body(login(alice).get(f"/runs/{run.pk}/edit/"))
    for words in (
        "Only me — nobody else sees this run",
        "My buddies — the people you are buddies with",
        "My groups — members of your groups",
        "Everyone on this instance — everyone signed in",
        "Run and talk",
        "None ticked: all your groups.",
        "Share how I felt on this run",
        "Nothing else of your check-ins, ever.",
    ):
        assert words in page, words
    assert "Not mine" not in page


def test_choosing_groups_on_the_edit_page_keeps_the_picked_ones(four):
    alice = four["alice"]
    club, other = four["club"], group_of(alice, name="Parkrun pals")
    run = run_of(alice, "private")
    form = {"name": "", "sport": "running", "notes": "", "run_type": "", "visibility": "groups"}
    client = login(alice)
    client.post(f"/runs/{run.pk}/edit/", {**form, "groups": [other.pk], "share_feeling": "on"})
    run.refresh_from_db()
    assert run.visibility == "groups" and run.share_feeling
    assert list(RunAudience.objects.values_list("group_id", flat=True)) == [other.pk]
    page = body(client.get(f"/runs/{run.pk}/"))
    assert "Seen by: my groups (Parkrun pals)" in page
    # Someone else's group is refused; nothing changes.
    theirs = group_of(four["dave"], name="Not mine")
    response = client.post(f"/runs/{run.pk}/edit/", {**form, "groups": [theirs.pk]})
    assert response.status_code == 200 and "Select a valid choice" in body(response)
    assert list(RunAudience.objects.values_list("group_id", flat=True)) == [other.pk]
    # Back to private: the picked groups go.
    client.post(f"/runs/{run.pk}/edit/", {**form, "visibility": "private"})
    run.refresh_from_db()
    assert run.visibility == "private" and not run.share_feeling
    assert not RunAudience.objects.exists() and club.pk


def test_picked_groups_decide_who_sees_the_run(four):
    alice, carol = four["alice"], four["carol"]
    other = group_of(alice, name="Parkrun pals")
    run = run_of(alice, "private")
    patch(api(alice), run, {"visibility": "groups", "group_ids": [other.pk]})
    assert login(carol).get(f"/runs/{run.pk}/").status_code == 404
    patch(api(alice), run, {"group_ids": []})  # none picked: all my groups
    assert login(carol).get(f"/runs/{run.pk}/").status_code == 200


# --------------------------------------------------------------------------- #
# The API
# --------------------------------------------------------------------------- #


def test_patch_takes_visibility_groups_and_share_feeling(four):
    alice = four["alice"]
    club = four["club"]
    run = run_of(alice, "private")
    response = patch(
        api(alice), run, {"visibility": "groups", "group_ids": [club.pk], "share_feeling": True}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["visibility"] == "groups" and data["group_ids"] == [club.pk]
    assert data["share_feeling"] is True and data["owner"] is None


def test_patch_refuses_a_group_i_am_not_in_and_changes_nothing(four):
    alice = four["alice"]
    theirs = group_of(four["dave"], name="Not mine")
    run = run_of(alice, "private")
    response = patch(api(alice), run, {"visibility": "groups", "group_ids": [theirs.pk]})
    assert response.status_code == 422
    assert "only share with groups you are in" in str(response.json())
    run.refresh_from_db()
    assert run.visibility == "private" and not RunAudience.objects.exists()


def test_someone_elses_run_cannot_be_changed_edited_or_deleted(four):
    alice, bob = four["alice"], four["bob"]
    run = run_of(alice, "buddies")
    assert patch(api(bob), run, {"visibility": "public"}).status_code == 404
    assert api(bob).delete(f"/api/v1/runs/{run.pk}").status_code == 404
    client = login(bob)
    assert client.get(f"/runs/{run.pk}/").status_code == 200
    assert client.get(f"/runs/{run.pk}/edit/").status_code == 404
    assert client.post(f"/runs/{run.pk}/edit/", {"visibility": "public"}).status_code == 404
    assert client.post(f"/runs/{run.pk}/delete/").status_code == 404
    run.refresh_from_db()
    assert run.visibility == "buddies"


def test_what_others_get_from_the_api(four):
    alice, bob = four["alice"], four["bob"]
    run = run_of(alice, "buddies", distance_m=5000, avg_hr=150, notes="my notes")
    data = api(bob).get(f"/api/v1/runs/{run.pk}").json()
    assert data["owner"] == {"display_name": "Alice", "handle": "alice"}
    assert data["group_ids"] is None and data["notes"] == "" and data["feeling"] is None
    assert data["distance_m"] == 5000 and data["avg_hr"] == 150
    Profile.objects.filter(user=alice).update(hide_numbers_from_others=True)
    data = api(bob).get(f"/api/v1/runs/{run.pk}").json()
    for key in ("distance_m", "elapsed_s", "moving_s", "avg_hr", "max_hr", "perceived_exertion"):
        assert data[key] is None, key
    own = api(alice).get(f"/api/v1/runs/{run.pk}").json()
    assert own["distance_m"] == 5000 and own["notes"] == "my notes"
    assert "alice.secret@" not in str(data)


# --------------------------------------------------------------------------- #
# The run page as others see it
# --------------------------------------------------------------------------- #


def felt(run, before, after):
    CheckIn.objects.create(
        user=run.user, run=run, kind="before_run", feeling=before, arousal=2, stress=8,
        recorded_at=run.start - timedelta(minutes=5),
    )  # fmt: skip
    after_checkin = CheckIn.objects.create(
        user=run.user, run=run, kind="after_run", feeling=after, arousal=5, stress=1,
        recorded_at=run.start + timedelta(minutes=40),
    )  # fmt: skip
    after_checkin.note = "PRIVATE-NOTE"
    after_checkin.save()
    after_checkin.set_tags(["private-tag"])


@pytest.fixture
def shared_run(four):
    run = run_of(four["alice"], "buddies", distance_m=5000, elapsed_s=1800, share_feeling=True)
    felt(run, -1, 3)
    return run


def test_a_buddy_sees_the_owner_and_the_shared_feeling_and_nothing_more(four, shared_run):
    page = body(login(four["bob"]).get(f"/runs/{shared_run.pk}/"))
    assert "By" in page and "Alice" in page and "@alice" in page and "alice.secret@" not in page
    assert "Alice shared how this run felt — before: fairly bad (-1) → after: good (+3)" in page
    for private in ("PRIVATE-NOTE", "private-tag", "Edit</a>", "How do you feel now?"):
        assert private not in page
    assert "5.00 km" in page
    data = api(four["bob"]).get(f"/api/v1/runs/{shared_run.pk}").json()
    assert data["feeling"] == {"before": -1, "after": 3}


def test_the_feeling_stays_private_unless_shared(four, shared_run):
    shared_run.share_feeling = False
    shared_run.save()
    page = body(login(four["bob"]).get(f"/runs/{shared_run.pk}/"))
    assert "shared how this run felt" not in page and "good (+3)" not in page
    assert api(four["bob"]).get(f"/api/v1/runs/{shared_run.pk}").json()["feeling"] is None


def test_those_who_cannot_see_the_run_see_no_feeling_either(four, shared_run):
    for viewer in (four["carol"], four["dave"]):  # not buddies with Alice
        assert login(viewer).get(f"/runs/{shared_run.pk}/").status_code == 404
        assert api(viewer).get(f"/api/v1/runs/{shared_run.pk}").status_code == 404


def test_the_owner_sees_their_own_feeling_as_before(four, shared_run):
    page = body(login(four["alice"]).get(f"/runs/{shared_run.pk}/"))
    assert "How you felt" in page and "how you felt is shared with them" in page


def test_hidden_numbers_stay_hidden_on_the_page_and_in_the_streams(four, shared_run):
    alice = four["alice"]
    Profile.objects.filter(user=alice).update(hide_numbers_from_others=True)
    n = 200
    streams = Streams(
        time=np.arange(n, dtype=float) * 5,
        lat=np.linspace(51.5, 51.51, n),
        lon=np.linspace(-0.12, -0.11, n),
        ele=np.full(n, 20.0),
        hr=np.full(n, 140.0),
        cad=np.full(n, 80.0),
        dist=np.linspace(0, 1500, n),
    )
    shared_run.streams_blob = pack(streams)
    shared_run.points = n
    shared_run.save()
    bob = login(four["bob"])
    page = body(bob.get(f"/runs/{shared_run.pk}/"))
    assert "Alice keeps their pace, times and distances to themselves." in page
    assert "5.00 km" not in page and "Splits" not in page and 'id="run-charts"' not in page
    assert 'id="run-map"' in page  # the route stays (privacy places are cut from it)
    series = bob.get(f"/runs/{shared_run.pk}/streams.json").json()
    assert set(series) == {"lat", "lon"} and len(series["lat"]) > 10
    api_series = api(four["bob"]).get(f"/api/v1/runs/{shared_run.pk}/streams").json()
    assert set(api_series) == {"lat", "lon"}
    own = login(alice).get(f"/runs/{shared_run.pk}/streams.json").json()
    assert "hr" in own and "distance_m" in own


def test_privacy_places_are_still_cut_for_others(four, shared_run):
    n = 100
    streams = Streams(
        time=np.arange(n, dtype=float),
        lat=np.linspace(51.5, 51.6, n),
        lon=np.full(n, -0.1),
        ele=np.zeros(n),
        hr=np.full(n, 120.0),
        cad=np.zeros(n),
        dist=np.linspace(0, 11000, n),
    )
    shared_run.streams_blob = pack(streams)
    shared_run.points = n
    shared_run.save()
    PrivacyPlace.objects.create(user=four["alice"], name="Home", lat=51.5, lon=-0.1, radius_m=800)
    theirs = login(four["bob"]).get(f"/runs/{shared_run.pk}/streams.json").json()
    assert min(theirs["lat"]) > 51.505


def test_my_run_list_is_still_only_mine(four):
    run_of(four["bob"], "public", name="Bob's public run")
    run_of(four["alice"], "private", name="Alice's own run")
    page = body(login(four["alice"]).get("/runs/"))
    assert "Alice's own run" in page and "Bob's public run" not in page
