"""Tiny helpers so the plan files read like the plans they are (seconds throughout)."""

from __future__ import annotations

from typing import Any

Interval = dict[str, Any]


def warmup(seconds: int = 300) -> Interval:
    return {"kind": "warmup", "seconds": seconds}


def cooldown(seconds: int = 300) -> Interval:
    return {"kind": "cooldown", "seconds": seconds}


def walk(seconds: int) -> Interval:
    return {"kind": "walk", "seconds": seconds}


def run(seconds: int) -> Interval:
    return {"kind": "run", "seconds": seconds}


def repeat(times: int, *intervals: Interval) -> list[Interval]:
    return [dict(interval) for _ in range(times) for interval in intervals]


def step(
    id: str, title: str, total: int, intervals: list[Interval], note: str = "", times: int = 3
) -> dict[str, Any]:
    """One rung. ``total`` is stated, not computed, so the ladder check can catch a slip;
    ``times`` is how many comfortable sessions make a step up worth suggesting."""
    return {
        "id": id,
        "title": title,
        "total_seconds": total,
        "intervals": intervals,
        "note": note,
        "times": times,
    }
