"""Answering a questionnaire: score it with its instrument, store it, flag a crisis.

One function serves the page and the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from stridewell.wellbeing import instruments
from stridewell.wellbeing.instruments.base import Instrument, Result
from stridewell.wellbeing.models import Preferences, Response


def offered(user: Any) -> list[Instrument]:
    """The questionnaires this person is offered: PHQ-8 unless they chose to be asked item 9."""
    depression = (
        "phq9" if Preferences.for_user(user).ask_phq9_item9 else instruments.DEFAULT_DEPRESSION
    )
    return [instruments.get(depression), *(instruments.get(i) for i in ("gad7", "phq4", "who5"))]


def answer(
    user: Any,
    instrument_id: str,
    answers: Sequence[int | None],
    recorded_at: datetime | None = None,
) -> tuple[Response, Result]:
    """Score and keep one answer set. Raises KeyError for an unknown instrument and
    IncompleteAnswers (naming the item) for a missing or out-of-range answer."""
    instrument = instruments.get(instrument_id)
    result = instrument.score(answers)
    response = Response.objects.create(
        user=user,
        instrument=instrument.id,
        answers=list(answers),
        score=result.score,
        band=result.band,
        crisis=result.flags["crisis"],
        recorded_at=recorded_at or timezone.now(),
    )
    return response, result
