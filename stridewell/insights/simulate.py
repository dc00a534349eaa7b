"""Synthetic people with known effects, to check the insight statistics by simulation.

One call to :func:`simulate_user` makes the raw frames a real person would
leave behind (check-ins, runs, questionnaire responses) plus a
:class:`Truth` that says what each insight question *should* find. Nothing
here touches Django or the database.

The model, for calendar day ``t`` in standard-deviation (SD) units::

    level_t = w(weekday_t) + a_t + effect · ran_t + after · ran_{t-1}
    a_t     = φ a_{t-1} + u_t,   u_t ~ N(0, 1 - φ²)      (so SD(a_t) = 1)
    w(d)    = A cos(2π (d - 5) / 7)                       (peaks on Saturday)

"One SD" is the SD of a person's day-to-day mood ``a_t``. A daily check-in
records ``level_t``; a before/after pair on a run day records
``level_t ∓ change/2`` plus independent within-day noise, so every kind of
check-in averages to ``level_t`` and the daily mean is unbiased whichever
check-ins a day happens to have. Runs fall on random days: independent
draws with probability ``run_prob`` (plus ``weekend_run_boost`` on Saturday
and Sunday), optionally more likely after a good day
(``logit P(ran_t) += mood_dependence · a_{t-1}``).

Feelings are **rounded to integers and clipped to −5 … 5**, as the app stores
them. Rounding does not move the truth: the run-day difference of
``E[round(c + s·x)]`` equals ``s · effect`` up to
``exp(-2π² σ²) / π`` (the first Fourier term of rounding a normal with SD
σ), and σ here is at least the innovation SD ``1.2 √(1 - φ²)`` points (even
given yesterday's mood), so for φ ≤ 0.6 the error is below 1e-7.
Clipping would move it, so the scale is centred (``centre`` = 0.5 points,
1 SD = 1.2 points) to keep clipped check-ins rare (well under 1%; counted in
``Truth.clipped``) and their effect on the truth below 0.005 points. Pass
``rounded=False`` for continuous, unclipped feelings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.signal import lfilter
from scipy.special import expit, logit

__all__ = ["RUN_ATTRIBUTE_QUESTIONS", "RUN_TYPES", "Truth", "ar1", "simulate_user"]

FloatArray = npt.NDArray[np.float64]

RUN_TYPES = ("easy", "long", "tempo", "intervals", "sprints", "race", "run_walk", "walk")
_TYPE_WEIGHTS = np.array([0.40, 0.12, 0.10, 0.08, 0.03, 0.02, 0.10, 0.15])
_TYPE_MINUTES = np.array([35.0, 85.0, 40.0, 45.0, 30.0, 50.0, 30.0, 40.0])
_TYPE_INTENSITY = np.array([2.0, 2.5, 4.0, 4.5, 4.5, 4.5, 2.0, 1.0])
# Questionnaires every two weeks: (instrument, score at average mood, points per SD, maximum).
_INSTRUMENTS = (("phq9", 6.0, -3.0, 27.0), ("gad7", 5.0, -2.5, 21.0), ("who5", 56.0, 12.0, 100.0))
QUESTIONNAIRE_EVERY = 14
FEELING_MIN, FEELING_MAX = -5.0, 5.0
RUN_ATTRIBUTE_QUESTIONS = ("dose", "run_type", "with_others", "time_of_day", "setting")
DEFAULT_START = pd.Timestamp("2025-01-06")  # a Monday; each user starts 0-6 days later
_DAY_TAGS = np.array(["work", "sleep", "family", "weather", "stress"])
_SOCIAL_TAGS = np.array(["with friends", "group run", "parkrun"])
# Order within a day: the daily check-in comes in the evening, after any run.
_KIND_ORDER = {"before_run": 0, "after_run": 1, "daily": 2}


@dataclass(frozen=True, slots=True)
class Truth:
    """What the simulated person is really like, on the scale the questions report.

    ``estimands`` maps a question id to the value its estimate should
    converge to (feeling points, or an odds ratio for ``mood_to_running``);
    ``None`` when the association has no closed form here (e.g. runs that
    follow good days confound the run-day comparison). ``global_null`` is
    true when running and feeling are unrelated in every direction, so every
    question, present or future, is a true null.
    """

    estimands: dict[str, float | None]
    global_null: bool
    phi: float
    scale: float
    mood: FloatArray = field(repr=False)  # a_t, one per calendar day from the first day
    ran: FloatArray = field(repr=False)
    clipped: int = 0
    checkins: int = 0

    def is_null(self, question_id: str) -> bool:
        """Whether ``question_id`` has no true effect (unknown ids: only in a global null)."""
        if question_id in self.estimands:
            value = self.estimands[question_id]
            no_effect = 1.0 if question_id == "mood_to_running" else 0.0
            return value is not None and value == no_effect
        return self.global_null


def ar1(rng: np.random.Generator, n: int, phi: float) -> FloatArray:
    """Stationary Gaussian AR(1) with marginal SD 1: ``a_t = φ a_{t-1} + u_t``, ``u ~ N(0, 1-φ²)``.

    ``a_0`` is drawn from the stationary N(0, 1), so there is no burn-in.
    """
    if not -1.0 < phi < 1.0:
        raise ValueError("phi must be in (-1, 1) for a stationary series")
    u = rng.normal(0.0, math.sqrt(1.0 - phi**2), n)
    u[0] = rng.normal(0.0, 1.0)
    return np.asarray(lfilter([1.0], [1.0, -phi], u), dtype=np.float64)


def _run_draws(
    rng: np.random.Generator,
    weekday: npt.NDArray[np.int64],
    mood_yesterday: FloatArray,
    run_prob: float,
    weekend_run_boost: float,
    mood_dependence: float,
) -> FloatArray:
    """0/1 per day: independent given the weekday and yesterday's mood."""
    base = np.clip(run_prob + weekend_run_boost * (weekday >= 5), 1e-6, 1 - 1e-6)
    p = expit(logit(base) + mood_dependence * mood_yesterday)
    return (rng.random(weekday.size) < p).astype(np.float64)


def _to_feeling(
    x: FloatArray, centre: float, scale: float, rounded: bool
) -> tuple[FloatArray, int]:
    """SD units → feeling points; rounded and clipped like stored check-ins (count clipped)."""
    points = centre + scale * x
    if not rounded:
        return points, 0
    whole = np.round(points)
    clipped = int(((whole < FEELING_MIN) | (whole > FEELING_MAX)).sum())
    return np.clip(whole, FEELING_MIN, FEELING_MAX) + 0.0, clipped  # + 0.0: no -0.0


def _runs_frame(rng: np.random.Generator, dates: pd.DatetimeIndex, ran: FloatArray) -> pd.DataFrame:
    run_days = dates[ran > 0]
    n = len(run_days)
    kinds = rng.choice(len(RUN_TYPES), size=n, p=_TYPE_WEIGHTS / _TYPE_WEIGHTS.sum())
    minutes = rng.integers(6 * 60, 20 * 60, size=n)
    intensity = np.clip(np.round(_TYPE_INTENSITY[kinds] + rng.normal(0, 0.6, n)), 1, 5)
    intensity[rng.random(n) < 0.3] = np.nan  # no heart rate and no exertion recorded
    return pd.DataFrame(
        {
            "run_id": np.arange(1, n + 1, dtype=np.int64),
            "start": run_days + pd.to_timedelta(minutes, unit="min"),
            "duration_min": np.round(_TYPE_MINUTES[kinds] * rng.lognormal(0, 0.25, n), 1),
            "intensity": intensity,
            "run_type": [RUN_TYPES[k] for k in kinds],
            "indoor": rng.random(n) < 0.1,
        }
    )


def _checkin_rows(
    rng: np.random.Generator,
    dates: pd.DatetimeIndex,
    level: FloatArray,
    runs: pd.DataFrame,
    *,
    missing: float,
    change_sd: float,
    pair_prob: float,
    pair_noise_sd: float,
) -> pd.DataFrame:
    """Check-ins in SD units (column ``x``): daily ones, and before/after pairs for some runs."""
    daily = rng.random(len(dates)) >= missing
    frames = [
        pd.DataFrame({"date": dates[daily], "kind": "daily", "x": level[daily], "run_id": np.nan})
    ]
    paired = runs[rng.random(len(runs)) < pair_prob]
    day = dates.get_indexer(paired["start"].dt.normalize())
    for kind, sign in (("before_run", -0.5), ("after_run", 0.5)):
        noise = rng.normal(0.0, pair_noise_sd, len(paired))
        x = level[day] + sign * change_sd + noise
        frames.append(
            pd.DataFrame({"date": dates[day], "kind": kind, "x": x, "run_id": paired["run_id"]})
        )
    rows = pd.concat(frames, ignore_index=True)
    rows["order"] = rows["kind"].map(_KIND_ORDER)
    rows = rows.sort_values(["date", "order"], kind="stable", ignore_index=True)
    return rows.drop(columns="order")


def _tags(rng: np.random.Generator, kinds: npt.NDArray[np.str_]) -> list[list[str]]:
    """A few everyday tags; each run check-in says "with others" with chance 0.3 (half of pairs)."""
    out = []
    for kind, k in zip(kinds, np.minimum(rng.poisson(0.4, kinds.size), 3), strict=True):
        tags = [str(t) for t in rng.choice(_DAY_TAGS, size=k, replace=False)]
        if kind != "daily" and rng.random() < 0.3:
            tags.append(str(rng.choice(_SOCIAL_TAGS)))
        out.append(tags)
    return out


def _checkins_frame(
    rng: np.random.Generator, rows: pd.DataFrame, centre: float, scale: float, rounded: bool
) -> tuple[pd.DataFrame, int]:
    feeling, clipped = _to_feeling(rows["x"].to_numpy(np.float64), centre, scale, rounded)
    frame = pd.DataFrame(
        {
            "date": rows["date"].to_numpy(),
            "kind": rows["kind"].to_numpy(),
            "feeling": feeling,
            "run_id": rows["run_id"].to_numpy(float),
            "tags": _tags(rng, rows["kind"].to_numpy(str)),
        }
    )
    return frame, clipped


def _responses_frame(
    rng: np.random.Generator, dates: pd.DatetimeIndex, mood: FloatArray
) -> pd.DataFrame:
    """Every two weeks, questionnaires that track the mean mood ``a_t`` of those two weeks.

    They follow ``a_t`` only (not the run effects), so no question relating
    questionnaires to running has a true effect unless runs follow mood.
    """
    rows = []
    for end in range(QUESTIONNAIRE_EVERY - 1, len(dates), QUESTIONNAIRE_EVERY):
        recent = float(mood[end - QUESTIONNAIRE_EVERY + 1 : end + 1].mean())
        for name, middle, per_sd, top in _INSTRUMENTS:
            score = middle + per_sd * recent + rng.normal(0.0, abs(per_sd) * 0.5)
            rows.append((dates[end], name, float(np.clip(np.round(score), 0.0, top))))
    return pd.DataFrame(rows, columns=["date", "instrument", "score"]).astype({"score": float})


def _estimands(
    scale: float,
    effect_sd: float,
    day_after_sd: float,
    change_sd: float,
    *,
    weekly_amplitude: float,
    weekend_run_boost: float,
    mood_dependence: float,
) -> tuple[dict[str, float | None], bool]:
    """Closed-form targets of the questions (see the module docstring), and the global null."""
    runs_follow_mood = mood_dependence != 0.0
    moves_days = effect_sd != 0.0 or day_after_sd != 0.0
    # Running today tracks yesterday's feeling through the calendar when both have a weekly
    # rhythm (or when a weekday-dependent run yesterday moved yesterday's feeling).
    calendar_link = weekend_run_boost != 0.0 and (weekly_amplitude != 0.0 or moves_days)
    estimands: dict[str, float | None] = {
        "run_vs_rest": None if runs_follow_mood else scale * effect_sd,
        "day_after": None if runs_follow_mood else scale * day_after_sd,
        "before_after": scale * change_sd,
        "mood_to_running": None if runs_follow_mood or calendar_link else 1.0,
        # Break days and load days are also run-free or run-heavy days, so run-day effects
        # move them; without those, neither has any link to feeling.
        "breaks": None if runs_follow_mood or moves_days else 0.0,
        "training_load": None if runs_follow_mood or moves_days else 0.0,
        # Questionnaires follow mood only, so only mood-driven running links them to volume.
        "questionnaires": None if runs_follow_mood else 0.0,
    }
    # The change across a run never depends on the run's length, kind, company, hour or place.
    estimands.update(dict.fromkeys(RUN_ATTRIBUTE_QUESTIONS, 0.0))
    effects = (effect_sd, day_after_sd, change_sd, mood_dependence)
    return estimands, all(v == 0.0 for v in effects)


def simulate_user(
    rng: np.random.Generator,
    *,
    days: int = 120,
    effect_sd: float = 0.0,
    day_after_sd: float = 0.0,
    change_sd: float = 0.0,
    phi: float = 0.3,
    weekly_amplitude: float = 0.3,
    missing: float = 0.2,
    run_prob: float = 0.45,
    weekend_run_boost: float = 0.0,
    mood_dependence: float = 0.0,
    pair_prob: float = 0.6,
    pair_noise_sd: float = 0.5,
    scale: float = 1.2,
    centre: float = 0.5,
    rounded: bool = True,
    start: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, Truth]:
    """One synthetic person: ``(checkins, runs, responses, truth)`` over ``days`` calendar days.

    Effects are in SD units of day-to-day mood (see the module docstring):
    ``effect_sd`` on run days, ``day_after_sd`` on the day after a run,
    ``change_sd`` from just before to just after a run. ``missing`` is the
    chance a day has no daily check-in; ``pair_prob`` the chance a run has a
    before/after pair. Frames follow the contract of
    :func:`stridewell.insights.data.build_user_data`.
    """
    first = (DEFAULT_START if start is None else start) + pd.Timedelta(days=int(rng.integers(7)))
    dates = pd.date_range(first, periods=days, freq="D")
    weekday = np.asarray(dates.day_of_week, dtype=np.int64)
    a = ar1(rng, days + 1, phi)  # a[0] is the day before the first, for mood-driven running
    ran = _run_draws(rng, weekday, a[:-1], run_prob, weekend_run_boost, mood_dependence)
    mood = a[1:]
    ran_yesterday = np.concatenate([[0.0], ran[:-1]])
    weekly = weekly_amplitude * np.cos(2 * np.pi * (weekday - 5) / 7)
    level = weekly + mood + effect_sd * ran + day_after_sd * ran_yesterday
    runs = _runs_frame(rng, dates, ran)
    rows = _checkin_rows(
        rng, dates, level, runs,
        missing=missing, change_sd=change_sd, pair_prob=pair_prob, pair_noise_sd=pair_noise_sd,
    )  # fmt: skip
    checkins, clipped = _checkins_frame(rng, rows, centre, scale, rounded)
    estimands, global_null = _estimands(
        scale, effect_sd, day_after_sd, change_sd,
        weekly_amplitude=weekly_amplitude, weekend_run_boost=weekend_run_boost,
        mood_dependence=mood_dependence,
    )  # fmt: skip
    truth = Truth(estimands, global_null, phi, scale, mood, ran, clipped, len(checkins))
    return checkins, runs, _responses_frame(rng, dates, mood), truth
