"""Questions about runs themselves, from the change in feeling across each run.

The change is ``after − before`` for runs with a check-in on both sides. The
paired question uses all of them; the others split or order them by the run's
duration, intensity, type, company, time of day or setting.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from stridewell.insights import stats
from stridewell.insights.core import (
    Computed,
    UserData,
    ci,
    difference,
    frame,
    group_shortfall,
    mean_ci,
    mean_of,
    more,
    plural,
    rounded,
    two_groups_chart,
)

MIN_PAIRS = 10
MIN_EACH = 5  # runs on each side of a two-way comparison
MIN_PER_TYPE = 3
DOSE_STEP_MIN = 10.0  # the duration effect is told per 10 minutes
MORNING_BEFORE_HOUR = 12
TYPE_LABELS = {
    "easy": "easy runs", "long": "long runs", "tempo": "tempo runs",
    "intervals": "interval sessions", "sprints": "sprint sessions", "race": "races",
    "run_walk": "run-walks", "walk": "walks",
}  # fmt: skip


def _changes(data: UserData) -> pd.DataFrame:
    return data.runs[data.runs["change"].notna()]


def pairs_count(data: UserData) -> int:
    return len(_changes(data))


def pairs_shortfall(data: UserData) -> str:
    short = MIN_PAIRS - len(_changes(data))
    return more(short, "run") + " with a check-in both before and after" if short > 0 else ""


# --------------------------------------------------------------------------- #
# Before vs after a run (paired)
# --------------------------------------------------------------------------- #


def before_after_compute(data: UserData) -> Computed:
    before = data.pairs["before"].to_numpy(float)
    after = data.pairs["after"].to_numpy(float)
    chart = {
        "type": "paired",
        "labels": ["Before", "After"],
        "pairs": [[b, a] for b, a in zip(rounded(before[-80:]), rounded(after[-80:]), strict=True)],
        "means": [mean_of(data.pairs["before"]), mean_of(data.pairs["after"])],
        "count": len(data.pairs),
        "y_range": [-5, 5],
    }
    extra = {"hedges_g_av": stats.hedges_g_av(before, after)}
    return Computed(stats.paired_change(before, after), chart, extra)


def before_after_count(data: UserData) -> int:
    return len(data.pairs)


def before_after_shortfall(data: UserData) -> str:
    short = MIN_PAIRS - len(data.pairs)
    return more(short, "run") + " with a check-in both before and after" if short > 0 else ""


def describe_before_after(c: Computed, pattern: bool) -> str:
    est = c.estimate
    g = c.extra.get("hedges_g_av", math.nan)
    body = (
        f"After a run, your feeling was on average {difference(est.effect, 'just before it')} "
        f"({ci(est)}; {plural(est.n, 'run')}; effect size g = {g:.2f})"
    )
    return frame(body, pattern)


# --------------------------------------------------------------------------- #
# How much is right for me: change by duration and intensity
# --------------------------------------------------------------------------- #


def dose_shortfall(data: UserData) -> str:
    rows = _changes(data)
    if len(rows) < MIN_PAIRS:
        return pairs_shortfall(data)
    if rows["duration_min"].std() < 1:
        return "runs of different lengths with a check-in before and after"
    return ""


def _scatter(
    rows: pd.DataFrame, x: str, x_label: str, est: stats.Estimate | None, scale: float
) -> dict:
    return {
        "type": "scatter_trend",
        "x": rounded(rows[x].to_numpy()[-300:], 1),
        "y": rounded(rows["change"].to_numpy()[-300:], 1),
        "x_label": x_label,
        "y_label": "Change in feeling",
        "line": None
        if est is None
        else [round(_intercept(rows, x, est.effect / scale), 3), round(est.effect / scale, 4)],
    }


def _intercept(rows: pd.DataFrame, x: str, slope: float) -> float:
    return float(rows["change"].mean() - slope * rows[x].mean())


def dose_compute(data: UserData) -> Computed:
    rows = _changes(data)
    by_duration = stats.trend_slope(
        rows["duration_min"].to_numpy() / DOSE_STEP_MIN, rows["change"].to_numpy()
    )
    rated = rows[rows["intensity"].notna()]
    by_intensity = None
    if len(rated) >= MIN_PAIRS and rated["intensity"].std() > 0.1:
        by_intensity = stats.trend_slope(rated["intensity"].to_numpy(), rated["change"].to_numpy())
    chart = {
        "type": "scatter_trend",
        "panels": [
            _scatter(rows, "duration_min", "Minutes", by_duration, DOSE_STEP_MIN),
            _scatter(rated, "intensity", "Intensity (zone 1–5)", by_intensity, 1.0),
        ],
    }
    # Two slopes are looked at, so the question's p-value is Bonferroni-adjusted.
    tests = [e.p_value for e in (by_duration, by_intensity) if e is not None]
    p = min(1.0, min(tests) * len(tests))
    est = stats.Estimate(
        by_duration.effect,
        by_duration.ci_low,
        by_duration.ci_high,
        by_duration.se,
        p,
        by_duration.n,
    )
    return Computed(est, chart, {"intensity": by_intensity})


def _bigger(effect: float) -> str:
    return difference(effect).replace("higher", "bigger").replace("lower", "smaller")


def describe_dose(c: Computed, pattern: bool) -> str:
    est = c.estimate
    body = (
        f"For every 10 minutes longer a run was, the change in your feeling across it was "
        f"{_bigger(est.effect)} ({ci(est, 2)}; {plural(est.n, 'run')})"
    )
    intensity: stats.Estimate | None = c.extra.get("intensity")
    if intensity is not None:
        body += (
            f"; for each zone harder, it was {_bigger(intensity.effect)} "
            f"({ci(intensity)}; {plural(intensity.n, 'run')} with heart rate or effort)"
        )
    return frame(body, pattern)


# --------------------------------------------------------------------------- #
# Which runs help most: change by run type
# --------------------------------------------------------------------------- #


def _typed(data: UserData) -> pd.DataFrame:
    rows = _changes(data)
    sizes = rows.groupby("run_type")["change"].transform("size")
    return rows[(rows["run_type"] != "") & (sizes >= MIN_PER_TYPE)]


def run_type_count(data: UserData) -> int:
    return len(_typed(data))


def run_type_shortfall(data: UserData) -> str:
    rows = _typed(data)
    kinds = rows["run_type"].nunique()
    parts = []
    if len(rows) < MIN_PAIRS:
        parts.append(more(MIN_PAIRS - len(rows), "run"))
    if kinds < 2:
        parts.append(f"{MIN_PER_TYPE} runs of {'two kinds' if kinds == 0 else 'another kind'}")
    return " and ".join(parts) + " with a check-in both before and after" if parts else ""


def run_type_compute(data: UserData) -> Computed:
    rows = _typed(data)
    groups = {t: g["change"] for t, g in rows.groupby("run_type", sort=False)}
    best = max(groups, key=lambda t: float(groups[t].mean()))
    k = len(groups)
    # Picking the best of k types after looking: a Bonferroni-simultaneous interval, and a
    # permutation p-value whose statistic is the best type's lead (exact for small groups).
    est = stats.two_group_difference(
        groups[best].to_numpy(),
        rows.loc[rows["run_type"] != best, "change"].to_numpy(),
        confidence=1 - 0.05 / k,
    )
    p_value = stats.permutation_best_group_p(rows["change"], rows["run_type"])
    est = dataclasses.replace(est, p_value=p_value)
    order = sorted(groups, key=lambda t: -float(groups[t].mean()))
    chart = {
        "type": "groups",
        "labels": [TYPE_LABELS.get(t, t).capitalize() for t in order],
        "means": [mean_of(groups[t]) for t in order],
        "ci": [mean_ci(groups[t]) for t in order],
        "counts": [int(groups[t].size) for t in order],
        "y_label": "Change in feeling",
    }
    return Computed(est, chart, {"best": best, "types": k})


def describe_run_type(c: Computed, pattern: bool) -> str:
    est = c.estimate
    label = TYPE_LABELS.get(c.extra["best"], c.extra["best"])
    body = (
        f"Your feeling rose most across {label}: the change was "
        f"{difference(est.effect, 'across your other runs')} ({ci(est)}, allowing for comparing "
        f"{c.extra['types']} kinds of run; {plural(est.n_a or 0, 'run')} of this kind, "
        f"{plural(est.n_b or 0, 'other run')})"
    )
    return frame(body, pattern)


# --------------------------------------------------------------------------- #
# Two kinds of run: with others or alone, morning or later, outdoors or indoors
# --------------------------------------------------------------------------- #


def split_count(column: str) -> Callable[[UserData], int]:
    return lambda data: int(_changes(data)[column].notna().sum())


def _split(
    data: UserData, which: Callable[[pd.DataFrame], pd.Series]
) -> tuple[pd.Series, pd.Series]:
    rows = _changes(data)
    mask = which(rows).astype(bool)
    return rows.loc[mask, "change"], rows.loc[~mask, "change"]


def split_shortfall(
    which: Callable[[pd.DataFrame], pd.Series], names: tuple[tuple[str, str], tuple[str, str]]
) -> Callable[[UserData], str]:
    def shortfall(data: UserData) -> str:
        a, b = _split(data, which)
        (one_a, many_a), (one_b, many_b) = names
        return group_shortfall(
            [(len(a), MIN_EACH, one_a, many_a), (len(b), MIN_EACH, one_b, many_b)]
        )

    return shortfall


def split_compute(
    which: Callable[[pd.DataFrame], pd.Series], labels: tuple[str, str]
) -> Callable[[UserData], Computed]:
    def compute(data: UserData) -> Computed:
        a, b = _split(data, which)
        est = stats.two_group_difference(a.to_numpy(), b.to_numpy())
        # The interval is Welch's; the p-value is exact by permutation, as few and rounded
        # changes on one side can make a t reference far too sure of itself.
        values = np.concatenate([a.to_numpy(float), b.to_numpy(float)])
        sides = np.repeat([True, False], [a.size, b.size])
        p_value = stats.permutation_best_group_p(values, sides)
        est = dataclasses.replace(est, p_value=p_value)
        return Computed(est, two_groups_chart(labels, a, b, "Change in feeling"))

    return compute


def describe_split(
    lead: str, than: str, a: tuple[str, str], b: tuple[str, str]
) -> Callable[[Computed, bool], str]:
    def describe(c: Computed, pattern: bool) -> str:
        est = c.estimate
        rose = difference(est.effect, than).replace("higher", "more").replace("lower", "less")
        body = (
            f"{lead}, your feeling rose by {rose} "
            f"({ci(est)}; {plural(est.n_a or 0, *a)}, {plural(est.n_b or 0, *b)})"
        )
        return frame(body, pattern)

    return describe


def with_others(rows: pd.DataFrame) -> pd.Series:
    return rows["with_others"]


def in_the_morning(rows: pd.DataFrame) -> pd.Series:
    return rows["hour"] < MORNING_BEFORE_HOUR


def outdoors(rows: pd.DataFrame) -> pd.Series:
    return ~rows["indoor"].astype(bool)
