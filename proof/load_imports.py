"""After a load run: did the background workers finish every upload? (``make load``)

``python -m proof.load_imports --wait 60`` waits up to that many seconds for the import
jobs the load test queued to finish, then prints how many are done, failed or still
waiting, and exits 1 unless every one is done. Uploads answered 302 in the load test
even when no worker could run them (the Redis workers once lacked django_tasks_rq's
Job class and failed every job), so this is what shows the task backend works.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def _counts() -> dict[str, int]:
    from django.db.models import Count

    from stridewell.runs.models import ImportJob

    rows = ImportJob.objects.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wait", type=float, default=60.0)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stridewell.settings")
    import django

    django.setup()
    deadline = time.monotonic() + args.wait
    counts = _counts()
    while counts.keys() - {"done", "failed"} and time.monotonic() < deadline:
        time.sleep(2)
        counts = _counts()
    total = sum(counts.values())
    done = counts.get("done", 0)
    print(
        f"Uploads imported by the workers: {done} of {total} done, "
        f"{counts.get('failed', 0)} failed, {total - done - counts.get('failed', 0)} unfinished"
    )
    return 0 if done == total else 1


if __name__ == "__main__":
    sys.exit(main())
