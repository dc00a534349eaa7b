from __future__ import annotations

from stridewell.lib.commands import RepeatingCommand
from stridewell.steps.reminders import send_due


class Command(RepeatingCommand):
    help = "Mail the Small steps reminders that are due now (needs EMAIL_HOST)."

    def run_once(self) -> str:
        return f"{send_due()} plan reminder(s) sent."
