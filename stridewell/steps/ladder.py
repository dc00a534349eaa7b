"""Loading and checking the plans: every session's intervals add up to its stated length."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

KINDS = ("warmup", "walk", "run", "cooldown")


class LadderError(ValueError):
    """A plan file that does not hold together (caught by the tests, before anyone runs it)."""


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    total_seconds: int
    intervals: tuple[dict[str, Any], ...]
    note: str = ""
    times: int = 3

    @property
    def has_running(self) -> bool:
        return any(interval["kind"] == "run" for interval in self.intervals)

    def session(self) -> dict[str, Any]:
        """The session as the player and the API take it (the contract's shape)."""
        return {
            "step": self.id,
            "title": self.title,
            "total_seconds": self.total_seconds,
            "intervals": [dict(interval) for interval in self.intervals],
        }


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    description: str
    steps: tuple[Step, ...]

    def index(self, step_id: str) -> int:
        for position, step in enumerate(self.steps):
            if step.id == step_id:
                return position
        raise KeyError(step_id)

    def step(self, step_id: str) -> Step:
        return self.steps[self.index(step_id)]

    def neighbour(self, step_id: str, move: int) -> Step:
        """The step ``move`` rungs away, held at the ends of the ladder."""
        position = min(max(self.index(step_id) + move, 0), len(self.steps) - 1)
        return self.steps[position]


def check_step(data: dict[str, Any]) -> Step:
    intervals = tuple(data["intervals"])
    for interval in intervals:
        if interval.get("kind") not in KINDS or int(interval.get("seconds", 0)) <= 0:
            raise LadderError(f"{data['id']}: bad interval {interval!r}")
    total = sum(int(interval["seconds"]) for interval in intervals)
    if total != data["total_seconds"]:
        raise LadderError(
            f"{data['id']}: intervals add up to {total} s, not {data['total_seconds']} s"
        )
    return Step(
        id=data["id"],
        title=data["title"],
        total_seconds=total,
        intervals=intervals,
        note=data.get("note", ""),
        times=int(data.get("times", 3)),
    )


def check_plans(raw: Iterable[dict[str, Any]]) -> dict[str, Plan]:
    plans: dict[str, Plan] = {}
    seen: set[str] = set()
    for data in raw:
        steps = tuple(check_step(step) for step in data["steps"])
        if not steps:
            raise LadderError(f"{data['id']}: a plan needs at least one step")
        for step in steps:
            if step.id in seen:  # step ids are global: a session names only its step
                raise LadderError(f"step id {step.id} is used twice")
            seen.add(step.id)
        plans[data["id"]] = Plan(data["id"], data["title"], data["description"], steps)
    return plans


@cache
def all_plans() -> dict[str, Plan]:
    from stridewell.steps.plans import PLAN_DATA

    return check_plans(PLAN_DATA)


def find_step(step_id: str) -> tuple[Plan, Step] | None:
    for plan in all_plans().values():
        for step in plan.steps:
            if step.id == step_id:
                return plan, step
    return None
