"""An import survives its worker dying and its disk filling up: nothing half-stored,
every file accounted for exactly once."""

from __future__ import annotations

import errno
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from bench.variants import shift_xml
from conftest import SHARED_DATA
from stridewell.runs import imports
from stridewell.runs.imports import start_import
from stridewell.runs.models import ImportItem, ImportJob, Run
from stridewell.runs.tasks import MAX_ATTEMPTS, recover_imports, run_import

GPX = SHARED_DATA / "activities" / "gpx" / "gpxpy__Mojstrovka.gpx"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Killed(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the import catches it."""


def uploads(n: int) -> list[SimpleUploadedFile]:
    """``n`` distinct activities: the same real GPX, each copy a day later."""
    data = GPX.read_bytes()
    return [SimpleUploadedFile(f"walk-{day:03d}.gpx", shift_xml(data, day)) for day in range(n)]


def kill_after(monkeypatch: pytest.MonkeyPatch, entries: int) -> None:
    """The worker dies while reading entry ``entries + 1``, with a batch still unsaved."""
    real_add = imports._Writer.add

    def add(writer: Any, prepared: Any) -> None:
        if writer.count == entries:
            raise Killed
        real_add(writer, prepared)

    monkeypatch.setattr(imports._Writer, "add", add)


def later(seconds: float) -> Any:
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def assert_whole(user: Any) -> None:
    """Every stored run has its samples, its original file and the one result naming it."""
    for run in Run.objects.filter(user=user):
        assert run.streams_blob and run.points > 0
        assert (Path(imports.settings.MEDIA_ROOT) / run.original_file).exists()
    linked = ImportItem.objects.filter(job__user=user, run__isnull=False)
    assert sorted(linked.values_list("run_id", flat=True)) == sorted(
        Run.objects.filter(user=user).values_list("id", flat=True)
    )


@pytest.mark.django_db
def test_a_killed_import_is_retried_and_every_file_is_stored_once(
    alice: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = DUMMY  # the worker is ours to start and kill
    monkeypatch.setattr(imports, "BATCH", 5)
    job = start_import(alice, uploads(23))
    kill_after(monkeypatch, 13)
    with pytest.raises(Killed):
        run_import.call(str(job.pk))
    job.refresh_from_db()
    # Two whole batches stored, the third lost with the worker; the files wait for a retry.
    assert job.status == ImportJob.Status.RUNNING
    assert job.items.count() == Run.objects.filter(user=alice).count() == 10
    assert (job.upload_dir / "names.txt").exists()
    assert_whole(alice)

    monkeypatch.undo()
    settings.TASKS = IMMEDIATE
    assert recover_imports() == []  # the worker may only be slow: not yet
    with later(settings.IMPORT_STALE_SECONDS + 1):
        [line] = recover_imports()
    assert "queued again (attempt 2, 10 done)" in line
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.attempts == 2
    positions = list(job.items.values_list("position", flat=True))
    assert positions == list(range(1, 24))
    assert set(job.items.values_list("status", flat=True)) == {"imported"}  # none "duplicate"
    assert Run.objects.filter(user=alice).count() == 23
    assert_whole(alice)
    assert not job.upload_dir.exists()


@pytest.mark.django_db
def test_an_import_that_keeps_killing_its_worker_fails_with_a_reason(
    alice: Any, settings: Any
) -> None:
    settings.TASKS = DUMMY
    job = start_import(alice, uploads(2))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, attempts=MAX_ATTEMPTS
    )
    with later(settings.IMPORT_STALE_SECONDS + 1):
        [line] = recover_imports()
    job.refresh_from_db()
    assert f"failed after {MAX_ATTEMPTS} attempts" in line
    assert job.status == ImportJob.Status.FAILED and "stopped 3 times" in job.error
    assert not job.upload_dir.exists()


@pytest.mark.django_db
def test_a_cli_import_whose_process_died_is_marked_failed(alice: Any, settings: Any) -> None:
    job = ImportJob.objects.create(user=alice, status=ImportJob.Status.RUNNING)
    with later(settings.IMPORT_STALE_SECONDS + 1):
        out = io.StringIO()
        call_command("recover_imports", stdout=out)
    job.refresh_from_db()
    assert "1 stopped import(s) recovered." in out.getvalue()
    assert job.status == ImportJob.Status.FAILED and "run the import again" in job.error


@pytest.mark.django_db
def test_a_queued_job_waits_but_one_whose_worker_died_is_queued_again(
    alice: Any, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    job = start_import(alice, uploads(1))
    [task] = DBTaskResult.objects.all()
    with later(settings.IMPORT_STALE_SECONDS + 1):
        assert recover_imports() == []  # still waiting in a long queue: left alone
        # A worker claims the task, then dies before the import starts.
        DBTaskResult.objects.filter(pk=task.pk).update(status="RUNNING")
        [line] = recover_imports()
    assert "queued again" in line
    task.refresh_from_db()
    assert task.status == "FAILED" and "WorkerLost" in task.exception_class_path
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED


@pytest.mark.django_db
def test_two_tasks_for_one_job_import_it_once(alice: Any, settings: Any) -> None:
    settings.TASKS = DUMMY
    job = start_import(alice, uploads(3))
    run_import.call(str(job.pk))
    run_import.call(str(job.pk))  # a duplicate task, queued by a recovery, does nothing
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.attempts == 1
    assert job.items.count() == Run.objects.filter(user=alice).count() == 3


def disk_fills_after(monkeypatch: pytest.MonkeyPatch, writes: int) -> None:
    """Path.write_bytes works ``writes`` times, then the disk is full (half a file written)."""
    real = Path.write_bytes
    done: list[Path] = []

    def write_bytes(path: Path, data: Any) -> int:
        if len(done) >= writes:
            real(path, bytes(data)[:10])
            raise OSError(errno.ENOSPC, "No space left on device")
        done.append(path)
        return real(path, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


@pytest.mark.django_db
def test_a_full_disk_stops_the_import_with_a_clear_error_and_nothing_half_stored(
    alice: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = DUMMY
    monkeypatch.setattr(imports, "BATCH", 2)
    job = start_import(alice, uploads(6))
    disk_fills_after(monkeypatch, 3)  # originals 1-3 kept, the 4th fills the disk
    with pytest.raises(OSError):
        run_import.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error.startswith("The server's disk is full")
    assert Run.objects.filter(user=alice).count() == 2  # the first batch, whole
    assert not list((Path(settings.MEDIA_ROOT) / "originals").rglob("*.tmp"))
    assert_whole(alice)
    assert not job.upload_dir.exists()


class FullDiskUpload:
    name = "walk.gpx"

    def chunks(self) -> Any:
        yield b"<gpx"
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.django_db
def test_an_upload_onto_a_full_disk_gives_a_failed_job_not_a_server_error(
    alice: Any, settings: Any
) -> None:
    settings.TASKS = DUMMY
    job = start_import(alice, [FullDiskUpload()])
    assert job.status == ImportJob.Status.FAILED
    assert job.error.startswith("The server's disk is full")
    assert not job.upload_dir.exists()


def test_the_redis_worker_uses_the_job_class_that_can_run_our_tasks(settings: Any) -> None:
    from stridewell.runs.management.commands.serve import Command

    settings.TASK_BACKEND = "redis"
    command = Command()._worker_command()
    assert command[command.index("--job-class") + 1] == "django_tasks_rq.Job"
