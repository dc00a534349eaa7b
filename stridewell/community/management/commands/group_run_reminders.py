from __future__ import annotations

from django.utils import timezone

from stridewell.community.events import send_group_run_reminders
from stridewell.community.goals import announce_due
from stridewell.lib.commands import RepeatingCommand


class Command(RepeatingCommand):
    help = (
        "Remind people of tomorrow's group runs they said they'd come to, and tell goals' "
        "participants about 25/50/75/100 % (in-app; run every few minutes)."
    )

    def run_once(self) -> str:
        now = timezone.now()
        reminded, goals = send_group_run_reminders(now), announce_due(now)
        return f"{reminded} group run reminder(s), {goals} goal milestone(s)."
