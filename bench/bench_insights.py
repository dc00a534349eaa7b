"""Insights for a ten-year user: computed from scratch, and the page served from a warm cache.

The user has 3,000 runs, 4,000 check-ins (1,000 of them before/after pairs
around runs) and 250 questionnaire responses, in a fresh SQLite database. The
named baseline for the page is computing every insight from scratch in the
same run: the warm page should be many times faster than that.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RUNS, CHECKINS, PAIRS, RESPONSES = 3000, 4000, 1000, 250
YEARS = 10


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def seed_user(user: Any) -> None:
    """Ten years of runs, check-ins and questionnaires, written in bulk."""
    import numpy as np

    from stridewell.runs.models import Run
    from stridewell.wellbeing.models import CheckIn, Response, Tag

    rng = np.random.default_rng(1)
    first = datetime(2016, 1, 1, 7, tzinfo=UTC)
    span = YEARS * 365
    run_days = np.sort(rng.choice(span, RUNS, replace=False))
    types = ["easy", "long", "tempo", "intervals", "walk"]
    runs = Run.objects.bulk_create(
        Run(
            user=user, start=first + timedelta(days=int(d), hours=int(rng.integers(0, 12))),
            elapsed_s=float(rng.uniform(900, 7200)), distance_m=float(rng.uniform(2000, 20000)),
            hr_zones_s=[float(v) for v in rng.uniform(0, 600, 5)], run_type=types[i % 5],
            indoor=i % 9 == 0, perceived_exertion=int(rng.integers(1, 11)),
        )
        for i, d in enumerate(run_days)
    )  # fmt: skip
    checkins = []
    for run in runs[:PAIRS]:
        before = int(rng.integers(-4, 4))
        checkins.append(CheckIn(user=user, run=run, kind="before_run", feeling=before,
                                recorded_at=run.start - timedelta(minutes=5)))  # fmt: skip
        after = int(np.clip(before + rng.integers(-1, 4), -5, 5))
        checkins.append(CheckIn(user=user, run=run, kind="after_run", feeling=after,
                                recorded_at=run.start + timedelta(hours=2)))  # fmt: skip
    daily_days = rng.choice(span, CHECKINS - 2 * PAIRS, replace=False)
    checkins += [
        CheckIn(user=user, feeling=int(rng.integers(-5, 6)),
                recorded_at=first + timedelta(days=int(d), hours=13))
        for d in daily_days
    ]  # fmt: skip
    made = CheckIn.objects.bulk_create(checkins)
    together = Tag.objects.create(user=user, name="with others")
    CheckIn.tags.through.objects.bulk_create(
        CheckIn.tags.through(checkin_id=c.pk, tag_id=together.pk) for c in made[: 2 * PAIRS : 6]
    )
    Response.objects.bulk_create(
        Response(user=user, instrument="phq9", answers=[0] * 9, score=int(rng.integers(0, 28)),
                 band="", recorded_at=first + timedelta(days=14 * i + 30))
        for i in range(RESPONSES)
    )  # fmt: skip


def measure(data_dir: Path) -> list[str]:
    from bench.bench_import import setup_django

    setup_django(data_dir)
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from stridewell.insights.questions import answer_user

    user = get_user_model().objects.create_user("ten@example.org", "ten@example.org", "x")
    seed_user(user)
    answer_user(user)  # imports and first-use costs out of the way
    scratch = _median_ms(lambda: answer_user(user), 5)
    client = Client()
    client.force_login(user)
    cache.clear()

    def cold_page() -> None:
        cache.clear()
        client.get("/insights/")

    cold = _median_ms(cold_page, 5)
    client.get("/insights/")
    warm = _median_ms(lambda: client.get("/insights/"), 20)
    assert client.get("/insights/").status_code == 200
    return [
        f"Insights from scratch for a ten-year user ({RUNS:,} runs, {CHECKINS:,} check-ins, "
        f"{RESPONSES} questionnaires): median {scratch:.0f} ms (goal < 1000 ms)",
        f"Insights page from a warm cache: median {warm:.0f} ms (goal < 300 ms), "
        f"{cold / warm:.1f}x faster than the page computed from scratch ({cold:.0f} ms)",
    ]


def run() -> list[str]:
    workdir = Path(tempfile.mkdtemp(prefix="stridewell-bench-insights-"))
    try:
        return measure(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    for line in run():
        print(line, flush=True)
    sys.exit(0)
