"""WHO-5 Well-Being Index.

Sources: WHO Regional Office for Europe. Wellbeing measures in primary health
care: the DepCare project. Copenhagen: WHO; 1998. Topp CW, Østergaard SD,
Søndergaard S, Bech P. The WHO-5 Well-Being Index: a systematic review of the
literature. Psychother Psychosom. 2015;84(3):167-176.

Five positively worded items scored 5 (all of the time) to 0 (at no time); the
raw 0-25 is multiplied by 4 to give 0-100, where higher means better
wellbeing. In the literature a score below 50 is read as poor wellbeing and 28
or below as a reason to talk to a professional (Topp et al. 2015); a change of
10 points is regarded as meaningful.
"""

from __future__ import annotations

from .base import Band, Instrument, Option

ITEMS: tuple[str, ...] = (
    "I have felt cheerful and in good spirits",
    "I have felt calm and relaxed",
    "I have felt active and vigorous",
    "I woke up feeling fresh and rested",
    "My daily life has been filled with things that interest me",
)

OPTIONS: tuple[Option, ...] = (
    Option(5, "All of the time"),
    Option(4, "Most of the time"),
    Option(3, "More than half of the time"),
    Option(2, "Less than half of the time"),
    Option(1, "Some of the time"),
    Option(0, "At no time"),
)

# Scores at or below this set flags["talk_to_someone"].
TALK_TO_SOMEONE_MAX = 28

BANDS: tuple[Band, ...] = (
    Band(
        0,
        TALK_TO_SOMEONE_MAX,
        "very poor wellbeing",
        "A score this low is often worth talking to a professional about, such as your GP "
        "or a counsellor. They can help you work out what is weighing on you.",
    ),
    Band(
        29,
        49,
        "poor wellbeing",
        "Scores below 50 are usually read as poorer wellbeing than is typical. If it has "
        "lasted a while, a GP or counsellor can help you think about what might help.",
    ),
    Band(
        50,
        100,
        "good wellbeing",
        "Scores in this range are usually read as good wellbeing. If something still feels "
        "off, a GP or counsellor is there to talk it through.",
    ),
)

INSTRUMENT = Instrument(
    id="who5",
    name="WHO-5 Well-Being Index",
    short_name="WHO-5",
    question=(
        "Over the last two weeks, which answer is closest to how you have been feeling "
        "for each of these five statements?"
    ),
    items=ITEMS,
    options=OPTIONS,
    bands=BANDS,
    source=(
        "WHO Regional Office for Europe. Wellbeing measures in primary health care: the "
        "DepCare project. Copenhagen: WHO; 1998. Topp CW, Østergaard SD, Søndergaard S, "
        "Bech P. The WHO-5 Well-Being Index: a systematic review of the literature. "
        "Psychother Psychosom. 2015;84(3):167-176."
    ),
    licence=(
        "Free to use; no permission required "
        "(Psychiatric Centre North Zealand / WHO Regional Office for Europe)."
    ),
    multiplier=4,
    meaningful_change=10,
    talk_to_someone_max=TALK_TO_SOMEONE_MAX,
)
