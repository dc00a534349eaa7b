"""Fuzz every importer with atheris (coverage-guided libFuzzer), one format per process.

    python -m proof.fuzz_files seeds DATA_DIR WORK_DIR DAYLIO_CSV    build the seed corpora
    python -m proof.fuzz_files run FORMAT WORK_DIR [libFuzzer flags...]
    python -m proof.fuzz_files replay FORMAT WORK_DIR TIMEOUT     the kept inputs, no fuzzer
    python -m proof.fuzz_files summary WORK_DIR RUNS FORMAT...        the table; 1 on any bug

``run`` keeps going after a bug: each distinct bug (exception type and the
innermost line of our code) is saved once under WORK_DIR/bugs/ with its
traceback, so one run reports every bug it found. Hangs and memory blow-ups are
libFuzzer's to catch (``-timeout``, ``-rss_limit_mb``; it stops and saves the
input); an address-space limit (RLIMIT_AS) turns a runaway allocation into a
MemoryError we record as a bug. What ``run`` measured goes to WORK_DIR/stats/.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import resource
import signal
import sys
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import django
from lxml import etree

# Where a failing input is saved, by format: the extension the importer would get.
EXTENSIONS = {
    "fit": "fit",
    "gpx": "gpx",
    "tcx": "tcx",
    "zip": "zip",
    "strava_csv": "csv",
    "daylio": "csv",
}
FORMATS = tuple(EXTENSIONS)
ADDRESS_SPACE_BYTES = 4 * 1024**3  # numpy and lxml map a lot; real use stays far below
STATS_EVERY = 500
KEPT_POINTS = 25  # points per track kept in the shrunk XML seeds


# --- Seeds ---------------------------------------------------------------------------


def build_seeds(data_dir: Path, work: Path, daylio_csv: Path) -> None:
    activities = data_dir / "activities"
    files = {
        fmt: sorted((activities / fmt).glob(f"*.{fmt}"))
        + sorted(activities.glob(f"quirks/*.{fmt}"))
        for fmt in ("fit", "gpx", "tcx")
    }
    seeds: dict[str, dict[str, bytes]] = {fmt: {} for fmt in FORMATS}
    for fmt, paths in files.items():
        for path in paths:
            data = path.read_bytes()
            seeds[fmt][path.name] = data
            if fmt != "fit":
                seeds[fmt]["short-" + path.name] = shrink_xml(data)
    strava = data_dir / "strava-export-sample.zip"
    with zipfile.ZipFile(strava) as archive:
        activities_csv = archive.read("activities.csv")
    seeds["strava_csv"]["activities.csv"] = activities_csv
    seeds["strava_csv"]["runs.csv"] = _runs_csv()
    seeds["daylio"]["daylio_export.csv"] = daylio_csv.read_bytes()
    seeds["zip"] = _zip_seeds(strava, files)
    for fmt, named in seeds.items():
        folder = work / "corpus" / fmt
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in named.items():
            (folder / name).write_bytes(data)


def shrink_xml(data: bytes) -> bytes:
    """The same file with only the first points of each track: small inputs mutate faster."""
    from stridewell.runs.importers.xmlsafe import parse_xml  # copes with the files' quirks

    root = parse_xml(data, "XML")
    for tag in ("{*}trkseg", "{*}rte", "{*}Track"):
        for parent in root.iter(tag):
            for extra in list(parent)[KEPT_POINTS:]:
                parent.remove(extra)
    text: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return text


def _runs_csv() -> bytes:
    from stridewell.runs.importers.export_csv import write_runs_csv

    rows: list[dict[str, Any]] = [
        {
            "stridewell_id": "stridewell:1-1",
            "start": "2024-03-02T08:15:00+01:00",
            "sport": "running",
            "name": "Park loop",
            "visibility": "buddies",
            "perceived_exertion": 4,
            "distance_m": 5012.5,
            "elapsed_s": 1900.0,
            "moving_s": 1850.0,
            "source": "file",
            "original_file": "originals/a.gpx",
            "run_type": "easy",
            "run_type_by_user": True,
            "indoor": False,
            "share_feeling": True,
            "group_slugs": "monday-club | parkrun",
        },
        {
            "stridewell_id": "stridewell:1-2",
            "start": "2024-03-03T18:00:00+00:00",
            "sport": "walking",
        },
    ]
    return write_runs_csv(rows).encode()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _listed_file(line: str) -> str:
    return "activities/" + line.split("activities/")[1].split(",")[0]


def _zip_seeds(strava: Path, files: dict[str, list[Path]]) -> dict[str, bytes]:
    """Small archives of the real files: a Strava export, plain, nested, gzipped, our export."""
    smallest = {fmt: min(paths, key=lambda p: p.stat().st_size) for fmt, paths in files.items()}
    small = {fmt: path.read_bytes() for fmt, path in smallest.items()}
    small["gpx"] = shrink_xml(small["gpx"])
    small["tcx"] = shrink_xml(small["tcx"])
    with zipfile.ZipFile(strava) as archive:
        lines = archive.read("activities.csv").decode("utf-8-sig").splitlines(keepends=True)
        sizes = {info.filename: info.compress_size for info in archive.infolist()}
        with_file = [line for line in lines[1:] if "activities/" in line]
        listed = sorted(with_file, key=lambda line: sizes[_listed_file(line)])[:3]
        names = [_listed_file(line).removeprefix("activities/") for line in listed]
        members = {"activities.csv": "".join(lines[:1] + listed + lines[-2:]).encode()}
        for name in names:
            members["activities/" + name] = archive.read("activities/" + name)
    plain = {f"run.{fmt}": data for fmt, data in small.items()}
    gzipped = {f"run.{fmt}.gz": gzip.compress(data, mtime=0) for fmt, data in small.items()}
    ours = {"runs.csv": _runs_csv(), "originals/a.gpx": small["gpx"]}
    return {
        "strava-mini.zip": _zip(members),
        "plain.zip": _zip(plain),
        "gzipped.zip": _zip(gzipped),
        "nested.zip": _zip({"inner.zip": _zip(plain), "notes.txt": b"hello\n"}),
        "stridewell-export.zip": _zip(ours),
    }


# --- One format under the fuzzer ------------------------------------------------------


@dataclass
class Stats:
    fmt: str
    inputs: int = 0
    max_seconds: float = 0.0
    slowest_size: int = 0
    peak_rss_mb: float = 0.0
    started: float = field(default_factory=time.time)
    seconds: float = 0.0
    bugs: dict[str, str] = field(default_factory=dict)  # signature -> saved input


class Recorder:
    """Wraps a target: counts, times, and records each distinct bug once instead of stopping."""

    def __init__(
        self, fmt: str, target: Callable[[bytes], None], work: Path, runs: int = 0
    ) -> None:
        self.stats, self.target, self.runs = Stats(fmt), target, runs
        self.ext = EXTENSIONS.get(fmt, "bin")
        self.bugs_dir, self.stats_path = work / "bugs", work / "stats" / f"{fmt}.json"
        self.bugs_dir.mkdir(parents=True, exist_ok=True)
        self.stats_path.parent.mkdir(parents=True, exist_ok=True)

    def __call__(self, data: bytes) -> None:
        began = time.perf_counter()
        try:
            self.target(data)
        except Exception as exc:  # every exception that escapes a target is a bug
            self._bug(data, exc)
        took = time.perf_counter() - began
        stats = self.stats
        stats.inputs += 1
        if took > stats.max_seconds:
            stats.max_seconds, stats.slowest_size = took, len(data)
        if stats.inputs % STATS_EVERY == 0:
            self.save()
        if stats.inputs == self.runs:
            # Done: save and leave at once. libFuzzer's own exit tears the interpreter down
            # under its timeout alarm, which can kill the process after a clean run.
            self.save()
            print(f"Done {stats.inputs} inputs in {stats.seconds:.0f} s", flush=True)
            os._exit(0)

    def _bug(self, data: bytes, exc: BaseException) -> None:
        signature = bug_signature(exc)
        if signature in self.stats.bugs:
            return
        digest = hashlib.sha1(data).hexdigest()[:10]
        path = self.bugs_dir / f"{self.stats.fmt}-{digest}.{self.ext}"
        path.write_bytes(data)
        trace = "".join(traceback.format_exception(exc))
        path.with_suffix(path.suffix + ".txt").write_text(f"{signature}\n\n{trace}")
        self.stats.bugs[signature] = path.name
        print(f"\n*** BUG {signature} -> {path}\n", file=sys.stderr, flush=True)
        self.save()

    def save(self) -> None:
        stats = self.stats
        stats.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stats.seconds = time.time() - stats.started
        self.stats_path.write_text(json.dumps(asdict(stats), indent=1))


def bug_signature(exc: BaseException) -> str:
    """The exception type and the innermost frame in our code (else the innermost at all)."""
    cause: BaseException = exc.__cause__ or exc
    frames = traceback.extract_tb(cause.__traceback__)
    ours = [f for f in frames if "/stridewell/" in f.filename and "/tests/" not in f.filename]
    where = (ours or frames)[-1] if (ours or frames) else None
    place = f"{Path(where.filename).name}:{where.lineno}" if where else "?"
    # A broken invariant: its sentence up to the value, so one bug is one signature.
    detail = (
        re.split(r"[\'\"\d(-]", str(exc))[0].strip()[:60] if type(exc).__name__ == "Bug" else ""
    )
    return f"{type(cause).__name__} at {place} {detail}".strip()


def run(fmt: str, work: Path, flags: list[str]) -> None:
    import atheris

    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))
    # Only our code (and zipfile, which is Python) is instrumented: coverage guides the mutations there.
    with atheris.instrument_imports(include=["stridewell", "zipfile"]):
        # Settings only (no database): imports.estimate_entries lives beside the models.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stridewell.settings")
        django.setup()
        from proof.fuzz_targets import TARGETS
    runs = [int(flag.split("=", 1)[1]) for flag in flags if flag.startswith("-atheris_runs=")]
    recorder = Recorder(fmt, TARGETS[fmt], work, runs[-1] if runs else 0)
    recorder.save()
    atheris.Setup([sys.argv[0], *flags, str(work / "corpus" / fmt)], recorder)
    try:
        atheris.Fuzz()
    finally:
        recorder.save()


# --- Replay: the importer's own time and memory, without the fuzzer -------------------


class _Hang(BaseException):  # not an Exception: the Recorder must not swallow it
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Hang


def replay(fmt: str, work: Path, timeout: int) -> None:
    """Every input the fuzzer kept (the seeds and each new-coverage input), in a fresh process.

    libFuzzer's bookkeeping grows the fuzzing process's memory run by run; this pass
    measures what the importers themselves need, under the same address-space limit
    and with an alarm per input.
    """
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stridewell.settings")
    django.setup()
    from proof.fuzz_targets import TARGETS

    signal.signal(signal.SIGALRM, _alarm)
    recorder = Recorder(fmt + "-replay", TARGETS[fmt], work)
    recorder.ext = EXTENSIONS[fmt]
    for path in sorted((work / "corpus" / fmt).iterdir()):
        signal.alarm(timeout)
        try:
            recorder(path.read_bytes())
        except _Hang:
            recorder.stats.bugs[f"hang over {timeout} s"] = path.name
        finally:
            signal.alarm(0)
    recorder.save()


# --- Summary ---------------------------------------------------------------------------


def summary(work: Path, formats: list[str], wanted: int) -> int:
    """Print one line per format; 1 when a format found a bug, stopped early or did not run."""
    print(
        f"{'format':<11} {'inputs':>8} {'bugs':>4} {'max s':>6} {'RSS MB':>6} {'time':>6}"
        f" | {'replayed':>8} {'bugs':>4} {'max s':>6} {'RSS MB':>6}"
    )
    failed = False
    for fmt in formats:
        fuzzed, replayed = _stats(work, fmt), _stats(work, fmt + "-replay")
        if fuzzed is None:
            print(f"{fmt:<11} did not run")
            failed = True
            continue
        short = fuzzed["inputs"] < wanted
        bugs = {**fuzzed["bugs"], **(replayed["bugs"] if replayed else {})}
        failed |= bool(bugs) or short or replayed is None
        line = f"{fmt:<11} {_columns(fuzzed)} {fuzzed['seconds']:>5.0f}s"
        line += f" | {_columns(replayed)}" if replayed else " | not replayed"
        print(line + ("  (stopped early)" if short else ""))
        for signature, name in bugs.items():
            print(f"    {signature}  ->  {work / 'bugs' / name}")
    return 1 if failed else 0


def _stats(work: Path, name: str) -> dict[str, Any] | None:
    path = work / "stats" / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _columns(stats: dict[str, Any]) -> str:
    return (
        f"{stats['inputs']:>8,} {len(stats['bugs']):>4} "
        f"{stats['max_seconds']:>6.3f} {stats['peak_rss_mb']:>6.0f}"
    )


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "seeds" and len(argv) == 4:
        build_seeds(Path(argv[1]), Path(argv[2]), Path(argv[3]))
        return 0
    if command == "run" and len(argv) >= 3 and argv[1] in FORMATS:
        run(argv[1], Path(argv[2]), argv[3:])
        return 0
    if command == "replay" and len(argv) == 4 and argv[1] in FORMATS:
        replay(argv[1], Path(argv[2]), int(argv[3]))
        return 0
    if command == "summary" and len(argv) >= 4:
        return summary(Path(argv[1]), argv[3:], int(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
