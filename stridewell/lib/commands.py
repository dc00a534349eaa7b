"""Management commands that do one round of due work, once or every N seconds.

Reminders, digests and summaries all work the same way: find what is due now,
send it, say how many. ``stridewell serve`` starts each with ``--every``; cron
can run it without.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class RepeatingCommand(BaseCommand):
    """Subclasses define :meth:`run_once`, which does the due work and says what it did."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, checking this often",
        )

    def run_once(self) -> str:
        raise NotImplementedError

    def handle(self, *args: Any, every: int, **options: Any) -> None:
        while True:
            self.stdout.write(self.run_once())
            if not every:
                return
            time.sleep(every)
