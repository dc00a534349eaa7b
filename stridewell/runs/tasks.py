"""Background work of the runs app (Django's Tasks API)."""

from __future__ import annotations

import logging
import shutil

from django.utils import timezone
from django_tasks import task

from stridewell.runs.imports import import_files, uploaded_files
from stridewell.runs.models import ImportJob

log = logging.getLogger(__name__)


@task()
def run_import(job_id: str) -> None:
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.is_finished:
        return
    # A retried job starts over cleanly: its earlier partial results go, runs it stored stay
    # and are recognised as duplicates of themselves by hash, so nothing is stored twice.
    job.items.all().delete()
    try:
        import_files(job.user, uploaded_files(job), job=job)
    except Exception as exc:
        log.exception("import %s stopped", job_id)
        job.status, job.error, job.finished_at = ImportJob.Status.FAILED, str(exc), timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    finally:
        if job.is_finished:
            shutil.rmtree(job.upload_dir, ignore_errors=True)
