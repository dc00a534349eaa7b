"""The small-steps plan travels in the person's export, and only theirs."""

from __future__ import annotations

import io
import json
import zipfile

from stridewell.accounts.export import write_export
from stridewell.steps.models import Progress


def exported(user):
    buffer = io.BytesIO()
    write_export(user, buffer)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def test_plan_progress_is_in_the_export(alice, bob):
    Progress.objects.create(user=alice, plan_id="small-steps", step_id="walk-10")
    data = json.loads(exported(alice).read("steps.json"))
    assert data["current"]["plan"] == "small-steps" and data["current"]["step"] == "walk-10"
    assert data["sessions"] == []
    assert "steps.json" not in exported(bob).namelist()
