"""Feed, group and story pages in a seeded 100,000-person community (``make scale``).

Run with ``DATABASE_URL`` pointing at a database ``stridewell seed_community`` filled:
``python -m proof.load_scale --sample 150``. For a sample of people (some of them in the
largest groups) it requests, in process through Django's test client (no network,
so the figures are the app and the database alone), their feed, one of their groups
and a story they may read, after one warm-up pass, and prints p50/p95/max, the app's
own CPU time and the time spent waiting on the database (both medians; on a busy
machine the wall-clock figures grow with the load, these two much less), and the
queries per page as a Markdown table. It exits 1 when a p95 is over the goal.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

GOAL_P95_MS = 100.0


@dataclass
class Timings:
    ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    db_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    failures: int = 0

    def pct(self, p: float) -> float:
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stridewell.settings")
    import django

    django.setup()


def _sample(size: int, seed: int) -> list[tuple[Any, str, int | None]]:
    """(person, a group slug of theirs, a story they may read) for ``size`` people."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from stridewell.community.models import Group, Membership
    from stridewell.community.visibility import visible_stories

    rng = random.Random(seed)
    biggest = list(
        Group.objects.annotate(n=Count("memberships"))
        .order_by("-n")
        .values_list("pk", flat=True)[:3]
    )
    members = Membership.objects.values_list("user_id", "group__slug")
    in_big = list(members.filter(group_id__in=biggest)[:2000])
    anyone = list(members.order_by("?")[: size * 4]) if size else []
    chosen = rng.sample(in_big, min(len(in_big), size // 5))
    chosen += rng.sample(anyone, min(len(anyone), size - len(chosen)))
    users = get_user_model().objects.in_bulk([uid for uid, _ in chosen])
    rows = []
    for uid, slug in chosen:
        user = users[uid]
        story = visible_stories(user).order_by("-created_at").values_list("pk", flat=True).first()
        rows.append((user, slug, story))
    return rows


def _measure(rows: list[tuple[Any, str, int | None]]) -> dict[str, Timings]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    found = {"feed": Timings(), "group page": Timings(), "story page": Timings()}
    for user, slug, story in rows:
        client = Client()
        client.force_login(user)
        pages = {"feed": "/feed/", "group page": f"/groups/{slug}/"}
        if story:
            pages["story page"] = f"/stories/{story}/"
        for name, url in pages.items():
            client.get(url)  # warm: the connection, templates, the group's occurrences
            with CaptureQueriesContext(connection) as queries:
                began, cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                took = (time.perf_counter() - began) * 1000
            found[name].ms.append(took)
            found[name].cpu_ms.append((time.process_time() - cpu) * 1000)
            found[name].db_ms.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            found[name].queries.append(len(queries))
            found[name].failures += response.status_code != 200
    return found


def _table(found: dict[str, Timings]) -> str:
    lines = [
        "| page | requests | p50 ms | p95 ms | max ms | app CPU ms (median) | database ms (median) "
        "| queries (median / max) | not 200 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, t in found.items():
        if not t.ms:
            continue
        lines.append(
            f"| {name} | {len(t.ms)} | {t.pct(50):.1f} | {t.pct(95):.1f} | {max(t.ms):.1f} "
            f"| {statistics.median(t.cpu_ms):.1f} | {statistics.median(t.db_ms):.1f} "
            f"| {statistics.median(t.queries):.0f} / {max(t.queries)} | {t.failures} |"
        )
    return "\n".join(lines)


def _counts() -> str:
    from django.contrib.auth import get_user_model

    from stridewell.community.models import Comment, Membership, Story
    from stridewell.runs.models import Run

    models: list[Any] = [get_user_model(), Run, Membership, Story, Comment]
    return ", ".join(f"{m.objects.count():,} {m._meta.verbose_name_plural}" for m in models)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=150, help="people to sign in as")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    _setup()
    print(f"Community: {_counts()}")
    found = _measure(_sample(args.sample, args.seed))
    print(_table(found))
    worst = max(t.pct(95) for t in found.values() if t.ms)
    failures = sum(t.failures for t in found.values())
    verdict = "met" if worst < GOAL_P95_MS and not failures else "NOT met"
    print(f"\nGoal (every page p95 < {GOAL_P95_MS:.0f} ms, all 200): {verdict}")
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
