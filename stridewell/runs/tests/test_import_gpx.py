"""GPX reader: every real GPX file against the manifest's reference values, plus the quirks apps write."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from stridewell.runs.importers import gpx
from stridewell.runs.importers.base import NotAnActivity, ParsedActivity
from stridewell.runs.tests.data import SHARED_DATA, haversine_length_m, manifest_rows

ROWS = manifest_rows("gpx")
IDS = [row["file"] for row in ROWS]


def read(row: dict[str, str]) -> ParsedActivity:
    activities = gpx.parse((SHARED_DATA / "activities" / row["file"]).read_bytes())
    assert len(activities) == 1  # a GPX file is one activity, however many tracks it holds
    return activities[0]


def test_manifest_lists_gpx_files() -> None:
    assert len(ROWS) >= 8


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_start_is_the_first_timestamp_to_the_second(row: dict[str, str]) -> None:
    expected = datetime.fromisoformat(row["start_utc"]).replace(microsecond=0)
    start = read(row).start
    assert start is not None and start.tzinfo is not None
    assert start.astimezone(UTC).replace(microsecond=0) == expected


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_point_counts(row: dict[str, str]) -> None:
    streams = read(row).streams
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
def test_device_name_distance_and_times(row: dict[str, str]) -> None:
    activity = read(row)
    assert activity.device == row["device"]
    assert activity.device_distance_m is None  # GPX states no distance
    assert np.all(np.isnan(activity.streams.dist))
    time = activity.streams.time
    assert time[~np.isnan(time)][0] == 0.0  # seconds since the first timestamp
    if row["hr_mean"]:
        assert np.nanmean(activity.streams.hr) == pytest.approx(float(row["hr_mean"]), abs=0.06)
        assert np.nanmax(activity.streams.hr) == float(row["hr_max"])


def test_times_missing_on_some_points_stay_nan() -> None:
    activity = gpx.parse(
        (SHARED_DATA / "activities/gpx/gpxpy__cerknicko-without-times.gpx").read_bytes()
    )[0]
    time = activity.streams.time
    assert np.isnan(time[0]) and int(np.sum(~np.isnan(time))) == 5
    assert activity.start == datetime(2010, 8, 5, 16, 22, 52, tzinfo=UTC)


def test_elevations_removed_are_nan() -> None:
    path = SHARED_DATA / "activities/gpx/gpxpy__cerknicko-jezero-without-elevations.gpx"
    assert np.all(np.isnan(gpx.parse(path.read_bytes())[0].streams.ele))


def test_names_and_unknown_type() -> None:
    path = SHARED_DATA / "activities/gpx/gpxpy__korita-zbevnica.gpx"
    activity = gpx.parse(path.read_bytes())[0]
    assert activity.name == "03-OCT-10"
    assert activity.sport == "other"  # <type>jkljkl</type>


GARMIN_RUN = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Garmin Connect" xmlns="http://www.topografix.com/GPX/1/1"
  xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
  <metadata><name>Metadata name</name></metadata>
  <trk><name>Morning Run</name><type>running</type>
    <trkseg>
      <trkpt lat="46.1" lon="14.1"><ele>300.5</ele><time>2024-05-01T06:00:00.000Z</time>
        <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>120</gpxtpx:hr><gpxtpx:cad>85</gpxtpx:cad>
        </gpxtpx:TrackPointExtension></extensions></trkpt>
      <trkpt lat="46.1001" lon="14.1001"><ele>301</ele><time>2024-05-01T08:00:01.5+02:00</time>
        <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>125</gpxtpx:hr><gpxtpx:cad>86</gpxtpx:cad>
        </gpxtpx:TrackPointExtension></extensions></trkpt>
    </trkseg>
    <trkseg>
      <trkpt lat="46.1002" lon="14.1002"><time>2024-05-01T06:00:03Z</time></trkpt>
    </trkseg>
  </trk>
</gpx>"""


def test_garmin_extensions_and_segments_joined() -> None:
    activity = gpx.parse(GARMIN_RUN)[0]
    assert activity.name == "Morning Run" and activity.sport == "running"
    assert activity.device == "Garmin Connect"
    assert activity.start == datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    np.testing.assert_allclose(activity.streams.time, [0.0, 1.5, 3.0])
    np.testing.assert_array_equal(activity.streams.hr[:2], [120, 125])
    # Garmin writes strides per minute for running: we store steps per minute.
    np.testing.assert_array_equal(activity.streams.cad[:2], [170, 172])
    assert np.isnan(activity.streams.hr[2]) and np.isnan(activity.streams.ele[2])


def test_cycling_cadence_is_kept_as_rpm() -> None:
    ride = GARMIN_RUN.replace(b"<type>running</type>", b"<type>road_biking</type>")
    activity = gpx.parse(ride)[0]
    assert activity.sport == "cycling"
    np.testing.assert_array_equal(activity.streams.cad[:2], [85, 86])


def test_gpx_1_0_with_undeclared_extension_prefix() -> None:
    """GPX 1.0 has no <extensions>; apps still put Garmin's block in, sometimes undeclared."""
    data = b"""<?xml version="1.0"?>
<gpx version="1.0" creator="x" xmlns="http://www.topografix.com/GPX/1/0">
<trk><type>Run</type><trkseg>
<trkpt lat="1" lon="2"><time>2020-01-01T00:00:00Z</time>
  <gpxtpx:TrackPointExtension><gpxtpx:hr>99</gpxtpx:hr></gpxtpx:TrackPointExtension></trkpt>
<trkpt lat="1.001" lon="2"><time>2020-01-01T00:00:01Z</time>
  <extensions><ns3:TrackPointExtension><ns3:hr>101</ns3:hr></ns3:TrackPointExtension></extensions></trkpt>
<trkpt lat="1.002" lon="2"><time>2020-01-01T00:00:02Z</time>
  <extensions><heartrate>103</heartrate><cadence>80</cadence></extensions></trkpt>
</trkseg></trk></gpx>"""
    activity = gpx.parse(data)[0]
    np.testing.assert_array_equal(activity.streams.hr, [99, 101, 103])
    assert activity.streams.cad[2] == 160


def test_metadata_name_when_the_track_has_none() -> None:
    data = GARMIN_RUN.replace(b"<name>Morning Run</name>", b"")
    assert gpx.parse(data)[0].name == "Metadata name"


@pytest.mark.parametrize(
    ("written", "sport"),
    [("Run", "running"), ("walking", "walking"), ("Hike", "hiking"), ("ride", "cycling"),
     ("Swim", "swimming"), ("9", "running"), ("kayaking", "other"), ("", "other")],
)  # fmt: skip
def test_track_type_to_sport(written: str, sport: str) -> None:
    data = GARMIN_RUN.replace(b"<type>running</type>", f"<type>{written}</type>".encode())
    assert gpx.parse(data)[0].sport == sport


def test_a_file_without_any_time() -> None:
    data = (
        b'<gpx><trk><trkseg><trkpt lat="1" lon="2"/><trkpt lat="1.1" lon="2"/></trkseg></trk></gpx>'
    )
    activity = gpx.parse(data)[0]
    assert activity.start is None and np.all(np.isnan(activity.streams.time))
    assert len(activity.streams) == 2


def test_unreadable_values_become_nan_and_are_reported() -> None:
    data = b"""<gpx><trk><trkseg>
<trkpt lat="1" lon="2"><ele>abc</ele><time>2020-01-01T00:00:00Z</time></trkpt>
<trkpt lat="95" lon="2"><ele>inf</ele><time>yesterday</time></trkpt>
<trkpt lat="1.01" lon="2"><time>2020-01-01T00:00:05Z</time></trkpt>
</trkseg></trk></gpx>"""
    activity = gpx.parse(data)[0]
    assert np.all(np.isnan(activity.streams.ele))
    assert np.isnan(activity.streams.lat[1]) and np.isnan(activity.streams.lon[1])
    np.testing.assert_array_equal(activity.streams.time[[0, 2]], [0, 5])
    assert len(activity.lost) == 2 and all(sentence.endswith(".") for sentence in activity.lost)


def test_route_with_times_is_read() -> None:
    data = b"""<gpx><rte><rtept lat="1" lon="2"><time>2020-01-01T00:00:00Z</time></rtept>
<rtept lat="1.01" lon="2"><time>2020-01-01T00:01:00Z</time></rtept></rte></gpx>"""
    activity = gpx.parse(data)[0]
    assert len(activity.streams) == 2 and activity.streams.time[1] == 60


@pytest.mark.parametrize(
    "data",
    [
        b'<gpx><wpt lat="1" lon="2"><name>Home</name></wpt></gpx>',
        b'<gpx><rte><rtept lat="1" lon="2"/><rtept lat="1.1" lon="2"/></rte></gpx>',
        b"<gpx><trk><trkseg></trkseg></trk></gpx>",
    ],
)
def test_no_track_is_not_an_activity(data: bytes) -> None:
    with pytest.raises(NotAnActivity, match=r"holds no track \(only routes or waypoints\)"):
        gpx.parse(data)


def test_a_tcx_file_named_gpx_is_read_as_tcx() -> None:
    data = (SHARED_DATA / "activities/tcx/tcxparser__test.tcx").read_bytes()
    activities = gpx.parse(data)
    assert activities[0].device_distance_m == pytest.approx(4689.2, abs=0.1)


def test_kml_is_not_an_activity() -> None:
    data = b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>'
    with pytest.raises(NotAnActivity) as caught:
        gpx.parse(data)
    assert (
        str(caught.value)
        == "This XML file is not a GPX or TCX activity (its root element is <kml>)."
    )


def test_time_parsing_is_exact_enough_for_fractions() -> None:
    activity = gpx.parse((SHARED_DATA / "activities/gpx/gpxpy__Mojstrovka.gpx").read_bytes())[0]
    assert activity.start == datetime(1901, 12, 13, 20, 45, 52, 207344, tzinfo=UTC)
    assert math.isclose(activity.streams.time[1], -0.0003437, abs_tol=1e-6)
