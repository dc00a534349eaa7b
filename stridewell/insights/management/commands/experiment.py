from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stridewell.accounts.cli import user_by_email
from stridewell.accounts.models import Profile
from stridewell.insights import experiments
from stridewell.insights.models import ARMS, Experiment


def kind_for(arms: list[str]) -> str:
    """``run rest`` (either order) → ``run_or_rest``; the effect is always the kind's A − B."""
    for kind, pair in ARMS.items():
        if sorted(arms) == sorted(pair):
            return kind
    choices = " or ".join(f"'{a} {b}'" for a, b in ARMS.values())
    raise CommandError(f"Choose two arms that go together: {choices}.")


class Command(BaseCommand):
    help = (
        "A personal randomised experiment: status (default), "
        "start ARM_A ARM_B --weeks N, or stop (--json for the API's shape)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="EMAIL")
        parser.add_argument(
            "action", nargs="?", default="status", choices=["status", "start", "stop"]
        )
        parser.add_argument("arms", nargs="*", metavar="ARM", help="run rest, or easy intervals")
        parser.add_argument("--weeks", type=int, default=6, help="4 to 8 (default 6)")
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(
        self,
        *args: Any,
        user: str,
        action: str,
        arms: list[str],
        weeks: int,
        as_json: bool,
        **options: Any,
    ) -> None:
        person = user_by_email(user)
        try:
            if action == "start":
                experiments.start(person, kind_for(arms), weeks)
            elif action == "stop":
                found = experiments.active_for(experiments.experiments_for(person))
                if found is None:
                    raise CommandError("There is no experiment running to stop.")
                experiments.stop(found)
        except experiments.ExperimentError as exc:
            raise CommandError(str(exc)) from None
        self._show(person, as_json)

    def _show(self, person: Any, as_json: bool) -> None:
        profile = Profile.objects.for_user(person)
        found = experiments.experiments_for(person)
        if as_json:
            data = [experiments.experiment_json(e, profile.tzinfo) for e in found]
            self.stdout.write(json.dumps({"experiments": data}, indent=2))
            return
        if not found:
            self.stdout.write("No experiments yet. Start one with: start run rest --weeks 6")
        for experiment in found:
            self.stdout.write(self._describe(experiment, profile) + "\n")

    def _describe(self, experiment: Experiment, profile: Profile) -> str:
        head = (
            f"{experiment.get_kind_display()}, {experiment.weeks} weeks from "
            f"{experiment.start:%a %d %b %Y} [{experiment.get_status_display()}]"
        )
        if experiment.result:
            return f"{head}\n  {experiment.result['sentence']}"
        today = experiments.local_today(experiment.user, tz=profile.tzinfo)
        days = experiments.days_so_far(experiment, today, profile.tzinfo)
        if not days:
            return f"{head}\n  It begins on {experiment.start:%a %d %b}."
        lines = [head]
        if days[-1].date == today:
            design = experiments.DESIGNS[experiment.kind]
            lines.append(f"  Today is {_article(design.day_of(days[-1].is_a))}.")
        lines.append(f"  {experiments.progress(experiment, days).text}")
        return "\n".join(lines)


def _article(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word
