from __future__ import annotations

from stridewell.insights.weekly import send_due
from stridewell.lib.commands import RepeatingCommand


class Command(RepeatingCommand):
    help = "Mail last week's summary to those who asked, on Monday morning their time (run every few minutes)."

    def run_once(self) -> str:
        return f"{send_due()} weekly summary mail(s) sent."
