"""What to suggest next: stay, step up or step back. Pure: facts in, a suggestion out.

Whatever the suggestion, the person chooses; repeating a step is normal and we say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from stridewell.steps.ladder import Plan, Step

LONG_GAP = timedelta(days=14)
LOW_FEELING = -2  # "fairly bad" or lower on the Feeling Scale after a session
HARD_EFFORT = 8  # 1..10: 8 and above felt hard


@dataclass(frozen=True)
class Done:
    """One session on the current step, as the rules need it."""

    started_at: datetime
    completed: bool
    feeling_after: int | None = None
    effort: int | None = None

    @property
    def comfortable(self) -> bool:
        return (
            self.completed
            and (self.effort is None or self.effort < HARD_EFFORT)
            and (self.feeling_after is None or self.feeling_after > LOW_FEELING)
        )


@dataclass(frozen=True)
class Suggestion:
    move: str  # "stay", "up" or "back"
    step: Step
    why: str
    welcome_back: bool = False


def suggest(
    plan: Plan, step_id: str, done: Sequence[Done], now: datetime, last_out: datetime | None
) -> Suggestion:
    """``done``: sessions on this step, newest first; ``last_out``: the latest session anywhere."""
    here = plan.step(step_id)
    if last_out is not None and now - last_out >= LONG_GAP:
        return _back(plan, here, "Welcome back. Everything you did before still counts. "
                     "An easier step could be a kind way to start again — or stay, if you like.",
                     welcome_back=True)  # fmt: skip
    if not done:
        return Suggestion("stay", here, "This is where you are. Whenever you're ready.")
    last = done[0]
    if last.feeling_after is not None and last.feeling_after <= LOW_FEELING:
        return _back(plan, here, "The last one left you feeling low. A gentler step is "
                     "right here if you'd like it; staying is fine too.")  # fmt: skip
    if not last.completed or not last.comfortable:
        return Suggestion("stay", here, "The last one was hard going. Repeating a step is "
                          "normal — most people do, and it still builds you up.")  # fmt: skip
    streak = _comfortable_in_a_row(done)
    if streak >= here.times and plan.steps[-1].id != here.id:
        return Suggestion("up", plan.neighbour(here.id, 1), f"{streak} comfortable sessions "
                          "in a row. You could step up — or stay as long as you like.")  # fmt: skip
    if plan.steps[-1].id == here.id:
        return Suggestion("stay", here, "You've reached the top of this plan. Keep it going.")
    left = here.times - streak
    return Suggestion("stay", here, f"That went well. {left} more like it and a step up "
                      "could be next.")  # fmt: skip


def _comfortable_in_a_row(done: Sequence[Done]) -> int:
    count = 0
    for session in done:
        if not session.comfortable:
            break
        count += 1
    return count


def _back(plan: Plan, here: Step, why: str, welcome_back: bool = False) -> Suggestion:
    below = plan.neighbour(here.id, -1)
    move = "stay" if below.id == here.id else "back"
    return Suggestion(move, below, why, welcome_back)
