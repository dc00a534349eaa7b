"""PHQ-8: the PHQ-9 without item 9 (thoughts of death or self-harm).

Source: Kroenke K, Strine TW, Spitzer RL, Williams JBW, Berry JT, Mokdad AH.
The PHQ-8 as a measure of current depression in the general population.
J Affect Disord. 2009;114(1-3):163-173.
Scores run 0-24 and use the PHQ-9 cut-offs 5, 10, 15 and 20. With no item 9
there is no crisis item.
"""

from __future__ import annotations

from . import _phq_family, phq9
from .base import Instrument

INSTRUMENT = Instrument(
    id="phq8",
    name="Patient Health Questionnaire-8",
    short_name="PHQ-8",
    question=_phq_family.QUESTION,
    items=phq9.ITEMS[:8],
    options=_phq_family.OPTIONS,
    bands=phq9.depression_bands(24),
    source=(
        "Kroenke K, Strine TW, Spitzer RL, Williams JBW, Berry JT, Mokdad AH. The PHQ-8 as a "
        "measure of current depression in the general population. "
        "J Affect Disord. 2009;114(1-3):163-173."
    ),
    licence=_phq_family.LICENCE,
    meaningful_change=5,
)
