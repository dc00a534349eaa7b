from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Migrate, then serve the app (gunicorn) and its background worker until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.getenv("PORT", "8000")))
        parser.add_argument("--host", default=os.getenv("HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=int(os.getenv("WEB_CONCURRENCY", "2")))
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start a background worker"
        )

    def handle(
        self, *args: Any, port: int, host: str, workers: int, no_worker: bool, **options: Any
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("recover_imports", stdout=io.StringIO())  # after a crash or a reboot
        children = []
        if not no_worker:
            children.append(subprocess.Popen(self._worker_command()))
        # Reminders, digests and summaries: one process, one round every five minutes.
        due = [sys.executable, "-m", "stridewell.cli", "due_work", "--every", "300"]
        children.append(subprocess.Popen(due, stdout=subprocess.DEVNULL))
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "stridewell.wsgi",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--access-logfile",
            "-",
        ]
        children.append(subprocess.Popen(web))
        self.stdout.write(f"Stridewell is on http://{host}:{port}/ (Ctrl+C stops it).")
        try:
            children[-1].wait()
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                child.send_signal(signal.SIGTERM)
            for child in children:
                child.wait(timeout=30)

    def _worker_command(self) -> list[str]:
        base = [sys.executable, "-m", "stridewell.cli"]
        if settings.TASK_BACKEND == "redis":
            # django_tasks_rq's jobs need its Job class: RQ's own cannot call a Task.
            job_class = ["--job-class", "django_tasks_rq.Job"]
            return [*base, "rqworker", "default", *job_class, "--with-scheduler"]
        return [*base, "db_worker", "--no-reload", "--interval", "0.5"]
