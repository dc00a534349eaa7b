"""Importing check-in history: upload, (for Daylio) match moods to the Feeling Scale, done.

Thin: the work is in history.py, which the ``stridewell import`` command uses too.
The Daylio file waits between the two steps in DATA_DIR/uploads, named in the session.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from stridewell.lib.http import AuthedRequest
from stridewell.wellbeing import history
from stridewell.wellbeing.daylio import (
    DEFAULT_MOOD_MAP,
    DaylioError,
    DaylioExport,
    parse_daylio,
    score_for,
)
from stridewell.wellbeing.forms import FEELING_CHOICES

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_KEY = "history_upload"
SUMMARY_KEY = "history_summary"
_TOKEN = re.compile(r"[0-9a-f]{32}")


@login_required
def upload(request: AuthedRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        data, error = _read_upload(request)
        if data is not None and history.detect_csv(data) == "daylio":
            return _start_daylio(request, data)
        if data is not None:
            return _import(request, data, None)
    return render(request, "wellbeing/history_import.html", {"error": error})


def _read_upload(request: AuthedRequest) -> tuple[bytes | None, str | None]:
    """The uploaded file's bytes, or why we cannot take it."""
    upload = request.FILES.get("file")
    if upload is None:
        return None, "Choose a file first — the CSV from Daylio, or one exported from Stridewell."
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        limit = MAX_UPLOAD_BYTES // 1024 // 1024
        return None, f"This file is larger than {limit} MB; is it the right one?"
    data = upload.read()
    if history.detect_csv(data) is None:
        return None, (
            "We could not recognise this file. It should be a Daylio CSV export "
            "(Daylio → More → Export entries → CSV) or a check-in CSV from Stridewell."
        )
    return data, None


def _start_daylio(request: AuthedRequest, data: bytes) -> HttpResponse:
    try:
        parse_daylio(data)
    except DaylioError as exc:
        error = f"{exc} Nothing was imported."
        return render(request, "wellbeing/history_import.html", {"error": error})
    token = uuid.uuid4().hex
    path = _upload_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    _forget(request)
    request.session[UPLOAD_KEY] = token
    return redirect("history:map")


@login_required
def mood_map(request: AuthedRequest) -> HttpResponse:
    data = _kept(request)
    if data is None:
        return redirect("history:import")
    export = parse_daylio(data)
    error = None
    if request.method == "POST":
        mapping = _chosen(request.POST, export.mood_labels)
        if mapping is not None:
            return _import(request, data, mapping)
        error = "Please choose a score from −5 to +5 for every mood."
    context = {
        "moods": _mood_rows(export, request.POST if request.method == "POST" else None),
        "entries": len(export.rows),
        "choices": [(value, f"{value:+d} {label}".strip()) for value, label in FEELING_CHOICES],
        "error": error,
    }
    return render(request, "wellbeing/history_map.html", context)


def _mood_rows(export: DaylioExport, given: Any) -> list[dict[str, Any]]:
    counts = {label: 0 for label in export.mood_labels}
    for row in export.rows:
        counts[row.mood_label] += 1
    rows = []
    for index, label in enumerate(export.mood_labels):
        default = score_for(label, DEFAULT_MOOD_MAP)
        value = _score(given.get(f"mood{index}")) if given is not None else None
        rows.append(
            {
                "field": f"mood{index}",
                "label": label,
                "count": counts[label],
                "value": value if value is not None else (default or 0),
                "known": default is not None,
            }
        )
    return rows


def _chosen(post: Any, labels: list[str]) -> dict[str, int] | None:
    mapping = {}
    for index, label in enumerate(labels):
        score = _score(post.get(f"mood{index}"))
        if score is None:
            return None
        mapping[label] = score
    return mapping


def _score(text: str | None) -> int | None:
    try:
        score = int(text or "")
    except ValueError:
        return None
    return score if -5 <= score <= 5 else None


def _import(request: AuthedRequest, data: bytes, mapping: dict[str, int] | None) -> HttpResponse:
    try:
        summary = history.import_csv(request.user, data, mapping)
    except (DaylioError, history.HistoryError) as exc:
        error = f"{exc} Nothing was imported."
        return render(request, "wellbeing/history_import.html", {"error": error})
    _forget(request)
    request.session[SUMMARY_KEY] = asdict(summary)
    return redirect("history:done")


@login_required
def done(request: AuthedRequest) -> HttpResponse:
    summary = request.session.pop(SUMMARY_KEY, None)
    if summary is None:
        return redirect("history:import")
    return render(request, "wellbeing/history_done.html", {"summary": summary})


def _upload_path(token: str) -> Path:
    return Path(settings.DATA_DIR) / "uploads" / f"daylio-{token}.csv"


def _kept(request: AuthedRequest) -> bytes | None:
    token = request.session.get(UPLOAD_KEY, "")
    if not _TOKEN.fullmatch(str(token)):
        return None
    path = _upload_path(token)
    return path.read_bytes() if path.is_file() else None


def _forget(request: AuthedRequest) -> None:
    token = str(request.session.pop(UPLOAD_KEY, ""))
    if _TOKEN.fullmatch(token):
        _upload_path(token).unlink(missing_ok=True)
