"""Where a person is on their plan, and the sessions they have done.

Progress is only ever moved by the person's own choice: no missed day, week or month
changes the step they are on.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from stridewell.steps.ladder import Plan, Step, all_plans


class Progress(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_progress"
    )
    plan_id = models.CharField(max_length=40)
    step_id = models.CharField(max_length=40)
    show_streak = models.BooleanField(
        default=False, help_text="Show how many weeks in a row you've been out."
    )
    # Reminders: on the chosen weekdays (0 = Monday) at this time, in the person's timezone.
    remind_days = models.JSONField(default=list, blank=True)
    remind_at = models.TimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id} on {self.plan_id}/{self.step_id}"

    @property
    def plan(self) -> Plan:
        return all_plans()[self.plan_id]

    @property
    def step(self) -> Step:
        return self.plan.step(self.step_id)

    @classmethod
    def for_user(cls, user: Any) -> Progress | None:
        return cls.objects.filter(user_id=user.pk).first()


class PlanSession(models.Model):
    """One session done (or partly done); its run holds the time, laps and check-ins."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_sessions"
    )
    run = models.OneToOneField("runs.Run", on_delete=models.CASCADE, related_name="plan_session")
    plan_id = models.CharField(max_length=40)
    step_id = models.CharField(max_length=40)
    started_at = models.DateTimeField()
    completed = models.BooleanField(default=True)
    completed_seconds = models.PositiveIntegerField(default=0)
    effort = models.PositiveSmallIntegerField(null=True, blank=True)
    feeling_after = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "started_at"], name="plan_session_once")
        ]

    def __str__(self) -> str:
        return f"{self.step_id} at {self.started_at:%Y-%m-%d %H:%M}"
