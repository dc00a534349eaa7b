"""Turn a locust run's ``<prefix>_stats.csv`` into the Markdown table of docs/performance.md
and check it against the goal: ``python -m proof.load_report PREFIX --goal-rps 150
--goal-p95 250 [--server-log FILE]``. Exits 1 when the goal is not met.

Requests/s is what the run held over its measured time (locust's figure: requests
divided by the seconds since the statistics were last reset, when everyone had
signed in). Percentiles are locust's, in milliseconds; an error is any failure
locust counted (connection refused, a 5xx, a form that did not save).
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: str
    p95: str
    p99: str

    @property
    def error_rate(self) -> float:
        return self.failures / self.requests if self.requests else 0.0

    def markdown(self) -> str:
        name = f"**{self.name}**" if self.name == "all requests" else self.name
        return (
            f"| {name} | {self.requests:,} | {self.rps:.1f} | {self.p50} | {self.p95} | {self.p99} "
            f"| {self.error_rate:.2%} |"
        )


def read(prefix: str) -> list[Row]:
    rows = []
    with Path(f"{prefix}_stats.csv").open(newline="") as handle:
        for line in csv.DictReader(handle):
            name = "all requests" if line["Name"] == "Aggregated" else line["Name"]
            rows.append(
                Row(
                    name=name,
                    requests=int(line["Request Count"]),
                    failures=int(line["Failure Count"]),
                    rps=float(line["Requests/s"]),
                    p50=line["50%"],
                    p95=line["95%"],
                    p99=line["99%"],
                )
            )
    return sorted(rows, key=lambda r: (r.name == "all requests", -r.requests))


def failures(prefix: str) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return [
            f"{line['Occurrences']}× {line['Name']}: {line['Error']}"
            for line in csv.DictReader(handle)
        ]


def locked(server_log: str | None) -> int:
    if not server_log or not Path(server_log).exists():
        return 0
    return Path(server_log).read_text(errors="replace").count("database is locked")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("prefix", help="the --csv prefix given to locust")
    parser.add_argument("--title", default="")
    parser.add_argument("--goal-rps", type=float, default=0.0)
    parser.add_argument("--goal-p95", type=float, default=0.0, help="ms; 0: no latency goal")
    parser.add_argument("--server-log", help="checked for 'database is locked'")
    args = parser.parse_args(argv)
    rows = read(args.prefix)
    if args.title:
        print(f"\n### {args.title}\n")
    print("| request | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        if row.requests:  # sign-in requests were counted before the measured period
            print(row.markdown())
    total = next(r for r in rows if r.name == "all requests")
    locks = locked(args.server_log)
    for line in failures(args.prefix)[:10]:
        print(f"\n- failure: {line}")
    p95 = float(total.p95) if total.p95.replace(".", "").isdigit() else float("inf")
    met = (
        total.rps >= args.goal_rps
        and (not args.goal_p95 or p95 < args.goal_p95)
        and total.failures == 0
        and locks == 0
    )
    goal = f"≥ {args.goal_rps:.0f} req/s" + (
        f", p95 < {args.goal_p95:.0f} ms" if args.goal_p95 else ""
    )
    print(
        f"\nHeld {total.rps:.1f} req/s, p95 {total.p95} ms, {total.failures} errors, "
        f'{locks} "database is locked" — goal ({goal}, no errors): {"met" if met else "NOT met"}'
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
