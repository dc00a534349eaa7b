"""Tests for stridewell.insights.stats (pure numpy/scipy/statsmodels, no database)."""

from __future__ import annotations

import math
from typing import TypedDict

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sp_stats
from statsmodels.stats.multitest import multipletests

from stridewell.insights.stats import (
    Estimate,
    benjamini_hochberg,
    hedges_g_av,
    logistic_lagged_effect,
    newey_west_maxlags,
    paired_change,
    permutation_best_group_p,
    permutation_slope_p,
    run_day_gls_effects,
    trend_slope,
    two_group_difference,
)

# --------------------------------------------------------------------------- #
# Simulation helpers
# --------------------------------------------------------------------------- #


def ar1(rng: np.random.Generator, n: int, phi: float, sigma: float = 1.0) -> np.ndarray:
    """Stationary AR(1) noise e_t = phi e_{t-1} + u_t, u ~ N(0, sigma²)."""
    e = np.empty(n)
    e[0] = rng.normal(0.0, sigma / math.sqrt(1 - phi**2))
    u = rng.normal(0.0, sigma, n)
    for t in range(1, n):
        e[t] = phi * e[t - 1] + u[t]
    return e


def run_days(rng: np.random.Generator, n: int, stay: float = 0.6) -> np.ndarray:
    """Persistent 0/1 run indicator (two-state Markov chain, P(same as yesterday)=stay)."""
    ran = np.empty(n)
    ran[0] = rng.random() < 0.5
    flips = rng.random(n) > stay
    for t in range(1, n):
        ran[t] = 1.0 - ran[t - 1] if flips[t] else ran[t - 1]
    return ran


class UserDays(TypedDict):
    feeling: np.ndarray
    ran: np.ndarray
    weekday: np.ndarray
    day_index: np.ndarray


def subset(sim: UserDays, keep: np.ndarray) -> UserDays:
    return UserDays(
        feeling=sim["feeling"][keep],
        ran=sim["ran"][keep],
        weekday=sim["weekday"][keep],
        day_index=sim["day_index"][keep],
    )


def simulate_user(
    rng: np.random.Generator,
    n: int,
    *,
    phi: float,
    effect: float,
    lag: int = 0,
    start: int = 20_000,
) -> UserDays:
    days = np.arange(start, start + n)
    weekday = days % 7
    ran = run_days(rng, n)
    ran_lagged = np.concatenate([np.zeros(lag), ran[: n - lag]])
    weekday_shift = np.array([0.0, -0.2, -0.1, 0.0, 0.1, 0.4, 0.3])[weekday]
    trend = 0.3 * (days - start) / 365.25
    feeling = 5.0 + effect * ran_lagged + weekday_shift + trend + ar1(rng, n, phi)
    return UserDays(feeling=feeling, ran=ran, weekday=weekday, day_index=days)


# --------------------------------------------------------------------------- #
# run_day_gls_effects
# --------------------------------------------------------------------------- #


def test_newey_west_rule() -> None:
    assert newey_west_maxlags(100) == 4
    assert newey_west_maxlags(365) == 5  # 4 * 3.65**(2/9) = 5.33
    assert newey_west_maxlags(180) == 4


def direct_gls_hac(sim: UserDays, phi: float | None = None, maxlags: int | None = None):
    """statsmodels fitted directly: sm.GLS with the AR(1) Σ, HAC errors, on ran_t and ran_{t-1}."""
    df = pd.DataFrame(dict(sim)).set_index("day_index", drop=False)
    df["ran_yesterday"] = df["ran"].reindex(df.index - 1).to_numpy()
    df = df.dropna()
    X = pd.get_dummies(df["weekday"], prefix="wd", drop_first=True, dtype=float)
    X.insert(0, "ran_yesterday", df["ran_yesterday"])
    X.insert(0, "ran", df["ran"])
    X["trend"] = (df["day_index"] - df["day_index"].min()) / 365.25
    X = sm.add_constant(X)
    days = df["day_index"].to_numpy()
    if phi is None:  # lag-1 autocorrelation of the OLS residuals, bias-corrected
        resid = sm.OLS(df["feeling"], X).fit().resid.to_numpy()
        nxt = np.flatnonzero(np.diff(days) == 1)
        phi = (resid[nxt] @ resid[nxt + 1] / nxt.size) / (resid @ resid / resid.size)
        phi = (nxt.size * phi + 1) / (nxt.size - 3)  # Kendall's bias correction
    sigma = phi ** np.abs(days[:, None] - days[None, :])
    lags = math.floor(4 * (len(df) / 100) ** (2 / 9)) if maxlags is None else maxlags
    hac = sm.GLS(df["feeling"], X, sigma=sigma).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    return hac, sm.GLS(df["feeling"], X, sigma=sigma).fit(), df


def wider(hac, classical, name):
    """The fit whose standard error of ``name`` is larger (what the app reports)."""
    return hac if hac.bse[name] >= classical.bse[name] else classical


@pytest.mark.parametrize("phi", [None, 0.5])
def test_run_day_gls_effects_match_statsmodels_gls_with_hac(phi) -> None:
    rng = np.random.default_rng(1)
    sim = simulate_user(rng, 200, phi=0.5, effect=0.6)
    sim["feeling"][rng.choice(200, size=30, replace=False)] = np.nan  # gaps in the AR(1)
    hac, classical, rows = direct_gls_hac(sim, phi)
    same_day, day_after = run_day_gls_effects(**sim, phi=phi)
    for est, name in ((same_day, "ran"), (day_after, "ran_yesterday")):
        direct = wider(hac, classical, name)
        low, high = direct.conf_int().loc[name]
        assert est.effect == pytest.approx(direct.params[name], abs=1e-6)
        assert est.ci_low == pytest.approx(low, abs=1e-6)
        assert est.ci_high == pytest.approx(high, abs=1e-6)
        assert est.se == pytest.approx(direct.bse[name], abs=1e-6)
        assert est.p_value == pytest.approx(direct.pvalues[name], abs=1e-6)
        assert est.n == len(rows)
        assert est.n_a == int(rows[name].sum()) and est.n_b == len(rows) - est.n_a


def test_run_day_gls_effects_pass_maxlags_through() -> None:
    sim = simulate_user(np.random.default_rng(2), 150, phi=0.3, effect=0.5)
    hac, classical, _ = direct_gls_hac(sim, 0.3, maxlags=9)
    same_day, _ = run_day_gls_effects(**sim, phi=0.3, maxlags=9)
    assert same_day.se == pytest.approx(max(hac.bse["ran"], classical.bse["ran"]), abs=1e-9)


def test_run_day_gls_effects_recover_both_days() -> None:
    rng = np.random.default_rng(2026)
    sim = simulate_user(rng, 365, phi=0.5, effect=0.8)
    ran = sim["ran"]
    sim["feeling"] = sim["feeling"] + 0.5 * np.concatenate([[0.0], ran[:-1]])
    same_day, day_after = run_day_gls_effects(**sim)
    assert same_day.ci_low < 0.8 < same_day.ci_high and same_day.p_value < 0.01
    assert day_after.ci_low < 0.5 < day_after.ci_high and day_after.p_value < 0.05
    assert same_day.n == day_after.n == 364  # the first day has no "yesterday" on record


def test_run_day_gls_effects_tell_the_day_after_from_the_run_day() -> None:
    # Persistent runs: a day-after effect alone would leak into a run-day-only regression.
    sim = simulate_user(np.random.default_rng(7), 365, phi=0.3, effect=0.8, lag=1)
    same_day, day_after = run_day_gls_effects(**sim)
    assert day_after.ci_low < 0.8 < day_after.ci_high
    assert same_day.ci_low < 0.0 < same_day.ci_high


def test_run_day_gls_effects_look_up_yesterday_by_day_number() -> None:
    rng = np.random.default_rng(11)
    sim = simulate_user(rng, 120, phi=0.3, effect=0.8)
    keep = np.ones(120, dtype=bool)
    keep[[10, 50, 51]] = False  # absent days: the days after them have no "yesterday"
    same_day, _ = run_day_gls_effects(**subset(sim, keep))
    assert same_day.n == 117 - 3  # first day, plus days 11 and 52
    # A day without a feeling still tells the next day whether there was a run yesterday.
    sim["feeling"][[10, 50, 51]] = np.nan
    same_day, _ = run_day_gls_effects(**sim)
    assert same_day.n == 120 - 1 - 3


def test_run_day_gls_effects_reject_runs_fixed_by_weekday() -> None:
    sim = simulate_user(np.random.default_rng(4), 120, phi=0.3, effect=0.5)
    sim["ran"] = np.isin(sim["weekday"], [0, 2, 4]).astype(float)  # Mon, Wed, Fri
    with pytest.raises(ValueError):
        run_day_gls_effects(**sim)


def test_run_day_gls_effects_ci_coverage() -> None:
    """300 users, 180 days, AR(1) phi=0.4 noise, true effect 0.5 on run days, 0 the day after.

    Observed coverage of the two 95% intervals with this seed: 0.947 and 0.940.
    """
    rng = np.random.default_rng(20261125)
    covered = np.zeros(2)
    for _ in range(300):
        same_day, day_after = run_day_gls_effects(**simulate_user(rng, 180, phi=0.4, effect=0.5))
        covered += [
            same_day.ci_low <= 0.5 <= same_day.ci_high,
            day_after.ci_low <= 0 <= day_after.ci_high,
        ]
    coverage = covered / 300
    assert ((coverage >= 0.90) & (coverage <= 0.985)).all(), coverage


# --------------------------------------------------------------------------- #
# paired_change / hedges_g_av
# --------------------------------------------------------------------------- #


def test_paired_change_matches_t_interval() -> None:
    rng = np.random.default_rng(5)
    before = rng.normal(5, 1, 25)
    after = before + rng.normal(0.4, 0.8, 25)
    est = paired_change(before, after)

    d = after - before
    half = sp_stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / math.sqrt(d.size)
    assert est.effect == pytest.approx(d.mean())
    assert est.ci_low == pytest.approx(d.mean() - half)
    assert est.ci_high == pytest.approx(d.mean() + half)
    ref = sp_stats.ttest_rel(after, before)
    ci = ref.confidence_interval()
    assert (est.ci_low, est.ci_high) == pytest.approx((ci.low, ci.high))
    assert est.p_value == pytest.approx(ref.pvalue)
    assert est.n == 25


def test_paired_change_drops_incomplete_pairs() -> None:
    est = paired_change(np.array([1.0, 2.0, np.nan, 4.0]), np.array([2.0, 4.0, 5.0, 5.0]))
    assert est.n == 3
    assert est.effect == pytest.approx((1 + 2 + 1) / 3)


def test_hedges_g_av_hand_computation() -> None:
    before = np.array([1.0, 2.0, 3.0, 4.0])  # mean 2.5, sd sqrt(5/3)
    after = np.array([2.0, 4.0, 4.0, 6.0])  # mean 4.0, sd sqrt(8/3)
    d_av = 1.5 / ((math.sqrt(5 / 3) + math.sqrt(8 / 3)) / 2)
    j = 1 - 3 / (4 * 8 - 9)  # 4 pairs: n1 + n2 = 8
    assert hedges_g_av(before, after) == pytest.approx(d_av * j)
    assert hedges_g_av(after, before) == pytest.approx(-d_av * j)


def test_hedges_g_av_lakens_movie_example() -> None:
    # Lakens (2013) Table 1: ten people rate two movies; M = 8.7 (SD 0.82) vs
    # 7.7 (SD 0.95), d_av = 1.0 / ((0.82 + 0.95) / 2) = 1.13 as reported there.
    movie1 = np.array([9, 7, 8, 9, 8, 9, 9, 10, 9, 9], dtype=float)
    movie2 = np.array([9, 6, 7, 8, 7, 9, 8, 8, 8, 7], dtype=float)
    assert movie1.std(ddof=1) == pytest.approx(0.82, abs=0.005)
    assert movie2.std(ddof=1) == pytest.approx(0.95, abs=0.005)
    g = hedges_g_av(movie2, movie1)
    j = 1 - 3 / (4 * 20 - 9)  # n1 + n2 = 20
    assert g / j == pytest.approx(1.13, abs=0.005)  # d_av
    assert g == pytest.approx(1.08, abs=0.005)  # g_av as Lakens reports it


# --------------------------------------------------------------------------- #
# benjamini_hochberg
# --------------------------------------------------------------------------- #

# Benjamini & Hochberg (1995), section 4: 15 p-values from a myocardial
# infarction study; at q = 0.05 the procedure rejects the 4 smallest.
BH_1995 = [
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
    0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000,
]  # fmt: skip


def test_benjamini_hochberg_textbook_example() -> None:
    rejected = benjamini_hochberg(BH_1995, q=0.05)
    assert rejected == [True] * 4 + [False] * 11


def test_benjamini_hochberg_order_and_default_q() -> None:
    shuffled = list(reversed(BH_1995))
    assert benjamini_hochberg(shuffled, q=0.05) == [False] * 11 + [True] * 4
    # q=0.10: the largest i with p_(i) <= i*0.1/15 is i=9 (0.0459 <= 0.06).
    assert sum(benjamini_hochberg(BH_1995)) == 9


def test_benjamini_hochberg_nan_and_none_never_significant() -> None:
    out = benjamini_hochberg([0.001, float("nan"), None, 0.02, 0.9], q=0.05)
    assert out == [True, False, False, True, False]
    assert benjamini_hochberg([None, float("nan")]) == [False, False]
    assert benjamini_hochberg([]) == []


def test_weighted_benjamini_hochberg_equal_weights_are_plain_bh() -> None:
    assert benjamini_hochberg(BH_1995, q=0.05, weights=[3.0] * 15) == benjamini_hochberg(
        BH_1995, q=0.05
    )


def test_weighted_benjamini_hochberg_by_hand() -> None:
    p = [0.012, 0.5, 0.6, 0.7, 0.8]
    # Plain BH at q = 0.05: 0.012 > 1 × 0.05 / 5, nothing is rejected.
    assert benjamini_hochberg(p, q=0.05) == [False] * 5
    # Weights 2, 1, 1, 1, 1 rescale to 10/6, 5/6, ...: 0.012 / (10/6) = 0.0072 <= 0.01.
    assert benjamini_hochberg(p, q=0.05, weights=[2, 1, 1, 1, 1]) == [True] + [False] * 4


def test_weighted_benjamini_hochberg_is_bh_on_p_over_w() -> None:
    rng = np.random.default_rng(3)
    p = rng.uniform(0, 0.05, 12)
    u = rng.uniform(0.5, 3.0, 12)
    p[[2, 7]], u[5] = np.nan, 1e-9  # NaNs count in neither m nor the mean weight
    valid = ~np.isnan(p)
    w = u[valid] * valid.sum() / u[valid].sum()
    expected = np.zeros(12, dtype=bool)
    expected[valid] = multipletests(np.minimum(p[valid] / w, 1), alpha=0.1, method="fdr_bh")[0]
    assert benjamini_hochberg(list(p), q=0.1, weights=list(u)) == list(expected)


def test_weighted_benjamini_hochberg_rejects_bad_weights() -> None:
    with pytest.raises(ValueError):
        benjamini_hochberg([0.01, 0.02], weights=[1.0, 0.0])
    with pytest.raises(ValueError):
        benjamini_hochberg([0.01, 0.02], weights=[1.0])


# --------------------------------------------------------------------------- #
# logistic_lagged_effect
# --------------------------------------------------------------------------- #


def test_logistic_recovers_odds_ratio() -> None:
    rng = np.random.default_rng(42)
    n = 2000
    feeling_yesterday = rng.normal(5, 1.5, n)
    true_or = 1.6
    logit = -2.5 + math.log(true_or) * feeling_yesterday
    ran_today = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    feeling_yesterday[:5] = np.nan
    est = logistic_lagged_effect(ran_today, feeling_yesterday)
    assert est.ci_low < true_or < est.ci_high
    assert est.ci_low < est.effect < est.ci_high
    assert est.p_value < 1e-6
    assert est.n == n - 5
    assert est.n_a == int(ran_today[5:].sum())
    assert math.log(est.ci_high) - math.log(est.effect) == pytest.approx(1.959964 * est.se)


# --------------------------------------------------------------------------- #
# two_group_difference / trend_slope
# --------------------------------------------------------------------------- #


def test_two_group_difference_matches_welch() -> None:
    rng = np.random.default_rng(9)
    a = rng.normal(6.0, 1.0, 30)
    b = rng.normal(5.4, 2.0, 55)
    est = two_group_difference(a, b)
    ref = sp_stats.ttest_ind(a, b, equal_var=False)
    assert est.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert est.effect == pytest.approx(a.mean() - b.mean())
    assert est.effect / est.se == pytest.approx(ref.statistic)
    ci = ref.confidence_interval()
    assert (est.ci_low, est.ci_high) == pytest.approx((ci.low, ci.high))
    assert (est.n, est.n_a, est.n_b) == (85, 30, 55)


def test_two_group_difference_drops_nan() -> None:
    est = two_group_difference(np.array([1.0, 2.0, np.nan, 3.0]), np.array([0.0, 1.0, 2.0]))
    assert (est.n_a, est.n_b) == (3, 3)
    assert est.effect == pytest.approx(1.0)


def exact_best_group_p(values, groups) -> float:
    """maxT over every relabelling (small data only), by brute force."""
    import itertools

    values, groups = np.asarray(values, float), np.asarray(groups)
    kinds = np.unique(groups)

    def stat(labels):
        out = []
        for k in kinds:
            inside = labels == k
            lead = values[inside].mean() - values[~inside].mean()
            out.append(lead / math.sqrt(1 / inside.sum() + 1 / (~inside).sum()))
        return max(out)

    observed = stat(groups)
    perms = list(itertools.permutations(range(values.size)))
    hits = sum(stat(groups[list(p)]) >= observed - 1e-12 for p in perms)
    return hits / len(perms)


@pytest.mark.parametrize(
    ("values", "groups"),
    [
        ([3, 1, 2, 0, -1, 1, 0], [1, 1, 1, 0, 0, 0, 0]),  # two groups: two-sided
        ([2, 2, 1, 0, 0, -1, 1], ["a", "a", "b", "b", "c", "c", "c"]),  # best of three
    ],
)
def test_permutation_best_group_p_agrees_with_full_enumeration(values, groups) -> None:
    exact = exact_best_group_p(values, groups)
    p = permutation_best_group_p(values, groups, permutations=20_000, seed=1)
    assert p == pytest.approx(exact, abs=0.01)


def test_permutation_best_group_p_two_groups_is_two_sided() -> None:
    values = [5.0, 6.0, 7.0, 0.0, 1.0, 0.0, 1.0, 0.0]
    up = permutation_best_group_p(values, [1, 1, 1, 0, 0, 0, 0, 0], seed=3)
    down = permutation_best_group_p(np.negative(values), [1, 1, 1, 0, 0, 0, 0, 0], seed=3)
    assert up == down < 0.05


def test_permutation_best_group_p_is_calibrated_for_tiny_rounded_groups() -> None:
    """No difference, a group of three rounded values: p < 0.05 about 5% of the time."""
    rng = np.random.default_rng(11)
    ps = []
    for i in range(300):
        groups = np.repeat(["race", "easy", "long"], [3, 20, 12])
        ps.append(
            permutation_best_group_p(
                np.round(rng.normal(0, 1.2, 35)), groups, seed=i, permutations=199
            )
        )
    low, high = sp_stats.binomtest(int(np.sum(np.array(ps) < 0.05)), 300).proportion_ci()
    assert low <= 0.05 and high >= 0.02


def test_permutation_best_group_p_is_reproducible_and_drops_nan() -> None:
    values = [1.0, 2.0, np.nan, 0.5, -1.0, 0.0, 2.5]
    groups = ["a", "a", "b", "b", "b", "a", "b"]
    assert permutation_best_group_p(values, groups) == permutation_best_group_p(values, groups)
    with pytest.raises(ValueError, match="two groups"):
        permutation_best_group_p([1.0, 2.0, np.nan], ["a", "a", "b"])


def test_permutation_slope_p_agrees_with_full_enumeration() -> None:
    import itertools

    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 7.0])
    y = np.array([9.0, 7.0, 8.0, 5.0, 6.0, 2.0, 4.0])
    observed = abs(np.dot(x - x.mean(), y - y.mean()))
    hits = [
        abs(np.dot(x - x.mean(), y[list(p)] - y.mean())) >= observed - 1e-12
        for p in itertools.permutations(range(x.size))
    ]
    p = permutation_slope_p(x, y, permutations=20_000, seed=2)
    assert p == pytest.approx(np.mean(hits), abs=0.005)
    assert p == permutation_slope_p(-x, y, permutations=20_000, seed=2)  # two-sided
    assert permutation_slope_p(x, y[::-1] * 0 + 1) == 1.0  # a flat y is never a slope


def test_trend_slope_matches_linregress() -> None:
    rng = np.random.default_rng(13)
    x = rng.uniform(0, 50, 80)
    y = 2.0 + 0.05 * x + rng.normal(0, 0.5, 80)
    est = trend_slope(x, y)
    ref = sp_stats.linregress(x, y)
    half = sp_stats.t.ppf(0.975, 78) * ref.stderr
    assert est.effect == pytest.approx(ref.slope)
    assert est.se == pytest.approx(ref.stderr)
    assert est.p_value == pytest.approx(ref.pvalue)
    assert (est.ci_low, est.ci_high) == pytest.approx((ref.slope - half, ref.slope + half))
    assert est.ci_low < 0.05 < est.ci_high


def test_estimate_is_frozen() -> None:
    est = Estimate(effect=1.0, ci_low=0.0, ci_high=2.0, se=0.5, p_value=0.05, n=10)
    with pytest.raises(AttributeError):
        est.effect = 2.0  # type: ignore[misc]
    assert est.n_a is None and est.n_b is None
