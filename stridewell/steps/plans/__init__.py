"""The plans, as data: each module holds one ``PLAN`` dict. Adding a plan is adding a module here."""

from __future__ import annotations

from typing import Any

from stridewell.steps.plans import after_injury, small_steps, walking

PLAN_DATA: tuple[dict[str, Any], ...] = (small_steps.PLAN, walking.PLAN, after_injury.PLAN)
