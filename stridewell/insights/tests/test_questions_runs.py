"""Questions 5–11 from synthetic raw frames (no database): minimums, estimates, wording."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from stridewell.insights.data import build_user_data
from stridewell.insights.questions import QUESTIONS, Insight, answer_data

START = pd.Timestamp("2025-01-06")  # a Monday
FORBIDDEN = re.compile(r"\b(cause|causes|caused|proves|cures)\b")
TYPES = ["easy", "long", "tempo", "intervals", "walk"]


def frames(
    n_runs: int,
    *,
    rng: np.random.Generator,
    change: float = 1.0,
    lift: dict | None = None,
    every: int = 2,
    noise: float = 1.0,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A run every ``every`` days with before/after check-ins, a daily check-in each day.

    ``lift`` maps a run's column to a function adding extra change for that run.
    """
    runs, checkins = [], []
    for i in range(n_runs):
        day = START + pd.Timedelta(days=i * every)
        run = {
            "run_id": i + 1,
            "start": day + pd.Timedelta(hours=7 if i % 2 else 18),
            "duration_min": float(20 + (i * 7) % 60),
            "intensity": float(1 + i % 5),
            "run_type": TYPES[i % len(TYPES)],
            "indoor": i % 3 == 0,
        }
        runs.append(run)
        tags = ["with others"] if i % 2 == 0 else ["alone"]
        extra = sum(f(run, tags) for f in (lift or {}).values())
        before = float(rng.normal(-0.5, 1.0))
        after = before + change + extra + float(rng.normal(0, noise))
        checkins.append(
            {"date": day, "kind": "before_run", "feeling": before, "run_id": i + 1, "tags": tags}
        )
        checkins.append(
            {"date": day, "kind": "after_run", "feeling": after, "run_id": i + 1, "tags": []}
        )
    last = START + pd.Timedelta(days=max(n_runs * every, 1))
    for day in pd.date_range(START, last, freq="D"):
        checkins.append(
            {
                "date": day,
                "kind": "daily",
                "feeling": float(rng.normal(0, 1)),
                "run_id": np.nan,
                "tags": [],
            }
        )
    responses = pd.DataFrame(columns=["date", "instrument", "score"])
    return pd.DataFrame(checkins), pd.DataFrame(runs), responses


def answers(
    checkins: pd.DataFrame, runs: pd.DataFrame, responses: pd.DataFrame
) -> dict[str, Insight]:
    return {i.id: i for i in answer_data(build_user_data(checkins, runs, responses))}


def test_registry_has_the_issue_ids_in_order():
    assert list(QUESTIONS) == [
        "run_vs_rest", "before_after", "day_after", "mood_to_running", "dose", "run_type",
        "with_others", "breaks", "training_load", "questionnaires", "time_of_day", "setting",
    ]  # fmt: skip


# --------------------------------------------------------------------------- #
# Dose
# --------------------------------------------------------------------------- #


def test_dose_finds_longer_runs_lifting_more():
    lift = {"dose": lambda run, tags: 0.05 * run["duration_min"]}
    found = answers(*frames(60, rng=np.random.default_rng(1), lift=lift, noise=0.5))["dose"]
    assert found.verdict == "pattern"
    assert found.effect == pytest.approx(0.5, abs=0.15)  # per 10 minutes
    assert found.unit == "points of change per 10 minutes longer"
    assert "For every 10 minutes longer a run was" in found.sentence
    assert f"{found.effect:.1f} points bigger" in found.sentence
    assert "60 runs" in found.sentence and "for each zone harder" in found.sentence
    panels = found.chart["panels"]
    assert [p["x_label"] for p in panels] == ["Minutes", "Intensity (zone 1–5)"]
    assert len(panels[0]["x"]) == 60 and panels[0]["line"][1] == pytest.approx(0.05, abs=0.015)


def test_dose_needs_ten_runs_with_both_check_ins():
    short = answers(*frames(9, rng=np.random.default_rng(2)))["dose"]
    assert short.verdict == "not_enough_data"
    assert short.needed == "1 more run with a check-in both before and after"
    assert answers(*frames(10, rng=np.random.default_rng(2)))["dose"].verdict != "not_enough_data"


# --------------------------------------------------------------------------- #
# Run type
# --------------------------------------------------------------------------- #


def test_run_type_picks_the_type_that_lifts_most_with_a_wider_interval():
    lift = {"type": lambda run, tags: 2.0 if run["run_type"] == "intervals" else 0.0}
    found = answers(*frames(60, rng=np.random.default_rng(3), lift=lift, noise=0.7))["run_type"]
    assert found.verdict == "pattern"
    assert "Your feeling rose most across interval sessions" in found.sentence
    assert "allowing for comparing 5 kinds of run" in found.sentence
    assert "12 runs of this kind, 48 other runs" in found.sentence
    assert found.effect == pytest.approx(2.0, abs=0.6)
    assert found.chart["labels"][0] == "Interval sessions" and len(found.chart["labels"]) == 5
    # Bonferroni over 5 types: the interval is wider than a plain 95% one would be.
    from stridewell.insights import stats

    data = build_user_data(*frames(60, rng=np.random.default_rng(3), lift=lift, noise=0.7))
    rows = data.runs[data.runs["change"].notna()]
    plain = stats.two_group_difference(
        rows.loc[rows["run_type"] == "intervals", "change"].to_numpy(),
        rows.loc[rows["run_type"] != "intervals", "change"].to_numpy(),
    )
    assert found.ci_high - found.ci_low > plain.ci_high - plain.ci_low


def test_run_type_needs_two_kinds_with_three_runs_each():
    checkins, runs, responses = frames(12, rng=np.random.default_rng(4))
    runs["run_type"] = ["easy"] * 10 + ["tempo"] * 2
    short = answers(checkins, runs, responses)["run_type"]
    assert short.verdict == "not_enough_data"
    assert short.needed == "3 runs of another kind with a check-in both before and after"
    runs["run_type"] = ["easy"] * 6 + ["tempo"] * 3 + [""] * 3  # three not classified yet
    short = answers(checkins, runs, responses)["run_type"]
    assert short.needed == "1 more run with a check-in both before and after"
    runs["run_type"] = ["easy"] * 7 + ["tempo"] * 3 + [""] * 2
    assert answers(checkins, runs, responses)["run_type"].verdict != "not_enough_data"


# --------------------------------------------------------------------------- #
# Two kinds of run
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("qid", "lift", "lead", "groups"),
    [
        (
            "with_others",
            lambda run, tags: 1.5 * ("with others" in tags),
            "Running with others",
            "runs with others",
        ),
        (
            "time_of_day",
            lambda run, tags: 1.5 * (run["start"].hour < 12),
            "Running in the morning",
            "morning runs",
        ),
        (
            "setting",
            lambda run, tags: 1.5 * (not run["indoor"]),
            "Running outdoors",
            "runs outdoors",
        ),
    ],
)
def test_two_kinds_of_run(qid, lift, lead, groups):
    found = answers(*frames(40, rng=np.random.default_rng(5), lift={"x": lift}, noise=0.6))[qid]
    assert found.verdict == "pattern", found.sentence
    assert found.effect == pytest.approx(1.5, abs=0.6)
    assert found.sentence.startswith(
        f"{lead}, your feeling rose by {found.effect:.1f} points more than"
    )
    assert groups in found.sentence and found.chart["type"] == "two_groups"


def test_two_kinds_need_five_runs_each():
    checkins, runs, responses = frames(14, rng=np.random.default_rng(6))
    runs["indoor"] = [True] * 4 + [False] * 10
    short = answers(checkins, runs, responses)["setting"]
    assert short.verdict == "not_enough_data" and short.needed == "1 more run indoors"
    runs["indoor"] = [True] * 5 + [False] * 9
    assert answers(checkins, runs, responses)["setting"].verdict != "not_enough_data"


def test_with_others_comes_from_tags_on_the_runs_check_ins():
    checkins, runs, responses = frames(10, rng=np.random.default_rng(7))
    data = build_user_data(checkins, runs, responses)
    assert list(data.runs["with_others"]) == [i % 2 == 0 for i in range(10)]


# --------------------------------------------------------------------------- #
# Breaks and training load (day-level regressions)
# --------------------------------------------------------------------------- #


def break_frames(
    rng: np.random.Generator, dip: float
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Runs every other day, with three 10-day breaks; feeling dips by ``dip`` in breaks."""
    days = pd.date_range(START, periods=150, freq="D")
    breaks = {d for b in (30, 70, 110) for d in range(b, b + 10)}
    runs = [
        {"run_id": i + 1, "start": day + pd.Timedelta(hours=8), "duration_min": 30.0,
         "intensity": 2.0, "run_type": "easy", "indoor": False}
        for i, day in enumerate(days) if i % 2 == 0 and i not in breaks
    ]  # fmt: skip
    checkins = [
        {"date": day, "kind": "daily", "run_id": np.nan, "tags": [],
         "feeling": float(rng.normal(0, 1) - dip * (i in breaks))}
        for i, day in enumerate(days)
    ]  # fmt: skip
    return (
        pd.DataFrame(checkins),
        pd.DataFrame(runs),
        pd.DataFrame(columns=["date", "instrument", "score"]),
    )


def test_break_days_are_whole_stretches_of_seven_or_more():
    data = build_user_data(*break_frames(np.random.default_rng(8), 0.0))
    in_break = data.days["in_break"]
    assert in_break.sum() == 3 * 11  # 10 days without a run plus the odd day before each break
    assert in_break.iloc[:29].sum() == 0


def test_breaks_find_a_dip_and_match_statsmodels():
    data = build_user_data(*break_frames(np.random.default_rng(9), 1.5))
    found = {i.id: i for i in answer_data(data)}["breaks"]
    assert found.verdict == "pattern"
    assert "During breaks of a week or more without running" in found.sentence
    assert "not proof that the break caused it" in found.sentence
    days = data.days.dropna(subset=["feeling", "in_break"])
    X = pd.get_dummies(days["weekday"], prefix="wd", drop_first=True, dtype=float)
    X.insert(0, "in_break", days["in_break"])
    X.insert(0, "const", 1.0)
    X["trend"] = days["day_index"] / 365.25
    # GLS with AR(1) errors over calendar days, φ from the OLS residuals on consecutive days.
    resid = sm.OLS(days["feeling"], X).fit().resid.to_numpy()
    day = days["day_index"].to_numpy()
    nxt = np.flatnonzero(np.diff(day) == 1)
    phi = (resid[nxt] @ resid[nxt + 1] / nxt.size) / (resid @ resid / resid.size)
    phi = (nxt.size * phi + 1) / (nxt.size - 3)  # Kendall's bias correction, as the app
    sigma = phi ** np.abs(day[:, None] - day[None, :])
    classical = sm.GLS(days["feeling"], X, sigma=sigma).fit()
    lags = math.floor(4 * (len(days) / 100) ** (2 / 9))
    hac = sm.GLS(days["feeling"], X, sigma=sigma).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    # The app reports whichever of the two gives the larger standard error.
    fit = hac if hac.bse["in_break"] >= classical.bse["in_break"] else classical
    assert found.effect == pytest.approx(fit.params["in_break"], abs=1e-6)
    assert found.ci_low == pytest.approx(fit.conf_int().loc["in_break", 0], abs=1e-6)
    assert found.ci_high == pytest.approx(fit.conf_int().loc["in_break", 1], abs=1e-6)


def test_breaks_need_two_separate_breaks():
    checkins, runs, responses = break_frames(np.random.default_rng(9), 0.0)
    early = checkins["date"] < START + pd.Timedelta(days=60)  # only the first break
    short = answers(checkins[early], runs, responses)["breaks"]
    assert short.verdict == "not_enough_data"
    assert short.needed == "check-ins during 1 more break from running"


def test_acwr_is_seven_day_over_twenty_eight_day_load():
    checkins, runs, responses = break_frames(np.random.default_rng(10), 0.0)
    data = build_user_data(checkins, runs, responses)
    assert data.days["acwr"].iloc[:27].isna().all()
    loads = data.days["load"]
    expected = loads.iloc[93 - 6 : 94].mean() / loads.iloc[93 - 27 : 94].mean()
    assert data.days["acwr"].iloc[93] == pytest.approx(expected)
    assert set(loads.unique()) == {0.0, 60.0}  # 30 minutes × zone 2


def test_training_load_flags_weeks_above_one_and_a_half_and_notes_long_efforts():
    checkins, runs, responses = break_frames(np.random.default_rng(11), 0.0)
    runs.loc[len(runs) - 1, "duration_min"] = 200.0  # a very long effort near the end
    found = {i.id: i for i in answer_data(build_user_data(checkins, runs, responses))}[
        "training_load"
    ]
    assert found.verdict in ("pattern", "no_clear_pattern")
    flagged = found.chart["flagged"]
    assert flagged and all(len(span) == 2 for span in flagged)
    assert f"{len(flagged)} weeks of" in found.sentence and "above 1.5" in found.sentence
    assert found.note.startswith("Your 3 h 20 min effort on")
    assert "Freund et al., 2012" in found.note


def test_training_load_needs_six_weeks_of_days_with_a_ratio():
    checkins, runs, responses = break_frames(np.random.default_rng(12), 0.0)
    short = answers(checkins[checkins["date"] < START + pd.Timedelta(days=60)], runs, responses)
    assert short["training_load"].verdict == "not_enough_data"
    assert short["training_load"].needed.startswith("9 more days with a check-in after")


# --------------------------------------------------------------------------- #
# Questionnaires over the months
# --------------------------------------------------------------------------- #


def test_questionnaire_scores_follow_running_volume():
    rng = np.random.default_rng(13)
    days = pd.date_range(START, periods=240, freq="D")
    weekly_hours = 1 + 2 * (np.sin(np.arange(240) / 30) > 0)
    runs = [
        {"run_id": i + 1, "start": d + pd.Timedelta(hours=7), "duration_min": weekly_hours[i] * 60 / 3,
         "intensity": np.nan, "run_type": "easy", "indoor": False}
        for i, d in enumerate(days) if i % 7 in (0, 2, 4)
    ]  # fmt: skip
    checkins = pd.DataFrame(
        [
            {"date": d, "kind": "daily", "feeling": rng.normal(), "run_id": np.nan, "tags": []}
            for d in days
        ]
    )
    response_days = days[35::14]
    data = build_user_data(
        checkins,
        pd.DataFrame(runs),
        pd.DataFrame(
            {"date": response_days, "instrument": "phq9", "score": np.zeros(len(response_days))}
        ),
    )
    hours = data.responses["hours_per_week"].to_numpy()
    scores = np.clip(np.round(14 - 3 * hours + rng.normal(0, 1, len(hours))), 0, 27)
    responses = pd.DataFrame({"date": response_days, "instrument": "phq9", "score": scores})
    found = answers(checkins, pd.DataFrame(runs), responses)["questionnaires"]
    assert found.verdict == "pattern"
    assert found.effect == pytest.approx(-3, abs=1)
    assert "your PHQ-9 score was" in found.sentence and "lower (better)" in found.sentence
    assert found.chart["type"] == "score_trend" and found.chart["max"] == 27
    assert found.chart["bands"][0] == [0, 4, "minimal"]


def test_questionnaires_need_eight_answers():
    checkins, runs, _ = frames(20, rng=np.random.default_rng(14))
    responses = pd.DataFrame({"date": [START + pd.Timedelta(days=7 * i) for i in range(7)],
                              "instrument": "who5", "score": [40.0] * 7})  # fmt: skip
    short = answers(checkins, runs, responses)["questionnaires"]
    assert short.verdict == "not_enough_data" and short.needed == "1 more WHO-5 answer"


# --------------------------------------------------------------------------- #
# Every question together
# --------------------------------------------------------------------------- #


def test_every_sentence_is_honest_and_json_ready():
    import json

    lift = {"all": lambda run, tags: 0.03 * run["duration_min"] + ("with others" in tags)}
    found = answers(*frames(80, rng=np.random.default_rng(15), lift=lift))
    for insight in found.values():
        text = re.sub(r"not proof that [\w ]+ caused it", "", insight.sentence)
        assert not FORBIDDEN.search(text.lower()), insight.sentence
        json.dumps(insight.chart, allow_nan=False)
        if insight.verdict != "not_enough_data":
            assert "95% CI" in insight.sentence
        else:
            assert insight.needed and insight.needed in insight.sentence


def test_bh_gives_the_primary_question_triple_weight(monkeypatch):
    from stridewell.insights import questions, stats

    seen = {}
    real = stats.benjamini_hochberg

    def spy(p_values, q, weights):
        seen["p"], seen["weights"] = p_values, weights
        return real(p_values, q=q, weights=weights)

    monkeypatch.setattr(questions.stats, "benjamini_hochberg", spy)
    found = answers(*frames(80, rng=np.random.default_rng(15)))
    assert seen["weights"] == [3.0 if q == "run_vs_rest" else 1.0 for q in QUESTIONS]
    assert seen["p"] == [found[q].p_value for q in QUESTIONS]
    # Weights 3, 1, 1, … rescaled to average 1 over the m answered questions: run_vs_rest
    # passes where its p-value is below 3m/(m+2) times the plain BH threshold.
    p = [found[q].p_value for q in QUESTIONS]
    m = sum(v is not None for v in p)
    shifted = [0.9 if v is not None else None for v in p]
    shifted[0] = 0.95 * (3 * m / (m + 2)) * questions.FDR_Q / m
    assert real(shifted, q=questions.FDR_Q) == [False] * len(p)
    assert real(shifted, q=questions.FDR_Q, weights=seen["weights"])[0]
