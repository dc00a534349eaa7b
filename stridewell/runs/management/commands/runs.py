from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from stridewell.accounts.cli import user_by_email
from stridewell.accounts.models import Profile
from stridewell.lib import units
from stridewell.runs.models import Run
from stridewell.runs.serialize import run_json


class Command(BaseCommand):
    help = "List a user's runs, newest first (--json prints the API's run objects)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="EMAIL")
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args: Any, user: str, as_json: bool, **options: Any) -> None:
        owner = user_by_email(user)
        profile = Profile.objects.for_user(owner)
        runs = Run.objects.owned_by(owner).without_streams()
        if as_json:
            self.stdout.write(json.dumps([run_json(run, owner, profile) for run in runs], indent=2))
            return
        for run in runs:
            when = timezone.localtime(run.start, profile.tzinfo)
            self.stdout.write(
                f"{run.pk:>6}  {when:%Y-%m-%d %H:%M}  {run.sport:<10} "
                f"{units.distance(run.distance_m, profile.units):>10}  {units.duration(run.elapsed_s):>8}  {run.title}"
            )
