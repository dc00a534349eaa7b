from __future__ import annotations

from stridewell.community.buddies import tell_quiet_buddies
from stridewell.lib.commands import RepeatingCommand


class Command(RepeatingCommand):
    help = (
        "Tell the buddies of people who asked for it when they haven't been out for a while "
        "(once per quiet spell; run every few minutes, e.g. from cron)."
    )

    def run_once(self) -> str:
        return f"Buddies of {tell_quiet_buddies()} person(s) told."
