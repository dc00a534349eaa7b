"""GPX and TCX parsing speed against gpxpy and tcxreader, on the real files in shared/data.

Each round parses the whole folder; the best of three rounds counts, for us
and for the reference library alike, in the same process. Our parsers start
from the file on disk like tcxreader does, so reading the file is timed too.

    python -m bench.bench_xml
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import gpxpy
from tcxreader.tcxreader import TCXReader

from stridewell.runs.importers import gpx, tcx

ACTIVITIES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "activities"
ROUNDS = 3
GOALS = {"GPX": 4.0, "TCX": 2.0}


def _best_seconds(
    ours: Callable[[Path], object], theirs: Callable[[Path], object], files: list[Path]
) -> tuple[float, float]:
    """Best whole-folder round of each; rounds alternate so background load hits both alike."""
    best = [float("inf"), float("inf")]
    for _ in range(ROUNDS):
        for which, read in enumerate((ours, theirs)):
            started = time.perf_counter()
            for path in files:
                read(path)
            best[which] = min(best[which], time.perf_counter() - started)
    return best[0], best[1]


def _line(label: str, files: list[Path], ours: float, theirs: float, library: str) -> str:
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    ratio = theirs / ours
    return (
        f"{label} parse: {megabytes / ours:.1f} MB/s vs {library} {megabytes / theirs:.1f} MB/s"
        f" = {ratio:.1f}x (goal >= {GOALS[label]:g}x)"
    )


def _gpx_line() -> str:
    files = sorted((ACTIVITIES / "gpx").glob("*.gpx"))
    ours, theirs = _best_seconds(
        lambda path: gpx.parse(path.read_bytes()),
        lambda path: gpxpy.parse(path.read_text(encoding="utf-8")),
        files,
    )
    return _line("GPX", files, ours, theirs, "gpxpy")


def _tcx_line() -> str:
    files = sorted((ACTIVITIES / "tcx").glob("*.tcx"))
    ours, theirs = _best_seconds(
        lambda path: tcx.parse(path.read_bytes()),
        lambda path: TCXReader().read(str(path)),
        files,
    )
    return _line("TCX", files, ours, theirs, "tcxreader")


def run() -> list[str]:
    return [_gpx_line(), _tcx_line()]


if __name__ == "__main__":
    for line in run():
        print(line)
