"""``import_files``: the one import that serves the upload page, the API and the CLI.

Reading (decompress, parse, summarise) happens in a pool of processes, one per
core; the main process de-duplicates and writes each run whole or not at all.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import itertools
import logging
import os
import shutil
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.runs.importers.archive import ZIP_ERRORS, Entry, Limits, expand, files_in
from stridewell.runs.importers.read import (
    Prepared,
    PreparedRun,
    listed_name,
    listed_sport,
    read_entry,
)
from stridewell.runs.models import (
    ImportItem,
    ImportJob,
    Run,
    Source,
    link_checkins,
    restore_audiences,
)
from stridewell.runs.run_types import NO_HISTORY, History, RunType

log = logging.getLogger(__name__)

Progress = Callable[[ImportJob], None]
# Below this many entries a pool costs more to start than it saves.
POOL_THRESHOLD = 16
BATCH = 200
# Names the result of our own export's check-ins, which comes after every file's.
WELLBEING_SUFFIX = " (check-ins, questionnaires)"
DISK_FULL = (
    "The server's disk is full, so the import stopped. Every activity stored before it "
    "is whole; nothing was half-saved. Please ask whoever runs this Stridewell to free "
    "some space, then import the files again."
)


def limits_from_settings() -> Limits:
    mb = 1024 * 1024
    return Limits(
        max_file_bytes=settings.MAX_FILE_MB * mb,
        max_archive_bytes=settings.MAX_ARCHIVE_MB * mb,
        max_ratio=settings.MAX_COMPRESSION_RATIO,
        max_members=settings.MAX_ARCHIVE_MEMBERS,
    )


def estimate_entries(path: Path) -> int:
    """How many results a file will give, for the progress bar (cheap: zip headers only)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return len(files_in(archive)) or 1
    except ZIP_ERRORS:  # damaged: expand says so, as one result
        return 1


def import_files(
    user: Any,
    files: Iterable[tuple[Path, str]],
    *,
    job: ImportJob | None = None,
    progress: Progress | None = None,
    processes: int | None = None,
    skip: int = 0,
) -> ImportJob:
    """Import every activity in ``files`` (path, name shown to the person) for ``user``.

    ``skip``: how many entries already have their result (a retry after the worker died)."""
    files = list(files)
    if job is None:
        job = ImportJob.objects.create(user=user)
    job.status, job.processed = ImportJob.Status.RUNNING, skip
    job.total = sum(estimate_entries(path) for path, _ in files)
    job.save(update_fields=["status", "processed", "total"])
    limits = limits_from_settings()
    profile = Profile.objects.for_user(user)
    history = Run.objects.history(user.pk)  # once: no query per run for the run types
    every = (entry for path, name in files for entry in expand(path, name, limits))
    entries = itertools.islice(every, skip, None)  # expanding is cheap; reading is not
    writer = _Writer(job, profile, progress)
    writer.count = skip
    workers = processes or settings.IMPORT_PROCESSES
    with heartbeat(job.pk):
        for prepared in _read_all(entries, limits, profile.max_hr, workers, history):
            writer.add(prepared)
        writer.flush()
        for path, name in files:
            _restore_wellbeing(writer, path, name)
    job.status, job.finished_at = ImportJob.Status.DONE, timezone.now()
    job.processed = max(job.processed, writer.count)
    job.total = job.processed
    job.save(update_fields=["status", "finished_at", "processed", "total"])
    if progress:
        progress(job)
    return job


@contextlib.contextmanager
def heartbeat(job_id: Any) -> Iterator[None]:
    """Touch the job every few seconds from a thread while the import works, so that
    ``recover_imports`` can tell a slow import from one whose process died."""
    every = max(1.0, settings.IMPORT_STALE_SECONDS / 6)
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                with contextlib.suppress(DatabaseError):  # the database may be restarting
                    close_old_connections()
                    ImportJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _restore_wellbeing(writer: _Writer, path: Path, name: str) -> None:
    """Our own export zip also holds check-ins and questionnaire answers: bring them back,
    after the runs so that check-ins find the runs they belong to."""
    if not zipfile.is_zipfile(path):
        return
    from stridewell.wellbeing.history import import_export_zip

    summary = import_export_zip(writer.job.user, path)
    if summary.imported or summary.duplicate or summary.failed:
        writer.count += 1
        status = ImportItem.Status.IMPORTED if summary.ok else ImportItem.Status.FAILED
        message = " ".join([summary.describe(), *summary.messages])
        ImportItem.objects.create(
            job=writer.job,
            position=writer.count,
            name=f"{name}{WELLBEING_SUFFIX}",
            status=status,
            message=message,
        )


def _read_all(
    entries: Iterator[Entry],
    limits: Limits,
    max_hr: int | None,
    processes: int,
    history: History = NO_HISTORY,
) -> Iterator[Prepared]:
    """Read entries in order, on several processes once there are enough to be worth it."""
    first = []
    for entry in entries:
        first.append(entry)
        if len(first) >= POOL_THRESHOLD:
            break
    if len(first) < POOL_THRESHOLD or processes <= 1:
        for entry in itertools.chain(first, entries):
            yield read_entry(entry, limits, max_hr, history)
        return
    # forkserver: forking a process that holds database connections and threads is unsafe.
    # Preloading the readers there lets the workers share numpy's and lxml's pages.
    context = get_context("forkserver")
    context.set_forkserver_preload(["stridewell.runs.importers.read"])
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        pending: list[Future[Prepared]] = []
        window = processes * 8  # bounded: memory stays flat however big the archive
        for entry in itertools.chain(first, entries):  # lazily: one window in memory
            pending.append(pool.submit(read_entry, entry, limits, max_hr, history))
            if len(pending) >= window:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


class _DuplicateIndex:
    """The user's runs by start, to find the same activity arriving from another source."""

    def __init__(self, user_id: int) -> None:
        rows = Run.objects.filter(user_id=user_id).values_list(
            "id", "start", "end", "external_id", "name", "content_hash"
        )
        self.by_hash: dict[str, tuple[int, str, datetime]] = {}
        self.starts: list[tuple[float, float, str, int, str, datetime]] = []
        for run_id, start, end, external_id, name, content_hash in rows:
            self.add(run_id, start, end, external_id, name, content_hash)

    def add(
        self,
        run_id: int,
        start: datetime,
        end: datetime | None,
        external_id: str,
        name: str,
        content_hash: str,
    ) -> None:
        if content_hash:
            self.by_hash[content_hash] = (run_id, name, start)
        stop = (end or start).timestamp()
        bisect.insort(self.starts, (start.timestamp(), stop, external_id, run_id, name, start))

    def same_activity(
        self, start: datetime, end: datetime, external_id: str
    ) -> tuple[int, str, datetime] | None:
        """A stored run starting within 60 s whose time overlaps — unless both carry
        different ids from the same service (Strava says they are two activities)."""
        begin = start.timestamp()
        low = bisect.bisect_left(self.starts, (begin - 60,))
        for other_start, other_end, other_id, run_id, name, when in self.starts[low:]:
            if other_start > begin + 60:
                break
            if other_start > end.timestamp() or other_end < begin:
                continue
            if _distinct_by_their_service(external_id, other_id):
                continue
            return run_id, name, when
        return None


def _distinct_by_their_service(one: str, other: str) -> bool:
    """Two different ids from the same service ("strava:1", "strava:2") are two activities."""
    return bool(one and other and one != other and one.split(":")[0] == other.split(":")[0])


# What a watch's file adds to a session recorded on the plan: its samples and numbers.
# The session keeps its name, laps (the intervals), run type, check-ins and plan step.
MERGED_FROM_FILE = (
    "end", "elapsed_s", "moving_s", "distance_m", "ascent_m", "descent_m", "avg_hr", "max_hr",
    "avg_cadence", "max_cadence", "hr_zones_s", "points", "gps_points", "device",
    "streams_blob", "content_hash", "external_id", "original_name", "lost",
)  # fmt: skip


def merge_into_plan_run(plan_run: Run, found: Run) -> Run:
    """The plan's run with the file's samples and numbers (not saved here): one run, not two."""
    for field in MERGED_FROM_FILE:
        value = getattr(found, field)
        if value not in (None, ""):
            setattr(plan_run, field, value)
    return plan_run


class _Writer:
    """Turns prepared entries into runs and one result per entry, in batches."""

    def __init__(self, job: ImportJob, profile: Profile, progress: Progress | None) -> None:
        self.job, self.profile, self.progress = job, profile, progress
        self.index = _DuplicateIndex(job.user_id)
        self.merged: set[int] = set()
        self.pending: list[tuple[ImportItem, Run | None]] = []
        self.count = 0
        self.last_report = 0.0

    def add(self, prepared: Prepared) -> None:
        self.count += 1
        item = ImportItem(
            job=self.job, position=self.count, name=prepared.name.replace("\x00", "")[:500]
        )
        if prepared.status in ("skipped", "failed"):
            item.status, item.message = prepared.status, prepared.message
            self.pending.append((item, None))
        else:
            self._add_runs(item, prepared)
        if len(self.pending) >= BATCH:
            self.flush()
        self._report()

    def _add_runs(self, item: ImportItem, prepared: Prepared) -> None:
        runs = [run for ready in prepared.runs if (run := self._new_run(item, ready, prepared))]
        if not runs:
            item.status = ImportItem.Status.DUPLICATE
            self.pending.append((item, None))
            return
        item.status = (
            ImportItem.Status.PARTLY_READ
            if prepared.status == "partly_read"
            else ImportItem.Status.IMPORTED
        )
        item.message = prepared.message or (f"{len(runs)} activities" if len(runs) > 1 else "")
        if any(run.pk for run in runs):
            item.message = item.message or "Joined with the session you recorded on your plan."
        for run in runs:
            # Kept on disk now, so a batch holds no file bytes: memory stays flat.
            run.original_file = _keep_original(run, prepared)
            self.pending.append((item, run))

    def _new_run(self, item: ImportItem, ready: PreparedRun, prepared: Prepared) -> Run | None:
        run = Run(
            user_id=self.job.user_id,
            content_hash=ready.content_hash,
            streams_blob=ready.streams_blob,
            **ready.fields,
        )
        run.source = prepared.source if prepared.source != "file" else Source.FILE
        run.original_name = prepared.name.rsplit("/", 1)[-1][:255]
        if prepared.listed:
            _apply_listing(run, prepared)
        duplicate = self.index.by_hash.get(run.content_hash) or self.index.same_activity(
            run.start, run.end or run.start, run.external_id
        )
        if duplicate and run.streams_blob and (plan_run := self._plan_run(duplicate[0])):
            self.merged.add(plan_run.pk)  # the file brings its samples; the session keeps the rest
            return merge_into_plan_run(plan_run, run)
        if duplicate:
            item.message = self._duplicate_message(*duplicate)
            return None
        self.index.add(0, run.start, run.end, run.external_id, run.name, run.content_hash)
        return run

    def _plan_run(self, run_id: int) -> Run | None:
        """A session from the plan player with no samples yet: a watch file of it joins it."""
        if run_id in self.merged:
            return None
        return Run.objects.filter(pk=run_id, source=Source.PLAN, points=0).first()

    def _duplicate_message(self, run_id: int, name: str, start: datetime) -> str:
        when = timezone.localtime(start, self.profile.tzinfo)
        return f"Already here as “{name or 'an activity'}” ({when:%-d %b %Y, %H:%M})."

    def flush(self) -> None:
        if not self.pending:
            return
        with transaction.atomic():
            runs = [run for _, run in self.pending if run is not None]
            joined = [run for run in runs if run.pk is not None]  # merged into plan runs
            stored = [run for run in runs if run.pk is None]
            Run.objects.bulk_create(stored, batch_size=BATCH)
            for run in joined:
                run.save()
            link_checkins(stored)
            restore_audiences(stored)
            items: dict[int, ImportItem] = {}  # an item with several runs links the first
            for item, new_run in self.pending:
                if new_run is not None and item.run_id is None:
                    item.run = new_run
                items.setdefault(id(item), item)
            ImportItem.objects.bulk_create(items.values(), batch_size=BATCH)
            ImportJob.objects.filter(pk=self.job.pk).update(processed=self.count)
        self.job.processed = self.count
        self.pending = []

    def _report(self) -> None:
        now = time.monotonic()
        if now - self.last_report < 0.5:
            return
        self.last_report = now
        self.job.processed = self.count
        self.job.total = max(self.job.total, self.count)
        ImportJob.objects.filter(pk=self.job.pk).update(processed=self.count, total=self.job.total)
        if self.progress:
            self.progress(self.job)


def _apply_listing(run: Run, prepared: Prepared) -> None:
    """The list's values (what the person set on Strava, or in Stridewell) win over the file's."""
    row = prepared.listed
    assert row is not None
    run.external_id = row.external_id[:80]
    run.name = listed_name(row, run.name)
    run.notes = row.notes
    run.perceived_exertion = row.perceived_exertion
    run.sport = listed_sport(row, run.sport)
    if row.visibility:
        run.visibility = row.visibility
    # Our own export brings back what the person corrected; the rest was just worked out.
    if row.run_type_by_user and row.run_type in RunType.values:
        run.run_type, run.run_type_by_user = row.run_type, True
    if row.indoor_by_user and row.indoor is not None:
        run.indoor, run.indoor_by_user = row.indoor, True
    run.share_feeling = row.share_feeling
    run.picked_groups = row.group_slugs  # stored once the run has an id (flush)
    if not run.streams_blob and row.start:
        run.start = row.start


def _keep_original(run: Run, prepared: Prepared) -> str:
    """Store the original file once, named by its hash, for the export."""
    if prepared.original is None:
        return ""
    digest = run.content_hash.split(":")[0]
    relative = f"originals/{run.user_id}/{digest[:2]}/{digest}{prepared.original_ext}"
    path = Path(settings.MEDIA_ROOT) / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
        try:
            tmp.write_bytes(prepared.original)
            tmp.replace(path)
        except OSError:
            tmp.unlink(missing_ok=True)  # a disk that filled up keeps no half file
            raise
    return relative


def start_import(user: Any, uploads: Iterable[Any]) -> ImportJob:
    """Keep uploaded files on disk and import them in the background; answers the job to poll."""
    from stridewell.runs.tasks import run_import

    job = ImportJob.objects.create(user=user)
    try:
        names = _keep_uploads(job.upload_dir, uploads)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        # The person sees why on the job's page instead of a server error.
        shutil.rmtree(job.upload_dir, ignore_errors=True)
        job.fail(DISK_FULL)
        return job
    job.total = len(names)
    job.save(update_fields=["total"])
    try:
        run_import.enqueue(str(job.pk))
    except Exception:  # Redis restarting: the files are kept, recover_imports queues it
        log.warning("import %s could not be queued yet", job.pk, exc_info=True)
    return job


def _keep_uploads(folder: Path, uploads: Iterable[Any]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for position, upload in enumerate(uploads):
        target = folder / f"{position:06d}"
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        names.append(upload.name or target.name)
    # Written last: a folder without it is an upload that never finished.
    (folder / "names.txt").write_text("\n".join(name.replace("\n", " ") for name in names))
    return names


def uploaded_files(job: ImportJob) -> list[tuple[Path, str]]:
    folder = job.upload_dir
    names = (
        (folder / "names.txt").read_text().split("\n") if (folder / "names.txt").exists() else []
    )
    return [(folder / f"{position:06d}", name) for position, name in enumerate(names)]
