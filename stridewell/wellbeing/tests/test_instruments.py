"""Scoring, banding and flag rules for the wellbeing questionnaires.

Expected bands are written out here from the publications (not read back from
the instruments), so a typo in a module's cut-offs fails a test.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import pytest

from stridewell.wellbeing.instruments import (
    DEFAULT_DEPRESSION,
    INSTRUMENTS,
    Band,
    IncompleteAnswers,
    Instrument,
    get,
)

EXPECTED_BANDS: dict[str, list[tuple[int, int, str]]] = {
    "phq9": [
        (0, 4, "minimal"),
        (5, 9, "mild"),
        (10, 14, "moderate"),
        (15, 19, "moderately severe"),
        (20, 27, "severe"),
    ],
    "phq8": [
        (0, 4, "minimal"),
        (5, 9, "mild"),
        (10, 14, "moderate"),
        (15, 19, "moderately severe"),
        (20, 24, "severe"),
    ],
    "gad7": [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")],
    "phq4": [(0, 2, "normal"), (3, 5, "mild"), (6, 8, "moderate"), (9, 12, "severe")],
    # Topp et al. 2015: below 50 is poor wellbeing; 28 or less suggests depression is worth a professional's look.
    "who5": [
        (0, 28, "very poor wellbeing"),
        (29, 49, "poor wellbeing"),
        (50, 100, "good wellbeing"),
    ],
}

EXPECTED_SHAPE = {  # id: (items, min score, max score, multiplier, meaningful change)
    "phq9": (9, 0, 27, 1, 5),
    "phq8": (8, 0, 24, 1, 5),
    "gad7": (7, 0, 21, 1, 4),
    "phq4": (4, 0, 12, 1, None),
    "who5": (5, 0, 100, 4, 10),
}

FORBIDDEN = ("you have", "diagnos", "disorder")


def answers_for(instrument: Instrument, raw: int, skip: Sequence[int] = ()) -> list[int]:
    """An answer set with raw sum ``raw``, filling items in order and leaving ``skip`` at 0."""
    top = max(instrument.values)
    answers = [0] * len(instrument.items)
    for index in range(len(answers)):
        if index not in skip:
            answers[index] = min(top, raw)
            raw -= answers[index]
    assert raw == 0, "score not reachable"
    return answers


def boundaries() -> list[tuple[str, int, str]]:
    return [
        (instrument_id, score, name)
        for instrument_id, bands in EXPECTED_BANDS.items()
        for low, high, name in bands
        for score in (low, high)
    ]


def reachable_boundaries() -> list[tuple[str, int, str]]:
    reachable = [case for case in boundaries() if case[1] % EXPECTED_SHAPE[case[0]][3] == 0]
    # WHO-5 scores are multiples of 4, so 29, 49 and 50 cannot occur; test their neighbours.
    return [
        *reachable,
        ("who5", 32, "poor wellbeing"),
        ("who5", 48, "poor wellbeing"),
        ("who5", 52, "good wellbeing"),
    ]


def test_registry_ids() -> None:
    assert list(INSTRUMENTS) == ["phq9", "phq8", "gad7", "phq4", "who5"]
    assert all(instrument.id == key for key, instrument in INSTRUMENTS.items())


def test_get_returns_registered_instrument() -> None:
    assert get("gad7") is INSTRUMENTS["gad7"]


def test_get_unknown_id_raises_clear_key_error() -> None:
    with pytest.raises(KeyError, match=r"Unknown wellbeing instrument 'bdi'.*phq8"):
        get("bdi")


def test_default_depression_is_phq8() -> None:
    assert DEFAULT_DEPRESSION == "phq8"
    assert get(DEFAULT_DEPRESSION).crisis_item is None


@pytest.mark.parametrize("instrument_id", list(EXPECTED_BANDS))
def test_bands_match_publication(instrument_id: str) -> None:
    bands = [(b.low, b.high, b.name) for b in get(instrument_id).bands]
    assert bands == EXPECTED_BANDS[instrument_id]


@pytest.mark.parametrize("instrument_id", list(EXPECTED_SHAPE))
def test_shape(instrument_id: str) -> None:
    instrument = get(instrument_id)
    items, low, high, multiplier, change = EXPECTED_SHAPE[instrument_id]
    shape = (len(instrument.items), instrument.min_score, instrument.max_score)
    assert shape == (items, low, high)
    assert (instrument.multiplier, instrument.meaningful_change) == (multiplier, change)
    assert instrument.source and instrument.licence and instrument.question


@pytest.mark.parametrize(("instrument_id", "score", "band"), boundaries())
def test_band_for_boundaries(instrument_id: str, score: int, band: str) -> None:
    assert get(instrument_id).band_for(score).name == band


@pytest.mark.parametrize(("instrument_id", "score", "band"), reachable_boundaries())
def test_scoring_reaches_band(instrument_id: str, score: int, band: str) -> None:
    instrument = get(instrument_id)
    result = instrument.score(answers_for(instrument, score // instrument.multiplier))
    assert (result.score, result.band) == (score, band)
    assert result.wording == f"Your answers are in the range often called {band}."
    assert result.instrument_id == instrument_id


@pytest.mark.parametrize("instrument_id", list(EXPECTED_SHAPE))
def test_min_and_max_scores(instrument_id: str) -> None:
    instrument = get(instrument_id)
    lowest = instrument.score([min(instrument.values)] * len(instrument.items))
    highest = instrument.score([max(instrument.values)] * len(instrument.items))
    assert (lowest.score, highest.score) == EXPECTED_SHAPE[instrument_id][1:3]
    assert lowest.band == EXPECTED_BANDS[instrument_id][0][2]
    assert highest.band == EXPECTED_BANDS[instrument_id][-1][2]


@pytest.mark.parametrize("instrument_id", list(EXPECTED_SHAPE))
@pytest.mark.parametrize("score", [-1, 101, 10_000])
def test_band_for_outside_scale_raises(instrument_id: str, score: int) -> None:
    with pytest.raises(ValueError, match="scores run from"):
        get(instrument_id).band_for(score)


@pytest.mark.parametrize(("raw", "score"), [(0, 0), (1, 4), (7, 28), (12, 48), (13, 52), (25, 100)])
def test_who5_multiplies_raw_by_four(raw: int, score: int) -> None:
    result = get("who5").score(answers_for(get("who5"), raw))
    assert (result.raw_score, result.score) == (raw, score)


@pytest.mark.parametrize(("raw", "talk"), [(0, True), (7, True), (8, False), (25, False)])
def test_who5_talk_to_someone_at_or_below_28(raw: int, talk: bool) -> None:
    result = get("who5").score(answers_for(get("who5"), raw))
    assert result.flags["talk_to_someone"] is talk


def test_who5_options_run_from_all_of_the_time_to_at_no_time() -> None:
    options = [(o.value, o.label) for o in get("who5").options]
    assert options[0] == (5, "All of the time") and options[-1] == (0, "At no time")


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item9_above_zero_sets_crisis_even_when_total_is_low(item9: int) -> None:
    answers = [0] * 8 + [item9]
    result = get("phq9").score(answers)
    assert result.flags["crisis"] is True
    assert result.band == "minimal"


@pytest.mark.parametrize("raw", [0, 10, 24])
def test_phq9_item9_zero_never_sets_crisis(raw: int) -> None:
    phq9 = get("phq9")
    answers = answers_for(phq9, raw, skip=[8])
    assert answers[8] == 0
    assert phq9.score(answers).flags["crisis"] is False


def test_phq9_item9_wording() -> None:
    assert get("phq9").items[8] == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )


@pytest.mark.parametrize("raw", [0, 12, 24])
def test_phq8_has_no_crisis_flag(raw: int) -> None:
    phq8 = get("phq8")
    assert phq8.crisis_item is None
    assert phq8.score(answers_for(phq8, raw)).flags["crisis"] is False


def test_phq8_is_phq9_without_item9() -> None:
    assert get("phq8").items == get("phq9").items[:8]


def test_phq4_is_phq2_plus_gad2() -> None:
    phq4 = get("phq4")
    # The published form asks the two anxiety questions first.
    assert phq4.items == get("gad7").items[:2] + get("phq9").items[:2]
    assert phq4.subscales == {"gad2": (0, 1), "phq2": (2, 3)}


@pytest.mark.parametrize(
    ("answers", "phq2", "gad2", "suggest"),
    [
        ([1, 1, 1, 1], 2, 2, False),
        ([2, 0, 0, 2], 2, 2, False),
        ([0, 0, 2, 1], 3, 0, True),
        ([1, 2, 0, 0], 0, 3, True),
        ([3, 3, 3, 3], 6, 6, True),
    ],
)
def test_phq4_subscales_suggest_full_at_three(
    answers: list[int], phq2: int, gad2: int, suggest: bool
) -> None:
    result = get("phq4").score(answers)
    assert result.subscales == {"phq2": phq2, "gad2": gad2}
    assert result.flags["suggest_full"] is suggest


@pytest.mark.parametrize("instrument_id", ["phq9", "phq8", "gad7", "who5"])
def test_other_instruments_never_suggest_full(instrument_id: str) -> None:
    instrument = get(instrument_id)
    result = instrument.score([max(instrument.values)] * len(instrument.items))
    assert result.flags["suggest_full"] is False and result.subscales == {}


@pytest.mark.parametrize("instrument_id", list(EXPECTED_SHAPE))
def test_flags_always_have_the_three_keys(instrument_id: str) -> None:
    instrument = get(instrument_id)
    result = instrument.score([min(instrument.values)] * len(instrument.items))
    assert {"crisis", "suggest_full", "talk_to_someone"} <= set(result.flags)


@pytest.mark.parametrize(
    ("instrument_id", "answers", "message"),
    [
        ("phq9", [], "Item 1 needs an answer from 0 to 3."),
        ("phq9", [0] * 8, "Item 9 needs an answer from 0 to 3."),
        ("phq9", [0] * 10, "Item 10 is not part of the PHQ-9, which has 9 items."),
        ("phq9", [0, 0, None, 0, 0, 0, 0, 0, 0], "Item 3 needs an answer from 0 to 3."),
        ("phq9", [0, 0, 0, 4, 0, 0, 0, 0, 0], "Item 4 needs an answer from 0 to 3."),
        ("gad7", [0, -1, 0, 0, 0, 0, 0], "Item 2 needs an answer from 0 to 3."),
        ("gad7", [0, 0, 0, 0, 0, 0, None], "Item 7 needs an answer from 0 to 3."),
        ("phq4", [1, 1, 1, 1, 1], "Item 5 is not part of the PHQ-4, which has 4 items."),
        ("phq4", [1, 1, 1], "Item 4 needs an answer from 0 to 3."),
        ("phq8", [3] * 7 + [9], "Item 8 needs an answer from 0 to 3."),
        ("who5", [5, 5, 6, 5, 5], "Item 3 needs an answer from 0 to 5."),
        ("who5", [None] * 5, "Item 1 needs an answer from 0 to 5."),
    ],
)
def test_incomplete_answers_are_never_scored(
    instrument_id: str, answers: list[int | None], message: str
) -> None:
    with pytest.raises(IncompleteAnswers, match=f"^{re.escape(message)}$") as caught:
        get(instrument_id).score(answers)
    assert caught.value.item == int(message.split()[1])
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("bad", [True, 2.0, "2"])
def test_answers_must_be_plain_ints(bad: object) -> None:
    answers: list[object] = [0, bad, 0, 0]
    with pytest.raises(IncompleteAnswers, match="^Item 2 needs"):
        get("phq4").score(answers)  # type: ignore[arg-type]


def test_options_are_scored_zero_to_three_for_phq_family() -> None:
    labels = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
    for instrument_id in ("phq9", "phq8", "gad7", "phq4"):
        options = get(instrument_id).options
        assert [(o.value, o.label) for o in options] == list(enumerate(labels))


@pytest.mark.parametrize(
    "band",
    [band for instrument in INSTRUMENTS.values() for band in instrument.bands],
    ids=lambda band: band.name,
)
def test_band_wording_never_diagnoses(band: Band) -> None:
    text = f"{band.wording} {band.meaning}".lower()
    assert not [word for word in FORBIDDEN if word in text]
    assert re.search(r"\b(gp|counsellor|professional)\b", band.meaning.lower())


def test_instruments_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        get("phq9").crisis_item = None  # type: ignore[misc]


def test_bands_with_a_gap_are_rejected() -> None:
    broken = (Band(0, 4, "low", "m"), Band(6, 27, "high", "m"))
    with pytest.raises(ValueError, match="bands must tile 0-27"):
        dataclasses.replace(get("phq9"), bands=broken)


def test_crisis_item_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="item index out of range"):
        dataclasses.replace(get("phq8"), crisis_item=8)
