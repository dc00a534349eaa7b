from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stridewell.steps.reminders import send_due


class Command(BaseCommand):
    help = "Mail the Small steps reminders that are due now (needs EMAIL_HOST)."

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
            self.stdout.write(f"{send_due()} plan reminder(s) sent.")
            if not every:
                return
            time.sleep(every)
