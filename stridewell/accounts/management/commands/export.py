from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stridewell.accounts.cli import user_by_email
from stridewell.accounts.export import write_export


class Command(BaseCommand):
    help = "Write everything of a user's to a zip that imports back as it was."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="EMAIL")
        parser.add_argument("out", metavar="OUT.zip")

    def handle(self, *args: Any, user: str, out: str, **options: Any) -> None:
        write_export(user_by_email(user), Path(out))
        self.stdout.write(f"Wrote {out}.")
