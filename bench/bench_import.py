"""End to end: a large archive imported with database writes, against a parse-only pipeline.

The archive repeats the real files in shared/data, each copy shifted in time so it is a
new activity (see variants.py). The baseline is what FitTrackee and Endurain build on:
fitdecode + gpxpy + tcxreader, parsing only, no summary and no database.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
import zipfile
from pathlib import Path

from bench.variants import shift_fit, shift_xml

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "activities"


def build_archive(path: Path, activities: int) -> int:
    """A zip of ``activities`` distinct files, gzipped like a Strava export; answers the sample bytes."""
    originals = sorted(p for folder in ("fit", "gpx", "tcx") for p in (DATA / folder).iterdir())
    total = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for index in range(activities):
            source = originals[index % len(originals)]
            days = 1 + index // len(originals)
            data = source.read_bytes()
            data = shift_fit(data, days) if source.suffix == ".fit" else shift_xml(data, days)
            total += len(data)
            archive.writestr(f"activities/{index:05d}{source.suffix}.gz", gzip.compress(data, 6))
    return total


def baseline_parse(path: Path) -> float:
    """fitdecode + gpxpy + tcxreader over every member; seconds."""
    import fitdecode
    import gpxpy
    from tcxreader.tcxreader import TCXReader

    reader = TCXReader()
    warnings.simplefilter("ignore")  # fitdecode warns about odd but valid field sizes
    begin = time.perf_counter()
    with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as tmp:
        for info in archive.infolist():
            data = gzip.decompress(archive.read(info))
            if ".fit" in info.filename:
                with fitdecode.FitReader(
                    io.BytesIO(data), check_crc=fitdecode.CrcCheck.DISABLED
                ) as fit:
                    for _ in fit:
                        pass
            elif ".gpx" in info.filename:
                gpxpy.parse(data.decode("utf-8", errors="replace"))
            else:  # tcxreader only reads from a path
                target = Path(tmp) / "a.tcx"
                target.write_bytes(data)
                reader.read(str(target))
    return time.perf_counter() - begin


class PeakMemory:
    """The largest total memory (PSS) of this process and all its descendants, sampled.

    getrusage cannot see the pool's processes (they are the forkserver's children), so
    this walks /proc every 20 ms while the import runs.
    """

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(os.getpid()))


def _proportional_kb(proc: Path, status: str) -> int:
    """PSS: shared pages split between the processes sharing them, so the sum is honest."""
    try:
        rollup = (proc / "smaps_rollup").read_text()
        return next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    except (OSError, StopIteration):
        return next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )


def _tree_rss_kb(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(stat.rsplit(")", 1)[1].split()[1])
        rss[pid] = _proportional_kb(entry, status)
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in tree)


def setup_django(data_dir: Path) -> None:
    os.environ["STRIDEWELL_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stridewell.settings")
    os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def run(activities: int = 2000) -> list[str]:
    workdir = Path(tempfile.mkdtemp(prefix="stridewell-bench-"))
    try:
        archive = workdir / "archive.zip"
        sample_bytes = build_archive(archive, activities)
        # Our import runs in a fresh process, so its memory is its own and not the
        # archive builder's or the baseline libraries'.
        measured = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.bench_import",
                "--ours",
                str(archive),
                str(workdir / "data"),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(measured.stdout.strip().splitlines()[-1])
        baseline = baseline_parse(archive)
        seconds = result["seconds"]
        counts = ", ".join(f"{n:,} {status}" for status, n in result["counts"].items() if n)
        return [
            f"End-to-end import: {activities:,} activities ({sample_bytes / 1e6:,.0f} MB unpacked) in {seconds:.1f} s "
            f"with database writes on {os.cpu_count()} cores ({counts}), vs parse-only "
            f"fitdecode+gpxpy+tcxreader {baseline:.1f} s = {baseline / seconds:.1f}x (goal >= 10x)",
            f"Peak memory of the import (all its processes together): {result['peak_mb']:,.0f} MB (goal < 300 MB)",
        ]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _measure_ours(archive: Path, data_dir: Path) -> None:
    setup_django(data_dir)
    from django.contrib.auth import get_user_model

    from stridewell.runs.imports import import_files

    user = get_user_model().objects.create_user("bench", "bench@example.org", "x")
    with PeakMemory() as memory:
        begin = time.perf_counter()
        job = import_files(user, [(archive, archive.name)], processes=os.cpu_count() or 2)
        seconds = time.perf_counter() - begin
    print(
        json.dumps({"seconds": seconds, "counts": job.counts(), "peak_mb": memory.peak_kb / 1024})
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--ours"]:
        _measure_ours(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        print("\n".join(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)))
