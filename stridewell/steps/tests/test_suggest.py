"""The suggestion rules: up after comfortable completions, stay after a hard one,
an offer to step back after a long gap or a low after-feeling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stridewell.steps.ladder import all_plans
from stridewell.steps.suggest import Done, suggest

NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
PLAN = all_plans()["small-steps"]


def ok(days_ago: int, **kw: object) -> Done:
    return Done(NOW - timedelta(days=days_ago), kw.pop("completed", True), **kw)  # type: ignore[arg-type]


def test_a_new_step_says_stay_whenever_you_are_ready():
    result = suggest(PLAN, "week-1", [], NOW, None)
    assert (result.move, result.step.id) == ("stay", "week-1")
    assert "Whenever you're ready" in result.why


def test_steps_up_after_enough_comfortable_completions():
    done = [ok(1, effort=5, feeling_after=3), ok(3, effort=6), ok(5)]
    result = suggest(PLAN, "week-1", done, NOW, done[0].started_at)
    assert (result.move, result.step.id) == ("up", "week-2")


def test_not_yet_up_before_enough_sessions():
    done = [ok(1), ok(3)]
    result = suggest(PLAN, "week-1", done, NOW, done[0].started_at)
    assert (result.move, result.step.id) == ("stay", "week-1")
    assert "1 more" in result.why


def test_stays_after_a_hard_one_and_says_that_is_normal():
    done = [ok(1, effort=9), ok(3), ok(5), ok(7)]
    result = suggest(PLAN, "week-1", done, NOW, done[0].started_at)
    assert (result.move, result.step.id) == ("stay", "week-1")
    assert "normal" in result.why


def test_stays_after_one_not_finished():
    done = [ok(1, completed=False), ok(3), ok(5), ok(7)]
    assert suggest(PLAN, "week-1", done, NOW, done[0].started_at).move == "stay"


def test_offers_a_step_back_after_a_low_after_feeling():
    done = [ok(1, feeling_after=-3)]
    result = suggest(PLAN, "week-3", done, NOW, done[0].started_at)
    assert (result.move, result.step.id) == ("back", "week-2")


def test_offers_a_step_back_and_a_welcome_after_a_long_gap():
    done = [ok(20), ok(22), ok(24)]
    result = suggest(PLAN, "week-3", done, NOW, done[0].started_at)
    assert (result.move, result.step.id, result.welcome_back) == ("back", "week-2", True)
    assert "Welcome back" in result.why


def test_never_below_the_first_step_nor_above_the_last():
    done = [ok(1, feeling_after=-5)]
    assert suggest(PLAN, "outside-2", done, NOW, NOW).step.id == "outside-2"
    top = [ok(1), ok(2), ok(3)]
    result = suggest(PLAN, "week-9", top, NOW, NOW)
    assert (result.move, result.step.id) == ("stay", "week-9")
