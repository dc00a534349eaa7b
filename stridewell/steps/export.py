"""The person's small-steps plan in their export: where they are, and each session done."""

from __future__ import annotations

import json
import zipfile
from typing import Any

from stridewell.steps.models import PlanSession, Progress


def add_steps(archive: zipfile.ZipFile, user: Any) -> int:
    """Write ``steps.json`` (only when the person has started a plan); answers the sessions."""
    progress = Progress.objects.filter(user_id=user.pk).first()
    sessions = list(
        PlanSession.objects.filter(run__user_id=user.pk)
        .order_by("started_at")
        .values("plan_id", "step_id", "started_at", "completed", "completed_seconds", "effort")
    )
    if progress is None and not sessions:
        return 0
    plan = None
    if progress is not None:
        plan = {
            "plan": progress.plan_id,
            "step": progress.step_id,
            "show_streak": progress.show_streak,
            "remind_days": progress.remind_days,
            "remind_at": progress.remind_at.isoformat() if progress.remind_at else None,
        }
    data = {"current": plan, "sessions": sessions}
    archive.writestr("steps.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
    return len(sessions)
