"""From shoes on and two minutes outside to 30 minutes of running.

The run/walk part follows the well-tested nine-week structure (three sessions a week,
each with a five-minute warm-up and cool-down walk), as in the NHS "Couch to 5K".
"""

from __future__ import annotations

from stridewell.steps.plans.build import cooldown, repeat, run, step, walk, warmup

W, C = warmup(), cooldown()

PLAN = {
    "id": "small-steps",
    "title": "Small steps to 30 minutes of running",
    "description": "Starts with putting your shoes on and stepping outside. Walks come next, "
    "then run/walk over nine weeks, to 30 minutes of running.",
    "steps": [
        step("outside-2", "Shoes on, two minutes outside", 120, [walk(120)],
             "Just step out the door. That counts.", times=2),
        step("walk-5", "A five-minute walk", 300, [walk(300)], times=2),
        step("walk-10", "A ten-minute walk", 600, [walk(600)], times=2),
        step("walk-15", "A fifteen-minute walk", 900, [walk(900)], times=2),
        step("brisk-20", "A brisk twenty-minute walk", 1200, [W, walk(900)],
             "Walk as if you were a little late.", times=2),
        step("brisk-30", "A brisk thirty-minute walk", 1800, [W, walk(1200), C], times=2),
        step("week-1", "Week 1: run 60 s, walk 90 s", 1800, [W, *repeat(8, run(60), walk(90)), C]),
        step("week-2", "Week 2: run 90 s, walk 2 min", 1860, [W, *repeat(6, run(90), walk(120)), C]),
        step("week-3", "Week 3: run 90 s and 3 min", 1680,
             [W, *repeat(2, run(90), walk(90), run(180), walk(180)), C]),
        step("week-4", "Week 4: run 3 and 5 min", 1890,
             [W, run(180), walk(90), run(300), walk(150), run(180), walk(90), run(300), C]),
        step("week-5-1", "Week 5, first run: three runs of 5 min", 1860,
             [W, run(300), walk(180), run(300), walk(180), run(300), C], times=1),
        step("week-5-2", "Week 5, second run: two runs of 8 min", 1860,
             [W, run(480), walk(300), run(480), C], times=1),
        step("week-5-3", "Week 5, third run: 20 minutes of running", 1800, [W, run(1200), C], times=1),
        step("week-6-1", "Week 6, first run: 5, 8 and 5 min", 2040,
             [W, run(300), walk(180), run(480), walk(180), run(300), C], times=1),
        step("week-6-2", "Week 6, second run: two runs of 10 min", 1980,
             [W, run(600), walk(180), run(600), C], times=1),
        step("week-6-3", "Week 6, third run: 25 minutes of running", 2100, [W, run(1500), C], times=1),
        step("week-7", "Week 7: 25 minutes of running", 2100, [W, run(1500), C]),
        step("week-8", "Week 8: 28 minutes of running", 2280, [W, run(1680), C]),
        step("week-9", "Week 9: 30 minutes of running", 2400, [W, run(1800), C]),
    ],
}  # fmt: skip
