import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stridewell.runs import streams as packing
from stridewell.runs.importers.base import STREAM_NAMES, Streams

# Largest error each column may come back with (see the module docstring).
TIME_TOL_S = 0.0005
COORD_TOL_DEG = 0.5e-7
FLOAT32_RTOL = 2.0**-24


def realistic_run(n: int = 3600, seed: int = 1) -> Streams:
    """One hour at 1 Hz, shaped like a watch recording: ~3 m/s on a 2 km-radius loop,
    2 m GPS jitter, rolling hills in 0.2 m steps (FIT's elevation unit), integer HR
    and cadence, distance in centimetres."""
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=np.float64)
    dist = np.round(np.cumsum(3.0 + 0.3 * np.sin(t / 300) + rng.normal(0, 0.05, n)), 2)
    angle = dist / 2000.0
    m_per_deg = 111_195.0
    lat = 51.5 + (2000 * np.sin(angle) + rng.normal(0, 2, n)) / m_per_deg
    lon = -0.1 + (2000 * np.cos(angle) + rng.normal(0, 2, n)) / (
        m_per_deg * np.cos(np.radians(51.5))
    )
    ele = np.round((30 + 15 * np.sin(dist / 800) + rng.normal(0, 0.3, n)) * 5) / 5
    hr = np.round(150 + 10 * np.sin(t / 600) + rng.normal(0, 1.5, n))
    cad = np.round(170 + rng.normal(0, 2, n))
    return Streams(t, lat, lon, ele, hr, cad, dist)


def assert_round_trips(original: Streams, restored: Streams) -> None:
    assert len(restored) == len(original)
    for name in STREAM_NAMES:
        a, b = getattr(original, name), getattr(restored, name)
        assert b.dtype == np.float64 and b.shape == a.shape, name
        assert np.array_equal(np.isnan(a), np.isnan(b)), name
        ok = ~np.isnan(a)
        if name == "time":
            assert np.all(np.abs(a[ok] - b[ok]) <= TIME_TOL_S + 1e-9 * np.abs(a[ok])), name
        elif name in ("lat", "lon"):
            assert np.all(np.abs(a[ok] - b[ok]) <= COORD_TOL_DEG + 1e-12), name
        else:
            np.testing.assert_allclose(b[ok], a[ok], rtol=FLOAT32_RTOL, atol=1e-30, err_msg=name)


def column(values: st.SearchStrategy[float], n: int) -> st.SearchStrategy[list[float]]:
    """A column of n values, some of them NaN, or a column missing altogether."""
    with_gaps = st.lists(st.one_of(values, st.just(float("nan"))), min_size=n, max_size=n)
    return st.one_of(with_gaps, st.just([float("nan")] * n))


@st.composite
def any_streams(draw: st.DrawFn) -> Streams:
    n = draw(st.integers(min_value=0, max_value=120))

    def floats(lo: float, hi: float) -> st.SearchStrategy[float]:
        return st.floats(min_value=lo, max_value=hi, allow_nan=False)

    # Float32 keeps ~7 significant digits; below 1e-30 it would flush to zero.
    plain = st.one_of(st.just(0.0), floats(1e-30, 1e7), floats(-1e7, -1e-30))
    strategies = {
        "time": floats(-1e6, 2e6),
        "lat": floats(-90, 90),
        "lon": floats(-180, 180),
        "ele": plain,
        "hr": plain,
        "cad": plain,
        "dist": plain,
    }
    columns = {name: draw(column(strategies[name], n)) for name in STREAM_NAMES}
    return Streams.from_columns(columns, n)


@settings(max_examples=300, deadline=None)
@given(any_streams())
def test_round_trip_within_stated_precision(original):
    assert_round_trips(original, packing.unpack(packing.pack(original)))


def test_realistic_run_round_trips_and_is_small():
    run = realistic_run()
    blob = packing.pack(run)
    # Measured 29,616 bytes (zlib alone on the same columns: ~51,800).
    assert len(blob) < 32_000
    assert_round_trips(run, packing.unpack(blob))


def test_empty_streams():
    blob = packing.pack(Streams.empty())
    assert blob.startswith(b"SWS1")
    assert len(packing.unpack(blob)) == 0


def test_all_nan_columns_are_not_stored():
    n = 50
    only_time = Streams.from_columns({"time": np.arange(n)}, n)
    restored = packing.unpack(packing.pack(only_time))
    assert np.isnan(restored.hr).all() and np.isnan(restored.lat).all()
    header = zlib.decompress(packing.pack(only_time)[4:])[:6]
    assert struct.unpack("<IBB", header) == (n, 0b0000001, 0)
    blob_empty = packing.pack(Streams.empty(n))
    assert len(packing.unpack(blob_empty)) == n
    assert len(blob_empty) < 20


def test_time_falls_back_to_float64_when_int32_milliseconds_cannot_hold_it():
    time = np.array([0.0, 1.5, 3e6, 1e12, np.inf, np.nan])
    original = Streams.from_columns({"time": time}, len(time))
    restored = packing.unpack(packing.pack(original))
    np.testing.assert_array_equal(restored.time, time)


def test_invalid_positions_are_stored_as_missing():
    original = Streams.from_columns({"lat": [10.0, 95.0, np.inf], "lon": [200.0, 5.0, 5.0]}, 3)
    restored = packing.unpack(packing.pack(original))
    assert restored.lat[0] == pytest.approx(10.0)
    assert np.isnan(restored.lat[1:]).all()
    assert np.isnan(restored.lon[0]) and restored.lon[1] == pytest.approx(5.0)


def test_accepts_memoryview_and_bytearray():
    run = realistic_run(n=100)
    blob = packing.pack(run)
    assert_round_trips(run, packing.unpack(memoryview(blob)))
    assert_round_trips(run, packing.unpack(bytearray(blob)))


def test_pack_rejects_streams_of_different_lengths():
    bad = Streams.empty(3)
    bad.hr = np.zeros(2)
    with pytest.raises(ValueError):
        packing.pack(bad)


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"SWS",
        b"SWS2" + zlib.compress(b"\0" * 6),
        b"not a blob at all",
        b"SWS1",
        b"SWS1garbage",
    ],
)
def test_foreign_blobs_raise_value_error(blob):
    with pytest.raises(ValueError):
        packing.unpack(blob)


def test_every_truncation_raises_value_error():
    blob = packing.pack(realistic_run(n=40))
    for cut in range(len(blob)):
        with pytest.raises(ValueError):
            packing.unpack(blob[:cut])


def test_every_damaged_byte_raises_value_error():
    blob = packing.pack(realistic_run(n=40))
    for i in range(len(blob)):
        damaged = bytearray(blob)
        damaged[i] ^= 0xFF
        with pytest.raises(ValueError):
            packing.unpack(bytes(damaged))


def test_trailing_bytes_raise_value_error():
    with pytest.raises(ValueError):
        packing.unpack(packing.pack(realistic_run(n=10)) + b"\0")


@pytest.mark.parametrize(
    "header",
    [
        struct.pack("<IBB", 11, 0b1111111, 0),  # one sample more than the body holds
        struct.pack("<IBB", 10, 0b10000000, 0),  # a column we do not know
        struct.pack("<IBB", 10, 0b1111111, 0b10),  # a flag we do not know
        struct.pack("<IBB", 10, 0b1111110, 0b01),  # time flag without time
        struct.pack("<IBB", 2**32 - 1, 0b1111111, 0),  # absurd length must not inflate forever
    ],
)
def test_header_that_does_not_match_body_raises_value_error(header):
    body = zlib.decompress(packing.pack(realistic_run(n=10))[4:])[6:]
    with pytest.raises(ValueError):
        packing.unpack(b"SWS1" + zlib.compress(header + body))


# --- downsample --------------------------------------------------------------------


def test_downsample_keeps_everything_when_short():
    np.testing.assert_array_equal(packing.downsample(Streams.empty(5), 800), np.arange(5))
    assert packing.downsample(Streams.empty(), 800).shape == (0,)


def test_downsample_rejects_fewer_than_two_points():
    with pytest.raises(ValueError):
        packing.downsample(Streams.empty(10), 1)


@given(st.integers(min_value=0, max_value=20_000), st.integers(min_value=2, max_value=1_000))
def test_downsample_is_even_and_keeps_ends(n, max_points):
    idx = packing.downsample(Streams.empty(n), max_points)
    assert len(idx) == min(n, max_points)
    if n:
        assert idx[0] == 0 and idx[-1] == n - 1
        steps = np.diff(idx)
        assert np.all(steps >= 1)
        if n > max_points:
            assert steps.max() - steps.min() <= 1
