from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stridewell.accounts.cli import user_by_email
from stridewell.runs.imports import import_files
from stridewell.runs.models import ImportItem, ImportJob
from stridewell.wellbeing import history
from stridewell.wellbeing.daylio import DaylioError, missing_labels, parse_daylio

MAP_HELP = (
    'Daylio moods as label=score (-5…5), e.g. "rad=5,good=3,meh=0,bad=-3,awful=-5,super happy=4"; '
    "merged over the defaults rad/good/meh/bad/awful"
)


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
    help = (
        "Import FIT/GPX/TCX files (also .gz), folders, zips and Strava exports for a user; "
        "also Daylio CSV exports and Stridewell check-in CSVs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="EMAIL")
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--quiet", action="store_true", help="No progress bar")
        parser.add_argument("--daylio-map", default="", metavar="MAP", help=MAP_HELP)

    def handle(
        self,
        *args: Any,
        user: str,
        paths: list[str],
        quiet: bool,
        daylio_map: str = "",
        **options: Any,
    ) -> None:
        owner = user_by_email(user)
        files = walk(paths)
        mapping = _mood_map(daylio_map)
        is_csv = [_history_csv(path) for path, _ in files]
        csvs = [file for file, flag in zip(files, is_csv, strict=True) if flag]
        others = [file for file, flag in zip(files, is_csv, strict=True) if not flag]
        _check_daylio(csvs, mapping)
        failed = False
        if others:
            failed = self._import_runs(owner, others, quiet)
        failed = self._import_history(owner, csvs, mapping) or failed
        if failed:
            raise SystemExit(1)

    def _import_runs(self, owner: Any, files: list[tuple[Path, str]], quiet: bool) -> bool:
        progress = None if quiet or not sys.stderr.isatty() else self._bar
        job = import_files(owner, files, progress=progress)
        if progress:
            sys.stderr.write("\n")
        self._summary(job)
        return bool(job.counts()[ImportItem.Status.FAILED])

    def _import_history(
        self, owner: Any, files: list[tuple[Path, str]], mapping: dict[str, int]
    ) -> bool:
        failed = False
        for path, name in files:
            try:
                summary = history.import_csv(owner, path.read_bytes(), mapping)
            except (DaylioError, history.HistoryError) as exc:
                self.stdout.write(f"{'Failed':<12} {name}: {exc}")
                failed = True
                continue
            self._history_summary(name, summary)
            failed = failed or not summary.ok
        return failed

    def _history_summary(self, name: str, summary: history.ImportSummary) -> None:
        for message in summary.messages:
            self.stdout.write(f"{'':<12} {name}: {message}")
        self.stdout.write(f"{name}: {summary.describe()}")

    def _bar(self, job: ImportJob) -> None:
        width = 30
        done = int(width * job.percent / 100)
        sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {job.processed}/{job.total}")
        sys.stderr.flush()

    def _summary(self, job: ImportJob) -> None:
        # Everything that is not a plain success, and successes with something to say.
        for item in job.items.exclude(status=ImportItem.Status.IMPORTED, message=""):
            self.stdout.write(f"{item.get_status_display():<12} {item.name}: {item.message}")
        counts = job.counts()
        self.stdout.write(
            f"{counts['imported']} imported, {counts['duplicate']} duplicate, {counts['partly_read']} partly read, "
            f"{counts['skipped']} skipped, {counts['failed']} failed."
        )


def _mood_map(flag: str) -> dict[str, int]:
    try:
        return history.merged_mood_map(flag)
    except DaylioError as exc:
        raise CommandError(f"--daylio-map: {exc}") from None


def _history_csv(path: Path) -> bool:
    """A Daylio export or one of our check-in/questionnaire CSVs (not an activity list)."""
    if path.suffix.lower() != ".csv":
        return False
    with path.open("rb") as handle:
        return history.detect_csv(handle.read(4096)) is not None


def _check_daylio(files: list[tuple[Path, str]], mapping: dict[str, int]) -> None:
    """Refuse before importing anything when a Daylio file has moods without a score."""
    for path, name in files:
        data = path.read_bytes()
        if history.detect_csv(data) != "daylio":
            continue
        try:
            missing = missing_labels(parse_daylio(data), mapping)
        except DaylioError as exc:
            raise CommandError(f"{name}: {exc} Nothing was imported.") from None
        if missing:
            example = ",".join(f"{label}=0" for label in missing)
            raise CommandError(
                f"{name}: {history.unmapped_message(missing)} Nothing was imported. "
                f"Give each a score from -5 (very bad) to 5 (very good) with --daylio-map, "
                f'e.g. --daylio-map "{example}" (with your own scores).'
            )
