"""Text shared by the Patient Health Questionnaire family (PHQ-9, PHQ-8, GAD-7, PHQ-4).

All of these were developed by Drs Robert L. Spitzer, Janet B. W. Williams,
Kurt Kroenke and colleagues with an educational grant from Pfizer Inc., and use
the same two-week stem and the same four frequency options scored 0-3.
"""

from __future__ import annotations

from .base import Option

QUESTION = (
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)

OPTIONS: tuple[Option, ...] = (
    Option(0, "Not at all"),
    Option(1, "Several days"),
    Option(2, "More than half the days"),
    Option(3, "Nearly every day"),
)

LICENCE = (
    "Public domain. Developed by Drs Robert L. Spitzer, Janet B. W. Williams, Kurt Kroenke "
    "and colleagues, with an educational grant from Pfizer Inc. "
    "No permission required to reproduce, translate, display or distribute."
)
