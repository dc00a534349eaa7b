from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stridewell.lib.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Bring an empty instance back from a `stridewell backup` archive, then check every "
        "table's row count and every file against the backup. Stop the app first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", metavar="FILE")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace an instance that already has accounts (everything in it is lost)",
        )

    def handle(self, *args: Any, archive: str, force: bool, **options: Any) -> None:
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{archive} is not a file.")
        try:
            manifest = restore(path, force=force)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"Restored {path} (made {manifest.created_at}): {len(manifest.tables)} tables, "
            f"{rows} rows and {len(manifest.files)} files, each checked against the backup."
        )
        for note in manifest.notes:
            self.stdout.write(note)
