from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stridewell.accounts.cli import user_by_email
from stridewell.runs.imports import import_files
from stridewell.runs.models import ImportItem, ImportJob


def walk(paths: list[str]) -> list[tuple[Path, str]]:
    """Files as given, and every file under a given folder (sorted, hidden files left out)."""
    found = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(
                    part.startswith(".") for part in child.relative_to(path).parts
                ):
                    found.append((child, str(child)))
        elif path.is_file():
            found.append((path, str(path)))
        else:
            raise CommandError(f"{given}: no such file or folder.")
    return found


class Command(BaseCommand):
    help = "Import FIT/GPX/TCX files (also .gz), folders, zips and Strava exports for a user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="EMAIL")
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--quiet", action="store_true", help="No progress bar")

    def handle(self, *args: Any, user: str, paths: list[str], quiet: bool, **options: Any) -> None:
        owner = user_by_email(user)
        files = walk(paths)
        progress = None if quiet or not sys.stderr.isatty() else self._bar
        job = import_files(owner, files, progress=progress)
        if progress:
            sys.stderr.write("\n")
        self._summary(job)
        if job.counts()[ImportItem.Status.FAILED]:
            raise SystemExit(1)

    def _bar(self, job: ImportJob) -> None:
        width = 30
        done = int(width * job.percent / 100)
        sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {job.processed}/{job.total}")
        sys.stderr.flush()

    def _summary(self, job: ImportJob) -> None:
        for item in job.items.exclude(status=ImportItem.Status.IMPORTED):
            self.stdout.write(f"{item.get_status_display():<12} {item.name}: {item.message}")
        counts = job.counts()
        self.stdout.write(
            f"{counts['imported']} imported, {counts['duplicate']} duplicate, {counts['partly_read']} partly read, "
            f"{counts['skipped']} skipped, {counts['failed']} failed."
        )
