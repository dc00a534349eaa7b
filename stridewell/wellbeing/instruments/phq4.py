"""PHQ-4, an ultra-brief check combining the PHQ-2 and the GAD-2.

Source: Kroenke K, Spitzer RL, Williams JBW, Löwe B. An ultra-brief screening
scale for anxiety and depression: the PHQ-4. Psychosomatics.
2009;50(6):613-621.

As on the published form, items 1-2 are the GAD-2 (the first two GAD-7 items)
and items 3-4 the PHQ-2 (the first two PHQ-9 items). The total (0-12) is banded 0-2, 3-5, 6-8 and 9-12.
Each subscale runs 0-6; a subscale score of 3 or more is the published cut-off
for going on to the full PHQ-9 or GAD-7, which sets ``flags["suggest_full"]``.
"""

from __future__ import annotations

from . import _phq_family, gad7, phq9
from .base import Band, Instrument

BANDS: tuple[Band, ...] = (
    Band(
        0,
        2,
        "normal",
        "Scores in this range are common and usually mean low mood and worry are not "
        "getting in the way much. If something still feels off, a GP or counsellor can help.",
    ),
    Band(
        3,
        5,
        "mild",
        "Scores in this range often go with some low mood or worry that comes and goes. "
        "It is worth keeping an eye on; a GP or counsellor can help if it lingers.",
    ),
    Band(
        6,
        8,
        "moderate",
        "Scores in this range usually mean low mood or worry is affecting everyday life. "
        "Talking it over with a professional such as a GP or counsellor can help.",
    ),
    Band(
        9,
        12,
        "severe",
        "Scores in this range usually mean things are very hard right now. Please talk to "
        "a professional such as your GP or a counsellor soon; support is available.",
    ),
)

INSTRUMENT = Instrument(
    id="phq4",
    name="Patient Health Questionnaire-4",
    short_name="PHQ-4",
    question=_phq_family.QUESTION,
    items=gad7.ITEMS[:2] + phq9.ITEMS[:2],
    options=_phq_family.OPTIONS,
    bands=BANDS,
    source=(
        "Kroenke K, Spitzer RL, Williams JBW, Löwe B. An ultra-brief screening scale for "
        "anxiety and depression: the PHQ-4. Psychosomatics. 2009;50(6):613-621."
    ),
    licence=_phq_family.LICENCE,
    subscales={"gad2": (0, 1), "phq2": (2, 3)},
    subscale_cutoff=3,
)
