from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stridewell.lib.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write one .tar.gz with a consistent copy of the database, the data folder's files "
        "and keys, and a manifest of row counts (safe while the app runs)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="Where to write it (default: stridewell-backup-<UTC time>.tar.gz here)",
        )

    def handle(self, *args: Any, output: str | None, **options: Any) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = Path(output or f"stridewell-backup-{stamp}.tar.gz")
        try:
            manifest = backup(target)
        except (BackupError, OSError) as exc:
            raise CommandError(f"No backup written: {exc}") from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"Wrote {target}: {manifest.engine} database, {len(manifest.tables)} tables, "
            f"{rows} rows, {len(manifest.files)} files."
        )
        for note in manifest.notes:
            self.stdout.write(note)
