"""One process runs every round of due work; mail-only rounds wait for an email host."""

from __future__ import annotations

import io

from django.core.management import call_command


def test_due_work_runs_the_in_app_rounds_without_email(db, settings):
    settings.EMAIL_HOST = ""
    out = io.StringIO()
    call_command("due_work", stdout=out)
    text = out.getvalue()
    assert "group_run_reminders, quiet_buddies" in text
    assert "send_reminders" not in text and "Buddies of 0 person(s) told." in text


def test_due_work_runs_every_round_with_email(db, settings):
    settings.EMAIL_HOST = "smtp.example.org"
    out = io.StringIO()
    call_command("due_work", stdout=out)
    for part in ("0 reminder(s) sent.", "0 weekly summary mail(s) sent.", "0 digest(s) sent.",
                 "0 plan reminder(s) sent.", "0 group run reminder(s)"):  # fmt: skip
        assert part in out.getvalue()
