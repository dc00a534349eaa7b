"""Before and after: tying check-ins to the run they belong to.

"I'm heading out" records a before-run check-in with no run yet; the first run
that starts within three hours after it claims it. Runs call ``link_waiting``
when they are stored (manual entry, API, import): an explicit call, not a signal.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from stridewell.wellbeing.models import CheckIn, Kind

HEADING_OUT_WINDOW = timedelta(hours=3)


def link_waiting(user_id: int, runs: Iterable[Any]) -> int:
    """Link each waiting before-run check-in to the first of ``runs`` starting within three
    hours after it; answers how many were linked. One query when nothing is waiting,
    which is nearly always (an import of thousands of runs stays fast)."""
    waiting = list(
        CheckIn.objects.filter(user_id=user_id, kind=Kind.BEFORE_RUN, run__isnull=True)
        .order_by("recorded_at")
        .values_list("pk", "recorded_at")
    )
    linked = 0
    for run in sorted(runs, key=lambda r: r.start):
        claimable = [
            (pk, at) for pk, at in waiting if run.start - HEADING_OUT_WINDOW <= at <= run.start
        ]
        if not claimable:
            continue
        pk, at = claimable[-1]  # the latest "heading out" before the run
        CheckIn.objects.filter(pk=pk).update(run=run)
        waiting.remove((pk, at))
        linked += 1
    return linked


def after_run_checkin(run: Any) -> CheckIn | None:
    return CheckIn.objects.filter(run=run, kind=Kind.AFTER_RUN).order_by("recorded_at").first()


def before_run_checkin(run: Any) -> CheckIn | None:
    return CheckIn.objects.filter(run=run, kind=Kind.BEFORE_RUN).order_by("-recorded_at").first()


def feelings_around(run: Any) -> dict[str, Any]:
    """For the owner's run page: the before and after check-ins, and the change between them."""
    from stridewell.wellbeing.forms import FEELING_CHOICES

    before, after = before_run_checkin(run), after_run_checkin(run)
    change = after.feeling - before.feeling if before and after else None
    return {"before": before, "after": after, "feeling_change": change, "feelings": FEELING_CHOICES}
