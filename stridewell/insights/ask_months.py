"""Over the months: questionnaire scores against running volume in the weeks before.

For the questionnaire the person has answered most often, each score is set
against the hours per week they ran or walked in the 28 days before it.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from stridewell.insights import stats
from stridewell.insights.core import Computed, UserData, ci, frame, more, plural, rounded
from stridewell.wellbeing.instruments import INSTRUMENTS

MIN_RESPONSES = 8
# Instruments where a higher score means feeling worse.
LOWER_IS_BETTER = frozenset({"phq9", "phq8", "gad7", "phq4"})
TRACKED = ("phq9", "phq8", "gad7", "who5", "phq4")


def _main_instrument(data: UserData) -> tuple[str, pd.DataFrame]:
    """The tracked instrument with the most responses, and those responses."""
    responses = data.responses[data.responses["instrument"].isin(TRACKED)]
    if responses.empty:
        return "", responses
    counts = responses["instrument"].value_counts()
    # Ties go to the order in TRACKED, so the choice does not flicker.
    best = max(TRACKED, key=lambda i: (int(counts.get(i, 0)), -TRACKED.index(i)))
    return best, responses[responses["instrument"] == best]


def count(data: UserData) -> int:
    return len(_main_instrument(data)[1])


def shortfall(data: UserData) -> str:
    instrument, rows = _main_instrument(data)
    if len(rows) < MIN_RESPONSES:
        name = INSTRUMENTS[instrument].short_name if instrument else "questionnaire"
        return more(MIN_RESPONSES - len(rows), f"{name} answer")
    if rows["hours_per_week"].nunique() < 3:
        return "questionnaires from weeks with different amounts of running"
    return ""


def _bands(instrument: str) -> list[list[object]]:
    return [[b.low, b.high, b.name] for b in INSTRUMENTS[instrument].bands]


def compute(data: UserData) -> Computed:
    instrument, rows = _main_instrument(data)
    spec = INSTRUMENTS[instrument]
    hours, scores = rows["hours_per_week"].to_numpy(float), rows["score"].to_numpy(float)
    # A t interval for the slope, and an exact permutation p-value: a handful of bounded,
    # skewed scores make the t reference too sure of itself in the tail.
    est = stats.trend_slope(hours, scores)
    est = dataclasses.replace(est, p_value=stats.permutation_slope_p(hours, scores))
    chart = {
        "type": "score_trend",
        "instrument": spec.short_name,
        "dates": [d.date().isoformat() for d in rows["date"]],
        "scores": rounded(rows["score"].to_numpy(), 1),
        "hours_per_week": rounded(rows["hours_per_week"].to_numpy(), 1),
        "max": spec.max_score,
        "bands": _bands(instrument),
        "higher_is_better": instrument not in LOWER_IS_BETTER,
    }
    return Computed(est, chart, {"instrument": instrument, "name": spec.short_name})


def describe(c: Computed, pattern: bool) -> str:
    est = c.estimate
    instrument, name = c.extra["instrument"], c.extra["name"]
    if abs(est.effect) < 0.05:
        told = "about the same"
    else:
        better = (est.effect < 0) == (instrument in LOWER_IS_BETTER)
        told = f"{abs(est.effect):.1f} points {'lower' if est.effect < 0 else 'higher'} ({'better' if better else 'worse'})"
    body = (
        f"When you had run one hour more per week in the four weeks before, your {name} score "
        f"was {told} ({ci(est)}; {plural(est.n, 'questionnaire')})"
    )
    return frame(body, pattern, "This is a pattern in your data, not proof of what drives what.")
