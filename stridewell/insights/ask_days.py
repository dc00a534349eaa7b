"""Questions about days: run days vs rest days, the day after, yesterday's mood,
breaks from running and training load.

Run days and the day after come from one regression,
:func:`stats.run_day_gls_effects`: daily feeling on a run that day and a run
the day before, weekday and a slow trend, by GLS with AR(1) errors and
Newey–West errors on top. Breaks and training load, whose covariates stay put
for weeks, use the same design with AR(1) errors alone
(:func:`stats.ar1_gls_effect`). The two-group ones share a
minimum-data rule: 28 days with a check-in, at least 8 in each group compared
(and, for breaks, at least two separate breaks).
"""

from __future__ import annotations

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
    needed,
    plural,
    rounded,
    two_groups_chart,
)

MIN_DAYS = 28
MIN_GROUP_DAYS = 8
MIN_LOAD_DAYS = 42
HIGH_ACWR = 1.5
ACWR_STEP = 0.5  # the load effect is told per 0.5 rise in the ratio
VERY_LONG_MIN = 180  # a very long effort: three hours or more
RECOVERY_WEEKS = 8
MIN_BREAKS = 2
# Covariates that stay the same for weeks: Newey–West errors are far too small for
# them (simulated coverage 78–85%), GLS with AR(1) errors is not (92–95%), and
# Newey–West on the GLS-whitened rows, as for run days, falls back to 85–89%.
SLOW_COLUMNS = frozenset({"in_break", "acwr"})


def _exposed(days: pd.DataFrame, column: str, lag: int = 0) -> pd.DataFrame:
    """Days with a feeling, with ``exposed`` = ``column`` ``lag`` days before (NaN rows dropped)."""
    exposed = days[column].shift(lag) if lag else days[column]
    return pd.DataFrame({"feeling": days["feeling"], "exposed": exposed}).dropna()


def _effect(days: pd.DataFrame, column: str, lag: int = 0, scale: float = 1.0) -> stats.Estimate:
    args = (
        days["feeling"].to_numpy(float),
        days[column].to_numpy(float) / scale,
        days["weekday"].to_numpy(int),
        days["day_index"].to_numpy(int),
    )
    if column in SLOW_COLUMNS:
        return stats.ar1_gls_effect(*args)
    # Run days (lag 0) and the day after (lag 1) from one model holding each other fixed:
    # with AR(1) errors, leaving either out biased the other (simulated coverage 79–88%).
    return stats.run_day_gls_effects(*args)[lag]


# --------------------------------------------------------------------------- #
# Two kinds of day (run days, the day after a run, break days)
# --------------------------------------------------------------------------- #


def day_groups_count(column: str, lag: int = 0) -> Callable[[UserData], int]:
    return lambda data: len(_exposed(data.days, column, lag))


def day_groups_shortfall(
    column: str, lag: int, names: tuple[str, str]
) -> Callable[[UserData], str]:
    def shortfall(data: UserData) -> str:
        rows = _exposed(data.days, column, lag)
        n_on = int(rows["exposed"].sum())
        groups = [
            (MIN_GROUP_DAYS - n_on, names[0], names[0] + "s"),
            (MIN_GROUP_DAYS - (len(rows) - n_on), names[1], names[1] + "s"),
        ]
        return needed(MIN_DAYS - len(rows), groups, "with a check-in")

    return shortfall


def day_groups_compute(
    column: str, lag: int, labels: tuple[str, str]
) -> Callable[[UserData], Computed]:
    def compute(data: UserData) -> Computed:
        rows = _exposed(data.days, column, lag)
        on = rows["exposed"] > 0
        chart = two_groups_chart(labels, rows.loc[on, "feeling"], rows.loc[~on, "feeling"])
        return Computed(_effect(data.days, column, lag), chart)

    return compute


def breaks_count(days: pd.DataFrame) -> int:
    """Separate breaks that have at least one day with a check-in."""
    rows = days.dropna(subset=["feeling", "in_break"])
    starts = (days["in_break"].fillna(0) > 0) & (
        days["in_break"].shift(fill_value=0).fillna(0) == 0
    )
    stretch = starts.cumsum()
    return int(stretch[rows.index][rows["in_break"] > 0].nunique())


def breaks_shortfall(data: UserData) -> str:
    short = day_groups_shortfall("in_break", 0, ("day in a break", "other day"))(data)
    if short:
        return short
    missing = MIN_BREAKS - breaks_count(data.days)
    return (
        f"check-ins during {missing} more break{'s' if missing > 1 else ''} from running"
        if missing > 0
        else ""
    )


def describe_run_vs_rest(c: Computed, pattern: bool) -> str:
    est = c.estimate
    body = (
        f"On days you ran, your feeling averaged {difference(est.effect)} "
        f"({ci(est)}; {plural(est.n_a or 0, 'run day')}, {plural(est.n_b or 0, 'rest day')})"
    )
    return frame(body, pattern)


def describe_day_after(c: Computed, pattern: bool) -> str:
    est = c.estimate
    body = (
        f"On the day after a run, your feeling averaged {difference(est.effect, 'on other days')} "
        f"({ci(est)}; {plural(est.n_a or 0, 'day')} after a run, "
        f"{plural(est.n_b or 0, 'other day')})"
    )
    return frame(body, pattern)


def describe_breaks(c: Computed, pattern: bool) -> str:
    est = c.estimate
    body = (
        f"During breaks of a week or more without running, your feeling averaged "
        f"{difference(est.effect, 'on other days')} ({ci(est)}; "
        f"{plural(est.n_a or 0, 'day')} in breaks, {plural(est.n_b or 0, 'other day')})"
    )
    caveat = (
        "This is a pattern in your data, not proof that the break caused it: "
        "often whatever keeps us from running also weighs on us."
    )
    return frame(body, pattern, caveat)


# --------------------------------------------------------------------------- #
# Does yesterday's feeling go with running today? (logistic, odds ratio)
# --------------------------------------------------------------------------- #


def _yesterday(days: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"ran": days["ran"], "yesterday": days["feeling"].shift(1)}).dropna()


def mood_count(data: UserData) -> int:
    return len(_yesterday(data.days))


def mood_shortfall(data: UserData) -> str:
    rows = _yesterday(data.days)
    n_run = int(rows["ran"].sum())
    groups = [
        (MIN_GROUP_DAYS - n_run, "run day", "run days"),
        (MIN_GROUP_DAYS - (len(rows) - n_run), "day without a run", "days without a run"),
    ]
    return needed(MIN_DAYS - len(rows), groups, "with a check-in the day before")


def mood_compute(data: UserData) -> Computed:
    rows = _yesterday(data.days)
    est = stats.logistic_lagged_effect(
        rows["ran"].to_numpy(float), rows["yesterday"].to_numpy(float)
    )
    level = rows["yesterday"].round().astype(int)
    grouped = rows.groupby(level)["ran"]
    chart = {
        "type": "share_by_feeling",
        "feeling_yesterday": [int(v) for v in grouped.mean().index],
        "run_share": rounded(grouped.mean().to_numpy(), 3),
        "counts": [int(v) for v in grouped.size().to_numpy()],
    }
    return Computed(est, chart)


def describe_mood(c: Computed, pattern: bool) -> str:
    est = c.estimate
    body = (
        f"For each point better you felt the day before, your odds of running were "
        f"{est.effect:.2f} times as high ({ci(est, 2)}; {plural(est.n_a or 0, 'run day')}, "
        f"{plural(est.n_b or 0, 'day')} without a run)"
    )
    return frame(body, pattern, "This is a pattern in your data, not proof of what drives it.")


# --------------------------------------------------------------------------- #
# Training load: acute:chronic ratio and feeling
# --------------------------------------------------------------------------- #


def _load_rows(days: pd.DataFrame) -> pd.DataFrame:
    return days[["feeling", "acwr"]].dropna()


def load_count(data: UserData) -> int:
    return len(_load_rows(data.days))


def load_shortfall(data: UserData) -> str:
    rows = _load_rows(data.days)
    short = MIN_LOAD_DAYS - len(rows)
    if short > 0:
        return needed(short, [], "with a check-in after your first four weeks of runs")
    if rows["acwr"].nunique() < 3:
        return "more varied weeks of running"
    return ""


def weekly_ratio(days: pd.DataFrame) -> pd.Series:
    """The acute:chronic ratio on the last day of each week (Monday-start weeks)."""
    ratio = days["acwr"].dropna()
    return ratio.groupby(ratio.index.to_period("W-SUN")).last()


def load_compute(data: UserData) -> Computed:
    est = _effect(data.days, "acwr", scale=ACWR_STEP)
    weekly = weekly_ratio(data.days)
    high = weekly[weekly > HIGH_ACWR]
    chart = {
        "type": "timeline",
        "dates": [p.start_time.date().isoformat() for p in weekly.index],
        "values": rounded(weekly.to_numpy()),
        "y_label": "Load ratio (7 days : 28 days)",
        "marks": [],
        "threshold": HIGH_ACWR,
        "flagged": [
            [p.start_time.date().isoformat(), p.end_time.date().isoformat()] for p in high.index
        ],
    }
    return Computed(est, chart, {"high_weeks": len(high), "weeks": len(weekly)})


def describe_load(c: Computed, pattern: bool) -> str:
    est = c.estimate
    high, weeks = c.extra["high_weeks"], c.extra["weeks"]
    body = (
        f"When your last 7 days of running were 0.5 higher relative to your last 28 "
        f"(the acute:chronic load ratio), your feeling averaged {difference(est.effect)} "
        f"({ci(est)}; {plural(est.n, 'day')})"
    )
    flagged = (
        f" {plural(high, 'week')} of {weeks} went above {HIGH_ACWR}, a jump in load "
        "that bodies often find hard; easing in is kinder."
        if high
        else ""
    )
    return frame(body, pattern) + flagged


def recovery_note(data: UserData) -> str:
    """A gentle word after a very long effort in the last eight weeks of the data."""
    runs = data.runs
    if runs.empty or data.days.empty:
        return ""
    recent = runs["date"] >= data.days.index.max() - pd.Timedelta(weeks=RECOVERY_WEEKS)
    long = runs[recent & (runs["duration_min"] >= VERY_LONG_MIN)]
    if long.empty:
        return ""
    last = long.iloc[-1]
    hours, minutes = divmod(int(np.round(last["duration_min"])), 60)
    return (
        f"Your {hours} h {minutes:02d} min effort on {last['date']:%-d %B} was a very long one. "
        "Bodies and brains take time to recover from such days: in one study, runners' grey "
        "matter shrank by about 6% during a multi-stage ultramarathon and came back within "
        "months (Freund et al., 2012). Easy weeks afterwards are part of the training."
    )
