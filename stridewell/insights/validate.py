"""Check the insight statistics by simulation: ``python -m stridewell.insights.validate``.

Each setting simulates ``--users`` people with known effects
(:mod:`stridewell.insights.simulate`), answers every question through the
same pure pipeline the app uses (raw frames → ``data.build_user_data`` →
``questions.answer_data``) and compares with the truth:

* **coverage**: the 95% CI holds the true value 93–97% of the time
  (``run_type`` reports a Bonferroni interval for the best of k kinds of run,
  conservative by design, so only its lower bound is checked);
* **null pattern rate**: where nothing is going on (no effect of any kind),
  each question says "pattern" for at most 5% of users;
* **FDR**: the share of a user's "patterns" that are false, averaged over
  users, stays under 10% (Benjamini–Hochberg at q = 0.10 promises at most
  ``q · m0 / m``; with no effect anywhere that bound is exactly 10% for exact,
  independent p-values, so there the goal sits on the boundary and is only
  met by slightly conservative tests);
* **power**: a run-day effect of 0.5 SD over 120 days is a "pattern" for at
  least 80% of users. "0.5 SD" is half the SD of day-to-day mood ``a_t`` and
  "120 days" 120 calendar days, about 102 with a feeling; ``--readings``
  also runs other readings of the goal (as INFO).

Rates come with a 95% Wilson interval for the Monte-Carlo error: with 500
users a coverage estimate has an SD of about 1 point, so the 93–97% window is
only ±2 SD wide and a perfectly calibrated interval lands outside it about 4%
of the time. PASS/FAIL compares the point estimate with the goal, as the issue
states it. The exit status is 1 when any check fails.

``--variants`` also scores alternatives to the app's day-level regressions
(:func:`scratch_variants`, :func:`dl_variants`) and other weights in its
weighted Benjamini–Hochberg on the same simulated data; they are never used
by the app.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sp_stats

from stridewell.insights.simulate import simulate_user

__all__ = [
    "SETTINGS",
    "Answer",
    "Row",
    "Setting",
    "UserResult",
    "answer_frames",
    "evaluate",
    "main",
    "run_setting",
    "scratch_variants",
    "wilson",
]

COVERAGE_GOAL = (0.93, 0.97)
# run_type's interval is Bonferroni-simultaneous over the kinds of run: over-coverage is by design.
COVERAGE_GOALS = {"run_type": (0.93, 1.0)}
NULL_RATE_GOAL = 0.05
FDR_GOAL = 0.10
POWER_GOAL = 0.80
Z975 = float(sp_stats.norm.ppf(0.975))
# The day-level regression questions, as scored by scratch_variants on a design with the one
# covariate: (daily column, lag, divisor of the column).
HAC_QUESTIONS = {
    "run_vs_rest": ("ran", 0, 1.0),
    "day_after": ("ran", 1, 1.0),
    "breaks": ("in_break", 0, 1.0),
    "training_load": ("acwr", 0, 0.5),
}
CI = tuple[float, float, float]  # low, high, p


@dataclass(frozen=True, slots=True)
class Setting:
    """One simulated population; ``params`` go to :func:`simulate_user`."""

    name: str
    params: dict[str, Any]
    power_check: bool = False  # check the "pattern" rate of run_vs_rest against POWER_GOAL
    checked: bool = True  # False: every figure is INFO (another reading of the goal)


SETTINGS: tuple[Setting, ...] = (
    Setting("null, phi 0.3", {"phi": 0.3}),
    Setting("null, phi 0.6", {"phi": 0.6}),
    Setting("0.5 SD, phi 0.3", {"phi": 0.3, "effect_sd": 0.5, "change_sd": 0.5}, True),
    Setting("0.5 SD, phi 0.6", {"phi": 0.6, "effect_sd": 0.5, "change_sd": 0.5}, True),
    Setting(
        "day after 0.4 SD, weekend runs, phi 0.6",
        {"phi": 0.6, "effect_sd": 0.3, "day_after_sd": 0.4, "weekend_run_boost": 0.3},
    ),
    Setting("runs follow mood, no effect, phi 0.6", {"phi": 0.6, "mood_dependence": 0.8}),
)
# Other readings of "0.5 SD with 120 days of data" (``--readings``, figures INFO only). The
# settings above read it as 0.5 SD of day-to-day mood a_t over 120 calendar days: about 96
# with a daily check-in, 102 with a feeling (run days with only a before/after pair count);
# 140 calendar days give 120 with a feeling. Observed daily feeling also carries the weekly
# rhythm (variance 0.3²/2) and rounding (1/12 point², i.e. 0.058 in SD units), so its SD is
# 1.050 and 0.5 SD of it is 0.525; 0.5 SD of the AR(1) innovations is 0.5 √(1 − φ²).
READINGS: tuple[Setting, ...] = tuple(
    Setting(f"reading: {label}, phi {phi}", {"phi": phi, "change_sd": 0.5} | params, True, False)
    for phi in (0.3, 0.6)
    for label, params in (
        ("120 days with a feeling", {"days": 140, "effect_sd": 0.5}),
        ("0.5 SD of observed feeling", {"effect_sd": 0.525}),
        ("0.5 SD of innovations", {"effect_sd": round(0.5 * math.sqrt(1 - phi**2), 4)}),
    )
)


@dataclass(frozen=True, slots=True)
class Answer:
    """The numbers of one :class:`~stridewell.insights.core.Insight`."""

    id: str
    verdict: str
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None


@dataclass(frozen=True, slots=True)
class UserResult:
    """One simulated user's answers next to the truth (and scratch CIs: variant → id → CI)."""

    answers: tuple[Answer, ...]
    estimands: dict[str, float | None]
    nulls: dict[str, bool]
    clipped: int
    checkins: int
    variants: dict[str, dict[str, CI]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the report."""

    setting: str
    figure: str
    question: str
    value: str
    goal: str
    verdict: str  # PASS, FAIL or INFO


# --------------------------------------------------------------------------- #
# The pipeline under test
# --------------------------------------------------------------------------- #


def answer_frames(
    checkins: pd.DataFrame, runs: pd.DataFrame, responses: pd.DataFrame
) -> tuple[list[Any], Any]:
    """Insights for raw frames through the app's own pure pipeline, and the ``UserData``."""
    from stridewell.insights import data, questions

    user_data = data.build_user_data(checkins, runs, responses)
    return questions.answer_data(user_data), user_data


# --------------------------------------------------------------------------- #
# Scratch alternatives to the app's day-level regressions (never used by the app)
# --------------------------------------------------------------------------- #


def _design(user_data: Any, column: str, lag: int, divisor: float) -> tuple[np.ndarray, ...]:
    """``y``, ``X``, the column's index and the day numbers, for a design with that one covariate."""
    from stridewell.insights import stats

    days = user_data.days
    feeling = days["feeling"].to_numpy(float)
    day_index = days["day_index"].to_numpy(int)
    x = stats._lagged(days[column].to_numpy(float) / divisor, day_index, lag)
    keep = ~np.isnan(feeling) & ~np.isnan(x)
    X, names = stats.run_day_design(x[keep], days["weekday"].to_numpy(int)[keep], day_index[keep])
    return feeling[keep], X, np.array([names.index("ran")]), day_index[keep]


def _ci(b: float, se: float, crit: float, dist: Any) -> CI:
    return (b - crit * se, b + crit * se, float(2 * dist.sf(abs(b) / se)))


def ewc_se(X: np.ndarray, resid: np.ndarray, day_index: np.ndarray, i: int) -> tuple[float, int]:
    """Equal-weighted cosine (EWC) HAC standard error of coefficient ``i``, and its t degrees of freedom.

    ``Λ_j = √(2/T) Σ_t cos(π j (t + ½) / T) x_t û_t`` over calendar days
    ``t = 0 … T-1`` (missing days contribute 0), ``Ω = Σ_{j≤B} Λ_j Λ_jᵀ / B``,
    ``V = (XᵀX)⁻¹ T Ω (XᵀX)⁻¹``; the t-statistic is ``t_B`` under the null,
    with ``B = ⌊0.4 T^{2/3}⌋`` as recommended by Lazarus, Lewis, Stock &
    Watson (2018), HAR inference: recommendations for practice, JBES 36:541–559.
    """
    t = day_index - day_index.min()
    T = int(t.max()) + 1
    B = max(2, int(0.4 * T ** (2 / 3)))
    basis = np.sqrt(2 / T) * np.cos(np.pi * np.outer(np.arange(1, B + 1), t + 0.5) / T)
    lam = basis @ (X * resid[:, None])
    bread = np.linalg.inv(X.T @ X)
    V = bread @ (T * lam.T @ lam / B) @ bread
    return float(math.sqrt(V[i, i])), B


def ar1_gls(
    y: np.ndarray, X: np.ndarray, day_index: np.ndarray, i: int, phi: float | None = None
) -> tuple[float, float, int]:
    """GLS with AR(1) errors over calendar days: coefficient ``i``, its SE and t degrees of freedom.

    ``φ`` (unless given) is the lag-1 autocorrelation of the OLS residuals
    over pairs of consecutive calendar days (clipped to −0.9 … 0.95). Each row is then
    quasi-differenced against the previous observed row ``g`` days earlier:
    ``(y_t − φ^g y_{t−g}) / √(1 − φ^{2g})`` (the first row is kept), which
    whitens a stationary AR(1) seen with gaps (Prais & Winsten 1954, with
    gaps as in a continuous-time AR(1)); OLS on the whitened rows is GLS, and
    its classical SE is used with a ``t_{n−k}`` reference. O(n), so ten years
    of days stay cheap.
    """
    import statsmodels.api as sm

    if phi is None:
        resid = np.asarray(sm.OLS(y, X).fit().resid)
        nxt = np.flatnonzero(np.diff(day_index) == 1)
        phi = float(resid[nxt] @ resid[nxt + 1] / nxt.size / (resid @ resid / resid.size))
        phi = min(max(phi, -0.9), 0.95)
    rho = phi ** np.diff(day_index).astype(float)
    norm = np.sqrt(1 - rho**2)[:, None]
    Xw = np.vstack([X[:1], (X[1:] - rho[:, None] * X[:-1]) / norm])
    yw = np.concatenate([y[:1], (y[1:] - rho * y[:-1]) / norm[:, 0]])
    fit = sm.OLS(yw, Xw).fit()
    return float(fit.params[i]), float(fit.bse[i]), X.shape[0] - X.shape[1]


def scratch_variants(user_data: Any, qid: str) -> dict[str, CI]:
    """95% CIs and p-values for one day-level question, its covariate alone in the design.

    ``hac_t_dof``: OLS with Newey–West (1994 lags) HAC errors times
    ``n / (n - k)`` and a ``t_{n-k}`` reference, which the app used for run
    days and the day after before :func:`stats.run_day_gls_effects`.
    ``hac_z``: the same without the factor, with z. ``ewc_t``: :func:`ewc_se`
    with its ``t_B`` reference. ``ols_t``: classical OLS standard errors (no
    autocorrelation allowed for). ``ar1_gls_t``: :func:`ar1_gls` (its own
    estimate; the app's for breaks and training load). ``ar1_gls_hac``: the
    same GLS with Newey–West HAC on the whitened rows.
    """
    import statsmodels.api as sm

    from stridewell.insights import stats

    y, X, (i,), days = _design(user_data, *HAC_QUESTIONS[qid])
    n, k = X.shape
    if n <= k + 2 or np.linalg.matrix_rank(X) < k:
        return {}
    lags = stats.newey_west_maxlags(n)
    hac = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    ols = sm.OLS(y, X).fit()
    b, se = float(hac.params[i]), float(hac.bse[i])
    t_nk = sp_stats.t(n - k)
    se_ewc, dof = ewc_se(X, np.asarray(ols.resid), days, i)
    b_gls, se_gls, _ = ar1_gls(y, X, days, i)
    yw, Xw = stats._ar1_whiten(y, X, days, stats._ar1_phi(y, X, days))
    pw = sm.OLS(yw, Xw).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    return {
        "ar1_gls_t": _ci(b_gls, se_gls, float(t_nk.ppf(0.975)), t_nk),
        "ar1_gls_hac": _ci(float(pw.params[i]), float(pw.bse[i]), float(t_nk.ppf(0.975)), t_nk),
        "hac_z": _ci(b, se, Z975, sp_stats.norm),
        "hac_t_dof": _ci(b, se * math.sqrt(n / (n - k)), float(t_nk.ppf(0.975)), t_nk),
        "ewc_t": _ci(b, se_ewc, float(sp_stats.t.ppf(0.975, dof)), sp_stats.t(dof)),
        "ols_t": _ci(b, float(ols.bse[i]), float(t_nk.ppf(0.975)), t_nk),
    }


DL_QUESTIONS = ("run_vs_rest", "day_after")


def _dl_gls_classical(days: pd.DataFrame) -> tuple[CI, CI]:
    """The distributed-lag AR(1) GLS with its classical SE (trusting the AR(1) entirely)."""
    import statsmodels.api as sm

    from stridewell.insights import stats

    y, ran = days["feeling"].to_numpy(float), days["ran"].to_numpy(float)
    day_index = days["day_index"].to_numpy(int)
    yesterday = stats._lagged(ran, day_index, 1)
    keep = ~np.isnan(y) & ~np.isnan(yesterday)
    X, _ = stats.run_day_design(ran[keep], days["weekday"].to_numpy(int)[keep], day_index[keep])
    X = np.insert(X, 2, yesterday[keep], axis=1)
    y, d = y[keep], day_index[keep]
    yw, Xw = stats._ar1_whiten(y, X, d, stats._ar1_phi(y, X, d))
    fit = sm.OLS(yw, Xw).fit()
    t = sp_stats.t(fit.df_resid)
    crit = float(t.ppf(0.975))
    return (
        _ci(float(fit.params[1]), float(fit.bse[1]), crit, t),
        _ci(float(fit.params[2]), float(fit.bse[2]), crit, t),
    )


def dl_variants(user_data: Any) -> dict[str, dict[str, CI]]:
    """run_vs_rest and day_after from the app's regression on both ``ran_t`` and ``ran_{t-1}``.

    The app uses :func:`stats.run_day_gls_effects` (AR(1) feasible GLS,
    Newey–West HAC on the whitened rows, ``t_{n-k}``). ``dl_gls_t``: the same
    GLS with its classical SE (trusting the AR(1) entirely). ``dl_ols_hac``:
    ``φ = 0``, i.e. OLS on the same two-day design with HAC errors, which
    tells the gain of GLS from that of adding the other day.
    """
    from stridewell.insights import stats

    days = user_data.days
    args = (
        days["feeling"].to_numpy(float),
        days["ran"].to_numpy(float),
        days["weekday"].to_numpy(int),
        days["day_index"].to_numpy(int),
    )
    out: dict[str, dict[str, CI]] = {}
    try:
        ols = stats.run_day_gls_effects(*args, phi=0.0)
        classical = _dl_gls_classical(days)
    except (ValueError, np.linalg.LinAlgError):
        return out
    out["dl_ols_hac"] = {
        q: (e.ci_low, e.ci_high, e.p_value) for q, e in zip(DL_QUESTIONS, ols, strict=True)
    }
    out["dl_gls_t"] = dict(zip(DL_QUESTIONS, classical, strict=True))
    return out


# The app before stats.run_day_gls_effects: hac_t_dof for run days and the day after, its own
# (unchanged) answers elsewhere.
PREVIOUS = {"run_vs_rest": "hac_t_dof", "day_after": "hac_t_dof"}


def _all_variants(user_data: Any, answers: Sequence[Answer]) -> dict[str, dict[str, CI]]:
    out: dict[str, dict[str, CI]] = {}
    answered = {a.id for a in answers if a.verdict != "not_enough_data"}
    for qid in HAC_QUESTIONS:
        if qid not in answered:
            continue
        for name, ci in scratch_variants(user_data, qid).items():
            out.setdefault(name, {})[qid] = ci
    previous = {q: out[v][q] for q, v in PREVIOUS.items() if q in out.get(v, {})}
    if {"run_vs_rest", "day_after"} <= answered:
        out |= dl_variants(user_data)
    return out | ({"previous": previous} if previous else {})


# --------------------------------------------------------------------------- #
# Simulating users (in worker processes)
# --------------------------------------------------------------------------- #


def simulate_and_answer(
    seed: Sequence[int], params: dict[str, Any], variants: bool = False
) -> UserResult:
    """Simulate one user from ``seed`` (so results do not depend on scheduling) and answer."""
    rng = np.random.default_rng(list(seed))
    checkins, runs, responses, truth = simulate_user(rng, **params)
    with warnings.catch_warnings():
        # scipy warns when a few rounded changes are all equal; the question then says so.
        warnings.simplefilter("ignore", RuntimeWarning)
        insights, user_data = answer_frames(checkins, runs, responses)
        answers = tuple(
            Answer(i.id, i.verdict, i.effect, i.ci_low, i.ci_high, i.p_value) for i in insights
        )
        extra = _all_variants(user_data, answers) if variants else {}
    nulls = {a.id: truth.is_null(a.id) for a in answers}
    return UserResult(answers, truth.estimands, nulls, truth.clipped, truth.checkins, extra)


def _job(args: tuple[Sequence[int], dict[str, Any], bool]) -> UserResult:
    return simulate_and_answer(*args)


def setup_django() -> None:
    """The insights modules import models, so Django must be set up (no database is used)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stridewell.settings")
    import django

    django.setup()


def run_setting(
    setting_index: int,
    setting: Setting,
    users: int,
    seed: int,
    *,
    processes: int = 2,
    variants: bool = False,
) -> list[UserResult]:
    """Simulate and answer ``users`` people of one setting, on ``processes`` processes."""
    jobs = [((seed, setting_index, u), setting.params, variants) for u in range(users)]
    if processes <= 1:
        return [_job(j) for j in jobs]
    with get_context("fork").Pool(processes, initializer=setup_django) as pool:
        return list(pool.imap(_job, jobs, chunksize=max(1, users // (8 * processes))))


# --------------------------------------------------------------------------- #
# Turning results into figures
# --------------------------------------------------------------------------- #


def wilson(k: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval for a binomial proportion ``k / n``."""
    if n == 0:
        return (math.nan, math.nan)
    p, z2 = k / n, Z975**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z975 * math.sqrt(p * (1 - p) / n + z2 / (4 * n**2)) / (1 + z2 / n)
    return (centre - half, centre + half)


def _rate(k: int, n: int) -> str:
    if n == 0:
        return "no user had enough data"
    lo, hi = wilson(k, n)
    return f"{k / n:6.1%} ({lo:5.1%}–{hi:5.1%}; {k}/{n})"


def _pf(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def question_ids(results: Sequence[UserResult]) -> list[str]:
    seen: dict[str, None] = {}
    for r in results:
        for a in r.answers:
            seen.setdefault(a.id, None)
    return list(seen)


def answered(results: Sequence[UserResult], qid: str) -> list[tuple[UserResult, Answer]]:
    return [
        (r, a) for r in results for a in r.answers if a.id == qid and a.verdict != "not_enough_data"
    ]


def _known(results: Sequence[UserResult], qid: str) -> list[tuple[UserResult, Answer]]:
    return [(r, a) for r, a in answered(results, qid) if r.estimands.get(qid) is not None]


def _covers(low: float | None, high: float | None, truth: float | None) -> bool:
    assert low is not None and high is not None and truth is not None
    return low <= truth <= high


def coverage_rows(name: str, results: Sequence[UserResult]) -> list[Row]:
    """Coverage of the 95% CI and the mean estimate, for each question with a known truth."""
    rows = []
    for qid in question_ids(results):
        pairs = _known(results, qid)
        if not pairs:
            rows += _unknown_rows(name, qid, answered(results, qid))
            continue
        k = sum(_covers(a.ci_low, a.ci_high, r.estimands[qid]) for r, a in pairs)
        lo, hi = COVERAGE_GOALS.get(qid, COVERAGE_GOAL)
        goal = f"{lo:.0%}–{hi:.0%}" if hi < 1 else f"≥ {lo:.0%}"
        verdict = _pf(lo <= k / len(pairs) <= hi)
        rows.append(Row(name, "95% CI coverage", qid, _rate(k, len(pairs)), goal, verdict))
        rows.append(_bias_row(name, qid, pairs))
    return rows


def _bias_row(name: str, qid: str, pairs: Sequence[tuple[UserResult, Answer]]) -> Row:
    truth = float(pairs[0][0].estimands[qid] or 0.0)
    est = np.array([a.effect for _, a in pairs], dtype=float)
    mc_se = est.std(ddof=1) / math.sqrt(est.size) if est.size > 1 else math.nan
    value = f"{est.mean():+.3f} vs truth {truth:+.3f} (MC SE {mc_se:.3f})"
    return Row(name, "mean estimate", qid, value, "≈ truth", "INFO")


def _unknown_rows(name: str, qid: str, pairs: Sequence[tuple[UserResult, Answer]]) -> list[Row]:
    """Where the truth has no closed form (e.g. runs follow mood): what the app reports."""
    if not pairs:
        return []
    est = np.array([a.effect for _, a in pairs], dtype=float)
    k = sum(a.verdict == "pattern" for _, a in pairs)
    value = f'mean {est.mean():+.3f}; "pattern" {_rate(k, len(pairs)).strip()}'
    return [Row(name, "no closed-form truth", qid, value, "", "INFO")]


def null_rate_rows(
    name: str, results: Sequence[UserResult], patterns: Callable[[UserResult], set[str]], *,
    checked: bool, label: str = "",
) -> list[Row]:  # fmt: skip
    """'Pattern' rate among users with enough data, for questions with no true effect."""
    rows = []
    for qid in question_ids(results):
        users = [r for r, _ in answered(results, qid) if r.nulls.get(qid)]
        if not users:
            continue
        k = sum(qid in patterns(r) for r in users)
        verdict = _pf(k / len(users) <= NULL_RATE_GOAL) if checked else "INFO"
        figure = label + '"pattern", no effect'
        rows.append(Row(name, figure, qid, _rate(k, len(users)), "≤ 5%", verdict))
    return rows


def found(result: UserResult) -> set[str]:
    """Ids the app called a "pattern"."""
    return {a.id for a in result.answers if a.verdict == "pattern"}


def false_discovery_proportion(result: UserResult, patterns: set[str]) -> float:
    """Share of one user's "patterns" on questions with no true effect (0 without patterns)."""
    false = [q for q in patterns if result.nulls.get(q, False)]
    return len(false) / len(patterns) if patterns else 0.0


def fdr_row(
    name: str, results: Sequence[UserResult], patterns: Callable[[UserResult], set[str]],
    label: str = "", checked: bool = True,
) -> Row:  # fmt: skip
    fdp = np.array([false_discovery_proportion(r, patterns(r)) for r in results])
    se = fdp.std(ddof=1) / math.sqrt(fdp.size) if fdp.size > 1 else math.nan
    value = f"{fdp.mean():6.1%} (MC SE {se:.1%}; {fdp.size} users)"
    verdict = _pf(fdp.mean() < FDR_GOAL) if checked else "INFO"
    return Row(name, label + "false discovery rate", "all", value, "< 10%", verdict)


def power_rows(
    name: str, results: Sequence[UserResult], patterns: Callable[[UserResult], set[str]],
    label: str = "", checked: bool = True, qid: str = "run_vs_rest",
) -> list[Row]:  # fmt: skip
    """Share of users for whom a real run-day effect is a "pattern" (all users count)."""
    k = sum(qid in patterns(r) for r in results)
    ok = k / len(results) >= POWER_GOAL
    verdict = _pf(ok) if checked else "INFO"
    rows = [
        Row(name, label + "power (pattern found)", qid, _rate(k, len(results)), "≥ 80%", verdict)
    ]
    if not label:
        p05 = sum(a.p_value is not None and a.p_value < 0.05 for _, a in answered(results, qid))
        rows.append(Row(name, "p < 0.05 before BH", qid, _rate(p05, len(results)), "", "INFO"))
    return rows


def info_rows(name: str, results: Sequence[UserResult]) -> list[Row]:
    """Not-enough-data shares and how often a check-in was clipped at ±5."""
    rows = []
    for qid in question_ids(results):
        k = sum(a.verdict == "not_enough_data" for r in results for a in r.answers if a.id == qid)
        rows.append(Row(name, "not enough data", qid, _rate(k, len(results)), "", "INFO"))
    clipped, total = sum(r.clipped for r in results), sum(r.checkins for r in results)
    rows.append(Row(name, "check-ins clipped at ±5", "all", _rate(clipped, total), "", "INFO"))
    return rows


def evaluate(setting: Setting, results: Sequence[UserResult]) -> list[Row]:
    """Every figure for one setting."""
    global_null = all(all(r.nulls.values()) for r in results)
    rows = coverage_rows(setting.name, results)
    rows += null_rate_rows(setting.name, results, found, checked=global_null)
    rows.append(fdr_row(setting.name, results, found))
    if setting.power_check:
        rows += power_rows(setting.name, results, found)
    rows += variant_rows(setting, results, global_null)
    rows += info_rows(setting.name, results)
    if not setting.checked:
        rows = [dataclasses.replace(r, verdict="INFO") for r in rows]
    return rows


# --------------------------------------------------------------------------- #
# Scoring the scratch variants
# --------------------------------------------------------------------------- #


# Other weights for run_vs_rest in the weighted BH (the app's: questions.BH_WEIGHTS), scored
# for the app and for the previous app (PREVIOUS); 1.0 is plain BH.
OTHER_BH_WEIGHTS = (1.0, 1.5, 3.0)
WEIGHTED_VARIANTS = ("app", "previous")


def _variant_patterns(
    variant: str, weight: float | None = None
) -> Callable[[UserResult], set[str]]:
    """The app's BH decision with the day-level questions' p-values taken from ``variant``.

    ``variant="app"`` keeps the app's own p-values; ``weight``, if given,
    replaces run_vs_rest's weight in the weighted BH (:data:`questions.BH_WEIGHTS`).
    """
    from stridewell.insights import questions, stats

    def patterns(result: UserResult) -> set[str]:
        swapped = result.variants.get(variant, {})
        ids = [a.id for a in result.answers]
        p = [swapped[a.id][2] if a.id in swapped else a.p_value for a in result.answers]
        weights = questions.BH_WEIGHTS | ({} if weight is None else {"run_vs_rest": weight})
        w = [weights.get(q, 1.0) for q in ids]
        keep = stats.benjamini_hochberg(p, q=questions.FDR_Q, weights=w)
        return {q for q, k in zip(ids, keep, strict=True) if k}

    return patterns


def effect_found_rows(
    name: str, results: Sequence[UserResult], patterns: Callable[[UserResult], set[str]],
    label: str,
) -> list[Row]:  # fmt: skip
    """'Pattern' rate (all users count) on each question with a known, non-zero effect."""
    rows = []
    for qid in question_ids(results):
        if qid == "run_vs_rest" or not all(
            r.estimands.get(qid) is not None and not r.nulls.get(qid, True) for r in results
        ):
            continue
        k = sum(qid in patterns(r) for r in results)
        rows.append(Row(name, label + "pattern found", qid, _rate(k, len(results)), "", "INFO"))
    return rows


def _scored(results: Sequence[UserResult]) -> list[tuple[str, float | None]]:
    names = sorted({v for r in results for v in r.variants})
    weighted: list[tuple[str, float | None]] = [
        (v, w) for v in WEIGHTED_VARIANTS for w in OTHER_BH_WEIGHTS if v == "app" or v in names
    ]
    return [(v, None) for v in names] + (weighted if names else [])


def variant_rows(setting: Setting, results: Sequence[UserResult], global_null: bool) -> list[Row]:
    """Coverage, null pattern rate, FDR and power with each scratch variant swapped in."""
    rows: list[Row] = []
    for variant, weight in _scored(results):
        label = f"[{variant}] " if weight is None else f"[{variant}, BH w={weight:g}] "
        for qid in HAC_QUESTIONS if weight is None else ():
            pairs = [
                (r, r.variants[variant][qid]) for r in results
                if qid in r.variants.get(variant, {}) and r.estimands.get(qid) is not None
            ]  # fmt: skip
            if pairs:
                k = sum(_covers(ci[0], ci[1], r.estimands[qid]) for r, ci in pairs)
                rows.append(
                    Row(
                        setting.name,
                        label + "coverage",
                        qid,
                        _rate(k, len(pairs)),
                        "93–97%",
                        "INFO",
                    )
                )
        patterns = _variant_patterns(variant, weight)
        shown = HAC_QUESTIONS if weight is None else {"run_vs_rest": None}
        rows += [
            r for r in null_rate_rows(setting.name, results, patterns, checked=False, label=label)
            if r.question in shown
        ]  # fmt: skip
        rows.append(fdr_row(setting.name, results, patterns, label, checked=False))
        if setting.power_check:
            rows += power_rows(setting.name, results, patterns, label, checked=False)
        rows += effect_found_rows(setting.name, results, patterns, label)
    return rows


# --------------------------------------------------------------------------- #
# Command line
# --------------------------------------------------------------------------- #

FIELDS = ("figure", "question", "value", "goal")


def format_table(rows: Iterable[Row]) -> str:
    rows = list(rows)
    widths = [max(len(getattr(r, f)) for r in rows) for f in FIELDS]
    out, current = [], None
    for r in rows:
        if r.setting != current:
            out.append(f"\n== {r.setting} ==")
            current = r.setting
        cells = [getattr(r, f).ljust(w) for f, w in zip(FIELDS, widths, strict=True)]
        out.append("  " + "  ".join(cells) + f"  {r.verdict}")
    return "\n".join(out)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--users", type=int, default=500, help="users per setting")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--variants", action="store_true", help="also score scratch CI fixes")
    parser.add_argument("--only", default="", help="run only settings whose name contains this")
    parser.add_argument(
        "--readings", action="store_true", help="also run other readings of the power goal (INFO)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, echo: Callable[[str], None] = print) -> int:
    """Run every setting, print the table, return 1 if any check fails."""
    args = _parse(argv)
    setup_django()
    started = time.perf_counter()
    rows: list[Row] = []
    for index, setting in enumerate(SETTINGS + (READINGS if args.readings else ())):
        if args.only not in setting.name:
            continue
        t0 = time.perf_counter()
        results = run_setting(
            index, setting, args.users, args.seed, processes=args.processes, variants=args.variants
        )
        rows += evaluate(setting, results)
        echo(f"{setting.name}: {args.users} users in {time.perf_counter() - t0:.1f} s")
    echo(format_table(rows))
    failed = sum(r.verdict == "FAIL" for r in rows)
    passed = sum(r.verdict == "PASS" for r in rows)
    elapsed = time.perf_counter() - started
    echo(f"\n{failed} FAIL, {passed} PASS; {elapsed:.0f} s on {args.processes} processes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
