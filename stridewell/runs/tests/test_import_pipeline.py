"""import_files end to end: real device files in, runs and one result per file out."""

import csv
import gzip
import shutil
import zipfile
from datetime import datetime

import pytest

from conftest import SHARED_DATA, make_user
from stridewell.runs.imports import import_files
from stridewell.runs.models import ImportItem, Run

MANIFEST = list(csv.DictReader((SHARED_DATA / "activities" / "manifest.csv").open()))
GOOD = [row for row in MANIFEST if not row["error"] and row["start_utc"]]


def statuses(job):
    return {item.name.rsplit("/", 1)[-1]: item for item in job.items.all()}


@pytest.mark.django_db
@pytest.mark.parametrize("row", GOOD, ids=[row["file"] for row in GOOD])
def test_every_real_file_becomes_a_run_with_exact_start_distance_and_points(row, tmp_path):
    user = make_user("runner@example.org")
    path = SHARED_DATA / "activities" / row["file"]
    job = import_files(user, [(path, path.name)])
    item = job.items.get()
    assert item.status in ("imported", "partly_read"), item.message
    run = Run.objects.get(user=user)
    assert run.start.replace(microsecond=0) == datetime.fromisoformat(row["start_utc"]).replace(
        microsecond=0
    )
    expected = float(row["device_distance_m"] or 0) or float(row["haversine_m"] or 0)
    assert run.distance_m == pytest.approx(expected, rel=0.01, abs=1.0)
    assert run.points == int(row["points"])
    assert run.original_file and (tmp_path / "data" / "files" / run.original_file).exists()


@pytest.mark.django_db
def test_quirky_files_each_get_the_expected_result():
    user = make_user("runner@example.org")
    folder = SHARED_DATA / "activities" / "quirks"
    job = import_files(user, [(p, p.name) for p in sorted(folder.iterdir())])
    results = statuses(job)
    assert results["runv__activity.tcx"].status == "imported"  # text before the XML declaration
    nick = results["fitparse__nick.fit"]
    assert nick.status == "partly_read" and "bytes" in nick.message
    android = results["fitparse__strava-android-app-201.10-b1218918.fit"]
    assert android.status in ("partly_read", "failed") and android.message


@pytest.mark.django_db
def test_gzipped_and_plain_copies_of_one_file_are_one_run(tmp_path):
    user = make_user("runner@example.org")
    original = SHARED_DATA / "activities/fit/fitparse__activity-small-fenix2-run.fit"
    zipped = tmp_path / "copy.fit.gz"
    zipped.write_bytes(gzip.compress(original.read_bytes()))
    job = import_files(user, [(original, "run.fit"), (zipped, "copy.fit.gz")])
    assert [i.status for i in job.items.all()] == ["imported", "duplicate"]
    assert "Already here" in job.items.last().message
    assert Run.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_same_activity_from_two_sources_is_stored_once():
    # The same run written as TCX by two tools: one file with heart rate, one without.
    user = make_user("runner@example.org")
    folder = SHARED_DATA / "activities/tcx"
    files = [(folder / "tcxparser__test.tcx", "a.tcx"), (folder / "tcxparser__no_hr.tcx", "b.tcx")]
    job = import_files(user, files)
    assert [i.status for i in job.items.all()] == ["imported", "duplicate"]


@pytest.mark.django_db
def test_importing_the_whole_folder_twice_changes_nothing():
    user = make_user("runner@example.org")
    files = [
        (p, p.name) for p in sorted((SHARED_DATA / "activities").rglob("*.*")) if p.suffix != ".csv"
    ]
    first = import_files(user, files)
    assert first.items.count() == len(files)  # every file gets one result
    runs = Run.objects.filter(user=user).count()
    second = import_files(user, files)
    assert Run.objects.filter(user=user).count() == runs
    assert second.counts()["imported"] == 0 and second.counts()["partly_read"] == 0


@pytest.mark.django_db
def test_strava_sample_every_row_becomes_a_run_and_reimport_adds_nothing():
    user = make_user("runner@example.org")
    archive = SHARED_DATA / "strava-export-sample.zip"
    job = import_files(user, [(archive, "export.zip")])
    assert job.counts()["failed"] == 0, [i.message for i in job.items.filter(status="failed")]
    expected = list(csv.DictReader((SHARED_DATA / "strava-export-sample.expected.csv").open()))
    with zipfile.ZipFile(archive) as z:
        listing = {
            row["Activity ID"]: row
            for row in csv.DictReader(z.read("activities.csv").decode().splitlines())
        }
    for row in expected:
        run = Run.objects.get(user=user, external_id=f"strava:{row['activity_id']}")
        assert run.name == row["name"]
        assert run.notes == listing[row["activity_id"]]["Activity Description"]
        if row["perceived_exertion"]:
            assert run.perceived_exertion == int(row["perceived_exertion"])
        assert run.source == "archive"
    manual = Run.objects.get(user=user, external_id="strava:4999999999")
    assert (manual.source, manual.name, manual.elapsed_s) == ("manual", "Treadmill (no file)", 1800)
    assert Run.objects.filter(user=user).count() == len(expected) + 1
    again = import_files(user, [(archive, "export.zip")])
    assert again.counts()["duplicate"] == len(expected) + 1
    assert Run.objects.filter(user=user).count() == len(expected) + 1


@pytest.mark.django_db
def test_bad_inputs_get_clear_results_and_hurt_nothing(tmp_path):
    user = make_user("runner@example.org")
    good = SHARED_DATA / "activities/gpx/gpxpy__korita-zbevnica.gpx"
    import_files(user, [(good, "first.gpx")])
    before = list(Run.objects.filter(user=user).values())
    png = tmp_path / "photo.fit"  # wrong extension too
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    empty = tmp_path / "empty.gpx"
    empty.write_bytes(b"")
    wrong_ext = tmp_path / "actually-gpx.fit"
    shutil.copy(SHARED_DATA / "activities/gpx/gpxpy__around-visnjan-with-car.gpx", wrong_ext)
    bomb = tmp_path / "lol.gpx"
    bomb.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><gpx>&b;</gpx>'
    )
    truncated = tmp_path / "cut.fit"
    truncated.write_bytes(
        (SHARED_DATA / "activities/fit/fitparse__activity-small-fenix2-run.fit").read_bytes()[
            :20000
        ]
    )
    files = [(p, p.name) for p in (png, empty, wrong_ext, bomb, truncated)]
    results = statuses(import_files(user, files))
    assert results["photo.fit"].status == "skipped" and "PNG image" in results["photo.fit"].message
    assert results["empty.gpx"].status == "failed" and "empty" in results["empty.gpx"].message
    assert results["actually-gpx.fit"].status == "imported"
    assert results["lol.gpx"].status == "failed" and "DTD" in results["lol.gpx"].message
    assert results["cut.fit"].status == "partly_read"
    assert list(Run.objects.filter(user=user, pk__in=[r["id"] for r in before]).values()) == before


@pytest.mark.django_db
def test_a_zip_with_unsafe_members_still_imports_the_safe_ones(tmp_path):
    user = make_user("runner@example.org")
    path = tmp_path / "mixed.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("../escape.gpx", b"<gpx/>")
        z.write(SHARED_DATA / "activities/tcx/tcxreader__sup_activity_1.tcx", "2022/sup.tcx")
        z.writestr("readme.pdf", b"%PDF-1.4 nothing")
    results = statuses(import_files(user, [(path, "mixed.zip")]))
    assert results["escape.gpx"].status == "failed"
    assert results["sup.tcx"].status == "imported"
    assert results["readme.pdf"].status == "skipped" and "PDF" in results["readme.pdf"].message
    assert ImportItem.objects.filter(job__user=user).count() == 3


@pytest.mark.django_db
def test_reading_on_several_processes_gives_the_same_runs_in_the_same_order():
    files = [
        (p, p.name) for p in sorted((SHARED_DATA / "activities").rglob("*.*")) if p.suffix != ".csv"
    ]
    assert len(files) > 16  # enough to start the pool
    one, two = make_user("one@example.org"), make_user("two@example.org")
    serial = import_files(one, files, processes=1)
    parallel = import_files(two, files, processes=2)
    assert [(i.name, i.status, i.message) for i in serial.items.all()] == [
        (i.name, i.status, i.message) for i in parallel.items.all()
    ]
    fields = ("start", "distance_m", "points", "content_hash")
    assert list(
        Run.objects.filter(user=one).order_by("start", "content_hash").values_list(*fields)
    ) == list(Run.objects.filter(user=two).order_by("start", "content_hash").values_list(*fields))


def test_reading_pulls_entries_lazily_so_memory_stays_flat():
    """However big the archive, only a window of entries is held at once."""
    from stridewell.runs.importers.archive import Entry, Limits
    from stridewell.runs.imports import POOL_THRESHOLD, _read_all

    pulled = 0

    def entries():
        nonlocal pulled
        for index in range(200):
            pulled += 1
            yield Entry(f"{index}.fit", refused="refused")

    results = _read_all(entries(), Limits(), None, processes=2)
    next(results)
    assert pulled <= POOL_THRESHOLD + 2 * 8 + 1
    assert sum(1 for _ in results) == 199


@pytest.mark.django_db
def test_a_watch_without_a_clock_fails_clearly_unless_a_list_dates_it(tmp_path):
    user = make_user("runner@example.org")
    fr70 = SHARED_DATA / "activities/fit/fitparse__antfs-dump.63.fit"
    (item,) = import_files(user, [(fr70, fr70.name)]).items.all()
    assert item.status == "failed" and "clock was not set" in item.message
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as z:
        z.writestr(
            "activities.csv",
            'Activity ID,Activity Date,Activity Name,Activity Type,Filename\n1,"3 Mar 2012, 18:00:00",Club run,Run,activities/1.fit\n',
        )
        z.write(fr70, "activities/1.fit")
    import_files(user, [(export, "export.zip")])
    run = Run.objects.get(user=user)
    assert (run.name, run.start.isoformat(), run.points) == (
        "Club run",
        "2012-03-03T18:00:00+00:00",
        686,
    )
