"""The shapes every insight question shares, and the words they are told in.

A :class:`Question` checks it has enough data, estimates an effect with
:mod:`stridewell.insights.stats` and describes it; the helpers below keep the
sentences alike across questions: the effect in the person's units, the 95%
interval, the sample, and never a claim that running caused anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from stridewell.insights import stats

__all__ = [
    "FEELING_UNIT",
    "NOT_PROOF",
    "Computed",
    "Insight",
    "Question",
    "UserData",
    "Verdict",
]

Verdict = Literal["pattern", "no_clear_pattern", "not_enough_data"]
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
    note: str = ""  # a gentle aside that is not a finding (e.g. recovery after a long effort)


@dataclass(frozen=True, slots=True)
class UserData:
    """Everything the questions read, shaped once by :func:`data.build_user_data`.

    ``days``: one row per local day from the first to the last check-in day
    (columns in :data:`data.DAILY_COLUMNS`); ``pairs``: before/after feelings
    per run; ``runs``: one row per run or walk (:data:`data.RUN_COLUMNS`);
    ``responses``: questionnaire scores with the running volume before each.
    """

    days: pd.DataFrame
    pairs: pd.DataFrame
    runs: pd.DataFrame
    responses: pd.DataFrame


@dataclass(frozen=True, slots=True)
class Computed:
    """A question's estimate plus what its sentence and chart need."""

    estimate: stats.Estimate
    chart: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


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
    note: Callable[[UserData], str] | None = None


# --------------------------------------------------------------------------- #
# Wording
# --------------------------------------------------------------------------- #


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def more(n: int, one: str, many: str | None = None) -> str:
    return f"{n} more {one if n == 1 else (many or one + 's')}"


def needed(days: int, groups: list[tuple[int, str, str]], day_word: str) -> str:
    """``"12 more days with a check-in, including 3 more run days"`` (empty when enough)."""
    parts = [more(short, one, many) for short, one, many in groups if short > 0]
    total = max(days, sum(max(short, 0) for short, _, _ in groups))
    if total <= 0:
        return ""
    text = more(total, "day", "days") + f" {day_word}"
    return text + (", including " + " and ".join(parts) if parts else "")


def group_shortfall(groups: list[tuple[int, int, str, str]]) -> str:
    """``"3 more runs with others and 1 more run alone"`` from (have, need, one, many)."""
    parts = [more(need - have, one, many) for have, need, one, many in groups if have < need]
    return " and ".join(parts)


def difference(effect: float, than: str = "", unit: str = "points") -> str:
    """``"1.2 points higher than …"`` / ``"0.4 points lower …"`` / ``"about the same as …"``."""
    if abs(effect) < 0.05:
        return "about the same" + (f" as {than}" if than else "")
    direction = "higher" if effect > 0 else "lower"
    return f"{abs(effect):.1f} {unit} {direction}" + (f" than {than}" if than else "")


def num(value: float, digits: int) -> str:
    """``value`` rounded for reading, never ``-0.0``."""
    return f"{round(value, digits) + 0.0:.{digits}f}"


def ci(est: stats.Estimate, digits: int = 1) -> str:
    return f"95% CI {num(est.ci_low, digits)} to {num(est.ci_high, digits)}"


def frame(body: str, pattern: bool, caveat: str = NOT_PROOF) -> str:
    """Wrap a finding: a caveated pattern, or "no clear pattern" with the same numbers."""
    if pattern:
        return f"{body}. {caveat}"
    return f"So far there is no clear pattern: {body[0].lower()}{body[1:]}, which could be chance."


def mean_of(values: pd.Series) -> float | None:
    clean = values.dropna()
    return round(float(clean.mean()), 2) if len(clean) else None


def rounded(values: Any, digits: int = 2) -> list[float | None]:
    """A JSON-friendly list: floats rounded, NaN as ``None``."""
    out: list[float | None] = []
    for v in values:
        f = float(v)
        out.append(None if f != f else round(f, digits))
    return out


def mean_ci(values: pd.Series) -> list[float] | None:
    """t-based 95% interval of a mean, for charts (``None`` below two values)."""
    clean = values.dropna().to_numpy(float)
    if clean.size < 2:
        return None
    est = stats.one_sample_mean(clean)
    return [round(est.ci_low, 2), round(est.ci_high, 2)]


def two_groups_chart(
    labels: tuple[str, str], a: pd.Series, b: pd.Series, y_label: str = "Feeling"
) -> dict[str, Any]:
    """The ``two_groups`` chart: both distributions with their means and intervals."""
    return {
        "type": "two_groups",
        "labels": list(labels),
        "means": [mean_of(a), mean_of(b)],
        "ci": [mean_ci(a), mean_ci(b)],
        "counts": [int(a.notna().sum()), int(b.notna().sum())],
        # The most recent few hundred are enough to show a distribution's shape.
        "values": [rounded(a.dropna().to_numpy()[-300:]), rounded(b.dropna().to_numpy()[-300:])],
        "y_label": y_label,
        "y_range": [-5, 5],
    }
