"""Shared building blocks for validated wellbeing questionnaires.

Pure Python, no Django imports, so the scoring rules can be tested and reused
anywhere. Each questionnaire lives in its own module (``phq9.py``, ``gad7.py``,
...) and defines a single ``INSTRUMENT``; the scoring rules and cut-offs come
from the publications cited in each module's ``source``.

Two rules hold for every instrument:

* An incomplete or out-of-range answer set is never scored: ``Instrument.score``
  raises ``IncompleteAnswers`` instead of guessing (published cut-offs are only
  valid for complete answer sets).
* Band wording describes a score range; it never diagnoses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeGuard


@dataclass(frozen=True)
class Option:
    """One answer choice: the stored ``value`` and the ``label`` shown to the user."""

    value: int
    label: str


@dataclass(frozen=True)
class Band:
    """An inclusive score range (``low``..``high``) with a non-diagnostic name and meaning."""

    low: int
    high: int
    name: str
    meaning: str

    @property
    def wording(self) -> str:
        """One sentence naming the range without claiming a diagnosis."""
        return f"Your answers are in the range often called {self.name}."

    def contains(self, score: int) -> bool:
        """Whether ``score`` falls inside this band (both ends inclusive)."""
        return self.low <= score <= self.high


class IncompleteAnswers(ValueError):
    """An answer set that cannot be scored; the message names the item at fault.

    ``item`` is the 1-based number of the first item that is missing, out of
    range or not part of the questionnaire.
    """

    def __init__(self, message: str, item: int) -> None:
        super().__init__(message)
        self.item = item


@dataclass(frozen=True)
class Result:
    """The outcome of scoring one complete answer set.

    ``score`` is the reported score (raw score times the instrument's
    multiplier); ``subscales`` holds raw subscale sums; ``flags`` always has
    the keys ``crisis``, ``suggest_full`` and ``talk_to_someone``.
    """

    instrument_id: str
    score: int
    raw_score: int
    band: str
    wording: str
    meaning: str
    subscales: dict[str, int]
    flags: dict[str, bool]


@dataclass(frozen=True, kw_only=True)
class Instrument:
    """A validated questionnaire: its text, answer options, bands and scoring rules.

    * ``multiplier`` scales the raw sum (WHO-5 reports raw 0-25 as 0-100).
    * ``meaningful_change``: the change in ``score`` usually regarded as meaningful.
    * ``crisis_item``: 0-based index of an item whose answer above 0 sets
      ``flags["crisis"]`` (PHQ-9 item 9).
    * ``subscales`` map a name to 0-based item indices; any subscale sum at or
      above ``subscale_cutoff`` sets ``flags["suggest_full"]`` (PHQ-4).
    * ``talk_to_someone_max``: a ``score`` at or below this sets
      ``flags["talk_to_someone"]`` (WHO-5 at or below 28).
    """

    id: str
    name: str
    short_name: str
    question: str
    items: tuple[str, ...]
    options: tuple[Option, ...]
    bands: tuple[Band, ...]
    source: str
    licence: str
    multiplier: int = 1
    meaningful_change: int | None = None
    crisis_item: int | None = None
    subscales: dict[str, tuple[int, ...]] = field(default_factory=dict, hash=False)
    subscale_cutoff: int | None = None
    talk_to_someone_max: int | None = None

    def __post_init__(self) -> None:
        self._check_items()
        self._check_bands()

    def _check_items(self) -> None:
        indices = [*self._subscale_indices(), *self._crisis_indices()]
        if not self.items or not self.options:
            raise ValueError(f"{self.id}: needs items and options.")
        if len({option.value for option in self.options}) != len(self.options):
            raise ValueError(f"{self.id}: option values must be unique.")
        if any(not 0 <= index < len(self.items) for index in indices):
            raise ValueError(f"{self.id}: item index out of range.")

    def _check_bands(self) -> None:
        expected = self.min_score
        for band in self.bands:
            if band.low != expected or band.high < band.low:
                break
            expected = band.high + 1
        if expected != self.max_score + 1:
            raise ValueError(f"{self.id}: bands must tile {self.min_score}-{self.max_score}.")

    def _subscale_indices(self) -> list[int]:
        return [index for indices in self.subscales.values() for index in indices]

    def _crisis_indices(self) -> list[int]:
        return [] if self.crisis_item is None else [self.crisis_item]

    @property
    def values(self) -> frozenset[int]:
        """The allowed answer values."""
        return frozenset(option.value for option in self.options)

    @property
    def min_score(self) -> int:
        """Lowest possible ``score`` (after the multiplier)."""
        return min(self.values) * len(self.items) * self.multiplier

    @property
    def max_score(self) -> int:
        """Highest possible ``score`` (after the multiplier)."""
        return max(self.values) * len(self.items) * self.multiplier

    def band_for(self, score: int) -> Band:
        """The band containing ``score``; ``ValueError`` outside the scale."""
        for band in self.bands:
            if band.contains(score):
                return band
        raise ValueError(
            f"{self.short_name} scores run from {self.min_score} to {self.max_score}, not {score}."
        )

    def score(self, answers: Sequence[int | None]) -> Result:
        """Score a complete answer set (one answer per item, in item order).

        Raises ``IncompleteAnswers`` if any item is missing, unanswered or has a
        value that is not one of the options; such a set is never scored.
        """
        checked = self._checked(answers)
        raw = sum(checked)
        score = raw * self.multiplier
        band = self.band_for(score)
        subscales = self._subscale_scores(checked)
        return Result(
            instrument_id=self.id,
            score=score,
            raw_score=raw,
            band=band.name,
            wording=band.wording,
            meaning=band.meaning,
            subscales=subscales,
            flags=self._flags(checked, score, subscales),
        )

    def _checked(self, answers: Sequence[int | None]) -> list[int]:
        if len(answers) > len(self.items):
            raise IncompleteAnswers(
                f"Item {len(self.items) + 1} is not part of the {self.short_name}, "
                f"which has {len(self.items)} items.",
                item=len(self.items) + 1,
            )
        checked: list[int] = []
        for index in range(len(self.items)):
            answer = answers[index] if index < len(answers) else None
            if not self._is_valid(answer):
                raise IncompleteAnswers(self._needs_answer(index + 1), item=index + 1)
            checked.append(answer)
        return checked

    def _is_valid(self, answer: int | None) -> TypeGuard[int]:
        return isinstance(answer, int) and not isinstance(answer, bool) and answer in self.values

    def _needs_answer(self, item: int) -> str:
        values = sorted(self.values)
        if values == list(range(values[0], values[-1] + 1)):
            allowed = f"from {values[0]} to {values[-1]}"
        else:
            allowed = "that is one of " + ", ".join(str(value) for value in values)
        return f"Item {item} needs an answer {allowed}."

    def _subscale_scores(self, answers: Sequence[int]) -> dict[str, int]:
        return {
            name: sum(answers[index] for index in indices)
            for name, indices in self.subscales.items()
        }

    def _flags(
        self, answers: Sequence[int], score: int, subscales: dict[str, int]
    ) -> dict[str, bool]:
        cutoff = self.subscale_cutoff
        talk_max = self.talk_to_someone_max
        return {
            "crisis": self.crisis_item is not None and answers[self.crisis_item] > 0,
            "suggest_full": cutoff is not None and any(s >= cutoff for s in subscales.values()),
            "talk_to_someone": talk_max is not None and score <= talk_max,
        }
