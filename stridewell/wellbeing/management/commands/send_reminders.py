from __future__ import annotations

from stridewell.lib.commands import RepeatingCommand
from stridewell.wellbeing.reminders import send_due


class Command(RepeatingCommand):
    help = "Mail the reminders that are due now (run every few minutes, e.g. from cron)."

    def run_once(self) -> str:
        return f"{send_due()} reminder(s) sent."
