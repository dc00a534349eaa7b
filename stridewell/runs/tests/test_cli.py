"""The stridewell command: our commands first, accounts, tokens, import, runs, export."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import SHARED_DATA, make_user
from stridewell.accounts.models import ApiToken
from stridewell.runs.models import Run

ROOT = Path(__file__).resolve().parents[3]


def test_help_lists_our_commands_first():
    out = subprocess.run(
        [sys.executable, "-m", "stridewell.cli", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    ours = out.index("serve"), out.index("adduser"), out.index("import"), out.index("export")
    assert max(ours) < out.index("migrate")


@pytest.mark.django_db
def test_adduser_reads_the_password_from_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough pass phrase\n"))
    call_command("adduser", "new@example.org", stdout=io.StringIO())
    from django.contrib.auth import authenticate

    assert authenticate(username="new@example.org", password="a long enough pass phrase")
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError):
        call_command("adduser", "other@example.org", stdout=io.StringIO())


@pytest.mark.django_db
def test_token_prints_a_working_token():
    make_user("t@example.org")
    out = io.StringIO()
    call_command("token", "--user", "t@example.org", stdout=out)
    assert ApiToken.objects.authenticate(out.getvalue().strip()) is not None


@pytest.mark.django_db
def test_import_folder_prints_a_summary_and_fails_when_a_file_fails(tmp_path):
    make_user("c@example.org")
    out = io.StringIO()
    call_command(
        "import", "--user", "c@example.org", str(SHARED_DATA / "activities" / "gpx"), stdout=out
    )
    assert "0 failed" in out.getvalue()
    (tmp_path / "empty.fit").write_bytes(b"")
    with pytest.raises(SystemExit) as stopped:
        call_command("import", "--user", "c@example.org", str(tmp_path), stdout=io.StringIO())
    assert stopped.value.code == 1


@pytest.mark.django_db
def test_unknown_user_and_missing_path_are_clear():
    with pytest.raises(CommandError, match="No account"):
        call_command("runs", "--user", "nobody@example.org")
    make_user("d@example.org")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import", "--user", "d@example.org", "/nonexistent/path")


@pytest.mark.django_db
def test_runs_json_prints_the_api_objects(alice, alice_token):
    from django.test import Client

    Run.objects.create(user=alice, start="2024-01-05T10:00Z", elapsed_s=60, name="A")
    out = io.StringIO()
    call_command("runs", "--user", alice.email, "--json", stdout=out)
    api = (
        Client(headers={"Authorization": f"Bearer {alice_token}"})
        .get("/api/v1/runs")
        .json()["items"]
    )
    assert json.loads(out.getvalue()) == api


@pytest.mark.django_db
def test_export_writes_a_zip(alice, tmp_path):
    Run.objects.create(user=alice, start="2024-01-05T10:00Z", elapsed_s=60, name="A")
    call_command("export", "--user", alice.email, str(tmp_path / "out.zip"), stdout=io.StringIO())
    import zipfile

    assert "runs.csv" in zipfile.ZipFile(tmp_path / "out.zip").namelist()
