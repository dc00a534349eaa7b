"""Great-circle distances on arrays of WGS84 positions (pure numpy, no Django).

All functions take latitude/longitude in degrees as array-likes and accept NaN
for "no position at this sample"; nothing here raises on missing positions.

Distances use the haversine formula on a sphere of mean Earth radius
R = 6,371,008.8 m (the IUGG mean radius R1; Moritz, "Geodetic Reference
System 1980", J. Geodesy 74, 2000):

    a = sin²(Δφ/2) + cos φ1 · cos φ2 · sin²(Δλ/2)
    d = 2 R · asin(√a)

(Sinnott, "Virtues of the Haversine", Sky and Telescope 68(2), 1984, p. 159.)
The sphere differs from the WGS84 ellipsoid by up to ~0.5 %, far below GPS
noise for a run, and it is the radius the reference values in our test data
(``manifest.csv``: ``haversine_m``) were computed with.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_RADIUS_M = 6_371_008.8

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _as_float(values: ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def distance_m(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> FloatArray:
    """Great-circle distance in metres between (lat1, lon1) and (lat2, lon2), elementwise.

    Inputs broadcast against each other; the result is NaN where any input is NaN.
    """
    phi1, phi2 = np.radians(_as_float(lat1)), np.radians(_as_float(lat2))
    d_phi = phi2 - phi1
    d_lambda = np.radians(_as_float(lon2) - _as_float(lon1))
    a = np.sin(d_phi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(d_lambda / 2) ** 2
    # Rounding can push ``a`` a hair above 1 for antipodal points; asin would give NaN.
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def haversine_m(lat: ArrayLike, lon: ArrayLike) -> FloatArray:
    """Length in metres of each segment between consecutive points (``n - 1`` values).

    A segment that touches a point without a position counts 0, so the result
    never holds NaN. (To bridge a GPS gap with a straight line, use
    :func:`track_length_m` or :func:`cumulative_m`.)
    """
    lat_a, lon_a = _as_float(lat), _as_float(lon)
    if lat_a.size < 2:
        return np.zeros(0)
    seg = distance_m(lat_a[:-1], lon_a[:-1], lat_a[1:], lon_a[1:])
    return np.nan_to_num(seg, nan=0.0)


def _finite_positions(lat: ArrayLike, lon: ArrayLike) -> tuple[FloatArray, FloatArray, BoolArray]:
    lat_a, lon_a = _as_float(lat), _as_float(lon)
    ok = np.isfinite(lat_a) & np.isfinite(lon_a)
    return lat_a, lon_a, ok


def cumulative_m(lat: ArrayLike, lon: ArrayLike) -> FloatArray:
    """Distance along the track from the first position to each sample (``n`` values).

    Samples without a position keep the distance of the last position before
    them (0 before the first one). A gap in the positions is bridged by the
    straight line from the last point before it to the first point after it,
    which is what the runner most likely covered (a tunnel, a lost fix).
    """
    lat_a, lon_a, ok = _finite_positions(lat, lon)
    out = np.zeros(lat_a.size)
    idx = np.flatnonzero(ok)
    if idx.size < 2:
        return out
    steps = distance_m(lat_a[idx[:-1]], lon_a[idx[:-1]], lat_a[idx[1:]], lon_a[idx[1:]])
    out[idx[1:]] = np.cumsum(steps)
    # Forward-fill samples without a position: index of the last position at or before each.
    last = np.maximum.accumulate(np.where(ok, np.arange(lat_a.size), 0))
    return out[last]


def track_length_m(lat: ArrayLike, lon: ArrayLike) -> float:
    """Length in metres of the GPS track through all points that have a position.

    Gaps are bridged (see :func:`cumulative_m`); this matches the ``haversine_m``
    column of the test-data manifest, which is the great-circle length through
    the track's points. 0.0 with fewer than two positions.
    """
    lat_a, lon_a, ok = _finite_positions(lat, lon)
    return float(haversine_m(lat_a[ok], lon_a[ok]).sum())


def within_radius(
    lat: ArrayLike, lon: ArrayLike, center_lat: float, center_lon: float, radius_m: float
) -> BoolArray:
    """True for each point no farther than ``radius_m`` metres from the centre.

    Points without a position are never within the radius.
    """
    d = distance_m(lat, lon, center_lat, center_lon)
    with np.errstate(invalid="ignore"):
        return np.asarray(d <= radius_m, dtype=np.bool_)


def bounds(lat: ArrayLike, lon: ArrayLike) -> tuple[float, float, float, float] | None:
    """``(south, west, north, east)`` in degrees of all points with a position, or None.

    A track that crosses the antimeridian gets a box spanning the whole globe
    in longitude; no run we expect does that, so we do not special-case it.
    """
    lat_a, lon_a, ok = _finite_positions(lat, lon)
    if not ok.any():
        return None
    la, lo = lat_a[ok], lon_a[ok]
    return float(la.min()), float(lo.min()), float(la.max()), float(lo.max())
