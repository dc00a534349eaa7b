"""A person's own randomised experiments: which days get which arm, and what came of it.

Only the owner ever sees an experiment. The assignment of every day is made up
front from a stored seed (so it is reproducible), but pages, the API and the
export only ever show days up to today: the plan for later days stays hidden.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

MIN_WEEKS, MAX_WEEKS = 4, 8


class ExperimentKind(models.TextChoices):
    RUN_OR_REST = "run_or_rest", "Run or rest"
    EASY_OR_INTERVALS = "easy_or_intervals", "Easy run or intervals"


# The two arms of each kind, arm A first: the effect is always A minus B.
ARMS: dict[str, tuple[str, str]] = {
    ExperimentKind.RUN_OR_REST: ("run", "rest"),
    ExperimentKind.EASY_OR_INTERVALS: ("easy", "intervals"),
}


class ExperimentStatus(models.TextChoices):
    ACTIVE = "active", "Running"
    FINISHED = "finished", "Finished"
    STOPPED = "stopped", "Stopped early"


class ExperimentQuerySet(models.QuerySet["Experiment"]):
    def owned_by(self, user: Any) -> ExperimentQuerySet:
        return self.filter(user_id=user.pk)

    def active(self) -> ExperimentQuerySet:
        return self.filter(status=ExperimentStatus.ACTIVE)


class Experiment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experiments"
    )
    kind = models.CharField(max_length=20, choices=ExperimentKind.choices)
    start = models.DateField(help_text="The first day, in the person's timezone.")
    weeks = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_WEEKS), MaxValueValidator(MAX_WEEKS)]
    )
    seed = models.BigIntegerField(help_text="Makes the days' assignment reproducible.")
    status = models.CharField(
        max_length=10, choices=ExperimentStatus.choices, default=ExperimentStatus.ACTIVE
    )
    # The last day that counts: the planned end, or the day it was stopped.
    last_day = models.DateField(null=True, blank=True)
    # The analysis, computed once when the experiment ends (see insights.experiments).
    result = models.JSONField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ExperimentQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="active"),
                name="experiment_one_active_per_user",
            ),
            models.CheckConstraint(
                condition=Q(weeks__gte=MIN_WEEKS, weeks__lte=MAX_WEEKS),
                name="experiment_weeks_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.start:%Y-%m-%d}"

    @property
    def arms(self) -> tuple[str, str]:
        return ARMS[self.kind]

    @property
    def total_days(self) -> int:
        return 7 * self.weeks

    @property
    def end(self) -> date:
        """The last planned day."""
        return self.start + timedelta(days=self.total_days - 1)

    @property
    def is_active(self) -> bool:
        return self.status == ExperimentStatus.ACTIVE

    def shown_until(self, today: date) -> date:
        """The last day whose assignment may be shown: never one after today."""
        return min(today, self.last_day or self.end)


class ExperimentDay(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    arm = models.CharField(max_length=12)
    # Both filled in at analysis, from the person's runs and check-ins that day.
    followed = models.BooleanField(null=True, blank=True)
    outcome = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "date"], name="experiment_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}: {self.arm}"
