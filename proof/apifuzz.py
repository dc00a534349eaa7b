"""Data for fuzzing /api/v1 with schemathesis: a runner with something in every corner.

``populate()`` is shared by proof/apifuzz.sh (``python -m proof.apifuzz seed``
prints the token) and the quick pass in
stridewell/accounts/tests/test_api_schema.py, so both fuzz the same world:
runs, check-ins, a questionnaire, a group with a group run and a goal, a buddy
with a shared goal, a story with a comment, a block, notifications and a plan.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

# Operations that cannot be fuzzed safely, with the reason printed by apifuzz.sh.
# Empty today: the API has no account deletion, and every write is undone by the
# next test's rollback (pytest) or lands in a scratch data folder (apifuzz.sh).
EXCLUDED: dict[str, str] = {}

# Checks that are run and counted but do not fail the run, with why.
INFORMATIONAL: dict[str, str] = {
    "positive_data_acceptance": "schema-valid requests that rules the schema cannot express"
    " refuse (a run that is yours, a known timezone, an end after the start, a free handle)",
}


def _person(email: str, handle: str) -> Any:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from stridewell.accounts.models import Profile

    user = get_user_model().objects.create_user(
        username=email, email=email, password="fuzz fuzz fuzz fuzz"
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    profile = Profile.objects.for_user(user)
    profile.handle, profile.display_name = handle, handle.title()
    profile.save()
    return user


def _wellbeing(user: Any, run: Any) -> None:
    from stridewell.wellbeing import checkins, questionnaires
    from stridewell.wellbeing.models import CheckIn

    for feeling in (-2, 0, 3):
        checkins.apply(CheckIn(user=user), {"feeling": feeling, "tags": ["work"], "note": "ok"})
    checkins.apply(CheckIn(user=user), {"feeling": 2, "kind": "after_run", "run_id": run.pk})
    questionnaires.answer(user, "phq9", [1, 0, 2, 1, 0, 0, 1, 0, 0])


def _community(user: Any, buddy: Any, run: Any) -> None:
    from django.utils import timezone

    from stridewell.community import blocks, buddies, comments, events, goals, groups, stories

    group = groups.create_group(user, "Park runners", description="Saturdays")
    groups.join(buddy, group)
    today = timezone.localdate()
    events.create_group_run(
        user, group, title="Loop", place="Gate", first_date=today + timedelta(days=2),
        local_time=timezone.now().time().replace(microsecond=0), weekly=True,
    )  # fmt: skip
    ends = today + timedelta(days=30)
    goals.create_goal(
        user, title="100 km", metric="distance", target=100, starts_on=today, ends_on=ends,
        group=group,
    )  # fmt: skip
    pair = buddies.request(user, handle=buddy_handle(buddy))
    pair = buddies.accept(buddy, pair.pk)
    goals.create_goal(
        user, title="Together", metric="sessions", target=10, starts_on=today, ends_on=ends,
        buddyship=pair,
    )  # fmt: skip
    story = stories.create_story(
        buddy, stories.StoryInput(title="First 5k", body="I *did* it.", visibility="public")
    )
    comments.add_comment(user, "Well done!", story=story)
    comments.add_comment(buddy, "Nice run", run=run)
    blocks.block(user, _person("carol@example.org", "carol"))


def buddy_handle(user: Any) -> str:
    from stridewell.accounts.models import Profile

    return str(Profile.objects.for_user(user).handle)


def populate() -> str:
    """Make the fuzzing user and their world; return their API token."""
    from django.utils import timezone

    from stridewell.accounts.models import ApiToken
    from stridewell.runs.models import Run
    from stridewell.steps.sessions import choose

    user, buddy = _person("fuzz@example.org", "fuzz"), _person("buddy@example.org", "buddy")
    now = timezone.now()
    runs = [
        Run.objects.record_manual(
            user, now - timedelta(days=day), 1800.0 + day, distance_m=5000.0, visibility="buddies"
        )
        for day in (1, 3, 8)
    ]
    Run.objects.record_manual(buddy, now - timedelta(days=2), 2400.0, visibility="buddies")
    _wellbeing(user, runs[0])
    _community(user, buddy, runs[0])
    choose(user, "small-steps")  # so /plan and /plan/next have a plan to answer with
    return ApiToken.objects.issue(user, "apifuzz")[1]


def exclude_args() -> list[str]:
    """``st run`` options leaving out the operations in EXCLUDED ("METHOD /path")."""
    args: list[str] = []
    for operation in EXCLUDED:
        method, path = operation.split(" ", 1)
        args += ["--exclude-by", f'method == "{method}" and path == "{path}"']
    return args


HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


@dataclass
class Tally:
    """What one schemathesis run did, from its NDJSON event report."""

    checks: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, scenario: dict[str, Any]) -> None:
        recorder = scenario.get("recorder", {})
        label = recorder.get("label", "")
        if label.split(" ")[0] in HTTP_METHODS:  # not the stateful phase's own label
            self.operations.add(label)
        if scenario.get("status") == "error":
            self.errors.append(f"{recorder.get('label')}: {scenario.get('phase')}")
        for results in recorder.get("checks", {}).values():
            self.cases += 1
            for result in results:
                self.checks[result["name"]][result["status"]] += 1

    @property
    def failures(self) -> int:
        counted = [counts for name, counts in self.checks.items() if name not in INFORMATIONAL]
        return sum(counts["failure"] for counts in counted)


def tally(events: Path) -> Tally:
    found = Tally()
    for line in events.read_text().splitlines():
        event = json.loads(line)
        if "ScenarioFinished" in event:
            found.add(event["ScenarioFinished"])
    return found


def summary(events: Path, server_log: Path | None) -> int:
    """Print per-check results; 1 when a check failed, a scenario errored or the server crashed."""
    found = tally(events)
    print(f"operations tested: {len(found.operations)}, test cases checked: {found.cases}")
    for name, counts in sorted(found.checks.items()):
        verdict = "info" if name in INFORMATIONAL else "FAIL" if counts["failure"] else "ok"
        print(f"  {verdict:4} {name:32} passed {counts['success']:6}  failed {counts['failure']}")
    for name, why in INFORMATIONAL.items():
        print(f"  (info: {name} does not fail the run: {why})")
    tracebacks = server_log.read_text(errors="replace").count("Traceback") if server_log else 0
    print(f"server tracebacks: {tracebacks}; scenarios that errored: {len(found.errors)}")
    for error in found.errors:
        print(f"  error in {error}")
    return 1 if found.failures or found.errors or tracebacks else 0


def main(argv: list[str]) -> int:
    if argv[1:2] == ["summary"] and len(argv) in (3, 4):
        return summary(Path(argv[2]), Path(argv[3]) if len(argv) == 4 else None)
    if argv[1:] == ["exclude-args"]:
        for arg in exclude_args():  # one per line, for bash's mapfile
            print(arg)
        return 0
    if argv[1:] == ["seed"]:
        import os

        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stridewell.settings")

        django.setup()
        print(populate())
        return 0
    if argv[1:] == ["excluded"]:
        for operation, reason in EXCLUDED.items():
            print(f"excluded {operation}: {reason}")
        if not EXCLUDED:
            print("excluded operations: none (no account deletion in /api/v1; data is scratch)")
        return 0
    print(
        "usage: python -m proof.apifuzz seed|excluded|exclude-args|summary EVENTS [LOG]",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
