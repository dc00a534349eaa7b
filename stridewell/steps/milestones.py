"""Milestones worth celebrating, worked out from a person's runs (nothing stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stridewell.runs.models import Run, Sport
from stridewell.steps.models import PlanSession

FOOT_SPORTS = (Sport.RUNNING, Sport.WALKING, Sport.HIKING)


@dataclass(frozen=True)
class Milestone:
    key: str
    title: str
    reached_at: datetime | None


def _longest_run_interval(laps: list[dict[str, Any]]) -> float:
    runs = [float(lap.get("elapsed_s") or 0) for lap in laps or [] if lap.get("kind") == "run"]
    return max(runs, default=0.0)


def milestones(user: Any) -> list[Milestone]:
    runs = list(
        Run.objects.owned_by(user)
        .filter(sport__in=FOOT_SPORTS)
        .order_by("start")
        .values("start", "sport", "elapsed_s", "distance_m", "laps", "source")
    )
    sessions = PlanSession.objects.filter(user_id=user.pk).order_by("started_at")
    first_session = sessions.values_list("started_at", flat=True).first()
    outside = [run["start"] for run in runs[:1]] + ([first_session] if first_session else [])

    def first(test: Any) -> datetime | None:
        return next((run["start"] for run in runs if test(run)), None)

    def ran_for(seconds: float) -> Any:
        def test(run: dict[str, Any]) -> bool:
            if run["source"] == "plan":
                return _longest_run_interval(run["laps"]) >= seconds
            return run["sport"] == Sport.RUNNING and run["elapsed_s"] >= seconds

        return test

    return [
        Milestone("outside", "Your first step outside", min(outside, default=None)),
        Milestone("walk-10", "Your first 10-minute walk", first(
            lambda run: run["sport"] != Sport.RUNNING and run["elapsed_s"] >= 600)),
        Milestone("run-1", "Your first minute of running", first(ran_for(60))),
        Milestone("run-5", "Five minutes of running without stopping", first(ran_for(300))),
        Milestone("5k", "Your first 5 km", first(
            lambda run: run["sport"] == Sport.RUNNING and (run["distance_m"] or 0) >= 5000)),
    ]  # fmt: skip
