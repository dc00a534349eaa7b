"""Backup and restore of a whole instance: one ``.tar.gz`` an empty instance comes back from.

The archive holds:

- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the app runs)
  or ``database.pgdump`` (``pg_dump -Fc`` of an exported snapshot, for PostgreSQL);
- ``data/…``: the data folder's files that matter — original activity files, uploads
  waiting to be imported, the secret key and the note key (encrypted notes are useless
  without it); the cache and collected static files are made again, so they stay out;
- ``keys/note_key`` when ``STRIDEWELL_NOTE_KEY_FILE`` points outside the data folder;
- ``manifest.json``: the engine, every table's row count and every file's size and
  sha256, which ``restore`` checks the restored instance against.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_COPY = "database.sqlite3"
PG_DUMP = "database.pgdump"
# Made again by the app, or the database itself (copied through its own API).
SKIPPED_DIRS = {"cache", "static", "backups"}
SKIPPED_SUFFIXES = (".tmp", ".partial", "-wal", "-shm", "-journal")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what to do."""


@dataclass
class Manifest:
    engine: str
    tables: dict[str, int]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    created_at: str = ""
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> bytes:
        data = {"format": FORMAT, **self.__dict__}
        return json.dumps(data, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if data.pop("format", None) != FORMAT:
            raise BackupError("This is not a Stridewell backup this version can read.")
        return cls(**data)


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def note_key_file() -> Path:
    return Path(settings.NOTE_KEY_FILE or Path(settings.DATA_DIR) / "note_key")


# --- backup -------------------------------------------------------------------------


def backup(output: Path) -> Manifest:
    """Write the archive to ``output`` (atomically: a failed backup leaves no file)."""
    output = output.resolve()
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="stridewell-backup-") as tmp:
        manifest = Manifest(engine=engine(), tables={}, created_at=_now())
        database = Path(tmp) / (SQLITE_COPY if manifest.engine == "sqlite" else PG_DUMP)
        if manifest.engine == "sqlite":
            manifest.tables = _sqlite_copy(database)
        else:
            manifest.tables = _pg_dump(database)
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(database, database.name)
                for name, path in _data_files(exclude=output):
                    manifest.files[name] = _describe(path)
                    archive.add(path, name, recursive=False)
                if settings.NOTE_KEYS:
                    manifest.notes.append(
                        "Note keys come from STRIDEWELL_NOTE_KEYS: keep them with this backup."
                    )
                _add_bytes(archive, MANIFEST, manifest.to_json())
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _sqlite_copy(target: Path) -> dict[str, int]:
    """SQLite's online backup: pages copied under a read lock, so the copy is consistent."""
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        return _sqlite_counts(copy)
    finally:
        copy.close()


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _pg_env() -> dict[str, str]:
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):  # fmt: skip
        if db.get(key):
            env[var] = str(db[key])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client) of the server's version."
        )
    return path


def _pg_dump(target: Path) -> dict[str, int]:
    """pg_dump of a snapshot we also count rows in, so the counts match the dump exactly."""
    tool = _pg_tool("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _pg_counts(cursor)
        command = [tool, "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
        done = subprocess.run(
            [*command, "-f", str(target)], env=_pg_env(), capture_output=True, text=True
        )
    if done.returncode:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return counts


def _pg_counts(cursor: Any) -> dict[str, int]:
    names = connection.introspection.table_names(cursor)
    counts = {}
    for name in names:
        cursor.execute(f'SELECT count(*) FROM "{name}"')
        counts[name] = cursor.fetchone()[0]
    return counts


def _data_files(exclude: Path) -> Iterator[tuple[str, Path]]:
    """(name in the archive, path) of every data-folder file worth keeping, and the note key."""
    data = Path(settings.DATA_DIR).resolve()
    database = _sqlite_path()
    for folder, dirs, files in os.walk(data):
        here = Path(folder)
        if here == data:
            dirs[:] = [name for name in dirs if name not in SKIPPED_DIRS]
        dirs.sort()
        for name in sorted(files):
            path = here / name
            if name.endswith(SKIPPED_SUFFIXES) or path in (exclude, database):
                continue
            if database and name.startswith(database.name):
                continue
            if path.is_file() and not path.is_symlink():
                yield "data/" + path.relative_to(data).as_posix(), path
    key = note_key_file().resolve()
    if key.exists() and not key.is_relative_to(data):
        yield "keys/note_key", key


def _sqlite_path() -> Path | None:
    if engine() != "sqlite":
        return None
    return Path(str(settings.DATABASES["default"]["NAME"])).resolve()


def _describe(path: Path) -> dict[str, Any]:
    return {"size": path.stat().st_size, "sha256": _sha256(path)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


# --- restore ------------------------------------------------------------------------


def read_manifest(archive_path: Path) -> Manifest:
    with tarfile.open(archive_path, "r:gz") as archive:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise BackupError(f"{archive_path} has no {MANIFEST}: is it a Stridewell backup?")
        return Manifest.from_json(member.read())


def has_data() -> bool:
    """Whether this instance already holds accounts (or runs): restoring would replace them."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("auth_user", "runs_run"):
            if table in tables:
                cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')
                if cursor.fetchone():
                    return True
    return False


def restore(archive_path: Path, *, force: bool = False) -> Manifest:
    """Bring an instance back from ``archive_path``, then check every row count and file."""
    manifest = read_manifest(archive_path)
    if manifest.engine != engine():
        raise BackupError(
            f"This backup is of a {manifest.engine} database; this instance uses "
            f"{engine()}. Restore it into an instance with the same database."
        )
    if has_data() and not force:
        raise BackupError(
            "This instance already has accounts; restoring would replace everything. "
            "Restore into an empty instance, or pass --force to replace it."
        )
    with tempfile.TemporaryDirectory(prefix="stridewell-restore-") as tmp:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(tmp, filter="data")  # no absolute paths, links or devices
        unpacked = Path(tmp)
        if manifest.engine == "sqlite":
            _sqlite_restore(unpacked / SQLITE_COPY)
        else:
            _pg_restore(unpacked / PG_DUMP)
        _place_files(unpacked, manifest)
    problems = verify(manifest)
    if problems:
        raise BackupError("The restored instance differs from the backup: " + "; ".join(problems))
    return manifest


def _sqlite_restore(copy: Path) -> None:
    """The backup API again, into the live database file: WAL and all stay consistent."""
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connections.close_all()


def _pg_restore(dump: Path) -> None:
    tool = _pg_tool("pg_restore")
    connections.close_all()  # pg_restore --clean drops tables: hold no locks on them
    command = [tool, "--clean", "--if-exists", "--no-owner", "--no-privileges",
               "--single-transaction", "--exit-on-error", "-d", _pg_env()["PGDATABASE"]]  # fmt: skip
    done = subprocess.run([*command, str(dump)], env=_pg_env(), capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def _place_files(unpacked: Path, manifest: Manifest) -> None:
    for name in manifest.files:
        target = _live_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(unpacked / name, target)
        if target.name in ("secret_key", "note_key"):
            target.chmod(0o600)


def _live_path(name: str) -> Path:
    """Where a file named in the archive lives in this instance."""
    if name == "keys/note_key":
        return note_key_file()
    return Path(settings.DATA_DIR) / name.removeprefix("data/")


def verify(manifest: Manifest) -> list[str]:
    """What differs between the manifest and this instance: row counts and file hashes."""
    problems = []
    with connection.cursor() as cursor:
        found = _pg_counts(cursor) if manifest.engine == "postgresql" else _live_sqlite_counts()
    for table, count in sorted(manifest.tables.items()):
        if found.get(table) != count:
            problems.append(f"{table}: {found.get(table)} rows, expected {count}")
    for name, expected in sorted(manifest.files.items()):
        path = _live_path(name)
        if not path.exists() or _sha256(path) != expected["sha256"]:
            problems.append(f"{name}: missing or changed")
    return problems


def _live_sqlite_counts() -> dict[str, int]:
    connection.ensure_connection()
    return _sqlite_counts(connection.connection)
