"""Consistency forgives: a missed day fades it a little, a missed week never erases it."""

from __future__ import annotations

from datetime import date, timedelta

from stridewell.steps.consistency import consistency, week_streak, words

TODAY = date(2026, 3, 10)


def three_a_week(weeks: int, end: date) -> list[date]:
    return [end - timedelta(days=7 * w + d) for w in range(weeks) for d in (0, 2, 4)]


def test_three_sessions_a_week_is_steady():
    score = consistency(three_a_week(13, TODAY), TODAY)
    assert score > 0.95
    assert words(score).startswith("Steady")


def test_a_missed_day_fades_it_only_a_little():
    days = three_a_week(13, TODAY - timedelta(days=1))
    before = consistency(days, TODAY - timedelta(days=1))
    after = consistency(days, TODAY)
    assert 0 <= before - after < 0.06
    assert after > 0.9


def test_a_missed_week_never_erases_it():
    days = three_a_week(12, TODAY - timedelta(days=7))
    score = consistency(days, TODAY)
    assert 0.6 < score < 1
    assert score > 0


def test_recent_sessions_weigh_more():
    recent = consistency([TODAY - timedelta(days=1)], TODAY)
    old = consistency([TODAY - timedelta(days=40)], TODAY)
    assert recent > old > 0


def test_the_week_streak_counts_weeks_with_a_session():
    days = three_a_week(4, TODAY)
    assert week_streak(days, TODAY) >= 4
    assert week_streak([], TODAY) == 0
