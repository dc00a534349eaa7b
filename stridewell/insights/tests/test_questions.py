"""Insights from a person's own check-ins and runs: data shaping, minimums, verdicts, wording."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from conftest import make_user
from stridewell.accounts.models import Profile
from stridewell.insights.data import load_user_data
from stridewell.insights.questions import QUESTIONS, Insight, answer_all
from stridewell.runs.models import Run
from stridewell.wellbeing.models import CheckIn

START = date(2025, 1, 6)
FORBIDDEN = re.compile(r"\b(cause|causes|caused|proves|cures)\b")


def seed(
    user: Any,
    feelings: list[float | None],
    ran: list[bool],
    tz: str = "Europe/London",
) -> None:
    """One evening check-in per day with a feeling, a morning run on run days (bulk)."""
    Profile.objects.filter(user=user).update(timezone=tz)
    zone = ZoneInfo(tz)
    checkins, runs = [], []
    for i, (feeling, did_run) in enumerate(zip(feelings, ran, strict=True)):
        day = START + timedelta(days=i)
        if feeling is not None:
            at = datetime.combine(day, time(20, 0), zone)
            value = int(np.clip(round(feeling), -5, 5))
            checkins.append(CheckIn(user=user, recorded_at=at, feeling=value))
        if did_run:
            runs.append(
                Run(user=user, start=datetime.combine(day, time(7, 0), zone), elapsed_s=1800)
            )
    CheckIn.objects.bulk_create(checkins)
    Run.objects.bulk_create(runs)


def seed_pairs(user: Any, n: int, change: float, rng: np.random.Generator) -> None:
    """``n`` runs, each with a before-run and an after-run check-in linked to it."""
    for i in range(n):
        start = datetime.combine(START + timedelta(days=i), time(7, 0), ZoneInfo("UTC"))
        run = Run.objects.create(user=user, start=start, elapsed_s=1800)
        before = float(rng.normal(-1, 1.2))
        after = before + change + float(rng.normal(0, 1))
        for kind, value, minutes in (("before_run", before, -10), ("after_run", after, 40)):
            at = start + timedelta(minutes=minutes)
            CheckIn.objects.create(
                user=user,
                recorded_at=at,
                feeling=int(np.clip(round(value), -5, 5)),
                kind=kind,
                run=run,
            )


def by_id(insights: list[Insight]) -> dict[str, Insight]:
    return {i.id: i for i in insights}


def run_effect_data(rng: np.random.Generator, days: int, effect: float, lag: int = 0):
    ran = rng.random(days) < 0.45
    exposed = np.roll(ran, lag) if lag else ran
    if lag:
        exposed[:lag] = False
    feeling = 0.2 + effect * exposed + rng.normal(0, 1.0, days)
    return [float(v) for v in feeling], [bool(v) for v in ran]


# --------------------------------------------------------------------------- #
# Data shaping
# --------------------------------------------------------------------------- #


def test_daily_frame_uses_local_days_in_auckland(alice, django_assert_max_num_queries):
    Profile.objects.filter(user=alice).update(timezone="Pacific/Auckland")
    # 23:30 UTC on 10 Jan is 12:30 on 11 Jan in Auckland (UTC+13 in summer).
    CheckIn.objects.create(user=alice, recorded_at="2026-01-10T23:30Z", feeling=3)
    CheckIn.objects.create(user=alice, recorded_at="2026-01-10T23:45Z", feeling=1)
    CheckIn.objects.create(user=alice, recorded_at="2026-01-09T10:00Z", feeling=-2)
    Run.objects.create(user=alice, start="2026-01-10T22:00Z", elapsed_s=1800)
    with django_assert_max_num_queries(5):
        frame = load_user_data(alice).days
    assert list(frame.index.strftime("%Y-%m-%d")) == ["2026-01-09", "2026-01-10", "2026-01-11"]
    assert frame.loc["2026-01-11", "feeling"] == 2.0
    assert np.isnan(frame.loc["2026-01-10", "feeling"])
    assert list(frame["ran"]) == [0, 0, 1]
    assert list(frame["day_index"]) == [0, 1, 2]
    assert list(frame["weekday"]) == [4, 5, 6]  # Friday, Saturday, Sunday


def test_pairs_take_latest_before_and_first_after_and_only_own_runs(alice, bob):
    run = Run.objects.create(user=alice, start="2026-03-01T08:00Z", elapsed_s=1800)
    for at, feeling, kind in [
        ("2026-03-01T07:00Z", -4, "before_run"),
        ("2026-03-01T07:50Z", -2, "before_run"),
        ("2026-03-01T08:40Z", 3, "after_run"),
        ("2026-03-01T09:40Z", 5, "after_run"),
    ]:
        CheckIn.objects.create(user=alice, recorded_at=at, feeling=feeling, kind=kind, run=run)
    CheckIn.objects.create(
        user=bob, recorded_at="2026-03-01T07:55Z", feeling=5, kind="before_run", run=run
    )
    pairs = load_user_data(alice).pairs
    assert pairs.to_dict("records") == [{"run_id": run.pk, "before": -2.0, "after": 3.0}]
    assert load_user_data(bob).pairs.empty


def test_empty_user_gets_not_enough_data_everywhere(alice):
    assert load_user_data(alice).days.empty
    insights = answer_all(alice)
    assert [i.id for i in insights] == list(QUESTIONS) and len(insights) == 12
    assert all(i.verdict == "not_enough_data" and i.needed for i in insights)


# --------------------------------------------------------------------------- #
# Verdicts
# --------------------------------------------------------------------------- #


def test_known_run_day_effect_is_a_pattern(alice, django_assert_max_num_queries):
    feeling, ran = run_effect_data(np.random.default_rng(1), 160, effect=1.5)
    seed(alice, feeling, ran)
    with django_assert_max_num_queries(5):
        insight = by_id(answer_all(alice))["run_vs_rest"]
    assert insight.verdict == "pattern"
    assert abs(insight.effect - 1.5) < 0.4
    # The model also holds yesterday's run fixed, so the first day (no yesterday) is left out.
    assert insight.ci_low < insight.effect < insight.ci_high and insight.n == 159
    assert f"{insight.effect:.1f} points higher" in insight.sentence
    assert f"95% CI {insight.ci_low:.1f} to {insight.ci_high:.1f}" in insight.sentence
    assert f"{sum(ran[1:])} run days, {159 - sum(ran[1:])} rest days" in insight.sentence
    assert "not proof" in insight.sentence
    assert insight.chart["counts"] == [sum(ran), 160 - sum(ran)]


def test_no_effect_is_not_a_pattern(alice):
    rng = np.random.default_rng(7)
    feeling, ran = run_effect_data(rng, 150, effect=0.0)
    seed(alice, feeling, ran)
    insights = answer_all(alice)
    assert all(i.verdict != "pattern" for i in insights)
    insight = by_id(insights)["run_vs_rest"]
    assert insight.verdict == "no_clear_pattern" and insight.effect is not None
    assert insight.sentence.startswith("So far there is no clear pattern: on days you ran")
    assert "95% CI" in insight.sentence


def test_day_after_picks_up_a_lagged_effect(alice):
    feeling, ran = run_effect_data(np.random.default_rng(3), 180, effect=1.5, lag=1)
    seed(alice, feeling, ran)
    insights = by_id(answer_all(alice))
    assert insights["day_after"].verdict == "pattern"
    assert abs(insights["day_after"].effect - 1.5) < 0.4
    assert "day after a run" in insights["day_after"].sentence
    assert abs(insights["run_vs_rest"].effect) < abs(insights["day_after"].effect)


def test_low_mood_yesterday_goes_with_running_less(alice):
    rng = np.random.default_rng(11)
    days = 200
    feeling = rng.integers(-4, 5, days).astype(float)
    yesterday = np.concatenate([[0.0], feeling[:-1]])
    ran = rng.random(days) < 1 / (1 + np.exp(-(-0.4 + 0.6 * yesterday)))
    seed(alice, list(feeling), [bool(v) for v in ran])
    insight = by_id(answer_all(alice))["mood_to_running"]
    assert insight.verdict == "pattern"
    assert insight.effect > 1 and insight.ci_low > 1
    assert insight.unit == "odds ratio per feeling point"
    assert "times as high" in insight.sentence


def test_before_after_needs_ten_pairs(alice, bob):
    seed_pairs(alice, 9, change=2.0, rng=np.random.default_rng(5))
    short = by_id(answer_all(alice))["before_after"]
    assert short.verdict == "not_enough_data" and short.n == 9
    assert short.needed == "1 more run with a check-in both before and after"
    seed_pairs(bob, 10, change=2.0, rng=np.random.default_rng(5))
    enough = by_id(answer_all(bob))["before_after"]
    assert enough.verdict in ("pattern", "no_clear_pattern") and enough.n == 10
    assert enough.effect > 0 and "effect size g" in enough.sentence


# --------------------------------------------------------------------------- #
# Minimum data at the boundary
# --------------------------------------------------------------------------- #


def boundary(user: Any, days: int, run_days: int) -> Insight:
    rng = np.random.default_rng(2)
    ran = [i < run_days for i in range(days)]
    seed(user, [float(v) for v in rng.normal(0, 1.5, days)], ran)
    return by_id(answer_all(user))["run_vs_rest"]


def test_27_days_is_not_enough_28_is(alice, bob):
    short = boundary(alice, 27, run_days=10)
    assert short.verdict == "not_enough_data" and short.effect is None
    assert short.needed == "1 more day with a check-in"
    assert "1 more day with a check-in" in short.sentence
    assert boundary(bob, 28, run_days=10).verdict != "not_enough_data"


def test_7_run_days_is_not_enough_8_is(alice, bob):
    short = boundary(alice, 28, run_days=7)
    assert short.verdict == "not_enough_data"
    assert short.needed == "1 more day with a check-in, including 1 more run day"
    assert boundary(bob, 28, run_days=8).verdict != "not_enough_data"


def test_needed_counts_days_and_run_days(alice):
    short = boundary(alice, 16, run_days=5)
    assert short.needed == "12 more days with a check-in, including 3 more run days"


# --------------------------------------------------------------------------- #
# Privacy and wording
# --------------------------------------------------------------------------- #


def test_another_users_data_never_changes_mine(alice, bob):
    feeling, ran = run_effect_data(np.random.default_rng(1), 120, effect=1.0)
    seed(alice, feeling, ran)
    seed_pairs(alice, 12, change=1.0, rng=np.random.default_rng(4))
    mine = answer_all(alice)
    other_feeling, other_ran = run_effect_data(np.random.default_rng(9), 150, effect=-2.0)
    seed(bob, other_feeling, other_ran, tz="Pacific/Auckland")
    seed_pairs(bob, 15, change=-2.0, rng=np.random.default_rng(8))
    assert answer_all(alice) == mine


def test_no_sentence_claims_causation(alice, bob):
    feeling, ran = run_effect_data(np.random.default_rng(1), 160, effect=1.5)
    seed(alice, feeling, ran)
    seed_pairs(alice, 12, change=2.0, rng=np.random.default_rng(4))
    flat, flat_ran = run_effect_data(np.random.default_rng(7), 150, effect=0.0)
    seed(bob, flat, flat_ran)
    carol = make_user("carol@example.org")
    insights = answer_all(alice) + answer_all(bob) + answer_all(carol)
    assert {i.verdict for i in insights} == {"pattern", "no_clear_pattern", "not_enough_data"}
    for insight in insights:
        text = re.sub(r"not proof that [\w ]+ caused it", "", insight.sentence)
        assert not FORBIDDEN.search(text.lower()), insight.sentence
        assert not FORBIDDEN.search(insight.question.lower())


def test_charts_are_json_ready(alice):
    import json

    feeling, ran = run_effect_data(np.random.default_rng(1), 120, effect=1.0)
    seed(alice, feeling, ran)
    for insight in answer_all(alice):
        json.dumps(insight.chart, allow_nan=False)
    assert isinstance(load_user_data(alice).days, pd.DataFrame)


def test_load_reads_types_tags_intensity_and_questionnaires(alice, bob):
    from stridewell.insights.data import load_user_data, run_intensity
    from stridewell.wellbeing.models import Response, Tag

    Profile.objects.filter(user=alice).update(timezone="Europe/London", max_hr=200)
    zoned = Run.objects.create(user=alice, start="2026-03-02T08:00Z", elapsed_s=3600,
                               hr_zones_s=[0, 600, 600, 0, 0], run_type="tempo", indoor=True)  # fmt: skip
    by_hr = Run.objects.create(user=alice, start="2026-03-03T18:30Z", elapsed_s=1800, avg_hr=150)
    by_effort = Run.objects.create(user=alice, start="2026-03-05T08:00Z", elapsed_s=1800,
                                   perceived_exertion=7, sport="walking")  # fmt: skip
    Run.objects.create(user=alice, start="2026-03-05T09:00Z", elapsed_s=1800, sport="cycling")
    together = Tag.objects.create(user=alice, name="With others")
    for run in (zoned, by_hr):
        run.refresh_from_db()
        for kind, at, feeling in (("before_run", -30, -1), ("after_run", 90, 2)):
            c = CheckIn.objects.create(user=alice, run=run, kind=kind, feeling=feeling,
                                       recorded_at=run.start + timedelta(minutes=at))  # fmt: skip
            if run is zoned:
                c.tags.add(together)
    Response.objects.create(user=alice, instrument="phq9", answers=[0] * 9, score=6, band="mild",
                            recorded_at="2026-03-20T10:00Z")  # fmt: skip
    Response.objects.create(user=bob, instrument="phq9", answers=[0] * 9, score=20, band="",
                            recorded_at="2026-03-20T10:00Z")  # fmt: skip
    data = load_user_data(alice)
    runs = data.runs.set_index("run_id")
    assert list(runs.index) == [zoned.pk, by_hr.pk, by_effort.pk]  # cycling is not a run or walk
    assert runs.loc[zoned.pk, "intensity"] == 2.5 and runs.loc[zoned.pk, "run_type"] == "tempo"
    assert runs.loc[zoned.pk, "indoor"] and runs.loc[zoned.pk, "with_others"]
    assert runs.loc[by_hr.pk, "intensity"] == 3.0 and not runs.loc[by_hr.pk, "with_others"]
    assert runs.loc[by_effort.pk, "intensity"] == 4.0 and np.isnan(runs.loc[by_effort.pk, "change"])
    assert runs.loc[by_hr.pk, "hour"] == 18.5 and runs.loc[zoned.pk, "change"] == 3.0
    assert data.responses[["instrument", "score"]].values.tolist() == [["phq9", 6.0]]
    # Three runs of 60, 30 and 30 minutes in the four weeks before: 2 hours over 4 weeks.
    assert data.responses["hours_per_week"].iloc[0] == 0.5
    assert run_intensity(None, None, None, None) != run_intensity(None, None, None, None)  # NaN


def test_a_group_run_i_came_to_is_a_run_with_others(alice, bob):
    from stridewell.community.models import Attendance, Group, GroupRun, Occurrence
    from stridewell.insights.data import load_user_data

    club = Group.objects.create(name="Club", slug="club")
    event = GroupRun.objects.create(
        group=club, title="Saturday", place="Park", first_date="2026-03-07", local_time="09:00"
    )
    occurrence = Occurrence.objects.create(group_run=event, date="2026-03-07")
    together = Run.objects.create(user=alice, start="2026-03-07T09:00Z", elapsed_s=1800)
    alone = Run.objects.create(user=alice, start="2026-03-08T09:00Z", elapsed_s=1800)
    Attendance.objects.create(occurrence=occurrence, user=alice, run=together)
    # Bob's attendance linked to Alice's run (impossible in the app) must not count for her.
    Attendance.objects.create(occurrence=occurrence, user=bob, run=alone)
    CheckIn.objects.create(user=alice, recorded_at="2026-03-07T20:00Z", feeling=2)
    runs = load_user_data(alice).runs.set_index("run_id")
    assert runs.loc[together.pk, "with_others"] and not runs.loc[alone.pk, "with_others"]
