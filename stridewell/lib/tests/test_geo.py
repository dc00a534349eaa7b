import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stridewell.lib import geo

R = geo.EARTH_RADIUS_M
ONE_DEGREE_M = R * math.pi / 180  # 111,195.08 m on the mean-radius sphere

lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lons = st.floats(min_value=-180, max_value=180, allow_nan=False)


def _chord_distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """An independent formula: the angle from the chord between unit vectors."""

    def unit(lat: float, lon: float) -> np.ndarray:
        p, q = math.radians(lat), math.radians(lon)
        return np.array([math.cos(p) * math.cos(q), math.cos(p) * math.sin(q), math.sin(p)])

    chord = float(np.linalg.norm(unit(lat1, lon1) - unit(lat2, lon2)))
    return 2 * R * math.asin(min(1.0, chord / 2))


def test_one_degree_of_latitude():
    assert math.isclose(ONE_DEGREE_M, 111_195.08, abs_tol=0.01)
    assert geo.haversine_m([10.0, 11.0], [5.0, 5.0])[0] == pytest.approx(ONE_DEGREE_M, rel=1e-12)


def test_one_degree_of_longitude_shrinks_with_latitude():
    assert geo.distance_m(0, 0, 0, 1) == pytest.approx(ONE_DEGREE_M, rel=1e-12)
    # At 60°N a degree of longitude is close to half a degree at the equator.
    assert geo.distance_m(60, 0, 60, 1) == pytest.approx(ONE_DEGREE_M / 2, rel=1e-4)


def test_london_to_paris():
    # Charing Cross to Notre-Dame; London–Paris is usually quoted as about 344 km
    # as the crow flies (the exact figure depends on the two points chosen).
    d = geo.distance_m(51.5073, -0.1276, 48.8530, 2.3499)
    assert 343_000 < d < 345_000


def test_quarter_meridian_and_antipodes():
    assert geo.distance_m(0, 0, 90, 0) == pytest.approx(math.pi * R / 2, rel=1e-12)
    assert geo.distance_m(0, 0, 0, 180) == pytest.approx(math.pi * R, rel=1e-12)
    assert geo.distance_m(45, 10, -45, -170) == pytest.approx(math.pi * R, rel=1e-9)


@given(lats, lons, lats, lons)
def test_matches_chord_formula_and_is_symmetric(lat1, lon1, lat2, lon2):
    d = float(geo.distance_m(lat1, lon1, lat2, lon2))
    assert d == pytest.approx(_chord_distance(lat1, lon1, lat2, lon2), abs=1e-3)
    assert d == pytest.approx(float(geo.distance_m(lat2, lon2, lat1, lon1)), abs=1e-6)
    assert 0 <= d <= math.pi * R + 1e-6


def test_segments_touching_nan_are_zero():
    lat = [0.0, 0.001, np.nan, 0.003, 0.004]
    lon = [0.0, 0.0, 0.0, 0.0, 0.0]
    seg = geo.haversine_m(lat, lon)
    assert seg.shape == (4,)
    assert seg[1] == 0 and seg[2] == 0
    assert seg[0] == pytest.approx(ONE_DEGREE_M / 1000, rel=1e-9)
    assert not np.isnan(seg).any()


def test_short_inputs():
    assert geo.haversine_m([], []).shape == (0,)
    assert geo.haversine_m([1.0], [1.0]).shape == (0,)
    assert geo.track_length_m([], []) == 0.0
    assert geo.track_length_m([np.nan, 1.0], [np.nan, 1.0]) == 0.0
    assert geo.cumulative_m([], []).shape == (0,)


def test_track_length_bridges_gaps():
    lat = [0.0, 0.001, np.nan, 0.003, np.nan]
    lon = [0.0, 0.0, np.nan, 0.0, 0.0]
    assert geo.track_length_m(lat, lon) == pytest.approx(3 * ONE_DEGREE_M / 1000, rel=1e-9)


def test_cumulative_forward_fills_and_ends_at_track_length():
    lat = [np.nan, 0.0, 0.001, np.nan, 0.003]
    lon = [np.nan, 0.0, 0.0, np.nan, 0.0]
    cum = geo.cumulative_m(lat, lon)
    step = ONE_DEGREE_M / 1000
    np.testing.assert_allclose(cum, [0, 0, step, step, 3 * step], rtol=1e-9)
    assert cum[-1] == pytest.approx(geo.track_length_m(lat, lon))


@given(st.lists(st.tuples(lats, lons), min_size=2, max_size=50))
def test_track_length_is_sum_of_segments_without_gaps(points):
    lat, lon = np.array(points).T
    assert geo.track_length_m(lat, lon) == pytest.approx(geo.haversine_m(lat, lon).sum())
    assert geo.cumulative_m(lat, lon)[-1] == pytest.approx(geo.track_length_m(lat, lon))


def test_within_radius():
    lat = np.array([51.5, 51.5 + 100 / ONE_DEGREE_M, 51.5 + 300 / ONE_DEGREE_M, np.nan])
    lon = np.array([-0.1, -0.1, -0.1, np.nan])
    inside = geo.within_radius(lat, lon, 51.5, -0.1, 200.0)
    assert inside.dtype == np.bool_
    assert inside.tolist() == [True, True, False, False]


def test_within_radius_on_empty_input():
    assert geo.within_radius([], [], 0.0, 0.0, 10.0).shape == (0,)


def test_bounds():
    assert geo.bounds([1.0, np.nan, -2.0], [3.0, 9.0, 4.0]) == (-2.0, 3.0, 1.0, 4.0)
    assert geo.bounds([np.nan], [np.nan]) is None
    assert geo.bounds([], []) is None
