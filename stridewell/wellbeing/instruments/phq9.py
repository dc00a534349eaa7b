"""PHQ-9, the nine-item Patient Health Questionnaire depression scale.

Source: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief
depression severity measure. J Gen Intern Med. 2001;16(9):606-613.
Severity cut-offs 5, 10, 15 and 20 are those proposed in that paper. A change
of 5 points is the usual threshold for a clinically meaningful change (Löwe B
et al. Monitoring depression treatment outcomes with the Patient Health
Questionnaire-9. Med Care. 2004;42(12):1194-1201).

Item 9 asks about thoughts of death or self-harm; any answer above 0 raises the
crisis flag regardless of the total score.
"""

from __future__ import annotations

from . import _phq_family
from .base import Band, Instrument

ITEMS: tuple[str, ...] = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure "
    "or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? "
    "Or the opposite — being so fidgety or restless that you have been moving around "
    "a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)


def depression_bands(top: int) -> tuple[Band, ...]:
    """The PHQ-9 severity bands, with the top band ending at ``top`` (27, or 24 for PHQ-8)."""
    return (
        Band(
            0,
            4,
            "minimal",
            "Scores in this range are common and usually mean low mood is not getting in "
            "the way much. If something still feels off, a GP or counsellor can talk it through.",
        ),
        Band(
            5,
            9,
            "mild",
            "Scores in this range often go with some low mood or loss of interest that comes "
            "and goes. It is worth keeping an eye on; a GP or counsellor can help if it lingers.",
        ),
        Band(
            10,
            14,
            "moderate",
            "Scores in this range usually mean low mood is affecting everyday life. "
            "Talking it over with a professional such as a GP or counsellor can help.",
        ),
        Band(
            15,
            19,
            "moderately severe",
            "Scores in this range usually mean low mood is making many days hard. "
            "It is a good idea to talk to a professional such as a GP or counsellor soon.",
        ),
        Band(
            20,
            top,
            "severe",
            "Scores in this range usually mean things are very hard right now. Please talk to "
            "a professional such as your GP or a counsellor soon; support is available.",
        ),
    )


INSTRUMENT = Instrument(
    id="phq9",
    name="Patient Health Questionnaire-9",
    short_name="PHQ-9",
    question=_phq_family.QUESTION,
    items=ITEMS,
    options=_phq_family.OPTIONS,
    bands=depression_bands(27),
    source=(
        "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression "
        "severity measure. J Gen Intern Med. 2001;16(9):606-613."
    ),
    licence=_phq_family.LICENCE,
    meaningful_change=5,
    crisis_item=8,
)
