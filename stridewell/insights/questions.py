"""Plain-language questions about one person's runs and feelings, answered with care.

Each :class:`Question` checks it has enough data, estimates an effect with
:mod:`stridewell.insights.stats`, and describes it in words. :func:`answer_all`
answers every question in :data:`QUESTIONS` and applies Benjamini–Hochberg at
``q = 0.10`` across those with enough data: only the survivors are called a
"pattern". Wording never claims that running causes anything.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from stridewell.insights import stats
from stridewell.insights.data import before_after_pairs, daily_frame

__all__ = ["FDR_Q", "QUESTIONS", "Insight", "Question", "UserData", "answer_all"]

Verdict = Literal["pattern", "no_clear_pattern", "not_enough_data"]
FDR_Q = 0.10
MIN_DAYS = 28
MIN_GROUP_DAYS = 8
MIN_PAIRS = 10
FEELING_UNIT = "points on the feeling scale"
NOT_PROOF = "This is a pattern in your data, not proof that running caused it."


@dataclass(frozen=True, slots=True)
class Insight:
    """One answered question, ready for a page or the API."""

    id: str
    question: str
    verdict: Verdict
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    unit: str
    sentence: str
    needed: str = ""
    p_value: float | None = None  # internal: for multiple testing, not for display
    chart: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UserData:
    """Everything the questions read, fetched once per :func:`answer_all`."""

    days: pd.DataFrame
    pairs: pd.DataFrame


@dataclass(frozen=True, slots=True)
class Computed:
    """A question's estimate plus what its sentence and chart need."""

    estimate: stats.Estimate
    chart: dict[str, Any]
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Question:
    """How to check, estimate and describe one question."""

    id: str
    question: str
    unit: str
    count: Callable[[UserData], int]
    shortfall: Callable[[UserData], str]
    compute: Callable[[UserData], Computed]
    describe: Callable[[Computed, bool], str]


# --------------------------------------------------------------------------- #
# Wording helpers
# --------------------------------------------------------------------------- #


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _more(n: int, one: str, many: str | None = None) -> str:
    return f"{n} more {one if n == 1 else (many or one + 's')}"


def _needed(days: int, groups: list[tuple[int, str, str]], day_word: str) -> str:
    """``"12 more days with a check-in, including 3 more run days"`` (empty when enough)."""
    parts = [_more(short, one, many) for short, one, many in groups if short > 0]
    total = max(days, sum(max(short, 0) for short, _, _ in groups))
    if total <= 0:
        return ""
    text = _more(total, "day", "days") + f" {day_word}"
    return text + (", including " + " and ".join(parts) if parts else "")


def _difference(effect: float, than: str = "") -> str:
    """``"1.2 points higher than …"`` / ``"0.4 points lower …"`` / ``"about the same as …"``."""
    if abs(effect) < 0.05:
        return "about the same" + (f" as {than}" if than else "")
    direction = "higher" if effect > 0 else "lower"
    return f"{abs(effect):.1f} points {direction}" + (f" than {than}" if than else "")


def _num(value: float, digits: int) -> str:
    """``value`` rounded for reading, never ``-0.0``."""
    return f"{round(value, digits) + 0.0:.{digits}f}"


def _ci(est: stats.Estimate, digits: int = 1) -> str:
    return f"95% CI {_num(est.ci_low, digits)} to {_num(est.ci_high, digits)}"


def _frame(body: str, pattern: bool, caveat: str = NOT_PROOF) -> str:
    """Wrap a finding: a caveated pattern, or "no clear pattern" with the same numbers."""
    if pattern:
        return f"{body}. {caveat}"
    return f"So far there is no clear pattern: {body[0].lower()}{body[1:]}, which could be chance."


def _mean(values: pd.Series) -> float | None:
    clean = values.dropna()
    return round(float(clean.mean()), 2) if len(clean) else None


# --------------------------------------------------------------------------- #
# Run days vs rest days (lag 0) and the day after a run (lag 1)
# --------------------------------------------------------------------------- #


def _exposed(days: pd.DataFrame, lag: int) -> pd.DataFrame:
    """Days with a feeling, with ``exposed`` = ran ``lag`` days before (rows without it dropped)."""
    exposed = days["ran"].shift(lag) if lag else days["ran"]
    frame = pd.DataFrame({"feeling": days["feeling"], "exposed": exposed})
    return frame.dropna()


def _run_day_shortfall(lag: int, group: str) -> Callable[[UserData], str]:
    def shortfall(data: UserData) -> str:
        frame = _exposed(data.days, lag)
        n_run = int(frame["exposed"].sum())
        groups = [
            (MIN_GROUP_DAYS - n_run, group, group + "s"),
            (MIN_GROUP_DAYS - (len(frame) - n_run), "rest day", "rest days"),
        ]
        return _needed(MIN_DAYS - len(frame), groups, "with a check-in")

    return shortfall


def _run_day_compute(lag: int, labels: tuple[str, str]) -> Callable[[UserData], Computed]:
    def compute(data: UserData) -> Computed:
        d = data.days
        est = stats.run_day_effect(
            d["feeling"].to_numpy(float),
            d["ran"].to_numpy(float),
            d["weekday"].to_numpy(int),
            d["day_index"].to_numpy(int),
            lag=lag,
        )
        frame = _exposed(d, lag)
        on = frame["exposed"] > 0
        chart = {
            "type": "two_means",
            "labels": list(labels),
            "means": [_mean(frame.loc[on, "feeling"]), _mean(frame.loc[~on, "feeling"])],
            "counts": [int(on.sum()), int((~on).sum())],
        }
        return Computed(est, chart)

    return compute


def _describe_run_vs_rest(c: Computed, pattern: bool) -> str:
    est = c.estimate
    body = (
        f"On days you ran, your feeling averaged {_difference(est.effect)} "
        f"({_ci(est)}; {_plural(est.n_a or 0, 'run day')}, {_plural(est.n_b or 0, 'rest day')})"
    )
    return _frame(body, pattern)


def _describe_day_after(c: Computed, pattern: bool) -> str:
    est = c.estimate
    body = (
        f"On the day after a run, your feeling averaged {_difference(est.effect, 'on other days')} "
        f"({_ci(est)}; {_plural(est.n_a or 0, 'day')} after a run, "
        f"{_plural(est.n_b or 0, 'other day')})"
    )
    return _frame(body, pattern)


def _count_feeling_days(lag: int) -> Callable[[UserData], int]:
    return lambda data: len(_exposed(data.days, lag))


# --------------------------------------------------------------------------- #
# Before vs after a run (paired)
# --------------------------------------------------------------------------- #


def _pairs_shortfall(data: UserData) -> str:
    short = MIN_PAIRS - len(data.pairs)
    return _more(short, "run") + " with a check-in both before and after" if short > 0 else ""


def _pairs_compute(data: UserData) -> Computed:
    before = data.pairs["before"].to_numpy(float)
    after = data.pairs["after"].to_numpy(float)
    est = stats.paired_change(before, after)
    g = stats.hedges_g_av(before, after)
    chart = {
        "type": "paired",
        "labels": ["Before", "After"],
        "means": [_mean(data.pairs["before"]), _mean(data.pairs["after"])],
        "count": int(len(data.pairs)),
    }
    return Computed(est, chart, {"hedges_g_av": g})


def _describe_before_after(c: Computed, pattern: bool) -> str:
    est = c.estimate
    g = c.extra.get("hedges_g_av", math.nan)
    body = (
        f"After a run, your feeling was on average {_difference(est.effect, 'just before it')} "
        f"({_ci(est)}; {_plural(est.n, 'run')}; effect size g = {g:.2f})"
    )
    return _frame(body, pattern)


# --------------------------------------------------------------------------- #
# Does yesterday's feeling go with running today? (logistic, odds ratio)
# --------------------------------------------------------------------------- #


def _yesterday(days: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({"ran": days["ran"], "yesterday": days["feeling"].shift(1)})
    return frame.dropna()


def _mood_shortfall(data: UserData) -> str:
    frame = _yesterday(data.days)
    n_run = int(frame["ran"].sum())
    groups = [
        (MIN_GROUP_DAYS - n_run, "run day", "run days"),
        (MIN_GROUP_DAYS - (len(frame) - n_run), "day without a run", "days without a run"),
    ]
    return _needed(MIN_DAYS - len(frame), groups, "with a check-in the day before")


def _mood_compute(data: UserData) -> Computed:
    frame = _yesterday(data.days)
    est = stats.logistic_lagged_effect(
        frame["ran"].to_numpy(float), frame["yesterday"].to_numpy(float)
    )
    level = frame["yesterday"].round().astype(int)
    share = frame.groupby(level)["ran"].mean()
    chart = {
        "type": "share_by_feeling",
        "feeling_yesterday": [int(v) for v in share.index],
        "run_share": [round(float(v), 3) for v in share.to_numpy()],
    }
    return Computed(est, chart)


def _describe_mood(c: Computed, pattern: bool) -> str:
    est = c.estimate
    body = (
        f"For each point better you felt the day before, your odds of running were "
        f"{est.effect:.2f} times as high ({_ci(est, 2)}; {_plural(est.n_a or 0, 'run day')}, "
        f"{_plural(est.n_b or 0, 'day')} without a run)"
    )
    return _frame(body, pattern, "This is a pattern in your data, not proof of what drives it.")


# --------------------------------------------------------------------------- #
# Registry and answering
# --------------------------------------------------------------------------- #

QUESTIONS: dict[str, Question] = {
    q.id: q
    for q in [
        Question(
            "run_vs_rest",
            "Do you feel different on days you run?",
            FEELING_UNIT,
            _count_feeling_days(0),
            _run_day_shortfall(0, "run day"),
            _run_day_compute(0, ("Run days", "Rest days")),
            _describe_run_vs_rest,
        ),
        Question(
            "before_after",
            "How do you feel after a run compared with just before?",
            FEELING_UNIT,
            lambda data: len(data.pairs),
            _pairs_shortfall,
            _pairs_compute,
            _describe_before_after,
        ),
        Question(
            "day_after",
            "Do you feel different the day after a run?",
            FEELING_UNIT,
            _count_feeling_days(1),
            _run_day_shortfall(1, "day after a run"),
            _run_day_compute(1, ("Day after a run", "Other days")),
            _describe_day_after,
        ),
        Question(
            "mood_to_running",
            "Does how you felt yesterday go with running today?",
            "odds ratio per feeling point",
            lambda data: len(_yesterday(data.days)),
            _mood_shortfall,
            _mood_compute,
            _describe_mood,
        ),
    ]
}


def _not_enough(q: Question, data: UserData, needed: str) -> Insight:
    sentence = f"There is not enough data to answer this yet: {needed} would help."
    return Insight(
        q.id,
        q.question,
        "not_enough_data",
        None,
        None,
        None,
        q.count(data),
        q.unit,
        sentence,
        needed,
    )


def _finite(est: stats.Estimate) -> bool:
    return all(math.isfinite(v) for v in (est.effect, est.ci_low, est.ci_high, est.p_value))


def _answer(q: Question, data: UserData) -> tuple[Insight, Computed | None]:
    """Estimate one question, provisionally "no_clear_pattern" (decided by :func:`answer_all`)."""
    needed = q.shortfall(data)
    if needed:
        return _not_enough(q, data, needed), None
    try:
        with np.errstate(all="ignore"):
            computed = q.compute(data)
    except (ValueError, np.linalg.LinAlgError):
        computed = None
    if computed is None or not _finite(computed.estimate):
        return _not_enough(q, data, "more varied days"), None
    est = computed.estimate
    insight = Insight(
        q.id, q.question, "no_clear_pattern", est.effect, est.ci_low, est.ci_high, est.n,
        q.unit, q.describe(computed, False), "", est.p_value, computed.chart,
    )  # fmt: skip
    return insight, computed


def answer_all(user: Any) -> list[Insight]:
    """Answer every question in :data:`QUESTIONS` for ``user``, in registry order.

    Benjamini–Hochberg at :data:`FDR_Q` runs across the questions with enough
    data; only those that survive are a "pattern".
    """
    data = UserData(daily_frame(user), before_after_pairs(user))
    answered = [_answer(q, data) for q in QUESTIONS.values()]
    survives = stats.benjamini_hochberg([ins.p_value for ins, _ in answered], q=FDR_Q)
    out = []
    for (insight, computed), keep in zip(answered, survives, strict=True):
        if computed is not None and keep:
            sentence = QUESTIONS[insight.id].describe(computed, True)
            insight = dataclasses.replace(insight, verdict="pattern", sentence=sentence)
        out.append(insight)
    return out
