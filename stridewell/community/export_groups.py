"""The groups part of a person's export: their own memberships, RSVPs, attendances and goals.

Only the person's own rows: no other member's name, handle or email, and no
one else's share of a goal (a goal's total is everyone's together).
"""

from __future__ import annotations

import json
import zipfile
from typing import Any

from stridewell.community.models import Attendance, GoalParticipant, Membership, Rsvp


def _event(occurrence: Any) -> dict[str, Any]:
    group_run = occurrence.group_run
    return {
        "group": group_run.group.name,
        "title": group_run.title,
        "date": occurrence.date.isoformat(),
        "starts_at": occurrence.starts_at.isoformat(),
        "place": group_run.place,
    }


def groups_data(user: Any) -> dict[str, Any]:
    related = "occurrence__group_run__group"
    memberships = Membership.objects.filter(user_id=user.pk).select_related("group")
    rsvps = Rsvp.objects.filter(user_id=user.pk).select_related(related)
    attendances = Attendance.objects.filter(user_id=user.pk).select_related(related, "run")
    taking_part = GoalParticipant.objects.filter(user_id=user.pk).select_related("goal__group")
    return {
        "memberships": [
            {
                "group": m.group.name,
                "slug": m.group.slug,
                "role": m.role,
                "joined_at": m.joined_at.isoformat(),
            }
            for m in memberships.order_by("joined_at")
        ],
        "rsvps": [_event(r.occurrence) for r in rsvps.order_by("occurrence__date")],
        "attendances": [
            {
                **_event(a.occurrence),
                "swept": a.swept,
                "run_start": a.run.start.isoformat() if a.run else None,
                "result_s": a.result_s,
                "position": a.position,
                "share_result": a.share_result,
            }
            for a in attendances.order_by("occurrence__date")
        ],
        "goals": [
            {
                "title": p.goal.title,
                "group": p.goal.group.name if p.goal.group else None,
                "with_a_buddy": p.goal.buddyship_id is not None,
                "metric": p.goal.metric,
                "target": p.goal.target,
                "starts_on": p.goal.starts_on.isoformat(),
                "ends_on": p.goal.ends_on.isoformat(),
                "counting": p.counting,
            }
            for p in taking_part.order_by("goal__starts_on")
        ],
    }


def add_groups(archive: zipfile.ZipFile, user: Any) -> int:
    """Write groups.json; answers how many rows it holds."""
    data = groups_data(user)
    archive.writestr("groups.json", json.dumps(data, indent=2, ensure_ascii=False))
    return sum(len(rows) for rows in data.values())
