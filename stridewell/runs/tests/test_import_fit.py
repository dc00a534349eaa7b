"""The FIT importer against real files and the manifest's independently computed values.

Decisions these tests pin down:

* Files whose manifest ``start_utc`` is empty (the two Garmin FR70 files) do have
  times on every record, but they are "seconds since the watch was switched on"
  (FIT timestamps below 0x10000000): the watch's clock was never set, and the
  session start and file creation time are relative too. There is no date to
  give, so ``start`` is None, ``lost`` says why, and ``time`` still counts from
  the first record.
* A heart rate of 0 bpm is a strap without contact, not a reading: it becomes NaN.
  (Two files record only zeros; the manifest's mean 0 / max 0 come from those.)
* quirks/fitparse__nick.fit ends in the middle of a record (its header's data
  size was written to match the cut file, so the last two "CRC" bytes are record
  data): everything before the cut is kept and ``lost`` says the file ends there.
* quirks/fitparse__strava-android-app-...fit uses an undefined local message type
  at byte 7,471: the 473 records before it are kept, with a ``lost`` sentence.
"""

from __future__ import annotations

import math
import random
import struct
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stridewell.runs.importers import fit
from stridewell.runs.importers.base import SPORTS, ImportProblem, NotAnActivity, ParsedActivity
from stridewell.runs.tests.data import SHARED_DATA, manifest_rows

ACTIVITIES = SHARED_DATA / "activities"
GOOD = [row for row in manifest_rows("fit") if not row["error"]]
QUIRKS = {Path(row["file"]).name: row for row in manifest_rows("fit") if row["error"]}
FIT_SPORTS = {  # the FIT sport names the manifest uses, as we map them
    "running": "running",
    "cycling": "cycling",
    "swimming": "swimming",
    "fitness_equipment": "other",
    "generic": "other",
    "transition": "other",
}


def _read(name: str) -> bytes:
    return (ACTIVITIES / name).read_bytes()


def _parse_one(data: bytes) -> ParsedActivity:
    activities = fit.parse(data)
    assert len(activities) == 1
    return activities[0]


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedActivity]:
    return {row["file"]: _parse_one(_read(row["file"])) for row in GOOD}


def _ids(rows: list[dict[str, str]]) -> list[str]:
    return [Path(row["file"]).stem for row in rows]


# --- Every good file against the manifest ------------------------------------------


@pytest.mark.parametrize("row", GOOD, ids=_ids(GOOD))
def test_start_and_points(row: dict[str, str], parsed: dict[str, ParsedActivity]) -> None:
    activity = parsed[row["file"]]
    assert len(activity.streams) == int(row["points"])
    if row["start_utc"]:
        assert activity.start == datetime.fromisoformat(row["start_utc"])
        assert activity.lost == []
    else:  # clock never set: see the module docstring
        assert activity.start is None
        assert any("clock was not set" in sentence for sentence in activity.lost)
    time = activity.streams.time
    assert time[0] == 0.0
    # Device clocks do step back now and then (the fenix2 multisport file, twice by 1 s).
    assert (np.diff(time[~np.isnan(time)]) < 0).mean() < 0.001


@pytest.mark.parametrize("row", GOOD, ids=_ids(GOOD))
def test_totals(row: dict[str, str], parsed: dict[str, ParsedActivity]) -> None:
    activity = parsed[row["file"]]
    if row["device_distance_m"] and float(row["device_distance_m"]) > 0:
        assert activity.device_distance_m == pytest.approx(
            float(row["device_distance_m"]), rel=0.01
        )
    assert row["timer_s"], "every good file states its timer time"
    assert activity.timer_s == pytest.approx(float(row["timer_s"]), rel=0.01)
    assert activity.elapsed_s is not None and activity.elapsed_s >= float(row["timer_s"]) * 0.99


@pytest.mark.parametrize("row", GOOD, ids=_ids(GOOD))
def test_heart_rate(row: dict[str, str], parsed: dict[str, ParsedActivity]) -> None:
    hr = parsed[row["file"]].streams.hr
    if row["hr_max"] and int(row["hr_max"]) > 0:
        assert np.nanmean(hr) == pytest.approx(float(row["hr_mean"]), abs=0.5)
        assert np.nanmax(hr) == int(row["hr_max"])
    else:  # no heart rate, or only zeros (no contact): nothing to show
        assert np.isnan(hr).all()


@pytest.mark.parametrize("row", GOOD, ids=_ids(GOOD))
def test_sport_and_device(row: dict[str, str], parsed: dict[str, ParsedActivity]) -> None:
    activity = parsed[row["file"]]
    manifest_sports = [FIT_SPORTS[name] for name in row["sport"].split(";")]
    if len(manifest_sports) > 1:
        assert activity.sport == "multisport"
        assert activity.sessions == manifest_sports
    else:
        assert activity.sport == manifest_sports[0]
        assert activity.sessions == []
    assert activity.sport in SPORTS
    assert activity.device == row["device"]


@pytest.mark.parametrize("row", GOOD, ids=_ids(GOOD))
def test_streams_are_aligned_float_columns(
    row: dict[str, str], parsed: dict[str, ParsedActivity]
) -> None:
    streams = parsed[row["file"]].streams
    n = len(streams)
    for name in ("time", "lat", "lon", "ele", "hr", "cad", "dist"):
        column = getattr(streams, name)
        assert column.dtype == np.float64 and column.shape == (n,)
    gps = ~np.isnan(streams.lat)
    assert gps.sum() == int(row["gps_points"])
    assert np.all(np.abs(streams.lat[gps]) <= 90) and np.all(np.abs(streams.lon[gps]) <= 180)


# --- Particular files ------------------------------------------------------------------


def test_running_cadence_is_steps_per_minute(parsed: dict[str, ParsedActivity]) -> None:
    run = parsed["fit/fitparse__activity-small-fenix2-run.fit"]
    assert 150 < np.nanmedian(run.streams.cad) < 190  # FIT stores strides: 75-95


def test_multisport_doubles_cadence_only_on_foot(parsed: dict[str, ParsedActivity]) -> None:
    activity = parsed["fit/fitparse__sample_mulitple_header.fit"]
    time, cad = activity.streams.time, activity.streams.cad
    swimming = time < 1980  # the first session
    running = time > 6700  # the last session
    assert 20 < np.nanmedian(cad[swimming]) < 40  # strokes per minute, as stored
    assert 150 < np.nanmedian(cad[running]) < 190  # steps per minute


def test_compressed_timestamps_and_distance(parsed: dict[str, ParsedActivity]) -> None:
    activity = parsed["fit/fitparse__compressed-speed-distance.fit"]
    time, dist = activity.streams.time, activity.streams.dist
    assert not np.isnan(time).any() and np.all(np.diff(time) > 0)
    assert time[-1] == pytest.approx(3883, abs=60)  # the session's elapsed time
    assert np.nanmax(dist) == pytest.approx(activity.device_distance_m, rel=0.01)


def test_laps(parsed: dict[str, ParsedActivity]) -> None:
    activity = parsed["fit/fitparse__activity-small-fenix2-run.fit"]
    assert len(activity.laps) == 4
    assert activity.laps[0].start_offset_s == pytest.approx(0, abs=5)
    offsets = [lap.start_offset_s for lap in activity.laps]
    assert offsets == sorted(offsets)
    distance = sum(lap.distance_m or 0 for lap in activity.laps)
    assert distance == pytest.approx(activity.device_distance_m, rel=0.01)
    assert {lap.sport for lap in activity.laps} <= {"running", None}


# --- Damaged files -------------------------------------------------------------------


def test_quirk_cut_in_the_middle_of_a_record() -> None:
    activity = _parse_one(_read("quirks/fitparse__nick.fit"))
    assert activity.lost == [
        "This FIT file ends after 403,456 bytes, in the middle of a record; "
        "the part before that was kept."
    ]
    assert len(activity.streams) == 14_391  # every complete record
    assert activity.sport == "cycling"  # from its sport message: no session was written
    assert activity.start is not None and activity.start.year == 2020


def test_quirk_missing_definition() -> None:
    activity = _parse_one(_read("quirks/fitparse__strava-android-app-201.10-b1218918.fit"))
    assert activity.lost == [
        "The file is damaged at byte 7,471 (a record refers to a definition that is "
        "missing); the part before that was kept."
    ]
    assert len(activity.streams) == 473
    assert activity.sport == "running"
    assert activity.device_distance_m == pytest.approx(11274.04)


def test_quirks_are_all_covered() -> None:
    assert set(QUIRKS) == {"fitparse__nick.fit", "fitparse__strava-android-app-201.10-b1218918.fit"}


SMALL_RUN = "fit/fitparse__activity-small-fenix2-run.fit"


@pytest.mark.parametrize("cut", [2_000, 30_000, 60_001, 121_000, 121_838])
def test_truncated_copy_keeps_a_prefix(cut: int, parsed: dict[str, ParsedActivity]) -> None:
    full = parsed[SMALL_RUN]
    data = _read(SMALL_RUN)
    activity = _parse_one(data[:cut])
    assert activity.lost == [
        f"This FIT file ends after {cut:,} of {len(data):,} bytes; the part before that was kept."
    ]
    n = len(activity.streams)
    assert 0 < n <= len(full.streams)
    if cut <= 60_001:  # the last cuts only lose the session at the end (and the CRC)
        assert n < len(full.streams)
    for name in ("time", "lat", "lon", "ele", "hr", "dist"):
        np.testing.assert_array_equal(
            getattr(activity.streams, name), getattr(full.streams, name)[:n]
        )
    assert activity.start == full.start
    if cut >= len(data) - 2:  # only the CRC is missing: everything was read
        assert activity.sport == "running"
        np.testing.assert_array_equal(activity.streams.cad, full.streams.cad)
    else:
        # The session, written last, names the sport: without it the sport is unknown
        # and the cadence stays as stored (strides per minute, half the steps).
        assert activity.sport == "other" and activity.device_distance_m is None
        np.testing.assert_array_equal(activity.streams.cad * 2, full.streams.cad[:n])


def test_truncated_before_any_record() -> None:
    data = _read(SMALL_RUN)
    with pytest.raises(ImportProblem) as caught:
        fit.parse(data[:60])
    assert str(caught.value) == (
        f"This FIT file ends after 60 of {len(data):,} bytes; nothing usable comes before that."
    )


def test_checksum_mismatch_is_said_not_fatal(parsed: dict[str, ParsedActivity]) -> None:
    data = bytearray(_read(SMALL_RUN))
    data[-1] ^= 0xFF
    activity = _parse_one(bytes(data))
    assert len(activity.streams) == len(parsed[SMALL_RUN].streams)
    assert activity.lost == [
        "The FIT file's checksum does not match, so it may be damaged; it was read anyway."
    ]


@pytest.mark.parametrize(
    "data",
    [b"", b"\x0e", b"<?xml version='1.0'?><gpx/>", random.Random(7).randbytes(5000)],
    ids=["empty", "one byte", "xml", "random"],
)
def test_not_a_fit_file(data: bytes) -> None:
    with pytest.raises(NotAnActivity, match=r"^This is not a FIT file\.$"):
        fit.parse(data)


def test_random_body_after_a_fit_header() -> None:
    body = random.Random(3).randbytes(4000)
    with pytest.raises(ImportProblem, match="damaged at byte"):
        fit.parse(_fit_file([body]))


# --- Synthetic files: layouts the real files don't all show --------------------------

FIT_TIME = 1_000_000_000  # 2021-09-08T01:46:40Z in FIT time


def _definition(
    local: int, global_num: int, fields: list[tuple[int, int, int]], big: bool = False
) -> bytes:
    endian = ">" if big else "<"
    out = bytes([0x40 | local, 0, int(big)]) + struct.pack(endian + "HB", global_num, len(fields))
    return out + b"".join(bytes(field) for field in fields)


def _data(local: int, fmt: str, *values: int, big: bool = False) -> bytes:
    return bytes([local]) + struct.pack((">" if big else "<") + fmt, *values)


def _fit_file(messages: list[bytes]) -> bytes:
    body = b"".join(messages)
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", fit.crc16(header))
    data = header + body
    return data + struct.pack("<H", fit.crc16(data))


FILE_ID_DEF = _definition(0, 0, [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84), (4, 4, 0x86)])
# record: timestamp, lat, lon, heart rate, cadence, fractional cadence, distance
RECORD_FIELDS = [
    (253, 4, 0x86),
    (0, 4, 0x85),
    (1, 4, 0x85),
    (3, 1, 0x02),
    (4, 1, 0x02),
    (53, 1, 0x02),
    (5, 4, 0x86),
]
RECORD_FMT = "IiiBBBI"


def _activity_file(records: list[bytes], sport: int = 1, big: bool = False) -> bytes:
    session_def = _definition(2, 18, [(2, 4, 0x86), (5, 1, 0x00), (8, 4, 0x86), (9, 4, 0x86)])
    return _fit_file(
        [
            FILE_ID_DEF,
            _data(0, "BHHI", 4, 1, 2691, FIT_TIME),
            _definition(1, 20, RECORD_FIELDS, big=big),
            *records,
            session_def,
            _data(2, "IBII", FIT_TIME, sport, 60_000, 12_345),
        ]
    )


def test_synthetic_activity_values_and_invalids() -> None:
    records = [
        _data(1, RECORD_FMT, FIT_TIME, 2**30, -(2**29), 150, 85, 64, 1000),
        _data(1, RECORD_FMT, FIT_TIME + 1, 0x7FFFFFFF, 0x7FFFFFFF, 0xFF, 0xFF, 0xFF, 0xFFFFFFFF),
    ]
    activity = _parse_one(_activity_file(records))
    streams = activity.streams
    assert activity.start == datetime.fromisoformat("2021-09-08T01:46:40+00:00")
    assert activity.device == "garmin fr935"
    assert list(streams.time) == [0.0, 1.0]
    assert streams.lat[0] == 90.0 and streams.lon[0] == -45.0
    assert streams.hr[0] == 150 and streams.cad[0] == (85 + 0.5) * 2 and streams.dist[0] == 10.0
    for name in ("lat", "lon", "hr", "cad", "dist"):
        assert math.isnan(getattr(streams, name)[1]), name
    assert activity.timer_s == 60.0 and activity.device_distance_m == 123.45


def test_big_endian_reads_the_same() -> None:
    values = (FIT_TIME, 2**30, -(2**29), 150, 85, 64, 1000)
    little = _parse_one(_activity_file([_data(1, RECORD_FMT, *values)])).streams
    big = _parse_one(_activity_file([_data(1, RECORD_FMT, *values, big=True)], big=True)).streams
    for name in ("time", "lat", "lon", "hr", "cad", "dist"):
        np.testing.assert_array_equal(getattr(big, name), getattr(little, name))


def test_cycling_cadence_is_as_stored() -> None:
    records = [_data(1, RECORD_FMT, FIT_TIME, 0, 0, 150, 85, 64, 1000)]
    assert _parse_one(_activity_file(records, sport=2)).streams.cad[0] == 85


def test_developer_fields_are_skipped() -> None:
    # Definition with the developer flag: one developer field of 3 bytes after the record.
    definition = bytearray(_definition(1, 20, [(253, 4, 0x86), (3, 1, 0x02)]))
    definition[0] |= 0x20
    definition += bytes([1, 0, 3, 0])  # one developer field: number 0, 3 bytes, index 0
    records = [_data(1, "IB", FIT_TIME + i, 100 + i) + b"\xaa\xbb\xcc" for i in range(3)]
    data = _fit_file(
        [FILE_ID_DEF, _data(0, "BHHI", 4, 1, 2691, FIT_TIME), bytes(definition), *records]
    )
    streams = _parse_one(data).streams
    assert list(streams.hr) == [100, 101, 102] and list(streams.time) == [0, 1, 2]


def test_compressed_timestamps_roll_over() -> None:
    # A full timestamp ending in 30 (mod 32), then compressed offsets 31, 2 (next 32-s window).
    base = FIT_TIME - FIT_TIME % 32 + 30
    messages = [
        _definition(0, 20, [(253, 4, 0x86), (3, 1, 0x02)]),
        _data(0, "IB", base, 120),
        _definition(1, 20, [(3, 1, 0x02)]),
        bytes([0x80 | (1 << 5) | 31, 121]),
        bytes([0x80 | (1 << 5) | 2, 122]),
    ]
    streams = _parse_one(_fit_file(messages)).streams
    assert list(streams.time) == [0, 1, 4]
    assert list(streams.hr) == [120, 121, 122]


def test_data_size_never_filled_in() -> None:
    # A writer that never finished the header leaves the data size at 0: read to the end.
    records = [_data(1, RECORD_FMT, FIT_TIME + i, 0, 0, 150, 85, 64, 1000) for i in range(5)]
    data = bytearray(_activity_file(records))
    data[4:8] = bytes(4)
    activity = _parse_one(bytes(data))
    assert len(activity.streams) == 5 and activity.timer_s == 60.0
    assert activity.lost == []


@pytest.mark.parametrize(
    ("file_type", "name"), [(15, "a monitoring"), (2, "a settings"), (20, "an activity summary")]
)
def test_fit_file_without_activity(file_type: int, name: str) -> None:
    data = _fit_file([FILE_ID_DEF, _data(0, "BHHI", file_type, 1, 2691, FIT_TIME)])
    with pytest.raises(NotAnActivity) as caught:
        fit.parse(data)
    assert str(caught.value) == f"This FIT file holds no activity (it is {name} file)."


def test_crc16_check_value() -> None:
    assert fit.crc16(b"123456789") == 0xBB3D  # CRC-16/ARC's published check value
    data = _read(SMALL_RUN)
    assert fit.crc16(data) == 0  # a file followed by its own CRC


# --- Fuzzing: whatever the bytes, only ImportProblem may escape ----------------------

FUZZ_FILES = [
    _read(name)
    for name in (
        "fit/fitparse__2015-10-13-08-43-15.fit",
        "fit/fitparse__antfs-dump.63.fit",
        "fit/fitparse__compressed-speed-distance.fit",
        "fit/fitparse__elemnt-bolt-no-application-id-inside-developer-data-id.fit",
        "fit/fitparse__2013-02-06-12-11-14.fit",
    )
]


@settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    which=st.integers(0, len(FUZZ_FILES) - 1),
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8),
    keep=st.floats(0, 1),
)
def test_mutated_files_raise_only_import_problems(
    which: int, edits: list[tuple[float, int]], keep: float
) -> None:
    data = bytearray(FUZZ_FILES[which])
    for where, value in edits:
        # Half of the edits land in the first 200 bytes, where the definitions are.
        span = len(data) if value % 2 else min(len(data), 200)
        data[int(where * span)] = value
    data = data[: max(1, int(len(data) * keep))] if keep < 0.5 else data
    try:
        activities = fit.parse(bytes(data))
    except ImportProblem as problem:
        assert str(problem)
        return
    activity = activities[0]
    assert activity.sport in SPORTS
    assert (
        len({len(getattr(activity.streams, name)) for name in ("time", "lat", "hr", "dist")}) == 1
    )
