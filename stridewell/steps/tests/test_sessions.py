"""Sessions become runs with their check-ins; a missed week never erases progress."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from stridewell.runs.models import Run
from stridewell.steps.milestones import milestones
from stridewell.steps.models import Progress
from stridewell.steps.sessions import (
    SessionData,
    SessionError,
    choose,
    next_suggestion,
    record_session,
)
from stridewell.wellbeing.models import CheckIn

START = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
WEEK1 = [{"kind": "warmup", "seconds": 300}, *[{"kind": k, "seconds": s} for k, s in [("run", 60), ("walk", 90)] * 8], {"kind": "cooldown", "seconds": 300}]  # fmt: skip


def week1(at: datetime, **kw: object) -> SessionData:
    fields = {"step": "week-1", "started_at": at, "completed_seconds": 1800, "completed": True,
              "feeling_before": -1, "feeling_after": 3, "effort": 5, "intervals": WEEK1} | kw  # fmt: skip
    return SessionData(**fields)  # type: ignore[arg-type]


def test_a_session_becomes_a_plan_run_with_its_check_ins(alice):
    run = record_session(alice, week1(START))
    assert (run.source, run.sport, run.run_type) == ("plan", "running", "run_walk")
    assert run.elapsed_s == 1800 and run.perceived_exertion == 5
    assert [lap["kind"] for lap in run.laps[:3]] == ["warmup", "run", "walk"]
    assert run.plan_session.step_id == "week-1"
    feelings = dict(CheckIn.objects.filter(run=run).values_list("kind", "feeling"))
    assert feelings == {"before_run": -1, "after_run": 3}
    after = CheckIn.objects.get(run=run, kind="after_run")
    assert after.recorded_at == START + timedelta(seconds=1800)


def test_the_same_session_twice_is_one_run(alice):
    first = record_session(alice, week1(START))
    again = record_session(alice, week1(START.astimezone(UTC)))
    assert first.pk == again.pk
    assert Run.objects.filter(user=alice).count() == 1
    assert CheckIn.objects.filter(user=alice).count() == 2


def test_a_walk_step_is_a_walk_and_a_part_is_said_to_be_part(alice):
    data = SessionData(
        "walk-10", START, 240, False, None, None, None, [{"kind": "walk", "seconds": 240}]
    )
    run = record_session(alice, data)
    assert (run.sport, run.run_type, run.elapsed_s) == ("walking", "walk", 240)
    assert "part of it" in run.name
    assert not CheckIn.objects.filter(run=run).exists()


def test_an_unknown_step_or_a_naive_time_is_refused(alice):
    with pytest.raises(SessionError):
        record_session(alice, week1(START, step="nope"))
    with pytest.raises(SessionError):
        record_session(alice, week1(START.replace(tzinfo=None)))


def test_a_missed_week_never_erases_progress(alice):
    choose(alice, "small-steps", "week-3")
    record_session(alice, week1(START, step="week-3"))
    with time_machine.travel(START + timedelta(days=9)):
        progress = Progress.objects.get(user=alice)
        suggestion = next_suggestion(progress)
    assert progress.step_id == "week-3"  # nothing moved by itself
    assert suggestion.step.id == "week-3"
    with time_machine.travel(START + timedelta(days=30)):
        suggestion = next_suggestion(progress)
    assert progress.step_id == "week-3"
    assert (suggestion.move, suggestion.step.id, suggestion.welcome_back) == (
        "back",
        "week-2",
        True,
    )


def test_milestones_come_from_the_sessions(alice):
    assert all(m.reached_at is None for m in milestones(alice))
    record_session(alice, week1(START))
    reached = {m.key for m in milestones(alice) if m.reached_at}
    assert reached == {"outside", "run-1"}
    five = [{"kind": "warmup", "seconds": 300}, {"kind": "run", "seconds": 300}]
    record_session(alice, week1(START + timedelta(days=2), step="week-5-1", intervals=five))
    reached = {m.key for m in milestones(alice) if m.reached_at}
    assert reached == {"outside", "run-1", "run-5"}


def test_choose_starts_at_the_first_step_or_where_asked(alice):
    assert choose(alice, "walking").step_id == "walking-2"
    assert choose(alice, "small-steps", "week-2").step_id == "week-2"
    with pytest.raises(SessionError):
        choose(alice, "small-steps", "walking-2")
