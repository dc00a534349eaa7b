"""Run types and indoor runs: the classifier on synthetic and real streams, and the
person's corrections through the edit page, the API, the export and the migration."""

import importlib
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import time_machine
from django.apps import apps
from django.test import Client

from conftest import make_user
from stridewell.accounts.export import write_export
from stridewell.accounts.models import Profile
from stridewell.runs import metrics
from stridewell.runs.importers import parser_for
from stridewell.runs.importers.base import Streams
from stridewell.runs.imports import import_files
from stridewell.runs.models import Run
from stridewell.runs.run_types import (
    NO_HISTORY,
    History,
    RunFacts,
    RunType,
    automatic_type,
    classify,
    is_indoor,
    named_race,
)
from stridewell.runs.streams import pack
from stridewell.runs.tests.data import SHARED_DATA
from stridewell.runs.tests.test_browser import CHROMIUM, SCREENSHOTS, browser  # noqa: F401

ACTIVITIES = SHARED_DATA / "activities"


# --- synthetic runs ------------------------------------------------------------------------


def synthetic(segments, *, seed=1, noise=0.12, cadence=True, hr=True):
    """1 Hz streams from (seconds, speed m/s, cadence spm, heart rate bpm) segments,
    with Gaussian noise on the speed as a watch's distance would have."""
    rng = np.random.default_rng(seed)
    columns = {
        name: np.concatenate([np.full(int(seg[0]), float(seg[i])) for seg in segments])
        for i, name in ((1, "speed"), (2, "cad"), (3, "hr"))
    }
    n = columns["speed"].size
    speed = np.clip(columns["speed"] + rng.normal(0, noise, n), 0, None)
    data = {"time": np.arange(n, dtype=float), "dist": np.cumsum(speed)}
    if cadence:
        data["cad"] = columns["cad"] + rng.normal(0, 2, n)
    if hr:
        data["hr"] = columns["hr"] + rng.normal(0, 2, n)
    return Streams.from_columns(data, n)


def facts_of(streams, sport="running", name="", notes="", laps=()):
    hr = streams.hr[np.isfinite(streams.hr)]
    return RunFacts(
        sport=sport,
        elapsed_s=float(streams.time[-1]),
        moving_s=float(streams.time[-1]),
        distance_m=float(streams.dist[-1]) if np.isfinite(streams.dist[-1]) else None,
        avg_hr=float(hr.mean()) if hr.size else None,
        name=name,
        notes=notes,
        laps=laps,
    )


def kind(segments, history=NO_HISTORY, **options):
    facts_options = {k: options.pop(k) for k in ("sport", "name", "notes") if k in options}
    streams = synthetic(segments, **options)
    return classify(facts_of(streams, **facts_options), streams, history)


EASY = (2400, 2.8, 165, 140)


def test_steady_easy_run_is_easy():
    assert kind([EASY]) == RunType.EASY


def test_alternating_400s_are_intervals():
    warm, cool = (600, 2.8, 165, 135), (600, 2.7, 164, 140)
    repeat = [(91, 4.4, 182, 170), (167, 2.4, 160, 150)]  # 400 m fast, 400 m jog
    assert kind([warm, *repeat * 6, cool]) == RunType.INTERVALS
    assert kind([warm, *repeat * 6, cool], cadence=False, hr=False) == RunType.INTERVALS
    # Three repeats are a run with a few surges, not a session.
    assert kind([warm, *repeat * 3, cool]) == RunType.EASY


def test_interval_laps_count_without_streams():
    laps = [{"elapsed_s": 600, "distance_m": 1700}]
    laps += [{"elapsed_s": 91, "distance_m": 400}, {"elapsed_s": 167, "distance_m": 400}] * 5
    facts = RunFacts(sport="running", elapsed_s=2500, distance_m=6000, laps=laps)
    assert classify(facts, None) == RunType.INTERVALS
    auto_laps = [{"elapsed_s": 330, "distance_m": 1000}] * 8  # a watch's kilometre laps
    assert classify(RunFacts(sport="running", elapsed_s=2640, laps=auto_laps), None) == "easy"


def test_run_walk_with_cadence_and_with_speed_only():
    block = [(240, 2.6, 162, 150), (60, 1.4, 112, 125)]  # 4 min run, 1 min walk
    assert kind(block * 8) == RunType.RUN_WALK
    assert kind(block * 8, cadence=False) == RunType.RUN_WALK


def test_walk_jog_cool_down_does_not_make_a_run_walk():
    solid = (2400, 3.0, 168, 150)
    cool = [(60, 1.3, 110, 120), (40, 2.5, 160, 130)] * 3
    assert kind([solid, *cool]) == RunType.EASY


def test_intervals_with_walked_recoveries_are_not_a_run_walk_when_the_easy_pace_is_known():
    history = History(easy_speed_m_s=2.8)
    block = [(120, 4.3, 182, 168), (90, 1.3, 110, 130)]
    segments = [(600, 2.8, 165, 135), *block * 6, (600, 2.8, 165, 140)]
    assert kind(segments, history) == RunType.INTERVALS


def test_short_fast_bursts_are_sprints():
    segments = [(600, 2.8, 165, 140)]
    segments += [(18, 5.6, 192, 160), (120, 2.7, 164, 145)] * 6
    assert kind(segments) == RunType.SPRINTS


def test_speed_noise_alone_is_not_sprints():
    assert kind([EASY], noise=0.35, seed=7) == RunType.EASY


def test_tempo_by_heart_rate_and_by_pace():
    segments = [(600, 2.8, 165, 135), (1500, 3.4, 172, 162), (600, 2.8, 165, 140)]
    assert kind(segments, History(max_hr=190)) == RunType.TEMPO  # 162 is 85 % of 190
    assert kind(segments) == RunType.EASY  # no maximum and no easy pace: nothing to compare
    assert kind(segments, History(easy_speed_m_s=2.9), hr=False) == RunType.TEMPO
    short = [(600, 2.8, 165, 135), (900, 3.4, 172, 162), (600, 2.8, 165, 140)]
    assert kind(short, History(max_hr=190, easy_speed_m_s=2.9)) == RunType.EASY


def test_someone_whose_every_run_is_at_84_percent_runs_easy():
    history = History(max_hr=190, easy_speed_m_s=2.8)
    assert kind([(2400, 2.8, 165, 160)], history) == RunType.EASY


def test_long_against_the_persons_own_runs():
    eighty = [(80 * 60, 2.8, 165, 140)]
    assert kind(eighty, History(median_duration_s=45 * 60)) == RunType.LONG
    assert kind(eighty, History(median_duration_s=60 * 60)) == RunType.EASY  # needs 90 min
    assert kind(eighty) == RunType.EASY  # no history: 90 min
    assert kind([(95 * 60, 2.8, 165, 140)]) == RunType.LONG


def test_walks():
    assert kind([(2400, 1.5, 110, 110)]) == RunType.WALK
    assert kind([EASY], sport="walking") == RunType.WALK
    assert kind([EASY], sport="hiking") == RunType.WALK
    # A slow jog at 6.8 km/h: the steps say running.
    assert kind([(2400, 1.9, 158, 140)]) == RunType.EASY


def treadmill(segments, **options):
    """As synthetic(), without distance: a treadmill and a watch without a foot pod."""
    streams = synthetic(segments, **options)
    streams.dist[:] = np.nan
    return classify(facts_of(streams), streams)


def test_without_distance_steps_and_heart_rate_tell():
    assert treadmill([(1800, 1.4, 112, 115)]) == RunType.WALK
    assert treadmill([(1800, 2.8, 165, 140)]) == RunType.EASY
    repeat = [(120, 4.2, 182, 172), (120, 2.5, 160, 145)]
    segments = [(600, 2.8, 165, 135), *repeat * 6, (600, 2.8, 165, 140)]
    assert treadmill(segments, cadence=False) == RunType.INTERVALS


def test_race_by_name_and_by_effort():
    assert kind([EASY], name="Sunday parkrun") == RunType.RACE
    assert kind([EASY], name="Half-marathon!") == RunType.RACE
    assert kind([EASY], notes="10K RACE, felt strong") == RunType.RACE
    assert kind([EASY], name="Marathon pace run") == RunType.EASY
    assert kind([EASY], name="Gracefully slow") == RunType.EASY
    assert kind([(2400, 3.6, 178, 172)], History(max_hr=190)) == RunType.RACE
    assert not named_race("Half marathon training, week 3")


def test_without_streams_the_summary_decides():
    walk = RunFacts(sport="running", elapsed_s=1800, moving_s=1800, distance_m=2500)
    assert classify(walk, None) == RunType.WALK
    run = RunFacts(sport="running", elapsed_s=1800, moving_s=1800, distance_m=5500)
    assert classify(run, None) == RunType.EASY
    assert classify(RunFacts(sport="running", elapsed_s=1800), None) == RunType.EASY


def test_only_foot_sports_get_a_type():
    ride = RunFacts(sport="cycling", elapsed_s=6000, distance_m=50_000)
    assert automatic_type(ride, None) == ""
    assert automatic_type(RunFacts(sport="walking", elapsed_s=600), None) == "walk"


def test_history_counts_runs_only_and_needs_five():
    rows = [("running", "", 1800.0, None, 5000.0, 180.0)] * 4
    assert History.from_rows(rows) == History()
    rows += [("running", "easy", 3600.0, 3000.0, 8400.0, 185.0)]
    rows += [("walking", "walk", 7200.0, None, 8000.0, 120.0)] * 10
    history = History.from_rows(rows)
    assert history.median_duration_s == 1800.0
    assert history.easy_speed_m_s == pytest.approx(5000 / 1800)
    assert history.max_hr == pytest.approx(184.0)
    assert History.from_rows(rows, profile_max_hr=195).max_hr == 195


def test_a_one_hour_run_classifies_quickly():
    """~5 ms on one core; the bound is loose so a busy machine does not fail it, but a
    per-sample Python loop (seconds) would."""
    streams = synthetic([(3600, 2.9, 166, 145)])
    facts = facts_of(streams)
    classify(facts, streams)
    began = time.perf_counter()
    for _ in range(5):
        classify(facts, streams, History(max_hr=190, easy_speed_m_s=2.8))
    assert (time.perf_counter() - began) / 5 < 0.25


# --- real files ----------------------------------------------------------------------------

# What each real foot-sport file is, with no history and no maximum heart rate, and why:
REAL = {
    # Running and walking mixed: 5 walks of 30 s+ (one of 6 min), a third of the time.
    "fit/fitparse__2013-02-06-12-11-14.fit": RunType.RUN_WALK,
    # 47 min at ~5:00/km, cadence 166, a walk-jog cool-down at the end.
    "fit/fitparse__activity-small-fenix2-run.fit": RunType.EASY,
    # Heart rate only (no distance, no cadence): nothing tells it apart from easy.
    "fit/fitparse__antfs-dump.63.fit": RunType.EASY,
    # 10 km in 58 min; hard (HR 171) but without a maximum we cannot say how hard.
    "fit/fitparse__compressed-speed-distance.fit": RunType.EASY,
    # A steady 7.7 km/h jog at 149 steps/min: slow, but running.
    "fit/fitparse__developer-types-sample.fit": RunType.EASY,
    # 1 h 49 min moving, with stops: long.
    "fit/gofit__mornindew-broken.fit": RunType.LONG,
    "quirks/runv__activity.tcx": RunType.EASY,
    "tcx/tcxparser__test.tcx": RunType.EASY,
    "tcx/tcxparser__no_hr.tcx": RunType.EASY,
}


def read_real(path, history=NO_HISTORY):
    (activity,) = parser_for(path.suffix[1:])(path.read_bytes())
    summary = metrics.summarize(
        activity.streams,
        sport=activity.sport,
        device_distance_m=activity.device_distance_m,
        timer_s=activity.timer_s,
        elapsed_s=activity.elapsed_s,
    )
    facts = RunFacts(
        sport=activity.sport,
        elapsed_s=summary.elapsed_s,
        moving_s=summary.moving_s,
        distance_m=summary.distance_m,
        avg_hr=summary.avg_hr,
        laps=[lap.__dict__ for lap in activity.laps],
    )
    return activity, summary, automatic_type(facts, activity.streams, history)


@pytest.mark.parametrize(("name", "expected"), REAL.items())
def test_real_running_files(name, expected):
    activity, _, run_type = read_real(ACTIVITIES / name)
    assert activity.sport == "running"
    assert run_type == expected


def test_real_hard_10k_is_a_race_once_the_maximum_is_known():
    path = ACTIVITIES / "fit/fitparse__compressed-speed-distance.fit"
    assert read_real(path, History(max_hr=190))[2] == RunType.RACE  # 171 bpm is 90 %
    assert read_real(path, History(max_hr=205))[2] == RunType.TEMPO  # 83 %, held for 20+ min


def test_real_rides_and_swims_get_no_run_type():
    for name in ("fit/gofit__garmin.fit", "fit/gofit__activity_poolswim_with_hr.fit"):
        assert read_real(ACTIVITIES / name)[2] == ""


def test_fit_sub_sports_are_read():
    expected = {
        "fit/gofit__0134902991.fit": "indoor_cycling",
        "fit/fitparse__null_compressed_speed_dist.fit": "virtual_activity",
        "fit/fitparse__event_timestamp.fit": "lap_swimming",
        "fit/fitparse__activity-small-fenix2-run.fit": "",
    }
    for name, sub_sport in expected.items():
        (activity,) = parser_for("fit")((ACTIVITIES / name).read_bytes())
        assert activity.sub_sport == sub_sport, name


# --- indoors -------------------------------------------------------------------------------

TCX_WITHOUT_POSITIONS = b"""<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
<Activities><Activity Sport="Running"><Id>2024-03-01T07:00:00Z</Id>
<Lap StartTime="2024-03-01T07:00:00Z"><TotalTimeSeconds>1200</TotalTimeSeconds>
<DistanceMeters>3600</DistanceMeters><Track>%s</Track></Lap></Activity></Activities>
</TrainingCenterDatabase>"""


def treadmill_tcx():
    points = b"".join(
        b"<Trackpoint><Time>2024-03-01T07:%02d:%02dZ</Time><DistanceMeters>%d</DistanceMeters>"
        b"<HeartRateBpm><Value>140</Value></HeartRateBpm></Trackpoint>" % (s // 60, s % 60, s * 3)
        for s in range(0, 1200, 5)
    )
    return TCX_WITHOUT_POSITIONS % points


def test_indoor_detection_from_files(alice, tmp_path):
    files = {
        "treadmill.tcx": treadmill_tcx(),  # distance, no positions (a phone on a treadmill)
        "one-spot.tcx": (ACTIVITIES / "quirks/runv__activity.tcx").read_bytes(),
        "trainer.fit": (ACTIVITIES / "fit/gofit__0134902991.fit").read_bytes(),  # sub-sport
        "zwift.fit": (ACTIVITIES / "fit/fitparse__null_compressed_speed_dist.fit").read_bytes(),
        "outside.gpx": (ACTIVITIES / "gpx/gpxpy__korita-zbevnica.gpx").read_bytes(),
        "outside.fit": (ACTIVITIES / "fit/fitparse__activity-small-fenix2-run.fit").read_bytes(),
        "pool.fit": (ACTIVITIES / "fit/gofit__activity_poolswim_with_hr.fit").read_bytes(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    import_files(alice, [(tmp_path / name, name) for name in files])
    indoor = {run.original_name: run.indoor for run in Run.objects.filter(user=alice)}
    assert indoor == {
        "treadmill.tcx": True,
        "one-spot.tcx": True,
        "trainer.fit": True,
        "zwift.fit": True,
        "outside.gpx": False,
        "outside.fit": False,
        "pool.fit": False,
    }
    assert Run.objects.get(original_name="treadmill.tcx").run_type == RunType.EASY


def test_a_foot_pod_run_without_positions_is_indoors():
    # This watch's clock was never set, so the file cannot be imported; its streams still tell.
    activity, summary, _ = read_real(ACTIVITIES / "fit/fitparse__compressed-speed-distance.fit")
    assert summary.gps_points == 0 and summary.distance_m > 10_000
    assert is_indoor(name="", streams=activity.streams, distance_m=summary.distance_m)


def test_indoor_by_name_and_sub_sport():
    assert is_indoor(name="Treadmill 5k")
    assert is_indoor(name="Indoors, raining again")
    assert is_indoor(name="", sub_sport="treadmill")
    assert is_indoor(name="", sub_sport="indoor_running")
    assert not is_indoor(name="Trail run", sub_sport="trail")
    assert not is_indoor(name="Treadmills are boring, so I went out")  # whole words only
    gpx = (
        b'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk>'
        b"<type>Treadmill running</type><trkseg>"
        b'<trkpt lat="46.0" lon="14.0"><time>2024-01-01T08:00:00Z</time></trkpt>'
        b'<trkpt lat="46.0" lon="14.0"><time>2024-01-01T08:00:05Z</time></trkpt>'
        b"</trkseg></trk></gpx>"
    )
    (activity,) = parser_for("gpx")(gpx)
    assert (activity.sport, activity.sub_sport) == ("running", "treadmill running")
    assert is_indoor(name="", sub_sport=activity.sub_sport)


# --- the person's corrections --------------------------------------------------------------


@pytest.fixture
def imported_run(alice):
    import_files(alice, [(ACTIVITIES / "fit/fitparse__activity-small-fenix2-run.fit", "a.fit")])
    return Run.objects.get(user=alice)


def edit(client, run, **data):
    fields = {"name": run.name, "sport": run.sport, "notes": run.notes}
    fields["visibility"] = run.visibility
    fields.update(data)
    return client.post(f"/runs/{run.pk}/edit/", fields)


def test_edit_page_offers_automatic_and_the_eight_types(alice_client, imported_run):
    page = alice_client.get(f"/runs/{imported_run.pk}/edit/").content.decode()
    assert "Automatic (currently: Easy)" in page
    for label in RunType.labels:
        assert f">{label}</option>" in page
    assert "Indoors (treadmill)" in page


def test_a_corrected_type_sticks_across_reclassification(alice_client, imported_run):
    run = imported_run
    assert (run.run_type, run.run_type_by_user) == ("easy", False)
    edit(alice_client, run, run_type="tempo")
    run.refresh_from_db()
    assert (run.run_type, run.run_type_by_user) == ("tempo", True)
    edit(alice_client, run, run_type="tempo", name="Sunday parkrun")  # a name that says race
    run.refresh_from_db()
    run.reclassify()
    assert run.run_type == "tempo"
    page = alice_client.get(f"/runs/{run.pk}/edit/").content.decode()
    assert "Automatic (currently: Race)" in page and '<option value="tempo" selected>' in page
    assert "Running · Tempo" in alice_client.get(f"/runs/{run.pk}/").content.decode()
    assert "Running · Tempo" in alice_client.get("/runs/").content.decode()


def test_choosing_automatic_reclassifies(alice_client, imported_run):
    run = imported_run
    edit(alice_client, run, run_type="sprints")
    edit(alice_client, run, run_type="", name="Sunday parkrun")
    run.refresh_from_db()
    assert (run.run_type, run.run_type_by_user) == ("race", False)
    edit(alice_client, run, run_type="", name="Morning run")
    run.refresh_from_db()
    assert run.run_type == "easy"


def test_indoors_checkbox_sticks(alice_client, imported_run):
    run = imported_run
    assert not run.indoor
    edit(alice_client, run, indoor="on")
    run.refresh_from_db()
    assert run.indoor and run.indoor_by_user
    assert "Running · Easy · indoors" in alice_client.get(f"/runs/{run.pk}/").content.decode()
    edit(alice_client, run)  # unticked
    run.refresh_from_db()
    assert not run.indoor and run.indoor_by_user
    run.name = "Treadmill"
    run.reclassify()
    assert not run.indoor  # the person said outdoors; the name does not overrule them


@time_machine.travel("2026-11-25 18:30:00+00:00", tick=False)
def test_manual_entries(alice_client, alice):
    alice_client.post("/runs/new/", {"sport": "walking", "duration": "10"})
    alice_client.post(
        "/runs/new/", {"sport": "running", "duration": "30", "distance": "5.5", "name": "Treadmill"}
    )
    alice_client.post("/runs/new/", {"sport": "running", "duration": "30", "distance": "3"})
    alice_client.post("/runs/new/", {"sport": "cycling", "duration": "60", "distance": "20"})
    runs = [
        (run.sport, run.run_type, run.indoor)
        for run in Run.objects.filter(user=alice).order_by("pk")
    ]
    assert runs == [
        ("walking", "walk", False),
        ("running", "easy", True),
        ("running", "walk", False),  # 6 km/h
        ("cycling", "", False),
    ]
    page = alice_client.get("/runs/").content.decode()
    assert "Walking · Walk" not in page and "Running · Walk" in page


# --- API -----------------------------------------------------------------------------------


def api(token):
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_api_shows_and_sets_run_type_and_indoor(alice_token, imported_run):
    client, url = api(alice_token), f"/api/v1/runs/{imported_run.pk}"
    body = client.get(url).json()
    assert (body["run_type"], body["run_type_by_user"], body["indoor"]) == ("easy", False, False)
    patch = client.patch(url, {"run_type": "long", "indoor": True}, content_type="application/json")
    assert patch.status_code == 200, patch.content
    assert (patch.json()["run_type"], patch.json()["run_type_by_user"]) == ("long", True)
    assert patch.json()["indoor"] is True
    imported_run.refresh_from_db()
    assert imported_run.indoor_by_user
    back = client.patch(url, {"run_type": "automatic"}, content_type="application/json").json()
    assert (back["run_type"], back["run_type_by_user"]) == ("easy", False)


def test_api_refuses_an_unknown_type_clearly(alice_token, imported_run):
    response = api(alice_token).patch(
        f"/api/v1/runs/{imported_run.pk}", {"run_type": "jog"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "run_type must be one of easy, long, tempo" in str(response.json())
    imported_run.refresh_from_db()
    assert imported_run.run_type == "easy"


def test_api_create_takes_the_persons_type(alice_token):
    made = api(alice_token).post(
        "/api/v1/runs",
        {"elapsed_s": 1500, "distance_m": 5000, "run_type": "race", "name": "Lunch"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert (made.json()["run_type"], made.json()["run_type_by_user"]) == ("race", True)


# --- export, import, migration ------------------------------------------------------------


def test_export_round_trip_keeps_corrections(tmp_path, alice):
    files = [
        (ACTIVITIES / name, name.split("/")[-1])
        for name in (
            "fit/fitparse__activity-small-fenix2-run.fit",
            "fit/gofit__mornindew-broken.fit",
            "tcx/tcxparser__test.tcx",
        )
    ]
    import_files(alice, files)
    start = datetime(2025, 2, 2, 8, 0, tzinfo=UTC)
    Run.objects.record_manual(alice, start, 600, sport="walking", name="Ten minutes")
    corrected = Run.objects.get(user=alice, original_name="fitparse__activity-small-fenix2-run.fit")
    corrected.correct(run_type="sprints", indoor=True)
    corrected.save()
    out = tmp_path / "export.zip"
    write_export(alice, out)
    assert "run_type_by_user" in zipfile.ZipFile(out).read("runs.csv").decode().splitlines()[0]

    fresh = make_user("fresh@example.org")
    import_files(fresh, [(out, "export.zip")])
    fields = ("name", "run_type", "run_type_by_user", "indoor", "indoor_by_user")

    def snapshot(user):
        return sorted(Run.objects.filter(user=user).values_list(*fields), key=str)

    assert snapshot(fresh) == snapshot(alice)
    assert ("", "sprints", True, True, True) in snapshot(fresh)


def test_import_uses_the_persons_history(alice):
    """mornindew is 1 h 49 min moving: long with no history, not beside 80-minute runs."""
    path = ACTIVITIES / "fit/gofit__mornindew-broken.fit"
    import_files(alice, [(path, "a.fit")])
    assert Run.objects.get(user=alice).run_type == "long"
    Run.objects.all().delete()
    for day in range(1, 6):
        Run.objects.create(
            user=alice, start=f"2024-01-0{day}T08:00Z", elapsed_s=4800, distance_m=14000
        )
    import_files(alice, [(path, "a.fit")])
    assert Run.objects.get(user=alice, original_name="a.fit").run_type == "easy"


def test_migration_classifies_existing_runs(alice):
    Profile.objects.filter(user=alice).update(max_hr=190)
    (activity,) = parser_for("fit")(
        (ACTIVITIES / "fit/fitparse__compressed-speed-distance.fit").read_bytes()
    )
    stored = Run.objects.create(
        user=alice,
        start="2024-01-01T08:00Z",
        elapsed_s=3883,
        moving_s=3515,
        distance_m=10249,
        avg_hr=171,
        points=len(activity.streams),
        streams_blob=pack(activity.streams),
        source="file",
    )
    walk = Run.objects.create(user=alice, start="2024-01-02T08:00Z", elapsed_s=600, sport="walking")
    ride = Run.objects.create(user=alice, start="2024-01-03T08:00Z", elapsed_s=600, sport="cycling")
    assert {run.run_type for run in Run.objects.all()} == {""}
    migration = importlib.import_module("stridewell.runs.migrations.0002_run_types")
    migration.classify_existing(apps, None)
    for run in (stored, walk, ride):
        run.refresh_from_db()
    assert (stored.run_type, stored.indoor) == ("race", True)
    assert (walk.run_type, walk.indoor) == ("walk", False)
    assert ride.run_type == ""


# --- at 360 px -----------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")
@pytest.mark.django_db(transaction=True)
def test_badges_and_edit_page_fit_a_small_phone(live_server, browser):  # noqa: F811
    """The list, detail and edit pages with the longest labels, 360 px wide, no sideways scroll."""
    user = make_user("narrow@example.org")
    for day, (run_type, name) in enumerate(
        [("run_walk", "Saturday morning with the group"), ("intervals", "Track"), ("", "")], 1
    ):
        run = Run.objects.record_manual(
            user, datetime(2026, 3, day, 8, 0, tzinfo=UTC), 3000, distance_m=8000, name=name
        )
        run.correct(run_type=run_type or None, indoor=day == 1)
        run.save()
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 360, "height": 780})
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    SCREENSHOTS.mkdir(exist_ok=True)
    first = Run.objects.filter(user=user).order_by("start").first()
    for shot, path in (
        ("run-types-list", "/runs/"),
        ("run-types-detail", f"/runs/{first.pk}/"),
        ("run-types-edit", f"/runs/{first.pk}/edit/"),
    ):
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=SCREENSHOTS / f"{shot}-360.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    assert "Running · Run-walk · indoors" in page.goto(f"{live_server.url}/runs/{first.pk}/").text()
    page.goto(f"{live_server.url}/runs/{first.pk}/edit/")
    assert page.locator("select[name=run_type]").input_value() == "run_walk"
    assert page.is_checked("input[name=indoor]")
    context.close()
