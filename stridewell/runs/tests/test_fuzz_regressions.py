"""Inputs the importer fuzzer (make fuzz, proof/fuzz_files.py) found a bug with, kept for good.

Each file under data/fuzz/ is named ``<format>-<hash>``; every one must now be imported
or refused with a sentence a person can read, never crash an import or leave a value
in a run that the database would refuse.
"""

import dataclasses
import io
import math
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stridewell.runs.importers.archive import Entry, Limits, expand
from stridewell.runs.importers.base import SPORTS, VISIBILITIES, ImportProblem, ListedActivity
from stridewell.runs.importers.export_csv import read_runs_csv
from stridewell.runs.importers.read import read_entry
from stridewell.runs.importers.strava import read_activities_csv
from stridewell.runs.imports import estimate_entries, import_files
from stridewell.runs.models import ImportJob, Run, Visibility

FUZZ = Path(__file__).parent / "data" / "fuzz"
LISTINGS = {"activities.csv": read_activities_csv, "runs.csv": read_runs_csv}
UNEXPECTED = "unexpected error"


def found(fmt: str) -> list[Path]:
    return sorted(FUZZ.glob(f"{fmt}-*"))


def assert_holdable(row: ListedActivity) -> None:
    """A listed row's values go into a Run as they are."""
    assert row.sport in SPORTS
    assert row.visibility is None or row.visibility in VISIBILITIES
    assert row.perceived_exertion is None or 1 <= row.perceived_exertion <= 10
    for value in (row.elapsed_s, row.moving_s, row.distance_m):
        assert value is None or (math.isfinite(value) and value >= 0)
    assert row.start is None or row.start.tzinfo is not None
    # PostgreSQL text cannot hold NUL (strava_csv-27acace42c failed there, not on SQLite).
    for field in dataclasses.fields(row):
        value = getattr(row, field.name)
        assert not (isinstance(value, str) and "\x00" in value), field.name


def test_the_importers_know_every_visibility_a_run_has():
    assert set(VISIBILITIES) == set(Visibility.values)


@pytest.mark.parametrize("path", found("strava_csv"), ids=lambda p: p.name)
@pytest.mark.parametrize("listing", LISTINGS)
def test_a_damaged_listing_is_read_or_refused_clearly(path, listing):
    try:
        rows = LISTINGS[listing](path.read_bytes())
    except ImportProblem as exc:
        assert listing.split(".")[0] in str(exc)
        return
    for row in rows:
        assert_holdable(row)


@pytest.mark.django_db
@pytest.mark.parametrize("path", found("strava_csv"), ids=lambda p: p.name)
@pytest.mark.parametrize("listing", LISTINGS)
def test_an_export_with_a_damaged_listing_imports_to_the_end(alice, tmp_path, path, listing):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr(listing, path.read_bytes())
    job = import_files(alice, [(archive, "export.zip")], processes=1)
    assert job.status == ImportJob.Status.DONE
    for item in job.items.all():
        assert item.message.strip() or item.status in ("imported", "partly_read")
        assert UNEXPECTED not in item.message
    for run in Run.objects.filter(user=alice):
        assert run.visibility in Visibility.values
        assert run.perceived_exertion is None or 1 <= run.perceived_exertion <= 10


def assert_clear(entries: list[Entry]) -> None:
    assert entries
    for entry in entries:
        assert (entry.refused is None) == (entry.data is not None or entry.listed is not None)
        assert entry.refused is None or "damaged" in entry.refused


@pytest.mark.parametrize("path", found("zip"), ids=lambda p: p.name)
def test_a_damaged_zip_is_refused_not_raised(path):
    assert_clear(list(expand(path, path.name, Limits())))
    assert estimate_entries(path) >= 1


@pytest.mark.parametrize("path", found("zip"), ids=lambda p: p.name)
def test_a_damaged_zip_inside_a_zip_is_refused_not_raised(path, tmp_path):
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr("inner.zip", path.read_bytes())
    assert_clear(list(expand(outer, "outer.zip", Limits())))


@pytest.mark.django_db
@pytest.mark.parametrize("path", found("zip"), ids=lambda p: p.name)
def test_a_damaged_zip_upload_ends_with_a_clear_result_per_entry(alice, path):
    job = import_files(alice, [(path, "upload.zip")], processes=1)
    assert job.status == ImportJob.Status.DONE
    items = list(job.items.all())
    assert items
    for item in items:
        assert item.status == "failed"
        assert "damaged" in item.message


def test_a_member_with_an_empty_name_is_counted_and_read(tmp_path):
    # ZipInfo.is_dir() raises IndexError on an empty name (zip-37e6716d12 has one).
    path = tmp_path / "nameless.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo(""), b"hello")
    assert estimate_entries(path) == 1
    (entry,) = expand(path, "nameless.zip", Limits())
    assert entry.data == b"hello"


def test_an_encrypted_member_is_refused_clearly(tmp_path):
    # zipfile raises RuntimeError for a member that needs a password: flag bit 0 set.
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("run.gpx", b"<gpx></gpx>")
    raw = bytearray(data.getvalue())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        raw[at + flag_at] |= 1
    path = tmp_path / "locked.zip"
    path.write_bytes(bytes(raw))
    (entry,) = expand(path, "locked.zip", Limits())
    assert entry.refused is not None and "damaged" in entry.refused


def test_a_listed_run_lasting_past_the_calendar_fails_alone():
    # strava_csv-765fa863ea: an Elapsed Time of 10^15 s made read_entry raise OverflowError,
    # stopping the whole import; it is now one clear failure for that row.
    row = ListedActivity(
        external_id="strava:1", start=datetime(2020, 1, 1, tzinfo=UTC), elapsed_s=1e15
    )
    prepared = read_entry(Entry("row strava:1", listed=row), Limits(), None)
    assert prepared.status == "failed"
    assert "cannot be right" in prepared.message
