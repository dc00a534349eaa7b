"""What we tell a person about one activity, computed from its streams (pure, no Django).

Every metric is a small function taking a :class:`Streams`; :func:`summarize`
puts them together, :func:`splits` cuts the activity into kilometres (or any
unit) and :func:`chart_series` prepares the detail charts and the API.

Conventions shared by all functions:

* Distance travelled along the activity is the device's own ``dist`` stream
  when it recorded one (it is filtered on the watch and works indoors), else
  the GPS track (:func:`stridewell.lib.geo.cumulative_m`).
* Missing times between recorded ones are interpolated by sample index, and
  time is made non-decreasing, so a clock that steps back adds no time.
* Everything is vectorised; the only Python loop walks the elevation turning
  points, which are few after smoothing. A one-hour, 1 Hz run summarises in
  1-3 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from stridewell.lib import geo
from stridewell.runs import streams as stream_store
from stridewell.runs.importers.base import Streams

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IndexArray = NDArray[np.intp]
Travel = Callable[[IndexArray, IndexArray], FloatArray]  # metres between sample pairs

# Slowest speed (m/s) that still counts as moving, per sport. Foot sports use
# 0.3 m/s (~55 min/km): slower than any walk, hike up a steep path or run-walk,
# faster than GPS drift while standing once averaged over MOVING_WINDOW_S.
# Cycling uses 1.0 m/s: nobody rides slower without putting a foot down.
MOVING_SPEED_M_S: dict[str, float] = {
    "running": 0.3,
    "walking": 0.3,
    "hiking": 0.3,
    "cycling": 1.0,
    "multisport": 0.3,
    "other": 0.3,
}
# Sports where a speed test would be wrong: pool swims add distance once per
# length (every 20-60 s), so most of each length would look like a pause.
NO_PAUSE_DETECTION = frozenset({"swimming"})
# Pause detection also looks at the speed over this many seconds around each
# interval, so GPS jitter while standing (metres back and forth) cancels out.
# On synthetic runs with slowly wandering GPS noise (σ 3-10 m) a 20 s window
# counted 40-200 s of a 5-minute stop as moving, 30 s counted 15-135 s.
MOVING_WINDOW_S = 30.0
# GPS positions are averaged over this long before pause detection.
POSITION_SMOOTHING_S = 10.0
# Heart-rate zones credit each sample with the time until the next one, but at
# most this long: a longer gap is a pause or a lost signal, not time at that rate.
MAX_SAMPLE_GAP_S = 30.0
# Elevation: centred moving average over this window, then a climb or descent
# counts only once it exceeds ASCENT_THRESHOLD_M (see ascent_descent_m).
ELEVATION_SMOOTHING_S = 15.0
ASCENT_THRESHOLD_M = 4.0
ELEVATION_SMOOTHING_SAMPLES = 3
# Pace in the charts is distance over this window, centred on each point.
PACE_WINDOW_S = 30.0
# More splits than this means a broken distance (a GPS glitch to the other side
# of the world), not a long ride: 2,000 km is beyond any audax.
MAX_SPLITS = 2000
# A device distance that drops by more than this has started a new session.
SESSION_RESTART_DROP_M = 10.0
# A leftover shorter than this after the last full split is rounding, not a split.
MIN_PARTIAL_SPLIT_M = 1.0
HR_ZONE_EDGES_PCT = (60.0, 70.0, 80.0, 90.0)


@dataclass(frozen=True)
class Summary:
    distance_m: float
    elapsed_s: float
    moving_s: float
    ascent_m: float | None  # None: no elevation recorded
    descent_m: float | None
    avg_hr: float | None
    max_hr: float | None
    avg_cadence: float | None
    max_cadence: float | None
    avg_pace_s_per_km: float | None  # by moving time; None without distance
    hr_zones_s: list[float] | None  # seconds in zones <60, 60-70, 70-80, 80-90, >=90 % of max HR
    points: int
    gps_points: int


@dataclass(frozen=True)
class Split:
    index: int  # 1 for the first split
    distance_m: float  # unit_m, except for a last, partial split
    elapsed_s: float
    moving_s: float
    pace_s_per_unit: float | None  # moving time scaled to one full unit
    avg_hr: float | None
    ascent_m: float | None


# --- shared building blocks ----------------------------------------------------------


def _fill_forward(values: FloatArray) -> FloatArray:
    """NaN takes the last finite value before it; leading NaN takes the first finite value."""
    ok = np.isfinite(values)
    idx = np.where(ok, np.arange(values.size), 0)
    first = int(np.argmax(ok))
    idx[:first] = first
    return values[np.maximum.accumulate(idx)]


def _clean_time(streams: Streams) -> FloatArray | None:
    """Times with gaps interpolated and made non-decreasing; None with < 2 recorded times."""
    t = np.asarray(streams.time, dtype=np.float64)
    ok = np.isfinite(t)
    if ok.sum() < 2:
        return None
    pos = np.arange(t.size)
    return np.maximum.accumulate(np.interp(pos, pos[ok], t[ok]))


def _join_sessions(dist: FloatArray) -> FloatArray:
    """A device distance made non-decreasing, with restarted sessions laid end to end.

    Multisport watches restart the distance at 0 for each session (a drop of
    kilometres); otherwise distance only steps back by centimetres of jitter,
    which must not count twice. So a drop of more than SESSION_RESTART_DROP_M
    starts a new session added onto the ones before; smaller drops are held.
    """
    restart = np.concatenate(([False], np.diff(dist) < -SESSION_RESTART_DROP_M))
    session = np.cumsum(restart)
    # One running maximum per session, by lifting each session above the last.
    finite = np.isfinite(dist)
    # A sample left unknown (NaN/inf) must not poison the lift of every session.
    scale = float(np.abs(dist[finite]).max()) if finite.any() else 0.0
    lift = session * (scale * 2 + 1)
    held = np.maximum.accumulate(dist + lift) - lift
    ends = np.flatnonzero(np.append(restart[1:], True))
    before = np.concatenate(([0.0], np.cumsum(held[ends])[:-1]))
    return np.asarray(held + before[session], dtype=np.float64)


def _recorded_distance(streams: Streams, t: FloatArray | None) -> FloatArray | None:
    """The device's distance at each sample; None when absent or it never moves.

    Gaps are interpolated in time (filled forward without times). A distance
    stuck at 0 (bike trainers, gym machines) says nothing about moving.
    """
    dist = np.asarray(streams.dist, dtype=np.float64)
    ok = np.isfinite(dist)
    if not ok.any():
        return None
    filled = np.interp(t, t[ok], dist[ok]) if t is not None else _fill_forward(dist)
    if not np.isfinite(filled).all():
        # Times a hair apart (denormal steps) make interpolation blow up: hold instead.
        filled = _fill_forward(dist)
    cum = _join_sessions(filled)
    return cum if cum[-1] > cum[0] else None


def _cumulative_distance(streams: Streams) -> FloatArray | None:
    """Metres travelled at each sample, from the device's distance, else from GPS."""
    recorded = _recorded_distance(streams, _clean_time(streams))
    if recorded is not None:
        return recorded
    if _has_track(streams):
        return geo.cumulative_m(streams.lat, streams.lon)
    return None


def _has_track(streams: Streams) -> bool:
    """At least two positions, and not all the same one (a phone left on a treadmill)."""
    ok = np.isfinite(streams.lat) & np.isfinite(streams.lon)
    if ok.sum() < 2:
        return False
    lat, lon = streams.lat[ok], streams.lon[ok]
    return bool(np.ptp(lat) > 0 or np.ptp(lon) > 0)


def _gps_count(streams: Streams) -> int:
    return int((np.isfinite(streams.lat) & np.isfinite(streams.lon)).sum())


def _smooth(
    values: FloatArray, axis: FloatArray, half_width: float, *, keep_trend: bool = False
) -> FloatArray:
    """Centred moving mean over ``axis ± half_width`` (``axis`` sorted, irregular is fine).

    Near the ends the window is cut off by default, which averages noise well
    but pulls a trend towards the inside. With ``keep_trend`` it shrinks
    symmetrically instead, so positions of a steady run are not bunched up at
    its ends (which would show as a slow first and last few seconds).
    """
    half: FloatArray | float = half_width
    if keep_trend:
        half = np.minimum(half_width, np.minimum(axis - axis[0], axis[-1] - axis))
    lo = np.searchsorted(axis, axis - half, "left")
    hi = np.searchsorted(axis, axis + half, "right")
    sums = np.concatenate(([0.0], np.cumsum(values)))
    return (sums[hi] - sums[lo]) / (hi - lo)


def _through_gaps(values: FloatArray, t: FloatArray) -> FloatArray:
    """Missing values interpolated in time, then averaged over POSITION_SMOOTHING_S.

    Interpolating assumes steady progress through a gap (a tunnel, a lost fix),
    which is what the person most likely did; standing still through a gap
    interpolates to no progress, as it should.
    """
    arr = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(arr)
    filled = np.interp(t, t[ok], arr[ok])
    return _smooth(filled, t, POSITION_SMOOTHING_S / 2, keep_trend=True)


def _smoothed_track(streams: Streams, t: FloatArray) -> tuple[FloatArray, FloatArray] | None:
    if not _has_track(streams):
        return None
    return _through_gaps(streams.lat, t), _through_gaps(streams.lon, t)


def _travel_between(streams: Streams, t: FloatArray) -> Travel | None:
    """A function giving metres between pairs of samples, for pause detection.

    With a device distance this is the difference in distance. With GPS only it
    is the straight-line displacement between smoothed positions: jitter while
    standing adds path length at every sample, but averages out of the
    positions and barely moves them.
    """
    cum = _recorded_distance(streams, t)
    if cum is not None:
        return lambda a, b: cum[b] - cum[a]
    track = _smoothed_track(streams, t)
    if track is None:
        return None
    lat, lon = track
    return lambda a, b: geo.distance_m(lat[a], lon[a], lat[b], lon[b])


def _speed_distance(streams: Streams, t: FloatArray) -> FloatArray | None:
    """Cumulative distance for speeds: the device's, else the path along smoothed positions.

    The raw GPS path adds every metre of jitter (2-3 m of noise at 1 Hz makes a
    3 m/s runner look 20 % faster); averaged positions add almost none.
    """
    cum = _recorded_distance(streams, t)
    if cum is not None:
        return cum
    track = _smoothed_track(streams, t)
    if track is None:
        return None
    lat, lon = track
    return np.concatenate(([0.0], np.cumsum(geo.distance_m(lat[:-1], lon[:-1], lat[1:], lon[1:]))))


def distance_along(streams: Streams) -> tuple[FloatArray, FloatArray | None] | None:
    """(time, metres from the start) at every sample, for analyses of speed (run types).

    Time is cleaned as everywhere here (None with fewer than two times); distance
    is the device's, else the path along smoothed positions (see
    :func:`_speed_distance`), else None (a treadmill without a foot pod).
    """
    t = _clean_time(streams)
    if t is None:
        return None
    return t, _speed_distance(streams, t)


def _speed(metres: FloatArray, seconds: FloatArray) -> FloatArray:
    """metres / seconds, 0 where no time passed; a near-zero interval may give inf."""
    out = np.zeros_like(metres)
    with np.errstate(over="ignore"):
        np.divide(metres, seconds, out=out, where=seconds > 0)
    return out


# --- distance and time -----------------------------------------------------------------


def distance_m(streams: Streams, device_distance_m: float | None = None) -> float:
    """Distance of the activity in metres.

    The device's stated total when given and > 0 (it has seen every sensor
    reading, we only see the recorded ones), else the last value of the
    ``dist`` stream (summed over sessions when a multisport watch restarts
    it), else the GPS track length, else 0.
    """
    if device_distance_m is not None and np.isfinite(device_distance_m) and device_distance_m > 0:
        return float(device_distance_m)
    recorded = _recorded_distance(streams, None)
    if recorded is not None:
        return max(0.0, float(recorded[-1]))
    return geo.track_length_m(streams.lat, streams.lon)


def elapsed_time_s(streams: Streams, stated_s: float | None = None) -> float:
    """Wall-clock duration: ``stated_s`` when given, else the span of the recorded times, else 0."""
    if stated_s is not None and np.isfinite(stated_s) and stated_s >= 0:
        return float(stated_s)
    t = _clean_time(streams)  # a clock that steps back does not shorten the activity
    return float(t[-1] - t[0]) if t is not None else 0.0


def moving_intervals(streams: Streams, sport: str) -> BoolArray | None:
    """For each interval between consecutive samples (``n - 1`` values): was the person moving?

    An interval counts as moving when both its own speed and the speed over a
    MOVING_WINDOW_S window centred on it reach the sport's threshold
    (MOVING_SPEED_M_S). Distance is the device's ``dist`` when recorded, else
    the displacement between GPS positions averaged over POSITION_SMOOTHING_S.
    The window removes GPS jitter while standing; the interval's own speed
    keeps the edges of a clean stop sharp (with noisy GPS and no device
    distance, each edge of a stop may blur by up to ~12 s at running pace).
    A gap in the recording (auto-pause, lost signal) of any length is judged
    by the distance covered across it: a 5-minute pause is a stop, a run
    through a tunnel is not.

    None when this cannot be judged: no times, no distance or positions, or a
    sport in NO_PAUSE_DETECTION.
    """
    t = _clean_time(streams)
    if t is None or sport in NO_PAUSE_DETECTION:
        return None
    travel = _travel_between(streams, t)
    if travel is None:
        return None
    threshold = MOVING_SPEED_M_S.get(sport, MOVING_SPEED_M_S["other"])
    i = np.arange(t.size - 1)
    mid = (t[:-1] + t[1:]) / 2
    lo = np.minimum(np.searchsorted(t, mid - MOVING_WINDOW_S / 2, "left"), i)
    hi = np.maximum(np.searchsorted(t, mid + MOVING_WINDOW_S / 2, "right") - 1, i + 1)
    window_speed = _speed(travel(lo, hi), t[hi] - t[lo])
    own_speed = _speed(travel(i, i + 1), np.diff(t))
    return np.asarray((window_speed >= threshold) & (own_speed >= threshold))


def _moving_samples(intervals: BoolArray | None) -> BoolArray | None:
    """Per sample: moving when the interval that starts at it is (the last copies the one before)."""
    if intervals is None or intervals.size == 0:
        return None
    return np.append(intervals, intervals[-1])


def moving_time_s(
    streams: Streams, sport: str, *, timer_s: float | None = None, elapsed_s: float | None = None
) -> float:
    """Seconds spent moving (see :func:`moving_intervals`), never more than the elapsed time.

    When movement cannot be judged from the streams (no times or no distance
    and positions, e.g. a treadmill without a foot pod, or a pool swim), the
    device's timer ``timer_s`` is used when given, else the elapsed time.
    """
    elapsed = elapsed_time_s(streams, elapsed_s)
    return _moving_time(streams, moving_intervals(streams, sport), timer_s, elapsed)


def _moving_time(
    streams: Streams, intervals: BoolArray | None, timer_s: float | None, elapsed: float
) -> float:
    t = _clean_time(streams)
    if intervals is None or t is None:
        if timer_s is not None and np.isfinite(timer_s) and timer_s >= 0:
            return float(timer_s)
        return elapsed
    moving = float(np.diff(t)[intervals].sum())
    return min(moving, elapsed) if elapsed > 0 else moving


def pace_s_per_km(distance: float, moving_s: float) -> float | None:
    """Average pace in seconds per kilometre; None without distance or moving time."""
    if distance <= 0 or moving_s <= 0:
        return None
    return moving_s / (distance / 1000.0)


# --- elevation -----------------------------------------------------------------------------


def _turning_points(values: FloatArray) -> IndexArray:
    """Indices of the first, last and every local extreme (where the slope changes sign)."""
    if values.size < 2:
        return np.zeros(values.size, dtype=np.intp)
    steps = np.diff(values)
    moving = np.flatnonzero(steps)
    flips = moving[np.flatnonzero(np.diff(np.sign(steps[moving])))] + 1  # all in 1 .. size-2
    return np.concatenate(([0], flips, [values.size - 1])).astype(np.intp)


def _confirmed_legs(values: FloatArray, threshold: float) -> list[tuple[int, int]]:
    """Climbs and descents larger than ``threshold``, as (start, end) index pairs.

    A Schmitt trigger over the turning points: the current leg extends while
    the series keeps its direction, and ends at its extreme once the series has
    come back from it by at least ``threshold``. Before the first leg is
    confirmed we follow both the lowest and the highest point so far.
    """
    idx = _turning_points(values).tolist()
    v = values[idx].tolist()
    legs: list[tuple[int, int]] = []
    low = high = 0  # positions in idx/v
    direction = 0
    for k in range(1, len(v)):
        if direction >= 0 and v[k] >= v[high]:
            high = k
        if direction <= 0 and v[k] <= v[low]:
            low = k
        if direction >= 0 and v[high] - v[k] >= threshold:
            if direction:  # a climb ends at its top
                legs.append((idx[low], idx[high]))
            direction, low = -1, k
        elif direction <= 0 and v[k] - v[low] >= threshold:
            if direction:  # a descent ends at its bottom
                legs.append((idx[high], idx[low]))
            direction, high = 1, k
    if direction == 1:
        legs.append((idx[low], idx[high]))
    elif direction == -1:
        legs.append((idx[high], idx[low]))
    return legs


def _smoothed_elevation(streams: Streams) -> tuple[IndexArray, FloatArray] | None:
    """Indices of the samples with an elevation, and their elevations smoothed.

    Smoothing runs over ELEVATION_SMOOTHING_S of time (over
    ELEVATION_SMOOTHING_SAMPLES samples when the file has no usable times), which removes the sample-to-sample noise of
    GPS and barometric altimeters without flattening real hills.
    """
    ele = np.asarray(streams.ele, dtype=np.float64)
    idx = np.flatnonzero(np.isfinite(ele))
    if idx.size == 0:
        return None
    t = _clean_time(streams) if _times_look_recorded(streams, idx) else None
    if t is None:
        # Files without times are mostly sparse tracks drawn by tools: a point every
        # few tens of metres, so only the nearest neighbours are averaged.
        return idx, _smooth(ele[idx], idx.astype(np.float64), ELEVATION_SMOOTHING_SAMPLES / 2)
    return idx, _smooth(ele[idx], t[idx], ELEVATION_SMOOTHING_S / 2)


def _times_look_recorded(streams: Streams, idx: IndexArray) -> bool:
    """Whether the times can carry a time-based smoothing window.

    Files edited by tools keep a time on a few points only, or squeeze a whole
    track into a fraction of a second (gpxpy's Mojstrovka test file); smoothing
    over 15 s of such times would flatten every hill, so they smooth by samples.
    """
    t = np.asarray(streams.time, dtype=np.float64)[idx]
    finite = t[np.isfinite(t)]
    if finite.size < 0.9 * idx.size or finite.size < 2:
        return False
    return float(finite[-1] - finite[0]) >= 0.2 * (finite.size - 1)


def ascent_descent_m(streams: Streams) -> tuple[float, float] | None:
    """Total climb and descent in metres; None when no elevation was recorded.

    Method: a centred moving mean over ELEVATION_SMOOTHING_S (15 s), then
    hysteresis: between turning points only climbs and descents of at least
    ASCENT_THRESHOLD_M (4 m) count, each with its full height. Noise of a metre
    or two never adds up, while a real 100 m climb counts 100 m, not 100 m
    minus the threshold. This is the "minimum altitude difference" idea of
    MyTourBook (mytourbook.sourceforge.net, "Preferences: Computed Values")
    and the elevation-gain threshold of GPS Visualizer
    (gpsvisualizer.com/tutorials/elevation_gain.html).

    Limits, measured on synthetic hour-long runs: iid noise of σ = 2 m on a
    flat route gives 0 m; rolling hills 8 m high every 250 m keep ~94 % of
    their climb; slow GPS-altitude wander (σ = 5 m over a minute) still adds
    ~200 m per hour: no threshold separates that from real hills, only
    barometric or map elevations do.
    """
    smoothed = _smoothed_elevation(streams)
    if smoothed is None:
        return None
    values = smoothed[1]
    ascent = descent = 0.0
    for a, b in _confirmed_legs(values, ASCENT_THRESHOLD_M):
        change = float(values[b] - values[a])
        if change > 0:
            ascent += change
        else:
            descent -= change
    return ascent, descent


def _cumulative_ascent(streams: Streams) -> FloatArray | None:
    """Metres climbed by each sample, consistent with :func:`ascent_descent_m` (for splits)."""
    smoothed = _smoothed_elevation(streams)
    if smoothed is None:
        return None
    idx, values = smoothed
    gained = np.zeros(values.size)
    for a, b in _confirmed_legs(values, ASCENT_THRESHOLD_M):
        if values[b] > values[a]:
            # Within a climb, credit each new high point as it is reached.
            gained[a + 1 : b + 1] = np.diff(np.maximum.accumulate(values[a : b + 1]))
    per_sub = np.cumsum(gained)
    # Samples without elevation keep the total of the last sample that had one.
    sub = np.cumsum(np.isfinite(streams.ele)) - 1
    return np.where(sub >= 0, per_sub[np.maximum(sub, 0)], 0.0)


# --- heart rate and cadence -------------------------------------------------------------


def _positive(values: FloatArray) -> FloatArray:
    """Values with 0, negatives and NaN as NaN: a 0 bpm or 0 spm reading means no reading."""
    arr = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(arr > 0, arr, np.nan)


def _mean_max(values: FloatArray) -> tuple[float | None, float | None]:
    ok = values[np.isfinite(values)]
    if ok.size == 0:
        return None, None
    return float(ok.mean()), float(ok.max())


def heart_rate_bpm(streams: Streams) -> tuple[float | None, float | None]:
    """(average, maximum) heart rate over the samples that have one (> 0 bpm).

    A plain mean over samples, not weighted by time, the way the reference
    values of our test data (``hr_mean`` in the manifest) are computed.
    """
    return _mean_max(_positive(streams.hr))


def cadence_spm(streams: Streams, sport: str) -> tuple[float | None, float | None]:
    """(average, maximum) cadence over moving samples with a cadence > 0.

    Standing at a crossing records 0 or a few stray steps, which would drag
    the average down; when movement cannot be judged, all samples count.
    """
    return _cadence(streams, moving_intervals(streams, sport))


def _cadence(streams: Streams, intervals: BoolArray | None) -> tuple[float | None, float | None]:
    cad = _positive(streams.cad)
    moving = _moving_samples(intervals)
    if moving is not None:
        cad = np.where(moving, cad, np.nan)
    return _mean_max(cad)


def hr_zones_s(streams: Streams, max_hr: float | None) -> list[float] | None:
    """Seconds in the five zones <60, 60-70, 70-80, 80-90 and >=90 % of ``max_hr``.

    Each sample's heart rate holds until the next sample (as devices record
    it), for at most MAX_SAMPLE_GAP_S. None without times, heart rate or max_hr.
    """
    t = _clean_time(streams)
    if t is None or max_hr is None or not max_hr > 0:
        return None
    hr = _positive(streams.hr)[:-1]
    held = np.minimum(np.diff(t), MAX_SAMPLE_GAP_S)
    ok = np.isfinite(hr)
    if not ok.any():
        return None
    zone = np.digitize(100.0 * hr[ok] / max_hr, HR_ZONE_EDGES_PCT)
    return np.bincount(zone, weights=held[ok], minlength=5).astype(float).tolist()


# --- splits ------------------------------------------------------------------------------


def _cumulative_moving_s(streams: Streams, sport: str, t: FloatArray) -> FloatArray:
    """Moving seconds up to each sample (all time counts when movement cannot be judged)."""
    intervals = moving_intervals(streams, sport)
    steps = np.diff(t) if intervals is None else np.where(intervals, np.diff(t), 0.0)
    return np.concatenate(([0.0], np.cumsum(steps)))


def _crossings(cum: FloatArray, marks: FloatArray) -> FloatArray:
    """Fractional sample positions where ``cum`` (non-decreasing) first reaches each mark."""
    j = np.clip(np.searchsorted(cum, marks, "left"), 1, cum.size - 1)
    span = cum[j] - cum[j - 1]
    frac = np.divide(marks - cum[j - 1], span, out=np.zeros_like(marks), where=span > 0)
    return j - 1 + np.clip(frac, 0.0, 1.0)


def _at(values: FloatArray, positions: FloatArray) -> FloatArray:
    return np.interp(positions, np.arange(values.size), values)


def _split_marks(total: float, unit_m: float) -> FloatArray:
    marks = unit_m * np.arange(int(total // unit_m) + 1, dtype=np.float64)
    if total - marks[-1] >= MIN_PARTIAL_SPLIT_M:
        marks = np.append(marks, total)
    return marks


def _split_hr(streams: Streams, positions: FloatArray) -> list[float | None]:
    """Plain mean heart rate of the samples inside each split."""
    hr = _positive(streams.hr)
    ok = np.isfinite(hr)
    sums = np.concatenate(([0.0], np.cumsum(np.where(ok, hr, 0.0))))
    counts = np.concatenate(([0], np.cumsum(ok)))
    bounds = np.ceil(positions).astype(np.intp)
    bounds[-1] = hr.size  # the last split keeps the last sample
    s, c = np.diff(sums[bounds]), np.diff(counts[bounds])
    return [float(a / b) if b else None for a, b in zip(s.tolist(), c.tolist(), strict=True)]


def splits(streams: Streams, unit_m: float = 1000.0, *, sport: str = "running") -> list[Split]:
    """Cut the activity into ``unit_m`` pieces of distance; the last piece may be shorter.

    Distance is the device's distance stream when recorded, else the GPS track,
    measured from the first sample. Each boundary falls where that distance
    first reaches a multiple of ``unit_m``, interpolated between samples, so
    split times do not jump by a sample interval. Empty without times or
    distance, or with more than MAX_SPLITS splits.
    """
    if unit_m <= 0:
        raise ValueError("unit_m must be positive")
    t, cum = _clean_time(streams), _cumulative_distance(streams)
    if t is None or cum is None:
        return []
    cum = cum - cum[0]
    if cum[-1] / unit_m > MAX_SPLITS:
        return []
    marks = _split_marks(float(cum[-1]), unit_m)
    if marks.size < 2:
        return []
    pos = _crossings(cum, marks)
    lengths = np.diff(marks)
    elapsed = np.diff(_at(t, pos))
    moving = np.diff(_at(_cumulative_moving_s(streams, sport, t), pos))
    climb = _cumulative_ascent(streams)
    ascent = np.diff(_at(climb, pos)).tolist() if climb is not None else [None] * lengths.size
    hr = _split_hr(streams, pos)
    return [
        Split(
            index=k + 1,
            distance_m=float(lengths[k]),
            elapsed_s=float(elapsed[k]),
            moving_s=float(moving[k]),
            pace_s_per_unit=float(moving[k] / lengths[k] * unit_m) if moving[k] > 0 else None,
            avg_hr=hr[k],
            ascent_m=ascent[k],
        )
        for k in range(lengths.size)
    ]


# --- charts ------------------------------------------------------------------------------


def _json_list(values: FloatArray, decimals: int) -> list[float | None]:
    rounded = np.round(np.asarray(values, dtype=np.float64), decimals)
    return [x if np.isfinite(x) else None for x in rounded.tolist()]


def _chart_pace(streams: Streams, sport: str, idx: IndexArray) -> FloatArray:
    """Pace (s/km) at the chosen samples over PACE_WINDOW_S; NaN when stopped or unknown.

    Pace over a single 1 s interval swings wildly (a 2 m GPS error there is a
    2 m/s error in speed); distance over a 30 s window, along smoothed
    positions when there is no device distance, keeps the line readable.
    """
    t = _clean_time(streams)
    cum = _speed_distance(streams, t) if t is not None else None
    if t is None or cum is None or idx.size == 0:
        return np.full(idx.size, np.nan)
    lo = np.searchsorted(t, t[idx] - PACE_WINDOW_S / 2, "left")
    hi = np.searchsorted(t, t[idx] + PACE_WINDOW_S / 2, "right") - 1
    speed = _speed(cum[hi] - cum[lo], t[hi] - t[lo])
    going = speed >= MOVING_SPEED_M_S.get(sport, MOVING_SPEED_M_S["other"])
    moving = _moving_samples(moving_intervals(streams, sport))
    if moving is not None:
        going &= moving[idx]
    pace = np.where(going, 1000.0 / np.where(going, speed, 1.0), np.nan)
    return np.asarray(pace, dtype=np.float64)


def chart_series(
    streams: Streams, max_points: int = 800, *, sport: str = "running"
) -> dict[str, list[float | None]]:
    """The series behind the run detail charts and the API, JSON-ready.

    At most ``max_points`` samples (:func:`stridewell.runs.streams.downsample`),
    every list the same length, None where a value is missing; lat/lon rounded
    to 6 decimals (~0.1 m), everything else to 1. ``distance_m`` is measured from
    the first sample; ``pace_s_per_km`` is smoothed over PACE_WINDOW_S and None
    while stopped; a heart rate of 0 (strap lost contact) is None.
    """
    idx = stream_store.downsample(streams, max_points)
    cum = _cumulative_distance(streams)
    distance = cum[idx] - cum[0] if cum is not None else np.full(idx.size, np.nan)
    return {
        "distance_m": _json_list(distance, 1),
        "time_s": _json_list(streams.time[idx], 1),
        "pace_s_per_km": _json_list(_chart_pace(streams, sport, idx), 1),
        "hr": _json_list(_positive(streams.hr)[idx], 1),
        "ele_m": _json_list(streams.ele[idx], 1),
        "cadence": _json_list(streams.cad[idx], 1),
        "lat": _json_list(streams.lat[idx], 6),
        "lon": _json_list(streams.lon[idx], 6),
    }


# --- everything at once --------------------------------------------------------------------


def summarize(
    streams: Streams,
    *,
    sport: str,
    device_distance_m: float | None = None,
    timer_s: float | None = None,
    elapsed_s: float | None = None,
    max_hr: float | None = None,
) -> Summary:
    """All summary metrics of one activity; ``max_hr`` is the person's maximum, for zones.

    ``device_distance_m``, ``timer_s`` and ``elapsed_s`` are what the file itself
    states (ParsedActivity); see each metric function for how they are used.
    """
    distance = distance_m(streams, device_distance_m)
    elapsed = elapsed_time_s(streams, elapsed_s)
    intervals = moving_intervals(streams, sport)  # shared: pause detection is the costly part
    moving = _moving_time(streams, intervals, timer_s, elapsed)
    climb = ascent_descent_m(streams)
    avg_hr, peak_hr = heart_rate_bpm(streams)
    avg_cad, peak_cad = _cadence(streams, intervals)
    return Summary(
        distance_m=distance,
        elapsed_s=elapsed,
        moving_s=moving,
        ascent_m=climb[0] if climb else None,
        descent_m=climb[1] if climb else None,
        avg_hr=avg_hr,
        max_hr=peak_hr,
        avg_cadence=avg_cad,
        max_cadence=peak_cad,
        avg_pace_s_per_km=pace_s_per_km(distance, moving),
        hr_zones_s=hr_zones_s(streams, max_hr),
        points=len(streams),
        gps_points=_gps_count(streams),
    )
