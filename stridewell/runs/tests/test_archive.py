"""Containers: gzip and zip limits, unsafe member paths, nesting, and the Strava sample."""

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from stridewell.runs.importers.archive import Limits, expand, gunzip
from stridewell.runs.importers.base import ImportProblem

MB = 1024 * 1024


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_gunzip_refuses_to_grow_past_the_limit():
    bomb = gzip.compress(b"\0" * (5 * MB))
    with pytest.raises(ImportProblem, match="limit for one file"):
        gunzip(bomb, limit=MB)
    assert gunzip(gzip.compress(b"hello"), limit=MB) == b"hello"


def test_damaged_gzip_says_so():
    with pytest.raises(ImportProblem, match="damaged|cut short"):
        gunzip(b"\x1f\x8b\x08\x00garbage", limit=MB)


def test_member_paths_leaving_the_archive_are_refused(tmp_path):
    path = make_zip(
        tmp_path / "evil.zip",
        {"../../etc/passwd": b"x", "/abs/path.fit": b"y", "ok.gpx": b"<gpx/>"},
    )
    entries = list(expand(path, "evil.zip", Limits()))
    refused = {e.name: e.refused for e in entries}
    assert "outside the archive" in refused["evil.zip/../../etc/passwd"]
    assert "outside the archive" in refused["evil.zip//abs/path.fit"]
    assert refused["evil.zip/ok.gpx"] is None


def test_zip_bomb_by_ratio_is_refused(tmp_path):
    path = make_zip(tmp_path / "bomb.zip", {"big.fit": b"\0" * (20 * MB)})
    (entry,) = expand(path, "bomb.zip", Limits(max_ratio=100))
    assert "zip bomb" in entry.refused
    assert "STRIDEWELL_MAX_COMPRESSION_RATIO" in entry.refused


def test_archive_total_size_limit_names_the_setting(tmp_path):
    path = make_zip(tmp_path / "big.zip", {f"{i}.fit": bytes(range(256)) * 4096 for i in range(3)})
    (entry,) = expand(path, "big.zip", Limits(max_archive_bytes=2 * MB))
    assert "STRIDEWELL_MAX_ARCHIVE_MB" in entry.refused


def test_oversize_single_file_names_the_limit(tmp_path):
    path = tmp_path / "huge.fit"
    path.write_bytes(b"\1" * (2 * MB))
    (entry,) = expand(path, "huge.fit", Limits(max_file_bytes=MB))
    assert "limit for one file is 1 MB" in entry.refused
    assert "STRIDEWELL_MAX_FILE_MB" in entry.refused


def test_nested_zips_are_opened_with_folders(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("deep/run.gpx", b"<gpx></gpx>")
    path = make_zip(tmp_path / "outer.zip", {"year/2020.zip": inner.getvalue(), "notes.txt": b"hi"})
    names = sorted(e.name for e in expand(path, "outer.zip", Limits()))
    assert names == ["outer.zip/notes.txt", "outer.zip/year/2020.zip/deep/run.gpx"]


def test_nesting_deeper_than_the_limit_is_refused(tmp_path):
    data = b"<gpx></gpx>"
    for _ in range(5):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("inner.zip" if data[:2] == b"PK" else "run.gpx", data)
        data = buffer.getvalue()
    path = tmp_path / "russian-doll.zip"
    path.write_bytes(data)
    (entry,) = expand(path, "doll.zip", Limits())
    assert "nested more than" in entry.refused


def test_damaged_zip_gets_a_clear_message(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    (entry,) = expand(path, "broken.zip", Limits())
    assert "damaged" in entry.refused


def test_strava_sample_gives_one_entry_per_row(shared_data):
    entries = list(expand(shared_data / "strava-export-sample.zip", "export.zip", Limits()))
    listed = [e for e in entries if e.listed]
    assert len(listed) == 35  # 34 rows with files + the manual row
    manual = [e for e in listed if e.data is None]
    assert len(manual) == 1 and manual[0].refused is None
    assert manual[0].listed.name == "Treadmill (no file)"
    # profile.csv is not an activity file and gets no result
    assert not any("profile.csv" in e.name for e in entries)


def test_file_no_row_names_is_still_imported(tmp_path, shared_data):
    with zipfile.ZipFile(shared_data / "strava-export-sample.zip") as original:
        members = {info.filename: original.read(info) for info in original.infolist()}
    members["activities/extra.gpx"] = (
        shared_data / "activities/gpx/gpxpy__korita-zbevnica.gpx"
    ).read_bytes()
    path = make_zip(tmp_path / "export.zip", members)
    entries = list(expand(path, "export.zip", Limits()))
    extra = [e for e in entries if e.name.endswith("extra.gpx")]
    assert len(extra) == 1 and extra[0].listed is None and extra[0].data
