"""``stridewell seed_community --users 100000 [--seed N]``: a generated community for load
and scale tests (see :mod:`stridewell.community.seed`). Never on a real instance."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stridewell.community.seed import SeedPlan, seed_community


class Command(BaseCommand):
    help = "Seed a generated community (people, runs, groups, stories) for load and scale tests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, required=True)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--prefix", default="runner", help="emails are <prefix><n>@example.org")
        parser.add_argument("--password", default=SeedPlan.password, help="everyone's password")
        parser.add_argument("--runs", type=int, default=6, help="runs per person")
        parser.add_argument("--checkins", type=int, default=0, help="check-ins per person")
        parser.add_argument("--days", type=int, default=120, help="how far back the history goes")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["users"] < 1:
            raise CommandError("--users must be at least 1.")
        plan = SeedPlan(
            users=opts["users"],
            seed=opts["seed"],
            prefix=opts["prefix"],
            password=opts["password"],
            runs_per_user=opts["runs"],
            checkins_per_user=opts["checkins"],
            days=opts["days"],
        )
        began = time.monotonic()
        try:
            result = seed_community(plan, say=lambda line: self.stdout.write(line))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = ", ".join(f"{n} {name}" for name, n in sorted(result.counts.items()))
        self.stdout.write(f"Seeded in {time.monotonic() - began:.0f} s: {rows}")
