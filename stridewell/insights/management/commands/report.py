from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stridewell.accounts.cli import user_by_email
from stridewell.insights.pdf import report_pdf
from stridewell.insights.report import RangeError, build_report, date_range, local_today


class Command(BaseCommand):
    help = "Write a user's report for their doctor or therapist as a PDF (the last 90 days by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="EMAIL")
        parser.add_argument(
            "--start", metavar="YYYY-MM-DD", help="First day (default: 90 days ago)"
        )
        parser.add_argument("--end", metavar="YYYY-MM-DD", help="Last day (default: today)")
        parser.add_argument("--name", action="store_true", help="Put the display name on it")
        parser.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")

    def handle(
        self,
        *args: Any,
        user: str,
        start: str | None,
        end: str | None,
        name: bool,
        out: Path,
        **options: Any,
    ) -> None:
        person = user_by_email(user)
        try:
            first, last = date_range(start, end, local_today(person))
        except RangeError as exc:
            raise CommandError(str(exc)) from None
        report = build_report(person, first, last, include_name=name)
        out.write_bytes(report_pdf(report))
        self.stdout.write(f"Wrote the report for {report.period} to {out}.")
