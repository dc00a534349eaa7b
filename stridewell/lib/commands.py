"""Management commands that do one round of due work, once or every N seconds.

Reminders, digests and summaries all work the same way: find what is due now,
send it, say how many. ``stridewell serve`` starts each with ``--every``; cron
can run it without.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connections

from stridewell.lib.unavailable import SERVICE_AWAY

log = logging.getLogger(__name__)


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
            if not every:
                self.stdout.write(self.run_once())
                return
            self.stdout.write(self._round())
            time.sleep(every)

    def _round(self) -> str:
        """One round of a loop that must outlive a database or Redis restart: a round that
        finds them away is skipped, and the next one connects afresh."""
        close_old_connections()
        try:
            return self.run_once()
        except SERVICE_AWAY as exc:
            log.warning("%s: the database or Redis is away (%s); trying next round", self, exc)
        connections.close_all()
        return "Skipped a round: a service was away."
