from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stridewell.accounts.cli import user_by_email
from stridewell.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Print a new API token for a user (shown once; it is stored only as a hash)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="EMAIL")
        parser.add_argument("--name", default="command line")

    def handle(self, *args: Any, user: str, name: str, **options: Any) -> None:
        _, raw = ApiToken.objects.issue(user_by_email(user), name)
        self.stdout.write(raw)
