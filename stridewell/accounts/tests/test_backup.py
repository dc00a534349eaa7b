"""`stridewell backup` and `stridewell restore`: an empty instance comes back whole —
every row of every table, every file byte for byte, and notes that still decrypt.

Each instance is its own process with its own data folder (and database), as in real use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATABASE_URL = os.environ.get("DATABASE_URL", "")

POPULATE = """
from conftest import SHARED_DATA, make_user
from stridewell.accounts.models import ApiToken
from stridewell.runs.imports import import_files
from stridewell.wellbeing.models import CheckIn
from django.utils import timezone
alice = make_user("alice@example.org")
make_user("bob@example.org")
files = sorted((SHARED_DATA / "activities" / "gpx").glob("*.gpx"))[:3]
files += sorted((SHARED_DATA / "activities" / "fit").glob("fitparse__activity-small*.fit"))
import_files(alice, [(path, path.name) for path in files], processes=1)
checkin = CheckIn(user=alice, recorded_at=timezone.now(), feeling=2)
checkin.note = "a private note that only the note key opens"
checkin.save()
ApiToken.objects.issue(alice, "backup test")
"""

# Every table's rows, sorted, as text: equal output means equal databases.
DUMP = """
import json
from django.db import connection
rows = {}
with connection.cursor() as cursor:
    for table in connection.introspection.table_names(cursor):
        cursor.execute(f'SELECT * FROM "{table}"')
        rows[table] = sorted(repr(row) for row in cursor.fetchall())
print(json.dumps(rows))
"""

NOTE = """
from stridewell.wellbeing.models import CheckIn
print(CheckIn.objects.get().note)
"""


def stridewell(env: dict[str, str], *args: str, check: bool = True) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "stridewell.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr


def instance(data_dir: Path, database_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env |= {"STRIDEWELL_DATA_DIR": str(data_dir), "STRIDEWELL_TASK_BACKEND": "immediate"}
    env.pop("STRIDEWELL_NOTE_KEYS", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def files_of(data_dir: Path) -> dict[str, bytes]:
    """The files an instance must get back (not the database, cache or static files)."""
    keep = {}
    for path in data_dir.rglob("*"):
        relative = path.relative_to(data_dir).as_posix()
        skipped = relative.split("/")[0] in ("cache", "static") or relative.startswith(
            "stridewell.sqlite3"
        )
        if path.is_file() and not skipped:
            keep[relative] = path.read_bytes()
    return keep


def round_trip(tmp_path: Path, source: dict[str, str], target: dict[str, str]) -> None:
    stridewell(source, "migrate", "--verbosity", "0")
    stridewell(source, "shell", "-c", POPULATE)
    archive = tmp_path / "backup.tar.gz"
    said = stridewell(source, "backup", "--output", str(archive))
    assert "Wrote" in said and archive.exists()

    said = stridewell(target, "restore", str(archive))
    assert "each checked against the backup" in said
    before = json.loads(stridewell(source, "shell", "-c", DUMP).splitlines()[-1])
    after = json.loads(stridewell(target, "shell", "-c", DUMP).splitlines()[-1])
    assert before["runs_run"] and before["wellbeing_checkin"]  # the test has teeth
    assert after == before
    source_files = files_of(Path(source["STRIDEWELL_DATA_DIR"]))
    assert any(name.startswith("files/originals/") for name in source_files)
    assert {"secret_key", "note_key"} <= set(source_files)
    assert files_of(Path(target["STRIDEWELL_DATA_DIR"])) == source_files
    note = stridewell(target, "shell", "-c", NOTE)
    assert "a private note that only the note key opens" in note

    refused = stridewell(target, "restore", str(archive), check=False)
    assert "already has accounts" in refused and "--force" in refused


def test_sqlite_backup_restores_into_an_empty_instance(tmp_path: Path) -> None:
    round_trip(tmp_path, instance(tmp_path / "source"), instance(tmp_path / "target"))


@pytest.fixture
def two_databases() -> Iterator[tuple[str, str]]:
    if not DATABASE_URL.startswith("postgres"):
        pytest.skip("DATABASE_URL is not PostgreSQL")
    base = DATABASE_URL.rsplit("/", 1)[0]
    names = [f"sw_backup_{tag}_{uuid.uuid4().hex[:8]}" for tag in ("src", "dst")]
    psql = ["psql", base + "/postgres", "-qc"]
    for name in names:
        subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True)
    try:
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        for name in names:
            subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


def test_postgresql_backup_restores_into_a_fresh_database(
    tmp_path: Path, two_databases: tuple[str, str]
) -> None:
    source_url, target_url = two_databases
    round_trip(
        tmp_path,
        instance(tmp_path / "source", source_url),
        instance(tmp_path / "target", target_url),
    )
