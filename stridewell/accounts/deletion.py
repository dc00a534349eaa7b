"""Deleting an account takes everything of the person's with it: rows and files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from stridewell.runs.models import ImportJob


def delete_account(user: Any) -> None:
    user_id = user.pk  # gone from the object once deleted
    uploads = [job.upload_dir for job in ImportJob.objects.filter(user_id=user_id)]
    with transaction.atomic():
        user.delete()  # cascades to profile, tokens, places, runs, imports
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "originals" / str(user_id), ignore_errors=True)
    for folder in uploads:
        shutil.rmtree(folder, ignore_errors=True)
