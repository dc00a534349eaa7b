"""The plan data holds together: every session's intervals add up to its stated length."""

from __future__ import annotations

import pytest

from stridewell.steps.ladder import LadderError, all_plans, check_plans, find_step
from stridewell.steps.plans import PLAN_DATA


def test_every_session_adds_up_to_its_stated_length():
    for data in PLAN_DATA:
        for step in data["steps"]:
            total = sum(interval["seconds"] for interval in step["intervals"])
            assert total == step["total_seconds"], step["id"]
    assert set(all_plans()) == {"small-steps", "walking", "after-injury"}


def test_the_main_ladder_runs_from_the_doorstep_to_thirty_minutes():
    steps = all_plans()["small-steps"].steps
    assert steps[0].title == "Shoes on, two minutes outside"
    assert steps[0].intervals == ({"kind": "walk", "seconds": 120},)
    last = steps[-1].intervals
    assert {"kind": "run", "seconds": 1800} in last


def test_week_one_is_a_warm_up_then_60_90_for_twenty_minutes():
    _, week1 = find_step("week-1")  # type: ignore[misc]
    assert week1.intervals[0] == {"kind": "warmup", "seconds": 300}
    middle = week1.intervals[1:-1]
    assert [i["seconds"] for i in middle] == [60, 90] * 8
    assert [i["kind"] for i in middle] == ["run", "walk"] * 8
    assert sum(i["seconds"] for i in middle) == 20 * 60


def test_a_slip_in_the_data_is_caught():
    bad = {"id": "x", "title": "X", "description": "", "steps": [
        {"id": "x1", "title": "one", "total_seconds": 100, "intervals": [{"kind": "walk", "seconds": 90}]}
    ]}  # fmt: skip
    with pytest.raises(LadderError, match="add up to 90 s"):
        check_plans([bad])
    bad["steps"][0]["intervals"] = [{"kind": "jog", "seconds": 100}]  # type: ignore[index]
    with pytest.raises(LadderError, match="bad interval"):
        check_plans([bad])


def test_step_ids_are_unique_across_plans():
    same = {"id": "y", "title": "Y", "description": "", "steps": [
        {"id": "s", "title": "s", "total_seconds": 60, "intervals": [{"kind": "walk", "seconds": 60}]}
    ]}  # fmt: skip
    with pytest.raises(LadderError, match="used twice"):
        check_plans([same, {**same, "id": "z"}])
