from __future__ import annotations

from stridewell.community.notifications import send_digests
from stridewell.lib.commands import RepeatingCommand


class Command(RepeatingCommand):
    help = (
        "Mail the daily digest of unread notifications to those who turned it on "
        "(needs EMAIL_HOST; run every few minutes, e.g. from cron)."
    )

    def run_once(self) -> str:
        return f"{send_digests()} digest(s) sent."
