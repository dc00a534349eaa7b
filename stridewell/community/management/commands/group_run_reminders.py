from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from stridewell.community.events import send_group_run_reminders
from stridewell.community.goals import announce_due


class Command(BaseCommand):
    help = (
        "Remind people of tomorrow's group runs they said they'd come to, and tell goals' "
        "participants about 25/50/75/100 % (in-app; run every few minutes)."
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
            now = timezone.now()
            reminded, goals = send_group_run_reminders(now), announce_due(now)
            self.stdout.write(f"{reminded} group run reminder(s), {goals} goal milestone(s).")
            if not every:
                return
            time.sleep(every)
