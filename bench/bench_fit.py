"""How much faster our FIT decoder is than fitdecode 0.11, on the real files in shared/data.

Both decode the same files in the same run, best of 3 each. The rate counts every
data message in the files (fitdecode decodes them all; ours skips the ones it does
not need, which is the point), so both rates divide the same number by their time.

Run: ``python -m bench.bench_fit``.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FIT_DIR = SHARED_DATA / "activities" / "fit"
GOAL = 20.0


def _fitdecode_pass(paths: list[Path]) -> int:
    """Decode every file with fitdecode; return the number of data messages."""
    import fitdecode

    count = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fitdecode warns about unknown fields
        for path in paths:
            with fitdecode.FitReader(str(path)) as reader:
                for frame in reader:
                    if isinstance(frame, fitdecode.FitDataMessage):
                        count += 1
    return count


def _our_pass(paths: list[Path]) -> int:
    from stridewell.runs.importers import fit

    for path in paths:
        fit.parse(path.read_bytes())
    return 0


def _best_of(runs: int, work: Callable[[], int]) -> tuple[float, int]:
    best, result = float("inf"), 0
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def run(runs: int = 3) -> list[str]:
    """Measure both decoders; return printable lines."""
    paths = sorted(FIT_DIR.glob("*.fit"))
    if not paths:
        return [f"FIT decode: no files in {FIT_DIR}"]
    theirs, messages = _best_of(runs, lambda: _fitdecode_pass(paths))
    ours, _ = _best_of(runs, lambda: _our_pass(paths))
    our_rate, their_rate = messages / ours, messages / theirs
    ratio = our_rate / their_rate
    verdict = "ok" if ratio >= GOAL else "BELOW GOAL"
    return [
        f"FIT decode: {our_rate:,.0f} records/s vs fitdecode {their_rate:,.0f} records/s "
        f"= {ratio:.1f}x (goal >= {GOAL:.0f}x, {verdict})",
        f"  {len(paths)} files, {messages:,} data messages: "
        f"ours {ours * 1000:,.1f} ms, fitdecode {theirs * 1000:,.1f} ms",
    ]


if __name__ == "__main__":
    for line in run():
        print(line)
