from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stridewell.accounts.cli import user_by_email
from stridewell.insights.api import insight_json
from stridewell.insights.cache import cached_answers


class Command(BaseCommand):
    help = "What running does for a user: each question answered honestly (--json for the API's shape)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="EMAIL")
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args: Any, user: str, as_json: bool, **options: Any) -> None:
        found = cached_answers(user_by_email(user)).insights
        if as_json:
            self.stdout.write(json.dumps({"questions": [insight_json(i) for i in found]}, indent=2))
            return
        for insight in found:
            self.stdout.write(f"{insight.question}\n  [{insight.verdict}] {insight.sentence}\n")
            if insight.note:
                self.stdout.write(f"  {insight.note}\n")
