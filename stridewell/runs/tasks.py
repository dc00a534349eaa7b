"""Background work of the runs app (Django's Tasks API), and the retry of imports whose
worker died.

A worker can be killed at any moment (SIGKILL, out of memory, a machine restart). Each
batch of runs is stored with its per-file results in one transaction, so a killed import
leaves whole runs and a prefix of results, never half a run. While it works, a job's
worker touches ``heartbeat_at``; ``recover_imports`` (run by ``due_work`` and when
``stridewell serve`` starts) finds jobs whose worker has gone quiet and queues them again,
and the retry carries on after the last stored result: every file gets exactly one.
"""

from __future__ import annotations

import errno
import logging
import shutil
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
)
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from stridewell.runs.imports import DISK_FULL, WELLBEING_SUFFIX, import_files, uploaded_files
from stridewell.runs.models import ImportJob

log = logging.getLogger(__name__)


class WorkerLost(Exception):
    """What a task row says when its worker died while running it."""


# A file that kills its worker every time must not be retried for ever.
MAX_ATTEMPTS = 3
WORKER_LOST = (
    "The import stopped {n} times before it could finish (its worker was stopped). "
    "Activities stored before that are kept; importing the files again adds the rest."
)
CLI_LOST = (
    "The import stopped before it finished (its process ended). Activities stored before "
    "that are kept; run the import again to add the rest."
)


@task()
def run_import(job_id: str) -> None:
    # Claim the job: of two tasks for it (a retry queued while the first still waited),
    # only one runs it.
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    try:
        import_files(job.user, uploaded_files(job), job=job, skip=_resume_point(job))
    except (OperationalError, InterfaceError) as exc:
        if _disk_full(exc):
            job.fail(DISK_FULL)
        # Otherwise the database went away (restart, network): the job stays running
        # and its files stay, so recover_imports retries it once the heartbeat is stale.
        log.exception("import %s stopped", job_id)
        raise
    except Exception as exc:
        log.exception("import %s stopped", job_id)
        job.fail(DISK_FULL if _disk_full(exc) else str(exc))
        raise
    finally:
        if job.is_finished:
            shutil.rmtree(job.upload_dir, ignore_errors=True)


def _resume_point(job: ImportJob) -> int:
    """How many entries already have their result: a killed attempt stored a prefix.

    The results of our own export's check-ins come after every entry, so they are made
    again (they are recognised as duplicates)."""
    job.items.filter(name__endswith=WELLBEING_SUFFIX).delete()
    return job.items.count()


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    return isinstance(exc, DatabaseError) and "disk is full" in str(exc)  # SQLite's words


def recover_imports() -> list[str]:
    """Queue again the imports whose worker died; fail those that cannot be retried.

    Answers one line per job it touched."""
    cutoff = timezone.now() - timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    quiet = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    stale = ImportJob.objects.filter(
        quiet, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    )
    done = []
    for job in stale:
        if job.status == ImportJob.Status.QUEUED and _waiting_in_queue(job):
            continue  # a long queue, not a dead worker
        done.append(_recover(job))
    return done


def _recover(job: ImportJob) -> str:
    _close_dead_tasks(job)
    if not (job.upload_dir / "names.txt").exists():  # the CLI imports in its own process
        job.fail(CLI_LOST)
        return f"{job.pk}: failed (no uploaded files to retry)"
    if job.attempts >= MAX_ATTEMPTS:
        job.fail(WORKER_LOST.format(n=job.attempts))
        shutil.rmtree(job.upload_dir, ignore_errors=True)
        return f"{job.pk}: failed after {job.attempts} attempts"
    # Conditional, so two recoveries running at once queue it once.
    requeued = ImportJob.objects.filter(
        pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at
    ).update(status=ImportJob.Status.QUEUED, heartbeat_at=timezone.now())
    if not requeued:
        return f"{job.pk}: taken by another recovery"
    line = f"{job.pk}: queued again (attempt {job.attempts + 1}, {job.items.count()} done)"
    run_import.enqueue(str(job.pk))
    return line


def _task_rows(job: ImportJob) -> QuerySet[Any] | None:
    """The job's rows in django_tasks_db's table when that backend is in use, else None."""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=run_import.module_path, args_kwargs__args__0=str(job.pk)
    )


def _waiting_in_queue(job: ImportJob) -> bool:
    """Whether a task for the job still waits to run (it could not be queued while Redis
    restarted, or its worker claimed it and died)."""
    rows = _task_rows(job)
    if rows is not None:
        return rows.filter(status="READY").exists()
    if settings.TASK_BACKEND != "redis":
        return True  # the immediate backend never leaves a job waiting
    try:
        import django_rq

        queued = django_rq.get_queue("default").get_jobs()
    except Exception:  # Redis away: ask again on the next round
        return True
    return any(list(rq_job.args) == [str(job.pk)] for rq_job in queued)


def _close_dead_tasks(job: ImportJob) -> None:
    """The killed worker's task row stays RUNNING for ever: mark it failed, saying why."""
    rows = _task_rows(job)
    if rows is None:
        return
    rows.filter(status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback="The worker stopped while running this task; the import was queued again.",
    )
