"""Back after an injury: walking first, short runs, and plenty of room to repeat."""

from __future__ import annotations

from stridewell.steps.plans.build import cooldown, repeat, run, step, walk, warmup

W, C = warmup(), cooldown()

PLAN = {
    "id": "after-injury",
    "title": "Back after an injury",
    "description": "Gentle and slow on purpose. Stop and step back if anything hurts; "
    "your physio's advice comes first.",
    "steps": [
        step("injury-walk-20", "A twenty-minute walk", 1200, [walk(1200)], times=2),
        step("injury-30-90", "Run 30 s, walk 90 s", 1800, [W, *repeat(10, run(30), walk(90)), C]),
        step("injury-60-60", "Run 1 min, walk 1 min", 1800, [W, *repeat(10, run(60), walk(60)), C]),
        step("injury-2-1", "Run 2 min, walk 1 min", 2040, [W, *repeat(8, run(120), walk(60)), C]),
        step("injury-5-1", "Run 5 min, walk 1 min", 2400, [W, *repeat(5, run(300), walk(60)), C]),
        step("injury-10", "Ten minutes of easy running", 1200, [W, run(600), C]),
        step("injury-20", "Twenty minutes of easy running", 1800, [W, run(1200), C]),
    ],
}  # fmt: skip
