"""make faults: Stridewell survives its worker being killed, its database and Redis
restarting, a full disk, and comes back whole from a backup.

Four scenarios, each on scratch data that is removed afterwards (nothing shared with
other work on the machine is restarted: PostgreSQL and Redis are our own instances on
scratch ports, started from the system's binaries):

1. kill     500 distinct activity files uploaded; the database-backed worker is SIGKILLed
            mid-import; a new worker and ``recover_imports`` finish it. Every file must
            end with exactly one result and one run, and no run may lack its samples or
            original file.
1b. kill-rq the same with the Redis (RQ) task backend on PostgreSQL: the rqworker and its
            work horse are SIGKILLed.
2. restart  gunicorn (2 workers) on PostgreSQL with the Redis task backend and cache,
            under steady traffic; PostgreSQL, then Redis, are stopped for a few seconds and
            started again. While down, answers must be clean (2xx or a 503, no traceback,
            nothing slower than the client's timeout); after, every request must succeed,
            without restarting the app.
3. disk     the files folder on a 2 MB tmpfs; an import that overflows it must stop with
            the disk-full sentence, keep every stored run whole, and after the disk grows
            a second import must add exactly the rest.
4. backup   ``stridewell backup`` of the killed-and-recovered instance (SQLite) and of the
            PostgreSQL one, ``stridewell restore`` into empty instances, every table's rows
            and every file's bytes compared.

Usage: python -m proof.faults [--only kill,kill-rq,restart,disk,backup] [--files 500]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.variants import shift_fit, shift_xml
from stridewell.accounts.tests.test_backup import files_of  # the test's own notion of it

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
ACTIVITIES = ROOT.parent / "shared" / "data" / "activities"
BASES = [
    "gpx/gpxpy__Mojstrovka.gpx",
    "gpx/gpxpy__around-visnjan-with-car.gpx",
    "gpx/gpxpy__cerknicko-jezero.gpx",
    "gpx/gpxpy__korita-zbevnica.gpx",
    "fit/fitparse__2013-02-06-12-11-14.fit",
    "fit/fitparse__activity-small-fenix2-run.fit",
    "fit/gofit__0134902991.fit",
]
STALE_S = 6  # STRIDEWELL_IMPORT_STALE_SECONDS for the scenarios: retry after 6 s of silence
PG_PORT, REDIS_PORT, WEB_PORT = 5499, 6399, 8655
SETUP = (
    "import os, django\n"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'stridewell.settings')\n"
    "django.setup()\n"
)


@dataclass
class Outcome:
    name: str
    ok: bool
    figures: dict[str, Any] = field(default_factory=dict)


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


# --- processes and instances ------------------------------------------------------------


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """An instance's environment: its own data folder, nothing inherited that points
    elsewhere (a developer's DATABASE_URL, Redis or keys)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("STRIDEWELL_")
        and k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    env |= {"STRIDEWELL_DATA_DIR": str(data_dir), "OPENBLAS_NUM_THREADS": "1"}
    env |= {"STRIDEWELL_IMPORT_STALE_SECONDS": str(STALE_S), "PYTHONPATH": str(ROOT)}
    return env | extra


def stridewell(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PY, "-m", "stridewell.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"stridewell {' '.join(args)}: {done.stderr[-2000:]}")
    return done.stdout


def django(env: dict[str, str], code: str) -> str:
    """Run ``code`` in a Django-configured process of the instance; answers its stdout."""
    done = subprocess.run(
        [PY, "-c", SETUP + code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"helper failed: {done.stderr[-2000:]}")
    return done.stdout


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Processes:
    """Background processes, each in its own session so a kill reaches its children."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: dict[str, int] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.running[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.running.pop(name)
        # Children that left the group (RQ's work horse calls setsid) are reached too.
        family = descendants(process.pid) if sig == signal.SIGKILL else []
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        for pid in family:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def supervise(self, name: str, command: list[str], env: dict[str, str]) -> threading.Event:
        """Start it again whenever it exits, as systemd's Restart=always would; set the
        returned event to stop. Restarts are counted in ``self.restarts``."""
        stop = threading.Event()
        self.start(name, command, env)

        def watch() -> None:
            while not stop.wait(1.0):
                if not self.alive(name) and not stop.is_set():
                    self.restarts[name] = self.restarts.get(name, 0) + 1
                    self.start(name, command, env)

        threading.Thread(target=watch, daemon=True).start()
        return stop

    def alive(self, name: str) -> bool:
        return name in self.running and self.running[name].poll() is None

    def stop_all(self) -> None:
        for name in list(self.running):
            self.kill(name, signal.SIGTERM)


def wait_for(check: Callable[[], bool], timeout: float, every: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with contextlib.suppress(Exception):
            if check():
                return True
        time.sleep(every)
    return False


def make_files(folder: Path, count: int, first: int = 0) -> list[Path]:
    """``count`` distinct activities: real files, each copy moved by its own number of days."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [(name, (ACTIVITIES / name).read_bytes()) for name in BASES]
    paths = []
    for number in range(first, first + count):
        name, data = sources[number % len(sources)]
        days = 1 + number  # a different day for every copy: never the same activity twice
        shifted = shift_fit(data, days) if name.endswith(".fit") else shift_xml(data, days)
        path = folder / f"{number:04d}-{Path(name).name}"
        path.write_bytes(shifted)
        paths.append(path)
    return paths


UPLOAD = """
import sys
from pathlib import Path
from django.contrib.auth import get_user_model
from django.core.files import File
from stridewell.runs.imports import start_import
User = get_user_model()
user = User.objects.filter(email='runner@example.org').first() or User.objects.create_user(
    'runner@example.org', 'runner@example.org', 'stride-faults-2026')
paths = sorted(Path(sys.argv[1]).iterdir())
handles = [path.open('rb') for path in paths]
job = start_import(user, [File(handle, name=path.name) for handle, path in zip(handles, paths)])
job.refresh_from_db()
print(job.pk, job.status, job.error)
"""


def upload(env: dict[str, str], folder: Path) -> tuple[str, str, str]:
    done = subprocess.run(
        [PY, "-c", SETUP + UPLOAD, str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    job_id, status, *error = done.stdout.strip().splitlines()[-1].split(" ", 2)
    return job_id, status, (error[0] if error else "")


# --- 1. kill a worker mid-import ----------------------------------------------------------


def sql(db: Path, query: str, *args: Any) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
        return conn.execute(query, args).fetchall()


def whole_runs(db: Path, media: Path) -> tuple[int, int]:
    """(runs, runs lacking samples, an original file or the one result naming them)."""
    runs = sql(db, "SELECT id, length(streams_blob), original_file FROM runs_run")
    linked = Counter(r[0] for r in sql(db, "SELECT run_id FROM runs_importitem"))
    broken = sum(
        1
        for run_id, blob, original in runs
        if not blob or not (media / original).is_file() or linked[run_id] != 1
    )
    return len(runs), broken


def scenario_kill(work: Path, procs: Processes, count: int) -> Outcome:
    data = work / "kill"
    env = base_env(data)
    db, media = data / "stridewell.sqlite3", data / "files"
    stridewell(env, "migrate", "--verbosity", "0")
    files = make_files(work / "kill-files", count)
    job_id, _, _ = upload(env, work / "kill-files")
    job = job_id.replace("-", "")  # SQLite keeps UUIDs as 32 hex characters
    say(f"kill: {len(files)} files uploaded as job {job_id}; starting the worker")
    worker = [PY, "-m", "stridewell.cli", "db_worker", "--no-reload", "--interval", "0.2"]
    started = time.monotonic()
    procs.start("worker-1", worker, env)

    def items() -> int:
        return int(sql(db, "SELECT count(*) FROM runs_importitem")[0][0])

    def processed() -> int:
        return int(sql(db, "SELECT processed FROM runs_importjob WHERE id=?", job)[0][0])

    # Kill once a batch is stored and the next one is half read: work is in flight.
    if not wait_for(lambda: items() >= 200 and processed() >= 260, timeout=600):
        raise RuntimeError("the import never got half-way")
    procs.kill("worker-1")
    killed_at = time.monotonic()
    stored, read = items(), processed()
    state = sql(db, "SELECT status FROM runs_importjob WHERE id=?", job)[0][0]
    runs_after_kill, broken_after_kill = whole_runs(db, media)
    tasks_running = sql(
        db, "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status='RUNNING'"
    )[0][0]
    say(f"kill: SIGKILL after {read} read, {stored} stored; job {state}, {runs_after_kill} runs")

    procs.start("worker-2", worker, env)
    recover = [PY, "-m", "stridewell.cli", "recover_imports", "--every", "2"]
    procs.start("recover", recover, env)
    done = wait_for(
        lambda: sql(db, "SELECT status FROM runs_importjob WHERE id=?", job)[0][0] == "done",
        timeout=900,
        every=0.5,
    )
    finished = time.monotonic()
    procs.kill("recover", signal.SIGTERM)
    procs.kill("worker-2", signal.SIGTERM)
    status, attempts = sql(db, "SELECT status, attempts FROM runs_importjob WHERE id=?", job)[0]
    positions = [row[0] for row in sql(db, "SELECT position FROM runs_importitem")]
    results = Counter(row[0] for row in sql(db, "SELECT status FROM runs_importitem"))
    runs, broken = whole_runs(db, media)
    dead_tasks = sql(
        db,
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE exception_class_path LIKE ?",
        "%WorkerLost",
    )[0][0]
    uploads_left = (data / "uploads" / job_id).exists()
    figures = {
        "files": len(files),
        "killed after (read / stored)": f"{read} / {stored}",
        "after the kill: job, runs, broken runs, task rows left RUNNING": (
            f"{state}, {runs_after_kill}, {broken_after_kill}, {tasks_running}"
        ),
        "final job status, attempts": f"{status}, {attempts}",
        "results (one per file)": f"{len(positions)} ({dict(results)})",
        "distinct positions 1..N": len(set(positions)) == count == max(positions, default=0),
        "runs stored, broken": f"{runs}, {broken}",
        "dead task rows closed": dead_tasks,
        "recovered in (s, kill to done)": round(finished - killed_at, 1),
        "whole import (s)": round(finished - started, 1),
        "upload folder removed": not uploads_left,
    }
    ok = (
        done
        and status == "done"
        and attempts == 2
        and len(positions) == count
        and len(set(positions)) == count
        and results == Counter({"imported": count})
        and runs == count
        and broken == 0
        and broken_after_kill == 0
        and runs_after_kill == stored
        and not uploads_left
    )
    return Outcome("kill a worker mid-import (SQLite, db_worker)", ok, figures)


# --- 2. restart PostgreSQL and Redis under traffic ---------------------------------------


class OwnPostgres:
    """A scratch PostgreSQL cluster of the system's version, so restarting it hurts nobody."""

    def __init__(self, work: Path) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found or os.geteuid() != 0 or shutil.which("runuser") is None:
            raise RuntimeError("needs root and PostgreSQL's server binaries")
        self.bin = found[-1].parent
        self.dir = work / "pg"
        self.dir.mkdir()
        shutil.chown(self.dir, "postgres")
        os.chmod(work, 0o755)
        self.as_postgres(["initdb", "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres"])
        self.start()
        self.url = f"postgres://postgres@127.0.0.1:{PG_PORT}"

    def as_postgres(self, command: list[str]) -> None:
        full = ["runuser", "-u", "postgres", "--", str(self.bin / command[0]), *command[1:]]
        subprocess.run(full, check=True, capture_output=True, cwd="/tmp")

    def start(self) -> None:
        options = f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.as_postgres(
            [
                "pg_ctl",
                "-D",
                str(self.dir / "data"),
                "-o",
                options,
                "-l",
                str(self.dir / "log"),
                "-w",
                "start",
            ]  # fmt: skip
        )

    def stop(self) -> None:
        self.as_postgres(["pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"])

    def create(self, name: str) -> str:
        subprocess.run(
            ["psql", f"{self.url}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True
        )
        return f"{self.url}/{name}"


class OwnRedis:
    def __init__(self, work: Path, procs: Processes) -> None:
        if shutil.which("redis-server") is None:
            raise RuntimeError("needs redis-server")
        self.dir, self.procs = work / "redis", procs
        self.dir.mkdir()
        self.url = f"redis://127.0.0.1:{REDIS_PORT}"
        self.start()

    def start(self) -> None:
        # The default save points: a clean stop writes the data, a start reads it back.
        command = ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1",
                   "--dir", str(self.dir), "--save", "60 1"]  # fmt: skip
        self.procs.start("redis", command, dict(os.environ))
        wait_for(lambda: self.ping(), timeout=10)

    def ping(self) -> bool:
        import redis

        return bool(redis.Redis.from_url(self.url).ping())

    def stop(self) -> None:
        self.procs.kill("redis", signal.SIGTERM)


@dataclass
class Hit:
    at: float
    what: str
    status: int
    seconds: float
    clean: bool


SESSION = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from stridewell.accounts.models import ApiToken
user = get_user_model().objects.create_user('web@example.org', 'web@example.org', 'stride-faults-2026')
session = SessionStore()
session['_auth_user_id'] = str(user.pk)
session['_auth_user_backend'] = 'django.contrib.auth.backends.ModelBackend'
session['_auth_user_hash'] = user.get_session_auth_hash()
session.create()
print(session.session_key, ApiToken.objects.issue(user, 'faults')[1])
"""


class Traffic:
    """One person's steady use of the app from a thread: pages, API reads, check-ins, uploads."""

    TIMEOUT_S = 10.0

    def __init__(self, base: str, session: str, token: str, upload: bytes) -> None:
        self.base, self.session, self.token, self.upload = base, session, token, upload
        self.hits: list[Hit] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def requests(self) -> Iterator[tuple[str, urllib.request.Request]]:
        number = 0
        auth = {"Authorization": f"Bearer {self.token}"}
        while True:
            number += 1
            page = urllib.request.Request(
                self.base + "/runs/", headers={"Cookie": f"sessionid={self.session}"}
            )
            yield "page /runs/", page
            yield "api GET /runs", urllib.request.Request(self.base + "/api/v1/runs", headers=auth)
            checkin = json.dumps({"feeling": number % 11 - 5}).encode()
            yield (
                "api POST /checkins",
                urllib.request.Request(
                    self.base + "/api/v1/checkins",
                    data=checkin,
                    headers=auth | {"Content-Type": "application/json"},
                ),
            )
            if number % 3 == 0:
                yield (
                    "page /insights/",
                    urllib.request.Request(
                        self.base + "/insights/", headers={"Cookie": f"sessionid={self.session}"}
                    ),
                )
            if number % 4 == 0:
                yield "api POST /imports", self.multipart(number, auth)

    def multipart(self, number: int, auth: dict[str, str]) -> urllib.request.Request:
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="walk-{number}.gpx"\r\nContent-Type: application/gpx+xml\r\n\r\n'
        ).encode()
        body += shift_xml(self.upload, number) + f"\r\n--{boundary}--\r\n".encode()
        headers = auth | {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return urllib.request.Request(self.base + "/api/v1/imports", data=body, headers=headers)

    def loop(self) -> None:
        for what, request in self.requests():
            if self.stop.is_set():
                return
            self.hits.append(self.send(what, request))
            time.sleep(0.05)

    def send(self, what: str, request: urllib.request.Request) -> Hit:
        start = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.TIMEOUT_S) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except OSError:  # refused, reset or timed out: not a clean answer
            status, body = 0, b""
        text = body.decode("utf-8", "replace")
        clean = status != 0 and "Traceback" not in text and "Error at /" not in text
        return Hit(start, what, status, time.monotonic() - start, clean)


def phase_table(hits: list[Hit], events: list[tuple[str, float, float]]) -> dict[str, Any]:
    """Figures per phase: while each service is down, and afterwards."""
    figures: dict[str, Any] = {}
    for name, down, up in events:
        # In flight at any moment the service was down (a request begun just before it).
        during = [h for h in hits if h.at < up and h.at + h.seconds >= down]
        after = [h for h in hits if up <= h.at < up + 5]
        codes = Counter(h.status for h in during)
        figures[f"{name} down (s)"] = round(up - down, 1)
        figures[f"{name} down: answers"] = f"{len(during)} {dict(sorted(codes.items()))}"
        figures[f"{name} down: unclean, slowest (s)"] = (
            f"{sum(not h.clean or h.status == 500 for h in during)}, "
            f"{max((h.seconds for h in during), default=0):.2f}"
        )
        refused = Counter(h.what for h in during if h.status == 503)
        figures[f"{name} down: 503 by request"] = dict(sorted(refused.items()))
        failed = [h for h in after if not 200 <= h.status < 300]
        figures[f"{name} after (5 s): ok / all"] = f"{len(after) - len(failed)} / {len(after)}"
    return figures


def services(work: Path, procs: Processes, state: dict[str, Any]) -> tuple[OwnPostgres, OwnRedis]:
    """Our own PostgreSQL and Redis, started once for the scenarios that need them."""
    if "pg" not in state:
        state["pg"] = OwnPostgres(work)
    if "redis" not in state:
        state["redis"] = OwnRedis(work, procs)
    return state["pg"], state["redis"]


def scenario_restart(work: Path, procs: Processes, state: dict[str, Any]) -> Outcome:
    pg, redis_server = services(work, procs, state)
    data = work / "restart"
    env = base_env(
        data,
        DATABASE_URL=pg.create("stridewell"),
        STRIDEWELL_TASK_BACKEND="redis",
        REDIS_URL=f"{redis_server.url}/0",
        STRIDEWELL_CACHE_URL=f"{redis_server.url}/1",
        WEB_CONCURRENCY="2",
    )
    state["pg_env"] = env
    stridewell(env, "migrate", "--verbosity", "0")
    session, token = django(env, SESSION).split()
    gunicorn = [PY, "-m", "gunicorn", "stridewell.wsgi", "--bind", f"127.0.0.1:{WEB_PORT}",
                "--workers", "2", "--timeout", "30"]  # fmt: skip
    procs.start("gunicorn", gunicorn, env)
    rqworker = [PY, "-m", "stridewell.cli", "rqworker", "default",
                "--job-class", "django_tasks_rq.Job"]  # fmt: skip
    supervisor = procs.supervise("rqworker", rqworker, env)
    recover = [PY, "-m", "stridewell.cli", "recover_imports", "--every", "2"]
    procs.start("recover-pg", recover, env)
    base = f"http://127.0.0.1:{WEB_PORT}"
    if not wait_for(lambda: urllib.request.urlopen(base + "/help/", timeout=2).status == 200, 60):
        raise RuntimeError("gunicorn did not answer")
    traffic = Traffic(base, session, token, (ACTIVITIES / BASES[0]).read_bytes())
    traffic.thread.start()
    events = []
    time.sleep(5)
    say("restart: stopping PostgreSQL")
    down = time.monotonic()
    pg.stop()
    time.sleep(4)
    pg.start()
    events.append(("PostgreSQL", down, time.monotonic()))
    say("restart: PostgreSQL is back; stopping Redis")
    time.sleep(6)
    down = time.monotonic()
    redis_server.stop()
    time.sleep(4)
    redis_server.start()
    events.append(("Redis", down, time.monotonic()))
    say("restart: Redis is back")
    time.sleep(6)
    traffic.stop.set()
    traffic.thread.join(timeout=30)
    hits = traffic.hits
    figures = phase_table(hits, events)
    steady = [h for h in hits if h.at + h.seconds < events[0][1]]
    figures["before: ok / all"] = f"{sum(200 <= h.status < 300 for h in steady)} / {len(steady)}"
    odd = Counter(f"{h.what} {h.status}" for h in hits if not 200 <= h.status < 300)
    figures["every answer that was not 2xx (request, status)"] = dict(sorted(odd.items()))
    figures["app processes restarted"] = "none (same gunicorn master)"
    figures["gunicorn: alive, restarts"] = f"{procs.alive('gunicorn')}, 0"
    # Uploads made while Redis was away are queued by recover_imports once it is back.
    jobs_done = wait_for(lambda: _all_imports_done(env), timeout=180, every=2)
    figures["uploads during the test: import jobs by status"] = _imports_summary(env)
    figures["rqworker restarted by its supervisor (Restart=always)"] = procs.restarts.get(
        "rqworker", 0
    )
    supervisor.set()
    for name in ("recover-pg", "rqworker", "gunicorn"):
        if name in procs.running:
            procs.kill(name, signal.SIGTERM)
    unclean = sum(not h.clean or h.status == 500 for h in hits)
    late = [h for _, _, up in events for h in hits if up <= h.at < up + 5]
    ok = unclean == 0 and all(200 <= h.status < 300 for h in late + steady) and jobs_done
    figures["requests in all, unclean (500, traceback, no answer)"] = f"{len(hits)}, {unclean}"
    return Outcome("restart PostgreSQL and Redis under traffic (gunicorn)", ok, figures)


IMPORTS = """
from collections import Counter
from stridewell.runs.models import ImportJob
import json
print(json.dumps(Counter(ImportJob.objects.values_list('status', flat=True))))
"""


def _imports_summary(env: dict[str, str]) -> str:
    return django(env, IMPORTS).strip().splitlines()[-1]


def _all_imports_done(env: dict[str, str]) -> bool:
    counts = json.loads(_imports_summary(env))
    return bool(counts) and set(counts) == {"done"}


# --- 1b. kill an RQ worker mid-import (PostgreSQL, Redis) -------------------------------

STATUS = """
import json, sys
from collections import Counter
from pathlib import Path
from django.conf import settings
from stridewell.runs.models import ImportItem, ImportJob, Run
job = ImportJob.objects.get(pk=sys.argv[1])
items = list(job.items.values_list('position', 'status', 'run_id'))
links = Counter(run_id for _, _, run_id in items if run_id)
broken = sum(
    1 for run in Run.objects.filter(user_id=job.user_id).only('id', 'streams_blob', 'original_file')
    if not run.streams_blob or not (Path(settings.MEDIA_ROOT) / run.original_file).is_file()
    or links[run.id] != 1
)
print(json.dumps({
    'status': job.status, 'attempts': job.attempts, 'processed': job.processed,
    'items': len(items), 'positions': len({p for p, _, _ in items}),
    'results': Counter(s for _, s, _ in items),
    'runs': Run.objects.filter(user_id=job.user_id).count(), 'broken': broken,
}))
"""


def job_status(env: dict[str, str], job_id: str) -> dict[str, Any]:
    done = subprocess.run(
        [PY, "-c", SETUP + STATUS, job_id], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def stored_items(env: dict[str, str], job_id: str) -> int:
    """Results stored so far, straight from PostgreSQL (a Django process is too slow here)."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        query = "SELECT count(*) FROM runs_importitem WHERE job_id = %s"
        row = conn.execute(query, (job_id,)).fetchone()
    return int(row[0]) if row else 0


def scenario_kill_rq(work: Path, procs: Processes, state: dict[str, Any], count: int) -> Outcome:
    pg, redis_server = services(work, procs, state)
    env = base_env(
        work / "kill-rq",
        DATABASE_URL=pg.create("killrq"),
        STRIDEWELL_TASK_BACKEND="redis",
        REDIS_URL=f"{redis_server.url}/2",
    )
    stridewell(env, "migrate", "--verbosity", "0")
    make_files(work / "kill-rq-files", count, first=1000)
    job_id, _, _ = upload(env, work / "kill-rq-files")  # queued in Redis
    worker = [PY, "-m", "stridewell.cli", "rqworker", "default",
              "--job-class", "django_tasks_rq.Job"]  # fmt: skip
    procs.start("rq-1", worker, env)
    if not wait_for(lambda: stored_items(env, job_id) >= 200, timeout=600):
        raise RuntimeError("the import never got half-way")
    procs.kill("rq-1")  # the worker and its work horse, SIGKILL
    after_kill = job_status(env, job_id)
    say(f"kill-rq: SIGKILL with {after_kill['items']} stored, job {after_kill['status']}")
    killed_at = time.monotonic()
    procs.start("rq-2", worker, env)
    procs.start("recover-rq", [PY, "-m", "stridewell.cli", "recover_imports", "--every", "2"], env)
    done = wait_for(lambda: job_status(env, job_id)["status"] == "done", timeout=900, every=2)
    recovered_in = time.monotonic() - killed_at
    procs.kill("recover-rq", signal.SIGTERM)
    procs.kill("rq-2", signal.SIGTERM)
    final = job_status(env, job_id)
    figures = {
        "files": count,
        "after the kill: job, stored, runs, broken": (
            f"{after_kill['status']}, {after_kill['items']}, {after_kill['runs']}, "
            f"{after_kill['broken']}"
        ),
        "final job status, attempts": f"{final['status']}, {final['attempts']}",
        "results (one per file)": f"{final['items']} ({final['results']})",
        "distinct positions": final["positions"],
        "runs stored, broken": f"{final['runs']}, {final['broken']}",
        "recovered in (s, kill to done)": round(recovered_in, 1),
    }
    ok = (
        done
        and final["attempts"] == 2
        and final["items"] == final["positions"] == final["runs"] == count
        and final["results"] == {"imported": count}
        and final["broken"] == 0
        and after_kill["broken"] == 0
        and after_kill["runs"] == after_kill["items"]
    )
    return Outcome("kill an RQ worker mid-import (PostgreSQL, Redis)", ok, figures)


# --- 3. disk full -------------------------------------------------------------------------


def scenario_disk(work: Path, procs: Processes) -> Outcome:
    small = work / "small-disk"
    small.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(small)], capture_output=True
    )
    if mounted.returncode:
        raise RuntimeError(f"could not mount a small tmpfs: {mounted.stderr.decode().strip()}")
    try:
        return _disk_full_import(work, small)
    finally:
        subprocess.run(["umount", "-l", str(small)], check=False)


def _disk_full_import(work: Path, small: Path) -> Outcome:
    data = work / "disk"
    env = base_env(data, STRIDEWELL_TASK_BACKEND="immediate", STRIDEWELL_IMPORT_PROCESSES="1")
    stridewell(env, "migrate", "--verbosity", "0")
    (small / "files").mkdir()
    (data / "files").symlink_to(small / "files")  # the originals live on the small disk
    db, media = data / "stridewell.sqlite3", data / "files"
    make_files(work / "disk-first", 10)
    make_files(work / "disk-second", 50, first=10)
    _, first, _ = upload(env, work / "disk-first")  # fits
    _, status, error = upload(env, work / "disk-second")  # does not
    runs, broken = whole_runs(db, media)
    leftovers = list(media.rglob("*.tmp"))
    integrity = sql(db, "PRAGMA integrity_check")[0][0]
    say(f"disk: second import {status}; {runs} runs kept")
    subprocess.run(["mount", "-o", "remount,size=64m", str(small)], check=True)
    _, again, _ = upload(env, work / "disk-second")
    total, broken_after = whole_runs(db, media)
    results = Counter(
        row[0] for row in sql(db, "SELECT status FROM runs_importitem ORDER BY id DESC LIMIT 50")
    )
    figures = {
        "disk for the files folder": "1 MB tmpfs",
        "first import (10 files)": first,
        "second import (50 files): status": status,
        "second import: error shown": error,
        "runs kept, broken": f"{runs}, {broken}",
        "half-written files left, SQLite integrity": f"{len(leftovers)}, {integrity}",
        "after growing the disk, the 50 again": f"{again}, {dict(results)}",
        "runs in all, broken": f"{total}, {broken_after}",
    }
    ok = (
        first == "done"
        and status == "failed"
        and error.startswith("The server's disk is full")
        and runs == 10
        and broken == 0
        and not leftovers
        and integrity == "ok"
        and again == "done"
        and results == Counter({"imported": 50})
        and total == 60
        and broken_after == 0
    )
    return Outcome("disk full while importing (tmpfs)", ok, figures)


# --- 4. backup and restore ----------------------------------------------------------------

NOTE = """
from django.utils import timezone
from django.contrib.auth import get_user_model
from stridewell.wellbeing.models import CheckIn
user = get_user_model().objects.order_by('pk').first()
checkin = CheckIn(user=user, recorded_at=timezone.now(), feeling=3)
checkin.note = 'kept safe by the backup'
checkin.save()
"""
READ_NOTE = """
from stridewell.wellbeing.models import CheckIn
print(CheckIn.objects.exclude(note_ciphertext='').get().note)
"""
DUMP = """
import hashlib, json
from django.db import connection
rows = {}
with connection.cursor() as cursor:
    for table in connection.introspection.table_names(cursor):
        cursor.execute(f'SELECT * FROM "{table}"')
        found = sorted(repr(row) for row in cursor.fetchall())
        rows[table] = [len(found), hashlib.sha256('\\n'.join(found).encode()).hexdigest()]
print(json.dumps(rows))
"""


def round_trip(
    name: str, source: dict[str, str], target: dict[str, str], archive: Path
) -> dict[str, Any]:
    django(source, NOTE)
    started = time.monotonic()
    stridewell(source, "backup", "--output", str(archive))
    backed_up = time.monotonic()
    said = stridewell(target, "restore", str(archive))
    restored = time.monotonic()
    before = json.loads(django(source, DUMP).splitlines()[-1])
    after = json.loads(django(target, DUMP).splitlines()[-1])
    differing = sorted(t for t in before if before[t] != after.get(t))
    source_files = files_of(Path(source["STRIDEWELL_DATA_DIR"]))
    target_files = files_of(Path(target["STRIDEWELL_DATA_DIR"]))
    files_differ = sorted(k for k in source_files if source_files[k] != target_files.get(k))
    note = django(target, READ_NOTE).strip()
    return {
        f"{name}: archive (MB)": round(archive.stat().st_size / 1e6, 2),
        f"{name}: tables, rows": f"{len(before)}, {sum(v[0] for v in before.values())}",
        f"{name}: files": len(source_files),
        f"{name}: backup, restore (s)": f"{backed_up - started:.1f}, {restored - backed_up:.1f}",
        f"{name}: tables differing, files differing": f"{len(differing)}, {len(files_differ)}",
        f"{name}: note readable after restore": note == "kept safe by the backup",
        f"{name}: restore says": said.strip()[:90],
    }


def scenario_backup(work: Path, state: dict[str, Any]) -> Outcome:
    figures: dict[str, Any] = {}
    source = base_env(work / "kill")
    if not (work / "kill" / "stridewell.sqlite3").exists():
        stridewell(source, "migrate", "--verbosity", "0")
        upload(source | {"STRIDEWELL_TASK_BACKEND": "immediate"}, _few_files(work))
    target = base_env(work / "restored-sqlite")
    figures |= round_trip("SQLite", source, target, work / "sqlite-backup.tar.gz")
    if "pg" in state:
        pg = state["pg"]
        pg_target = base_env(work / "restored-pg", DATABASE_URL=pg.create("restored"))
        pg_source = {k: v for k, v in state["pg_env"].items() if k != "STRIDEWELL_TASK_BACKEND"}
        figures |= round_trip("PostgreSQL", pg_source, pg_target, work / "pg-backup.tar.gz")
    else:
        figures["PostgreSQL"] = "not run (the restart scenario makes its database)"
    ok = all(
        value == "0, 0" for key, value in figures.items() if key.endswith("files differing")
    ) and all(
        value is True for key, value in figures.items() if key.endswith("readable after restore")
    )
    return Outcome("backup and restore into empty instances", ok, figures)


def _few_files(work: Path) -> Path:
    make_files(work / "backup-files", 20)
    return work / "backup-files"


# --- the run ------------------------------------------------------------------------------

SCENARIOS = ("kill", "kill-rq", "restart", "disk", "backup")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    chosen = [name for name in args.only.split(",") if name]
    work = Path(tempfile.mkdtemp(prefix="swfaults-", dir="/tmp"))
    procs = Processes(work)
    state: dict[str, Any] = {}
    outcomes = []
    runs: dict[str, Callable[[], Outcome]] = {
        "kill": lambda: scenario_kill(work, procs, args.files),
        "kill-rq": lambda: scenario_kill_rq(work, procs, state, args.files),
        "restart": lambda: scenario_restart(work, procs, state),
        "disk": lambda: scenario_disk(work, procs),
        "backup": lambda: scenario_backup(work, state),
    }
    try:
        for name in chosen:
            say(f"--- {name}")
            try:
                outcomes.append(runs[name]())
            except Exception as exc:  # one scenario failing must not hide the others
                outcomes.append(Outcome(name, False, {"error": f"{type(exc).__name__}: {exc}"}))
            say(f"{name}: {'PASS' if outcomes[-1].ok else 'FAIL'}")
    finally:
        procs.stop_all()
        if "pg" in state:
            with contextlib.suppress(Exception):
                state["pg"].stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report(outcomes)
    return 0 if outcomes and all(o.ok for o in outcomes) else 1


def report(outcomes: list[Outcome]) -> None:
    print("\n## make faults\n")
    print("| scenario | result |\n| --- | --- |")
    for outcome in outcomes:
        print(f"| {outcome.name} | {'PASS' if outcome.ok else 'FAIL'} |")
    for outcome in outcomes:
        print(f"\n### {outcome.name}: {'PASS' if outcome.ok else 'FAIL'}\n")
        print("| figure | value |\n| --- | --- |")
        for key, value in outcome.figures.items():
            print(f"| {key} | {value} |")


if __name__ == "__main__":
    sys.exit(main())
