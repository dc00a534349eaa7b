"""Before and after a run: "I'm heading out", the after-run prompt, and linking by time."""

import time_machine
from django.test import Client

from conftest import SHARED_DATA
from stridewell.runs.imports import import_files
from stridewell.runs.models import Run
from stridewell.wellbeing.models import CheckIn


@time_machine.travel("2026-11-25 07:00:00+00:00", tick=False)
def test_heading_out_joins_the_run_logged_within_three_hours(alice_client, alice):
    alice_client.post("/checkins/new/", {"feeling": "-3", "kind": "before_run"})
    alice_client.post(
        "/runs/new/", {"sport": "running", "duration": "30", "start": "2026-11-25T08:30"}
    )
    run = Run.objects.get(user=alice)
    before = CheckIn.objects.get(user=alice)
    assert (before.kind, before.run_id) == ("before_run", run.pk)


@time_machine.travel("2026-11-25 07:00:00+00:00", tick=False)
def test_a_run_more_than_three_hours_later_does_not_claim_it(alice_client, alice):
    alice_client.post("/checkins/new/", {"feeling": "-3", "kind": "before_run"})
    alice_client.post(
        "/runs/new/", {"sport": "running", "duration": "30", "start": "2026-11-25T10:30"}
    )
    assert CheckIn.objects.get(user=alice).run_id is None


def test_an_imported_run_claims_the_waiting_check_in(alice, alice_client):
    # The fenix2 run started 2015-08-15 14:45:08 UTC; the person checked in an hour before.
    CheckIn.objects.create(
        user=alice, recorded_at="2015-08-15T13:45:00Z", feeling=-1, kind="before_run"
    )
    path = SHARED_DATA / "activities/fit/fitparse__activity-small-fenix2-run.fit"
    import_files(alice, [(path, path.name)])
    assert CheckIn.objects.get().run == Run.objects.get()


def test_run_page_asks_how_i_feel_now_and_shows_the_change(alice_client, alice):
    run = Run.objects.create(user=alice, start="2026-11-25T08:00Z", elapsed_s=1800)
    CheckIn.objects.create(
        user=alice, recorded_at="2026-11-25T07:50Z", feeling=-3, kind="before_run", run=run
    )
    page = alice_client.get(f"/runs/{run.pk}/").content.decode()
    assert "How do you feel now?" in page and "Before you went: Bad" in page
    response = alice_client.post(
        "/checkins/new/", {"feeling": "1", "kind": "after_run", "run": run.pk}
    )
    assert response["Location"] == f"/runs/{run.pk}/"
    page = alice_client.get(f"/runs/{run.pk}/").content.decode()
    assert "How do you feel now?" not in page and "a change of +4" in page


def test_feelings_on_a_public_run_stay_with_the_owner(alice, bob):
    run = Run.objects.create(
        user=alice, start="2026-11-25T08:00Z", elapsed_s=1800, visibility="public"
    )
    CheckIn.objects.create(
        user=alice, recorded_at="2026-11-25T08:40Z", feeling=-5, kind="after_run", run=run
    )
    client = Client()
    client.force_login(bob)
    page = client.get(f"/runs/{run.pk}/").content.decode()
    assert "Very bad" not in page and "How do you feel" not in page


def test_cannot_attach_a_check_in_to_someone_elses_run(alice_client, bob):
    run = Run.objects.create(user=bob, start="2026-11-25T08:00Z", elapsed_s=1800)
    alice_client.post("/checkins/new/", {"feeling": "1", "kind": "after_run", "run": run.pk})
    assert not CheckIn.objects.filter(run=run).exists()


def test_a_check_in_can_be_linked_to_a_run_by_hand(alice_client, alice, bob):
    run = Run.objects.create(
        user=alice, start="2026-11-25T08:00Z", elapsed_s=1800, name="Park loop"
    )
    far = Run.objects.create(user=alice, start="2026-10-01T08:00Z", elapsed_s=1800, name="Long ago")
    bobs = Run.objects.create(user=bob, start="2026-11-25T08:10Z", elapsed_s=1800, name="Bob's run")
    checkin = CheckIn.objects.create(
        user=alice, recorded_at="2026-11-25T09:00Z", feeling=2, kind="after_run"
    )
    page = alice_client.get(f"/checkins/{checkin.pk}/").content.decode()
    assert "Park loop" in page and "Long ago" not in page and "Bob&#x27;s run" not in page
    form = {"recorded_at": "2026-11-25T09:00", "kind": "after_run", "feeling": "2", "run": run.pk}
    alice_client.post(f"/checkins/{checkin.pk}/", form)
    checkin.refresh_from_db()
    assert checkin.run == run
    alice_client.post(f"/checkins/{checkin.pk}/", {**form, "run": bobs.pk})
    checkin.refresh_from_db()
    assert checkin.run == run  # someone else's run is not a choice
    assert far.checkins.count() == 0
