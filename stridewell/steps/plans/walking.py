"""A walking plan: from a few minutes to a brisk three-quarters of an hour."""

from __future__ import annotations

from stridewell.steps.plans.build import cooldown, step, walk, warmup

PLAN = {
    "id": "walking",
    "title": "Walking, a little further each week",
    "description": "Only walking: from two minutes outside to a brisk 45-minute walk.",
    "steps": [
        step("walking-2", "Two minutes outside", 120, [walk(120)], times=2),
        step("walking-10", "A ten-minute walk", 600, [walk(600)], times=2),
        step("walking-20", "A twenty-minute walk", 1200, [walk(1200)]),
        step("walking-brisk-30", "A brisk thirty-minute walk", 1800,
             [warmup(), walk(1200), cooldown()]),
        step("walking-brisk-45", "A brisk forty-five-minute walk", 2700,
             [warmup(), walk(2100), cooldown()]),
    ],
}  # fmt: skip
