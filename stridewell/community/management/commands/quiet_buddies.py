from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stridewell.community.buddies import tell_quiet_buddies


class Command(BaseCommand):
    help = (
        "Tell the buddies of people who asked for it when they haven't been out for a while "
        "(once per quiet spell; run every few minutes, e.g. from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, checking this often",
        )

    def handle(self, *args: Any, every: int, **options: Any) -> None:
        while True:
            self.stdout.write(f"Buddies of {tell_quiet_buddies()} person(s) told.")
            if not every:
                return
            time.sleep(every)
