from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stridewell.community.notifications import send_digests


class Command(BaseCommand):
    help = (
        "Mail the daily digest of unread notifications to those who turned it on "
        "(needs EMAIL_HOST; run every few minutes, e.g. from cron)."
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
            self.stdout.write(f"{send_digests()} digest(s) sent.")
            if not every:
                return
            time.sleep(every)
