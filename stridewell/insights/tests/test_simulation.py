"""The insight statistics against simulated people with known truth (issue 4, section 5).

Small and seeded, so the suite stays quick; ``make validate`` runs the full
harness (500 users per setting). Rate checks use exact binomial tolerances: a
check fails only when the observed count would have probability below
``ALPHA`` (one-sided) if the true rate sat exactly on the goal's boundary, so a
correct implementation fails a given check with probability below 0.1%.

Figures the current statistics do not reach are ``xfail(strict=True)`` with
their numbers in the reason: they show up in every run, and the day a fix
lands they XPASS and fail, so the marker is removed.

The simulation tests are named ``test_sim_*``: ``-k "not sim"`` skips them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sp_stats
from statsmodels.stats.proportion import proportion_confint

from stridewell.insights.simulate import RUN_TYPES, ar1, simulate_user
from stridewell.insights.validate import (
    SETTINGS,
    Answer,
    UserResult,
    answer_frames,
    answered,
    ar1_gls,
    false_discovery_proportion,
    found,
    main,
    run_setting,
    wilson,
)

ALPHA = 0.001
N_USERS = 150  # per simulated setting; ~7 s each on one core


def too_few(k: int, n: int, p: float) -> bool:
    """``k / n`` is significantly below ``p``: ``P(X <= k | n, p) < ALPHA``."""
    return bool(sp_stats.binom.cdf(k, n, p) < ALPHA)


def too_many(k: int, n: int, p: float) -> bool:
    """``k / n`` is significantly above ``p``: ``P(X >= k | n, p) < ALPHA``."""
    return bool(sp_stats.binom.sf(k - 1, n, p) < ALPHA)


def one_user(seed: int, **params):
    rng = np.random.default_rng(seed)
    checkins, runs, responses, truth = simulate_user(rng, **params)
    insights, _ = answer_frames(checkins, runs, responses)
    return checkins, runs, {i.id: i for i in insights}, truth


# --------------------------------------------------------------------------- #
# The generator
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("phi", [0.0, 0.3, 0.6])
def test_ar1_has_the_phi_and_unit_sd_asked_for(phi):
    n = 200_000
    a = ar1(np.random.default_rng(1), n, phi)
    r1 = np.corrcoef(a[:-1], a[1:])[0, 1]
    # Bartlett: var(r1) ≈ (1 - φ²) / n; var(s²) ≈ 2 (1 + φ²) / ((1 - φ²) n) for unit variance.
    assert abs(r1 - phi) < 4 * math.sqrt((1 - phi**2) / n)
    assert abs(a.var() - 1) < 4 * math.sqrt(2 * (1 + phi**2) / ((1 - phi**2) * n))


def test_ar1_rejects_non_stationary_phi():
    with pytest.raises(ValueError):
        ar1(np.random.default_rng(1), 10, 1.0)


@pytest.mark.parametrize("phi", [0.3, 0.6])
def test_simulated_mood_has_the_phi_asked_for(phi):
    # Pooled lag-1 regression through the origin (the mood's mean is known to be 0), so the
    # only bias is the O(1/n) one of AR estimation: -2φ/3000, far inside the tolerance.
    num = den = 0.0
    for seed in range(5):
        *_, truth = simulate_user(np.random.default_rng(seed), days=3000, phi=phi)
        num += float(truth.mood[1:] @ truth.mood[:-1])
        den += float(truth.mood[:-1] @ truth.mood[:-1])
    assert abs(num / den - phi) < 4 * math.sqrt((1 - phi**2) / (5 * 2999))
    assert truth.phi == phi


def test_frames_follow_the_build_user_data_contract():
    checkins, runs, responses, truth = simulate_user(
        np.random.default_rng(4), days=120, effect_sd=0.5, change_sd=0.5
    )
    assert list(checkins.columns) == ["date", "kind", "feeling", "run_id", "tags"]
    assert list(runs.columns) == [
        "run_id", "start", "duration_min", "intensity", "run_type", "indoor",
    ]  # fmt: skip
    assert list(responses.columns) == ["date", "instrument", "score"]
    assert set(checkins["kind"]) == {"daily", "before_run", "after_run"}
    assert (checkins["date"] == checkins["date"].dt.normalize()).all()
    assert checkins["date"].dt.tz is None and runs["start"].dt.tz is None
    # Stored feelings: whole points on the Feeling Scale.
    assert checkins["feeling"].between(-5, 5).all()
    assert (checkins["feeling"] == checkins["feeling"].round()).all()
    assert all(isinstance(tags, list) for tags in checkins["tags"])
    # Daily check-ins have no run; before/after check-ins come in pairs on their run's day.
    daily = checkins[checkins["kind"] == "daily"]
    assert daily["run_id"].isna().all()
    linked = checkins[checkins["kind"] != "daily"]
    assert (
        linked.groupby("run_id")["kind"]
        .agg(lambda k: sorted(k) == ["after_run", "before_run"])
        .all()
    )
    run_day = runs.set_index("run_id")["start"].dt.normalize()
    assert (linked["date"].to_numpy() == run_day.loc[linked["run_id"]].to_numpy()).all()
    assert runs["run_id"].is_unique and runs["start"].dt.normalize().is_unique
    assert set(runs["run_type"]) <= set(RUN_TYPES)
    assert runs["intensity"].dropna().between(1, 5).all()
    # One daily check-in missing on about 20% of days; questionnaires every 14 days.
    assert 0.1 < 1 - daily["date"].nunique() / 120 < 0.3
    assert sorted(responses["instrument"].unique()) == ["gad7", "phq9", "who5"]
    assert len(responses) == 3 * (120 // 14)
    assert truth.mood.size == truth.ran.size == 120
    assert int(truth.ran.sum()) == len(runs)
    assert truth.estimands["run_vs_rest"] == pytest.approx(0.6)
    assert truth.estimands["before_after"] == pytest.approx(0.6)
    assert truth.is_null("day_after") and not truth.is_null("run_vs_rest")
    assert not truth.global_null


def test_continuous_feelings_when_asked():
    checkins, *_, truth = simulate_user(np.random.default_rng(5), rounded=False)
    assert (checkins["feeling"] != checkins["feeling"].round()).any()
    assert truth.clipped == 0


def test_truth_is_unknown_where_runs_follow_mood():
    *_, truth = simulate_user(np.random.default_rng(6), mood_dependence=0.8)
    assert truth.estimands["run_vs_rest"] is None
    assert truth.estimands["mood_to_running"] is None
    assert not truth.is_null("run_vs_rest")
    assert truth.is_null("before_after")


def test_truth_holds_on_the_measured_scale():
    """One long life (6,000 days): rounding and clipping leave the app's estimates on the truth."""
    params = {"days": 6000, "phi": 0.6, "effect_sd": 0.5, "day_after_sd": 0.3, "change_sd": 0.5}
    _, _, insights, truth = one_user(3, **params)
    for qid in ("run_vs_rest", "day_after", "before_after"):
        ins = insights[qid]
        se = (ins.ci_high - ins.ci_low) / (2 * 1.959964)
        assert abs(ins.effect - truth.estimands[qid]) < 4 * se, qid
    assert truth.clipped / truth.checkins < 0.005


# --------------------------------------------------------------------------- #
# The regression questions agree with statsmodels fitted directly
# --------------------------------------------------------------------------- #


def daily_table(checkins: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Calendar days first..last check-in: mean of the daily check-ins, else of any that day."""
    daily = checkins[checkins["kind"] == "daily"].groupby("date")["feeling"].mean()
    feeling = daily.combine_first(checkins.groupby("date")["feeling"].mean())
    days = pd.date_range(feeling.index.min(), feeling.index.max(), freq="D")
    return pd.DataFrame(
        {
            "feeling": feeling.reindex(days),
            "ran": days.isin(runs["start"].dt.normalize()).astype(float),
            "weekday": days.day_of_week,
            "years": (days - days[0]).days / 365.25,
        },
        index=days,
    )


def direct_gls_hac(table: pd.DataFrame) -> dict[str, tuple[float, float, float, float]]:
    """sm.GLS with the AR(1) Σ over calendar days on ran_t and ran_{t-1}, the wider of HAC and classical.

    ``φ`` is the lag-1 autocorrelation of the OLS residuals over consecutive
    days, as the app estimates it. For each day the fit (Newey–West HAC or
    classical GLS) with the larger standard error gives effect, CI and p.
    """
    rows = table.assign(yesterday=table["ran"].shift(1)).dropna(subset=["feeling", "yesterday"])
    X = pd.get_dummies(rows["weekday"], prefix="wd", drop_first=True, dtype=float)
    X.insert(0, "yesterday", rows["yesterday"])
    X.insert(0, "ran", rows["ran"])
    X["years"] = rows["years"]
    X = sm.add_constant(X)
    days = (rows.index - table.index[0]).days.to_numpy()
    resid = sm.OLS(rows["feeling"], X).fit().resid.to_numpy()
    nxt = np.flatnonzero(np.diff(days) == 1)
    phi = (resid[nxt] @ resid[nxt + 1] / nxt.size) / (resid @ resid / resid.size)
    phi = (nxt.size * phi + 1) / (nxt.size - 3)  # Kendall's bias correction, as the app
    sigma = phi ** np.abs(days[:, None] - days[None, :])
    lags = math.floor(4 * (len(rows) / 100) ** (2 / 9))  # Newey & West (1994)
    model = sm.GLS(rows["feeling"], X, sigma=sigma)
    hac = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True)
    classical = model.fit()
    out = {}
    for qid, name in (("run_vs_rest", "ran"), ("day_after", "yesterday")):
        fit = hac if hac.bse[name] >= classical.bse[name] else classical
        ci = fit.conf_int()
        out[qid] = (fit.params[name], ci.loc[name, 0], ci.loc[name, 1], fit.pvalues[name])
    return out


SAME_DATA = [
    (11, {"phi": 0.6, "effect_sd": 0.5, "day_after_sd": 0.3}),
    (12, {"phi": 0.3, "missing": 0.4, "weekend_run_boost": 0.3}),
    (13, {"phi": 0.5, "days": 365, "mood_dependence": 0.8}),
]


@pytest.mark.parametrize(("seed", "params"), SAME_DATA)
@pytest.mark.parametrize("qid", ["run_vs_rest", "day_after"])
def test_run_day_questions_match_statsmodels_gls_hac(seed, params, qid):
    checkins, runs, insights, _ = one_user(seed, **params)
    effect, low, high, p = direct_gls_hac(daily_table(checkins, runs))[qid]
    ins = insights[qid]
    assert ins.verdict != "not_enough_data"
    assert ins.effect == pytest.approx(effect, abs=1e-6)
    assert ins.ci_low == pytest.approx(low, abs=1e-6)
    assert ins.ci_high == pytest.approx(high, abs=1e-6)
    assert ins.p_value == pytest.approx(p, abs=1e-6)


@pytest.mark.parametrize(("seed", "params"), SAME_DATA)
def test_mood_to_running_matches_statsmodels_logit(seed, params):
    checkins, runs, insights, _ = one_user(seed, **params)
    table = daily_table(checkins, runs)
    rows = pd.DataFrame({"ran": table["ran"], "yesterday": table["feeling"].shift(1)}).dropna()
    fit = sm.Logit(rows["ran"], sm.add_constant(rows["yesterday"])).fit(disp=0)
    low, high = np.exp(fit.conf_int().loc["yesterday"])
    ins = insights["mood_to_running"]
    assert ins.effect == pytest.approx(math.exp(fit.params["yesterday"]), abs=1e-6)
    assert ins.ci_low == pytest.approx(low, abs=1e-6)
    assert ins.ci_high == pytest.approx(high, abs=1e-6)
    assert ins.p_value == pytest.approx(fit.pvalues["yesterday"], abs=1e-6)


# --------------------------------------------------------------------------- #
# The harness's own arithmetic
# --------------------------------------------------------------------------- #


def test_wilson_matches_statsmodels():
    for k, n in [(0, 10), (93, 100), (475, 500), (500, 500)]:
        expected = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert wilson(k, n) == pytest.approx(expected, abs=1e-9)


def test_false_discovery_proportion():
    a = [Answer(q, "pattern", 1.0, 0.5, 1.5, 0.01) for q in ("x", "y", "z")]
    result = UserResult(tuple(a), {}, {"x": True, "y": False, "z": True}, 0, 0)
    assert false_discovery_proportion(result, found(result)) == pytest.approx(2 / 3)
    assert false_discovery_proportion(result, set()) == 0.0


def test_ar1_gls_is_gls_with_the_ar1_covariance_over_gaps():
    rng = np.random.default_rng(8)
    days = np.sort(rng.choice(200, size=150, replace=False))
    X = sm.add_constant(rng.normal(size=(150, 2)))
    y = X @ [1.0, 0.5, -0.2] + ar1(rng, 200, 0.5)[days]
    sigma = 0.5 ** np.abs(days[:, None] - days[None, :])
    direct = sm.GLS(y, X, sigma=sigma).fit()
    b, se, dof = ar1_gls(y, X, days, 1, phi=0.5)
    assert b == pytest.approx(direct.params[1], abs=1e-9)
    assert se == pytest.approx(direct.bse[1], abs=1e-9)
    assert dof == 147


def test_validate_main_prints_a_table():
    lines = []
    status = main(["--users", "4", "--processes", "1", "--only", "null, phi 0.3"], lines.append)
    text = "\n".join(lines)
    assert status in (0, 1)
    assert "95% CI coverage" in text and "false discovery rate" in text
    assert ("FAIL" in text) == (status == 1)


# --------------------------------------------------------------------------- #
# Seeded simulations (small: N_USERS per setting; `make validate` runs 500)
# --------------------------------------------------------------------------- #


def _setting(name: str):
    index = next(i for i, s in enumerate(SETTINGS) if s.name == name)
    return index, SETTINGS[index]


@pytest.fixture(scope="module")
def null_users():
    index, setting = _setting("null, phi 0.6")
    return run_setting(index, setting, N_USERS, seed=20260101, processes=1)


@pytest.fixture(scope="module")
def effect_users():
    index, setting = _setting("0.5 SD, phi 0.6")
    return run_setting(index, setting, N_USERS, seed=20260101, processes=1)


def _coverage(results, qid):
    pairs = [(r, a) for r, a in answered(results, qid) if r.estimands.get(qid) is not None]
    hits = sum(a.ci_low <= r.estimands[qid] <= a.ci_high for r, a in pairs)
    return hits, len(pairs)


@pytest.mark.parametrize(
    "qid",
    [
        "run_vs_rest", "before_after", "day_after", "mood_to_running", "dose", "with_others",
        "questionnaires", "time_of_day",
        "training_load",
    ],
)  # fmt: skip
def test_sim_null_coverage(null_users, qid):
    hits, n = _coverage(null_users, qid)
    assert n >= N_USERS // 2
    assert not too_few(hits, n, 0.93), f"{qid}: {hits}/{n}"
    assert not too_many(hits, n, 0.97), f"{qid}: {hits}/{n}"


def test_sim_run_type_interval_covers_at_least_93_percent(null_users):
    # Bonferroni over the kinds of run for the best one: conservative by design.
    hits, n = _coverage(null_users, "run_type")
    assert not too_few(hits, n, 0.93), f"{hits}/{n}"


@pytest.mark.parametrize("qid", ["run_vs_rest", "before_after", "day_after"])
def test_sim_effect_coverage_and_bias(effect_users, qid):
    hits, n = _coverage(effect_users, qid)
    assert not too_few(hits, n, 0.93), f"{qid}: {hits}/{n}"
    assert not too_many(hits, n, 0.97), f"{qid}: {hits}/{n}"
    pairs = answered(effect_users, qid)
    errors = np.array([a.effect - r.estimands[qid] for r, a in pairs])
    assert abs(errors.mean()) < 3.29 * errors.std(ddof=1) / math.sqrt(errors.size), qid


@pytest.mark.parametrize(
    "qid",
    [
        "run_vs_rest", "before_after", "day_after", "mood_to_running", "dose", "run_type",
        "with_others", "questionnaires", "time_of_day", "training_load",
    ],
)  # fmt: skip
def test_sim_null_pattern_rate_at_most_5_percent(null_users, qid):
    # breaks is left to make validate: too few users reach enough break days at this size.
    users = answered(null_users, qid)
    k = sum(a.verdict == "pattern" for _, a in users)
    assert not too_many(k, len(users), 0.05), f"{qid}: {k}/{len(users)}"


def test_sim_breaks_only_rarely_answered_and_checked_by_validate(null_users):
    # Too few users reach 8 break days in two breaks at this size for a check of its own;
    # make validate checks its coverage and "pattern" rate at 500 users.
    users = answered(null_users, "breaks")
    assert 0 < len(users) < N_USERS


def test_sim_false_discovery_rate_under_the_null(null_users):
    # With no effect anywhere any "pattern" is false, so FDP is 0 or 1: binomial.
    k = sum(bool(found(r)) for r in null_users)
    assert not too_many(k, len(null_users), 0.10), f"{k}/{len(null_users)}"


def test_sim_false_discovery_rate_with_effects(effect_users):
    fdp = np.array([false_discovery_proportion(r, found(r)) for r in effect_users])
    # One-sided test of mean FDP <= 10% (z at ALPHA = 0.001: 3.09).
    assert fdp.mean() - 3.09 * fdp.std(ddof=1) / math.sqrt(fdp.size) < 0.10, fdp.mean()


def test_sim_power_for_half_an_sd_over_120_days(effect_users):
    k = sum("run_vs_rest" in found(r) for r in effect_users)
    assert not too_few(k, len(effect_users), 0.80), f"{k}/{len(effect_users)}"


@pytest.fixture(scope="module")
def weak_carry_over_users():
    index, setting = _setting("0.5 SD, phi 0.3")
    return run_setting(index, setting, N_USERS, seed=20260101, processes=1)


@pytest.mark.xfail(
    strict=True,
    reason="with mood carrying over less (phi 0.3) GLS gains little: power for a 0.5 SD run-day "
    + "effect over 120 days is 65.4% (make validate, seed 1, 500 users) and p < 0.05 before "
    + "any multiplicity correction only 66.6%: no test at the 5% level can reach 80% here",
)
def test_sim_power_for_half_an_sd_over_120_days_weak_carry_over(weak_carry_over_users):
    k = sum("run_vs_rest" in found(r) for r in weak_carry_over_users)
    assert not too_few(k, len(weak_carry_over_users), 0.80), f"{k}/{len(weak_carry_over_users)}"
