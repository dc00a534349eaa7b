"""A watch's file of a session recorded on the plan joins that run: merged, not doubled."""

from __future__ import annotations

from datetime import UTC, datetime

from stridewell.runs.imports import import_files
from stridewell.runs.models import ImportItem, Run
from stridewell.steps.sessions import SessionData, record_session
from stridewell.wellbeing.models import CheckIn

FIT = "activities/fit/fitparse__2013-02-06-12-11-14.fit"  # a run, 12:11:14–12:54:58 UTC
INTERVALS = [{"kind": "warmup", "seconds": 300}, {"kind": "run", "seconds": 1800}]


def test_the_watch_file_joins_the_plan_session(alice, shared_data):
    started = datetime(2013, 2, 6, 12, 11, 30, tzinfo=UTC)
    session = SessionData("week-9", started, 2400, True, 0, 3, 5, INTERVALS)
    plan_run = record_session(alice, session)

    job = import_files(alice, [(shared_data / FIT, "watch.fit")])
    item = job.items.get()
    assert item.status == ImportItem.Status.IMPORTED
    assert "plan" in item.message and item.run_id == plan_run.pk
    run = Run.objects.get(user=alice)
    assert (run.pk, run.source, run.name) == (plan_run.pk, "plan", plan_run.name)
    assert run.points == 590 and run.distance_m and run.avg_hr
    assert [lap["kind"] for lap in run.laps] == ["warmup", "run"]
    assert CheckIn.objects.filter(run=run).count() == 2

    again = import_files(alice, [(shared_data / FIT, "watch.fit")]).items.get()
    assert again.status == ImportItem.Status.DUPLICATE
    assert Run.objects.filter(user=alice).count() == 1


def test_a_run_that_is_not_from_the_plan_stays_a_duplicate(alice, shared_data):
    import_files(alice, [(shared_data / FIT, "watch.fit")])
    Run.objects.filter(user=alice).update(content_hash="")  # same activity, another copy
    item = import_files(alice, [(shared_data / FIT, "copy.fit")]).items.get()
    assert item.status == ImportItem.Status.DUPLICATE
