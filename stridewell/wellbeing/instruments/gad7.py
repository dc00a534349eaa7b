"""GAD-7, the seven-item anxiety scale.

Source: Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for
assessing generalized anxiety disorder: the GAD-7. Arch Intern Med.
2006;166(10):1092-1097. Severity cut-offs 5, 10 and 15 are from that paper.
"""

from __future__ import annotations

from . import _phq_family
from .base import Band, Instrument

ITEMS: tuple[str, ...] = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)

BANDS: tuple[Band, ...] = (
    Band(
        0,
        4,
        "minimal",
        "Scores in this range are common and usually mean worry is not getting in the way "
        "much. If something still feels off, a GP or counsellor can talk it through.",
    ),
    Band(
        5,
        9,
        "mild",
        "Scores in this range often go with some worry or nervousness that comes and goes. "
        "It is worth keeping an eye on; a GP or counsellor can help if it lingers.",
    ),
    Band(
        10,
        14,
        "moderate",
        "Scores in this range usually mean worry or nervousness is affecting everyday life. "
        "Talking it over with a professional such as a GP or counsellor can help.",
    ),
    Band(
        15,
        21,
        "severe",
        "Scores in this range usually mean worry is making many days hard. Please talk to "
        "a professional such as your GP or a counsellor soon; support is available.",
    ),
)

INSTRUMENT = Instrument(
    id="gad7",
    name="Generalised Anxiety Disorder-7",
    short_name="GAD-7",
    question=_phq_family.QUESTION,
    items=ITEMS,
    options=_phq_family.OPTIONS,
    bands=BANDS,
    source=(
        "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing "
        "generalized anxiety disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092-1097."
    ),
    licence=_phq_family.LICENCE,
    # 4 points is the commonly used minimal clinically important difference (MCID):
    # Toussaint A, Hüsing P, Gumz A, et al. Sensitivity to change and minimal clinically
    # important difference of the 7-item Generalized Anxiety Disorder Questionnaire
    # (GAD-7). J Affect Disord. 2020;265:395-401.
    meaningful_change=4,
)
