"""Registry of validated wellbeing questionnaires.

Pure Python (no Django). Each instrument lives in its own module and is listed
here by id: ``phq9``, ``phq8``, ``gad7``, ``phq4`` and ``who5``. See each
module's docstring and ``Instrument.source`` for the publication behind it.
"""

from __future__ import annotations

from . import gad7, phq4, phq8, phq9, who5
from .base import Band, IncompleteAnswers, Instrument, Option, Result

__all__ = [
    "DEFAULT_DEPRESSION",
    "INSTRUMENTS",
    "Band",
    "IncompleteAnswers",
    "Instrument",
    "Option",
    "Result",
    "get",
]

INSTRUMENTS: dict[str, Instrument] = {
    module.INSTRUMENT.id: module.INSTRUMENT for module in (phq9, phq8, gad7, phq4, who5)
}

# By default the app offers the PHQ-8, which leaves out item 9 (thoughts of death
# or self-harm); item 9, and so the PHQ-9, is asked only when the user turns it on.
DEFAULT_DEPRESSION = "phq8"


def get(instrument_id: str) -> Instrument:
    """The instrument registered as ``instrument_id``; ``KeyError`` naming the known ids."""
    try:
        return INSTRUMENTS[instrument_id]
    except KeyError:
        known = ", ".join(sorted(INSTRUMENTS))
        raise KeyError(f"Unknown wellbeing instrument {instrument_id!r}; known: {known}.") from None
