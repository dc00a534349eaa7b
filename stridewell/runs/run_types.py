"""Run types and indoor runs, told apart automatically (pure: numbers in, a type out).

:func:`classify` reads one run's summary (:class:`RunFacts`), its streams when
it has any, and a :class:`History` of the person's earlier runs, computed once
per import or batch. The rules are tried in this order and the first that holds
wins; every threshold is a constant below.

1. **walk**: the sport is walking or hiking.
2. **race** by name: the name or notes say race, parkrun, marathon, time trial...
   (whole words, any case), unless they also say pace, training, prep...
   ("marathon pace", "race training"). The person told us; that beats numbers.
3. **walk** by speed: average moving speed under 7 km/h (a brisk walk) with
   running in less than a fifth of the moving time. A sample is running when
   cadence is >= 140 steps/min (when recorded), else when speed is >= 7 km/h.
4. **run_walk**: at least 3 walking breaks of 30 s or more between stretches
   of running, walking at least a tenth of the moving time, from the first
   break to the last over at least half the run (a walk-jog cool-down after a
   run is not a run-walk), and the running not much faster than the person's
   easy pace (then the walks are the recoveries of an interval session).
   Without cadence, "walking" also means under 0.75 x the run's median speed,
   so a jogger at 7.5 km/h who slows on a hill is not walking.
5. **race** by effort: average heart rate >= 88 % of maximum, moving >= 15 min.
6. **intervals**: at least 4 fast stretches of 30 s - 10 min in a row, each
   at >= 1.15 x (and >= 0.4 m/s above) the run's median moving speed, on speed
   smoothed by a 31 s rolling median, and not downhill; every two separated by
   a stretch clearly slower (1.25 x or more). The same pattern in lap speeds
   counts too; a run without any speed (a treadmill without a foot pod) is
   judged on heart rate instead.
7. **sprints**: at least 4 bursts of 8-30 s at >= 1.4 x (and >= 1 m/s above)
   the median moving speed, on speed smoothed by a 7 s rolling median so GPS
   spikes drop out, not downhill, and with quicker steps (+8 steps/min) when
   cadence is recorded: on real files, GPS noise makes such bursts, steps don't.
8. **long**: moving time >= 1.5 x the person's median and >= 75 min;
   >= 90 min while there are fewer than 5 earlier runs to compare with.
9. **tempo**: 20 min or more in one stretch at >= 80 % of maximum heart rate
   (and not slower than 1.05 x the easy pace, when we know it: someone whose
   every run is at 82 % is running easy), or at >= 1.1 x the easy pace and
   steady (coefficient of variation of speed < 10 %).
10. **easy**: everything else.

Long comes before tempo because it is the plainer fact: a two-hour run with a
hilly middle is a long run. Only foot sports get a type (:func:`automatic_type`).

The maximum heart rate is the profile's, else the 95th percentile of earlier
runs' maxima. A run's own peak is never used: a steady easy run averages
around 90 % of its own peak, so every easy run would pass as a race.

Speed comes from one 1 Hz grid per run (coarser for runs over ~5.5 h), as
distance over 4 s (watches that count whole metres would otherwise jump
between 2 and 3 m/s); a one-hour run classifies in a few milliseconds.

:func:`is_indoor` says whether a run was indoors: see its docstring.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from django.db import models
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from stridewell.lib import geo
from stridewell.runs import metrics
from stridewell.runs.importers.base import Streams

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


class RunType(models.TextChoices):
    EASY = "easy", "Easy"
    LONG = "long", "Long"
    TEMPO = "tempo", "Tempo"
    INTERVALS = "intervals", "Intervals"
    SPRINTS = "sprints", "Sprints"
    RACE = "race", "Race"
    RUN_WALK = "run_walk", "Run-walk"
    WALK = "walk", "Walk"


CLASSIFIED_SPORTS = frozenset({"running", "walking", "hiking"})
WALK_SPORTS = frozenset({"walking", "hiking"})

# Gait. 7 km/h is a brisk walk; runners take >= ~150 steps/min, walkers <= ~130.
WALK_SPEED_M_S = 7 / 3.6
STOP_SPEED_M_S = 0.5  # slower than this is standing, not walking
RUN_CADENCE_SPM = 140.0
STEP_CADENCE_SPM = 40.0  # fewer steps a minute than this is standing
WALK_MAX_RUNNING_SHARE = 0.2
# Run-walk.
MIN_WALK_BREAK_S = 30.0
MIN_WALK_BREAKS = 3
MIN_RUN_STRETCH_S = 20.0  # running shorter than this inside a break does not end it
RUN_WALK_FAST_FACTOR = 1.15  # running this much faster than easy pace: interval recoveries
RELATIVE_WALK_FACTOR = 0.75
MIN_WALK_SHARE = 0.10  # of the moving time
MIN_BREAKS_SPREAD = 0.5  # first to last break, as a share of the run: not a walk-jog cool-down
# Race and tempo by heart rate, as fractions of the maximum.
RACE_HR_FRACTION = 0.88
RACE_MIN_S = 15 * 60
TEMPO_HR_FRACTION = 0.80
TEMPO_MIN_S = 20 * 60
TEMPO_SPEED_FACTOR = 1.10
TEMPO_HR_MIN_SPEED_FACTOR = 1.05
TEMPO_MAX_CV = 0.10
# Intervals: fast stretches against the run's median moving speed.
SMOOTH_WINDOW_S = 31.0
RAW_SPEED_S = 4.0  # speed is distance over this long, before the rolling medians
ELEVATION_WINDOW_S = 15.0
INTERVAL_FAST_FACTOR = 1.15
INTERVAL_SLOW_RATIO = 1.25
INTERVAL_MIN_S, INTERVAL_MAX_S = 30.0, 600.0
INTERVAL_MERGE_S = 10.0
INTERVAL_MIN_GAIN_M_S = 0.4  # and at least this much faster: ~1:00/km at 5:00/km
MIN_REPEATS = 4
# The same pattern in heart rate, which moves less and lags.
HR_FAST_FACTOR = 1.04
HR_SLOW_RATIO = 1.08
HR_INTERVAL_MIN_S = 45.0
# Sprints.
FINE_WINDOW_S = 7.0
SPRINT_FACTOR = 1.4
SPRINT_MIN_S, SPRINT_MAX_S = 8.0, 30.0
SPRINT_MIN_GAIN_M_S = 1.0
SPRINT_MIN_CADENCE_GAIN = 8.0  # steps/min above the run's usual running cadence
MIN_SPRINTS = 4
DOWNHILL_GRADE = 0.03  # a fast stretch losing height faster than this is gravity's work
# Long.
LONG_FACTOR = 1.5
LONG_MIN_S = 75 * 60
LONG_WITHOUT_HISTORY_S = 90 * 60
MIN_HISTORY = 5
# Streams: analysed on a regular grid of at most this many samples.
MAX_GRID = 20_000
MIN_SPAN_S = 60.0
MAX_SPAN_S = 48 * 3600.0

_RACE_WORDS = re.compile(
    r"\b(races?|raced|racing|parkruns?|(half|ultra)?[- ]?marathons?|time[- ]trials?)\b",
    re.IGNORECASE,
)
_NOT_A_RACE = re.compile(
    r"\b(pace|paced|pacing|training|train|prep|practice|recce|plan|week|volunteer\w*|"
    r"marshal\w*|spectat\w*|cheer\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RunFacts:
    """What classification needs from a run's summary: a stored Run or a file being read."""

    sport: str
    elapsed_s: float
    moving_s: float | None = None
    distance_m: float | None = None
    avg_hr: float | None = None
    name: str = ""
    notes: str = ""
    laps: Sequence[Mapping[str, Any]] = ()  # as Run.laps: elapsed_s, distance_m

    @property
    def duration_s(self) -> float:
        return float(self.moving_s or self.elapsed_s or 0.0)

    @property
    def speed_m_s(self) -> float | None:
        if not self.distance_m or self.duration_s <= 0:
            return None
        return self.distance_m / self.duration_s


@dataclass(frozen=True)
class History:
    """What a person's earlier runs tell: computed once per import or batch, never per run."""

    median_duration_s: float | None = None  # moving time of their runs
    easy_speed_m_s: float | None = None  # median speed of their easy and long runs
    max_hr: float | None = None  # the profile's, else the 95th percentile of run maxima

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[str, str, float | None, float | None, float | None, float | None]],
        profile_max_hr: float | None = None,
    ) -> History:
        """From (sport, run_type, elapsed_s, moving_s, distance_m, max_hr) of earlier runs.

        Only running counts (a person's walks say nothing about their runs), and
        each figure needs MIN_HISTORY runs before it is trusted.
        """
        durations, speeds, maxima = [], [], []
        for sport, run_type, elapsed, moving, distance, max_hr in rows:
            if sport != "running" or run_type in (RunType.WALK, RunType.RUN_WALK):
                continue
            duration = moving or elapsed or 0.0
            if duration > 0:
                durations.append(duration)
                if distance and run_type in ("", RunType.EASY, RunType.LONG):
                    speeds.append(distance / duration)
            if max_hr:
                maxima.append(max_hr)
        return cls(
            median_duration_s=_median_of(durations),
            easy_speed_m_s=_median_of(speeds),
            max_hr=float(profile_max_hr) if profile_max_hr else _percentile_of(maxima, 95),
        )


NO_HISTORY = History()


def _median_of(values: list[float]) -> float | None:
    return float(np.median(values)) if len(values) >= MIN_HISTORY else None


def _percentile_of(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if len(values) >= MIN_HISTORY else None


# --- signals on a regular grid ----------------------------------------------------------


def _rolling_median(values: FloatArray, window: int) -> FloatArray:
    """Centred rolling median: keeps the edges of steps sharp, drops spikes under window/2."""
    if window < 3 or values.size < window:
        return values
    half = window // 2
    padded = np.pad(values, half, mode="edge")
    return np.asarray(np.median(sliding_window_view(padded, 2 * half + 1), axis=1))


def _rolling_mean(values: FloatArray, window: int) -> FloatArray:
    if window < 2 or values.size < window:
        return values
    half = window // 2
    sums = np.concatenate(([0.0], np.cumsum(np.pad(values, half, mode="edge"))))
    return np.asarray((sums[2 * half + 1 :] - sums[: -2 * half - 1]) / (2 * half + 1))


def _runs(mask: BoolArray) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Starts and (exclusive) stops of the stretches where ``mask`` holds."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _close_gaps(mask: BoolArray, samples: int) -> BoolArray:
    """``mask`` with inner gaps shorter than ``samples`` filled in."""
    starts, stops = _runs(~mask)
    short = (starts > 0) & (stops < mask.size) & (stops - starts < samples)
    edges = np.zeros(mask.size + 1, dtype=np.int64)
    edges[starts[short]] += 1
    edges[stops[short]] -= 1
    return np.asarray(mask | (np.cumsum(edges[:-1]) > 0))


def _odd(samples: float) -> int:
    """A window length in samples, odd so that it has a centre."""
    return round(samples) | 1


def _raw_speed(at: FloatArray, step: float) -> FloatArray:
    """m/s from metres on the grid, over RAW_SPEED_S: devices that count whole metres
    would otherwise give 2, 3, 2, 2, 3 m/s at a steady 2.4."""
    half = max(1, round(RAW_SPEED_S / step / 2))
    ahead, behind = np.roll(at, -half), np.roll(at, half)
    ahead[-half:], behind[:half] = at[-1], at[0]
    return np.asarray((ahead - behind) / (2 * half * step))


@dataclass(frozen=True)
class _Signal:
    """A run's streams on a regular grid; None where the file did not record it."""

    step: float  # seconds between samples
    speed: FloatArray | None  # m/s, FINE_WINDOW_S rolling median
    smooth: FloatArray | None  # m/s, SMOOTH_WINDOW_S rolling median
    ele: FloatArray | None
    hr: FloatArray | None
    cad: FloatArray | None  # steps/min, FINE_WINDOW_S rolling median

    def samples(self, seconds: float) -> int:
        return max(1, round(seconds / self.step))

    @classmethod
    def of(cls, streams: Streams) -> _Signal | None:
        """None for runs without times, under a minute, or over two days (a stuck clock)."""
        along = metrics.distance_along(streams) if len(streams) > 1 else None
        if along is None:
            return None
        t, cum = along
        span = float(t[-1] - t[0])
        if not MIN_SPAN_S <= span <= MAX_SPAN_S:
            return None
        step = max(1.0, span / MAX_GRID)
        grid = np.arange(t[0], t[-1], step)

        def on_grid(values: FloatArray) -> FloatArray | None:
            ok = np.isfinite(values)
            if ok.sum() < max(2, 0.2 * values.size):
                return None
            return np.asarray(np.interp(grid, t[ok], values[ok]))

        raw = _raw_speed(np.interp(grid, t, cum), step) if cum is not None else None
        ele, cad = on_grid(streams.ele), on_grid(streams.cad)
        return cls(
            step=step,
            speed=_rolling_median(raw, _odd(FINE_WINDOW_S / step)) if raw is not None else None,
            smooth=_rolling_median(raw, _odd(SMOOTH_WINDOW_S / step)) if raw is not None else None,
            ele=_rolling_mean(ele, _odd(ELEVATION_WINDOW_S / step)) if ele is not None else None,
            hr=on_grid(np.where(streams.hr > 0, streams.hr, np.nan)),  # 0 bpm is no reading
            cad=_rolling_median(cad, _odd(FINE_WINDOW_S / step)) if cad is not None else None,
        )

    def gait(self, *, relative: bool = False) -> tuple[BoolArray, BoolArray] | None:
        """(moving, running) at every sample; None without speed or cadence.

        Cadence decides when recorded. Without it, speed does: 7 km/h, or with
        ``relative`` also under RELATIVE_WALK_FACTOR x the run's median moving
        speed, so a jogger at 7.5 km/h who slows on a hill is not "walking".
        """
        if self.speed is None and self.cad is None:
            return None
        cad = self.cad
        if self.speed is not None:
            moving = self.speed >= STOP_SPEED_M_S
            limit = WALK_SPEED_M_S
            if relative and moving.any():
                limit = min(limit, RELATIVE_WALK_FACTOR * float(np.median(self.speed[moving])))
            running = self.speed >= limit
        else:
            assert cad is not None
            moving = cad >= STEP_CADENCE_SPM
            running = np.zeros(moving.size, dtype=bool)
        if cad is not None:  # steps tell walking from running better than speed does
            running = cad >= RUN_CADENCE_SPM
        return moving, running & moving

    def downhill(self, a: int, b: int) -> bool:
        if self.ele is None or self.speed is None:
            return False
        metres = float(self.speed[a:b].sum() * self.step)
        return metres > 0 and (self.ele[a] - self.ele[b - 1]) / metres > DOWNHILL_GRADE


# --- the rules -------------------------------------------------------------------------


def named_race(name: str, notes: str = "") -> bool:
    text = f"{name}\n{notes}"
    return bool(_RACE_WORDS.search(text)) and not _NOT_A_RACE.search(text)


def _running_share(gait: tuple[BoolArray, BoolArray] | None) -> float | None:
    if gait is None:
        return None
    moving, running = gait
    return float(running.sum() / moving.sum()) if moving.any() else None


def _is_walk(facts: RunFacts, signal: _Signal | None) -> bool:
    share = _running_share(signal.gait() if signal else None)
    speed = facts.speed_m_s
    if speed is not None:
        return speed < WALK_SPEED_M_S and (share is None or share < WALK_MAX_RUNNING_SHARE)
    # No distance (a treadmill without a foot pod): only steps can tell.
    steps_counted = signal is not None and signal.cad is not None
    return steps_counted and share is not None and share < WALK_MAX_RUNNING_SHARE


def _walk_breaks(signal: _Signal, moving: BoolArray, running: BoolArray) -> list[tuple[int, int]]:
    """Stretches without running, with >= MIN_WALK_BREAK_S of walking, between running."""
    resting = _close_gaps(~running, signal.samples(MIN_RUN_STRETCH_S))
    walking_s = np.concatenate(([0.0], np.cumsum(moving & ~running))) * signal.step
    starts, stops = _runs(resting)
    return [
        (int(a), int(b))
        for a, b in zip(starts, stops, strict=True)
        if a > 0 and b < resting.size and walking_s[b] - walking_s[a] >= MIN_WALK_BREAK_S
    ]


def _is_run_walk(signal: _Signal, history: History) -> bool:
    """Walking breaks, enough of them, walking a real part of the time, all through the run."""
    gait = signal.gait(relative=True)
    if gait is None:
        return False
    moving, running = gait
    breaks = _walk_breaks(signal, moving, running)
    if len(breaks) < MIN_WALK_BREAKS or not moving.any():
        return False
    walking = moving & ~running
    if walking.sum() < MIN_WALK_SHARE * moving.sum():
        return False
    if breaks[-1][1] - breaks[0][0] < MIN_BREAKS_SPREAD * moving.size:
        return False
    easy = history.easy_speed_m_s
    if easy and signal.speed is not None and running.any():
        return float(np.median(signal.speed[running])) < RUN_WALK_FAST_FACTOR * easy
    return True


def _hard_throughout(facts: RunFacts, max_hr: float | None) -> bool:
    return bool(
        max_hr
        and facts.avg_hr
        and facts.duration_s >= RACE_MIN_S
        and facts.avg_hr >= RACE_HR_FRACTION * max_hr
    )


def _fast_stretches(
    values: FloatArray,
    reference: float,
    margin: tuple[float, float],
    signal: _Signal,
    bounds: tuple[float, float],
) -> list[tuple[int, int]]:
    """Stretches at >= factor x reference and >= reference + extra (``margin``), lasting
    within ``bounds`` seconds, and not downhill."""
    factor, extra = margin
    fast = values >= max(factor * reference, reference + extra)
    merge = signal.samples(INTERVAL_MERGE_S if bounds[0] >= INTERVAL_MIN_S else 2.0)
    starts, stops = _runs(_close_gaps(fast, merge))
    return [
        (int(a), int(b))
        for a, b in zip(starts, stops, strict=True)
        if bounds[0] <= (b - a) * signal.step <= bounds[1] and not signal.downhill(a, b)
    ]


def _repeats(values: FloatArray, stretches: list[tuple[int, int]], ratio: float) -> int:
    """The longest chain of fast stretches, each two separated by a clearly slower one."""
    best = chain = 1 if stretches else 0
    for (a0, b0), (a1, b1) in pairwise(stretches):
        fast = min(values[a0:b0].mean(), values[a1:b1].mean())
        chain = chain + 1 if values[b0:a1].mean() * ratio <= fast else 1
        best = max(best, chain)
    return best


def _lap_repeats(laps: Sequence[Mapping[str, Any]]) -> int:
    """The same chain in laps (a watch's structured workout makes each repeat a lap)."""
    timed = [
        (float(lap["distance_m"]) / float(lap["elapsed_s"]), float(lap["elapsed_s"]))
        for lap in laps
        if lap.get("elapsed_s") and lap.get("distance_m") is not None
    ]
    if len(timed) < 2 * MIN_REPEATS - 1:
        return 0
    speed = np.array([lap_speed for lap_speed, _ in timed])
    reference = float(np.median(speed))
    fast = [
        i
        for i, (lap_speed, seconds) in enumerate(timed)
        if lap_speed >= INTERVAL_FAST_FACTOR * reference
        and INTERVAL_MIN_S <= seconds <= INTERVAL_MAX_S
    ]
    best = chain = 1 if fast else 0
    for i, j in pairwise(fast):
        between = speed[i + 1 : j]
        slower = between.size > 0 and between.max() * INTERVAL_SLOW_RATIO <= min(speed[i], speed[j])
        chain = chain + 1 if slower else 1
        best = max(best, chain)
    return best


def _has_intervals(facts: RunFacts, signal: _Signal | None) -> bool:
    if _lap_repeats(facts.laps) >= MIN_REPEATS:
        return True
    if signal is None:
        return False
    if signal.smooth is not None:
        moving = signal.smooth[signal.smooth >= STOP_SPEED_M_S]
        if moving.size == 0:
            return False
        bounds = (INTERVAL_MIN_S, INTERVAL_MAX_S)
        margin = (INTERVAL_FAST_FACTOR, INTERVAL_MIN_GAIN_M_S)
        fast = _fast_stretches(signal.smooth, float(np.median(moving)), margin, signal, bounds)
        return _repeats(signal.smooth, fast, INTERVAL_SLOW_RATIO) >= MIN_REPEATS
    if signal.hr is not None:  # no speed at all: the heart shows the repeats
        hr = _rolling_median(signal.hr, _odd(SMOOTH_WINDOW_S / signal.step))
        bounds = (HR_INTERVAL_MIN_S, INTERVAL_MAX_S)
        fast = _fast_stretches(hr, float(np.median(hr)), (HR_FAST_FACTOR, 0.0), signal, bounds)
        return _repeats(hr, fast, HR_SLOW_RATIO) >= MIN_REPEATS
    return False


def _has_sprints(signal: _Signal) -> bool:
    if signal.speed is None:
        return False
    moving = signal.speed[signal.speed >= STOP_SPEED_M_S]
    if moving.size == 0:
        return False
    margin = (SPRINT_FACTOR, SPRINT_MIN_GAIN_M_S)
    bounds = (SPRINT_MIN_S, SPRINT_MAX_S)
    bursts = _fast_stretches(signal.speed, float(np.median(moving)), margin, signal, bounds)
    cad = signal.cad
    if cad is not None:  # a real sprint quickens the steps; GPS noise does not
        running = cad[cad >= RUN_CADENCE_SPM]
        usual = float(np.median(running if running.size else cad))
        bursts = [(a, b) for a, b in bursts if cad[a:b].mean() >= usual + SPRINT_MIN_CADENCE_GAIN]
    return len(bursts) >= MIN_SPRINTS


def _is_long(facts: RunFacts, history: History) -> bool:
    if history.median_duration_s:
        return facts.duration_s >= max(LONG_MIN_S, LONG_FACTOR * history.median_duration_s)
    return facts.duration_s >= LONG_WITHOUT_HISTORY_S


def _has_tempo(signal: _Signal, history: History) -> bool:
    need = signal.samples(TEMPO_MIN_S)
    easy = history.easy_speed_m_s
    if history.max_hr and signal.hr is not None:
        hr = _rolling_mean(signal.hr, signal.samples(60))
        hard = _close_gaps(hr >= TEMPO_HR_FRACTION * history.max_hr, signal.samples(60))
        starts, stops = _runs(hard)
        for a, b in zip(starts, stops, strict=True):
            if b - a < need:
                continue
            if not easy or signal.smooth is None:
                return True
            if np.median(signal.smooth[a:b]) >= TEMPO_HR_MIN_SPEED_FACTOR * easy:
                return True
    if easy and signal.smooth is not None:
        quick = _close_gaps(signal.smooth >= TEMPO_SPEED_FACTOR * easy, signal.samples(30))
        starts, stops = _runs(quick)
        for a, b in zip(starts, stops, strict=True):
            part = signal.smooth[a:b]
            if b - a >= need and part.std() < TEMPO_MAX_CV * part.mean():
                return True
    return False


def classify(facts: RunFacts, streams: Streams | None, history: History = NO_HISTORY) -> RunType:
    """The type of one run, by the rules in this module's docstring (first match wins)."""
    if facts.sport in WALK_SPORTS:
        return RunType.WALK
    if named_race(facts.name, facts.notes):
        return RunType.RACE
    signal = _Signal.of(streams) if streams is not None else None
    if _is_walk(facts, signal):
        return RunType.WALK
    if signal is not None and _is_run_walk(signal, history):
        return RunType.RUN_WALK
    if _hard_throughout(facts, history.max_hr):
        return RunType.RACE
    if _has_intervals(facts, signal):
        return RunType.INTERVALS
    if signal is not None and _has_sprints(signal):
        return RunType.SPRINTS
    if _is_long(facts, history):
        return RunType.LONG
    if signal is not None and _has_tempo(signal, history):
        return RunType.TEMPO
    return RunType.EASY


def automatic_type(facts: RunFacts, streams: Streams | None, history: History = NO_HISTORY) -> str:
    """The value to store: a type for foot sports, "" for rides, swims and the rest."""
    return classify(facts, streams, history).value if facts.sport in CLASSIFIED_SPORTS else ""


# --- indoors -------------------------------------------------------------------------------

# FIT sub-sports (as importers.fit names them) that happen indoors.
INDOOR_SUB_SPORTS = frozenset(
    {
        "treadmill",
        "indoor_running",
        "indoor_walking",
        "indoor_cycling",
        "spin",
        "virtual_activity",
        "indoor_rowing",
        "elliptical",
        "stair_climbing",
        "indoor_skiing",
    }
)
_INDOOR_WORDS = re.compile(r"\b(treadmill|indoors?)\b", re.IGNORECASE)
# A phone left on a treadmill's console records positions within a few tens of
# metres; the farthest points of a 400 m track are ~78 m from its centre.
TREADMILL_RADIUS_M = 50.0
TREADMILL_MIN_DISTANCE_M = 1000.0


def named_indoor(name: str) -> bool:
    return bool(_INDOOR_WORDS.search(name))


def is_indoor(
    *,
    name: str,
    sub_sport: str = "",
    streams: Streams | None = None,
    distance_m: float | None = None,
    sport: str = "running",
) -> bool:
    """Indoors when the file says so (FIT sub-sport), the name says treadmill or indoor(s),
    or the streams do: samples with no position at all while distance or steps were
    counted (a foot pod, a trainer), or every position within TREADMILL_RADIUS_M
    of the middle while the distance passes a kilometre. Swims are left alone: a
    pool without GPS may be outdoors, and FIT says "lap_swimming" either way."""
    if sub_sport in INDOOR_SUB_SPORTS or named_indoor(name) or named_indoor(sub_sport):
        return True
    if streams is None or len(streams) == 0 or sport == "swimming":
        return False
    has = np.isfinite(streams.lat) & np.isfinite(streams.lon)
    if not has.any():
        counted = bool(np.nanmax(streams.cad, initial=0.0) > 0)
        return bool(distance_m and distance_m > 0) or counted
    if (distance_m or 0.0) < TREADMILL_MIN_DISTANCE_M or has.sum() < 10:
        return False
    lat, lon = streams.lat[has], streams.lon[has]
    spread = geo.distance_m(lat, lon, np.median(lat), np.median(lon))
    return float(np.percentile(spread, 95)) < TREADMILL_RADIUS_M
