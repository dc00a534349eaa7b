"""TCX reader: every real TCX file (and the quirk) against the manifest's reference values."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from stridewell.runs.importers import tcx
from stridewell.runs.importers.base import SPORTS, NotAnActivity, ParsedActivity
from stridewell.runs.tests.data import SHARED_DATA, haversine_length_m, manifest_rows

ROWS = manifest_rows("tcx")
IDS = [row["file"] for row in ROWS]
QUIRK = SHARED_DATA / "activities/quirks/runv__activity.tcx"


def read(row: dict[str, str]) -> ParsedActivity:
    activities = tcx.parse((SHARED_DATA / "activities" / row["file"]).read_bytes())
    assert len(activities) == 1
    return activities[0]


def test_manifest_lists_tcx_files_and_the_quirk() -> None:
    assert len(ROWS) >= 6 and "quirks/runv__activity.tcx" in IDS


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_start_is_the_first_trackpoint_to_the_second(row: dict[str, str]) -> None:
    expected = datetime.fromisoformat(row["start_utc"]).replace(microsecond=0)
    start = read(row).start
    assert start is not None and start.tzinfo is not None
    assert start.astimezone(UTC).replace(microsecond=0) == expected


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_point_counts(row: dict[str, str]) -> None:
    streams = read(row).streams
    if row["points"]:  # blank for the quirk: the reference reader could not parse it
        assert len(streams) == int(row["points"])
    assert int(np.sum(~np.isnan(streams.lat) & ~np.isnan(streams.lon))) == int(row["gps_points"])
    for values in vars(streams).values():
        assert values.dtype == np.float64 and len(values) == len(streams)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_track_length(row: dict[str, str]) -> None:
    streams = read(row).streams
    expected = float(row["haversine_m"])
    assert haversine_length_m(streams.lat, streams.lon) == pytest.approx(expected, rel=0.01, abs=1)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_lap_sums(row: dict[str, str]) -> None:
    activity = read(row)
    assert activity.device_distance_m == pytest.approx(float(row["device_distance_m"]), rel=0.01)
    assert activity.timer_s == pytest.approx(float(row["timer_s"]), rel=0.01)
    assert sum(lap.distance_m or 0 for lap in activity.laps) == pytest.approx(
        activity.device_distance_m
    )


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_heart_rate(row: dict[str, str]) -> None:
    hr = read(row).streams.hr
    if not row["hr_mean"]:
        assert np.all(np.isnan(hr))
        return
    assert np.nanmean(hr) == pytest.approx(float(row["hr_mean"]), abs=0.06)
    assert np.nanmax(hr) == float(row["hr_max"])


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_sport_and_device(row: dict[str, str]) -> None:
    activity = read(row)
    assert activity.sport in SPORTS
    assert activity.sport == {"Running": "running", "Biking": "cycling"}.get(
        row["sport"], activity.sport
    )
    if row["device"]:
        assert activity.device == row["device"]


def test_quirk_with_text_before_the_declaration() -> None:
    activity = tcx.parse(QUIRK.read_bytes())[0]
    assert activity.start == datetime(2018, 2, 28, 16, 28, 50, tzinfo=UTC)
    assert len(activity.streams) == 313 and len(activity.laps) == 4
    assert activity.sport == "running"
    # RunCadence is strides per minute in Garmin's TPX: doubled to steps per minute.
    assert np.nanmax(activity.streams.cad) == 182


def test_laps_notes_distance_stream() -> None:
    activity = tcx.parse((SHARED_DATA / "activities/tcx/tcxparser__test.tcx").read_bytes())[0]
    assert activity.notes == "Aerobics"
    assert [lap.start_offset_s for lap in activity.laps][0] == 0.0
    assert activity.laps[0].elapsed_s == pytest.approx(608.47)
    assert activity.laps[0].distance_m == pytest.approx(1609.34399414)
    dist = activity.streams.dist
    assert dist[0] == 0.0 and np.nanmax(dist) == pytest.approx(4686.3, abs=0.1)
    assert activity.streams.time[0] == 0.0 and activity.streams.time[-1] == pytest.approx(
        1992, abs=1
    )


def test_skiing_run_cadence_is_not_doubled() -> None:
    path = SHARED_DATA / "activities/tcx/tcxreader__cross-country-skiing_activity_1.tcx"
    activity = tcx.parse(path.read_bytes())[0]
    assert activity.sport == "other" and np.nanmax(activity.streams.cad) == 95


TREADMILL = b"""<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
 <Activities>
  <Activity Sport="Running"><Id>2021-03-01T10:00:00Z</Id>
   <Lap StartTime="2021-03-01T10:00:00Z"><TotalTimeSeconds>60</TotalTimeSeconds>
    <DistanceMeters>200</DistanceMeters>
    <Track>
     <Trackpoint><Time>2021-03-01T10:00:01Z</Time><DistanceMeters>0</DistanceMeters>
      <HeartRateBpm><Value>100</Value></HeartRateBpm><Cadence>88</Cadence></Trackpoint>
     <Trackpoint><Time>2021-03-01T10:00:31Z</Time><DistanceMeters>100</DistanceMeters></Trackpoint>
    </Track>
   </Lap>
   <Lap StartTime="2021-03-01T10:01:00Z"><TotalTimeSeconds>61.5</TotalTimeSeconds>
    <DistanceMeters>210</DistanceMeters>
    <Track><Trackpoint><Time>2021-03-01T10:01:01Z</Time>
      <HeartRateBpm><Value>110</Value></HeartRateBpm></Trackpoint></Track>
   </Lap>
  </Activity>
  <Activity Sport="Biking"><Id>2021-03-02T10:00:00Z</Id>
   <Lap StartTime="2021-03-02T10:00:00Z"><TotalTimeSeconds>30</TotalTimeSeconds></Lap>
  </Activity>
 </Activities>
</TrainingCenterDatabase>"""


def test_treadmill_points_without_position_and_several_activities() -> None:
    run, ride = tcx.parse(TREADMILL)
    assert run.start == datetime(2021, 3, 1, 10, 0, 1, tzinfo=UTC)
    assert np.all(np.isnan(run.streams.lat)) and len(run.streams) == 3
    np.testing.assert_array_equal(run.streams.time, [0, 30, 60])
    np.testing.assert_array_equal(run.streams.hr[[0, 2]], [100, 110])
    assert np.isnan(run.streams.hr[1])
    assert run.streams.cad[0] == 88  # plain <Cadence> is kept as written
    assert run.device_distance_m == 410 and run.timer_s == 121.5
    assert [lap.start_offset_s for lap in run.laps] == [-1.0, 59.0]
    # No trackpoints: the activity still has a start (its Id) and its lap totals.
    assert ride.sport == "cycling" and len(ride.streams) == 0
    assert ride.start == datetime(2021, 3, 2, 10, 0, tzinfo=UTC)
    assert ride.timer_s == 30 and ride.device_distance_m is None


def test_without_namespace_and_with_another_extension_prefix() -> None:
    data = b"""<TrainingCenterDatabase><Activities><Activity Sport="Running">
<Creator><Name>Watch 1</Name></Creator>
<Lap StartTime="2021-03-01T10:00:00Z"><Track><Trackpoint><Time>2021-03-01T10:00:00+01:00</Time>
<Position><LatitudeDegrees>1.5</LatitudeDegrees><LongitudeDegrees>2.5</LongitudeDegrees></Position>
<Extensions><ax:TPX xmlns:ax="http://www.garmin.com/xmlschemas/ActivityExtension/v2">
<ax:RunCadence>80</ax:RunCadence></ax:TPX></Extensions></Trackpoint></Track></Lap>
</Activity></Activities></TrainingCenterDatabase>"""
    activity = tcx.parse(data)[0]
    assert activity.device == "Watch 1"
    assert activity.start == datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
    assert (activity.streams.lat[0], activity.streams.lon[0], activity.streams.cad[0]) == (
        1.5,
        2.5,
        160,
    )


def test_unreadable_numbers_become_nan() -> None:
    data = TREADMILL.replace(b"<Value>100</Value>", b"<Value>lots</Value>").replace(
        b"<DistanceMeters>100</DistanceMeters>", b"<DistanceMeters>1e999</DistanceMeters>"
    )
    run = tcx.parse(data)[0]
    assert np.isnan(run.streams.hr[0]) and run.streams.hr[2] == 110
    assert np.isnan(run.streams.dist[1]) and run.streams.dist[0] == 0


def test_a_course_is_not_an_activity() -> None:
    data = b"""<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
<Courses><Course><Name>Loop</Name><Track><Trackpoint><Time>2021-03-01T10:00:00Z</Time></Trackpoint>
</Track></Course></Courses></TrainingCenterDatabase>"""
    with pytest.raises(NotAnActivity, match="holds no activity"):
        tcx.parse(data)


def test_a_gpx_file_named_tcx_is_read_as_gpx() -> None:
    data = (SHARED_DATA / "activities/gpx/gpxpy__korita-zbevnica.gpx").read_bytes()
    assert len(tcx.parse(data)[0].streams) == 871
