"""How a person feels: check-ins with the Feeling Scale, and their tags.

Wellbeing data is private, always: nothing here is ever shown to another user.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from stridewell.wellbeing.notes import cipher

# The Feeling Scale (Hardy & Rejeski 1989): −5 very bad … +5 very good, labels on the odd points.
FEELING_LABELS = {
    -5: "Very bad",
    -3: "Bad",
    -1: "Fairly bad",
    0: "Neutral",
    1: "Fairly good",
    3: "Good",
    5: "Very good",
}
# The Felt Arousal Scale (Svebak & Murgatroyd 1985): 1 low … 6 high energy.
AROUSAL_LABELS = {1: "Low energy", 6: "High energy"}
TAG_SUGGESTIONS = ("work", "family", "sleep", "weather", "outdoors", "with others", "alone")


def _between(low: int, high: int) -> list[Any]:
    return [MinValueValidator(low), MaxValueValidator(high)]


class Kind(models.TextChoices):
    DAILY = "daily", "Daily"
    BEFORE_RUN = "before_run", "Before a run"
    AFTER_RUN = "after_run", "After a run"


class Tag(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="tag_unique_per_user")]

    def __str__(self) -> str:
        return self.name


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def owned_by(self, user: Any) -> CheckInQuerySet:
        return self.filter(user_id=user.pk)


class CheckIn(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    recorded_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DAILY)
    feeling = models.SmallIntegerField(validators=_between(-5, 5))
    arousal = models.PositiveSmallIntegerField(null=True, blank=True, validators=_between(1, 6))
    stress = models.PositiveSmallIntegerField(null=True, blank=True, validators=_between(0, 10))
    sleep_hours = models.FloatField(null=True, blank=True, validators=_between(0, 24))
    sleep_quality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_between(1, 5)
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="checkins")
    # The private note, encrypted at rest: the database only ever holds ciphertext.
    note_ciphertext = models.TextField(blank=True)
    run = models.ForeignKey(
        "runs.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["user", "-recorded_at"], name="checkin_user_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(feeling__gte=-5, feeling__lte=5), name="checkin_feeling_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} check-in {self.recorded_at:%Y-%m-%d %H:%M}"

    @property
    def note(self) -> str:
        return cipher().decrypt(self.note_ciphertext) if self.note_ciphertext else ""

    @note.setter
    def note(self, text: str) -> None:
        self.note_ciphertext = cipher().encrypt(text or "")

    def as_dict(self, tz: tzinfo) -> dict[str, Any]:
        """The check-in's own values, time in ``tz``: shared by the API and the export."""
        return {
            "recorded_at": self.recorded_at.astimezone(tz).isoformat(),
            "kind": self.kind,
            "feeling": self.feeling,
            "arousal": self.arousal,
            "stress": self.stress,
            "sleep_hours": self.sleep_hours,
            "sleep_quality": self.sleep_quality,
            "tags": [tag.name for tag in self.tags.all()],
            "note": self.note,
        }

    @property
    def feeling_label(self) -> str:
        return FEELING_LABELS.get(self.feeling, f"{self.feeling:+d}")

    def set_tags(self, names: list[str]) -> None:
        """Tags by name, made for the user the first time they are used."""
        clean = sorted({name.strip().lower()[:40] for name in names if name.strip()})
        tags = [Tag.objects.get_or_create(user_id=self.user_id, name=name)[0] for name in clean]
        self.tags.set(tags)


class Preferences(models.Model):
    """A person's wellbeing choices. PHQ-9 item 9 is asked only when they turn it on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing"
    )
    ask_phq9_item9 = models.BooleanField(
        default=False,
        help_text="Ask the PHQ-9's last question (thoughts of self-harm). Any answer above "
        "“not at all” opens the page with crisis lines; nobody else is told.",
    )
    questionnaire_every_days = models.PositiveSmallIntegerField(
        null=True, blank=True, default=14, help_text="Empty to turn the schedule off."
    )
    checkin_reminder_at = models.TimeField(
        null=True,
        blank=True,
        help_text="A gentle daily nudge at this time (your timezone); empty for none.",
    )
    remind_questionnaires = models.BooleanField(
        default=False, help_text="Tell me when a questionnaire is due on my schedule."
    )
    checkin_reminded_on = models.DateField(null=True, blank=True)
    questionnaire_reminded_on = models.DateField(null=True, blank=True)
    weekly_summary_email = models.BooleanField(
        default=False,
        help_text="A short summary of your week, mailed on Monday morning (where this server "
        "can send email). It is always on the Insights page too.",
    )
    weekly_summary_sent_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"wellbeing preferences of {self.user_id}"

    @classmethod
    def for_user(cls, user: Any) -> Preferences:
        return cls.objects.get_or_create(user_id=user.pk)[0]


class ResponseQuerySet(models.QuerySet["Response"]):
    def owned_by(self, user: Any) -> ResponseQuerySet:
        return self.filter(user_id=user.pk)


class Response(models.Model):
    """One completed questionnaire: never stored unless every item was answered."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responses"
    )
    instrument = models.CharField(max_length=10)
    answers = models.JSONField()
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=40)
    crisis = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(db_index=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.instrument} {self.score} ({self.recorded_at:%Y-%m-%d})"


class SafetyPlan(models.Model):
    """A person's own safety plan, after the Safety Planning Intervention.

    Stanley, B. & Brown, G. K. (2012). Safety Planning Intervention: A brief intervention
    to mitigate suicide risk. Cognitive and Behavioral Practice, 19(2), 256–264.

    Every section and the trusted contact live in one encrypted JSON token (see
    ``stridewell.wellbeing.safety``): the database never holds the words, nor which
    sections were filled in. Only its owner ever sees it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_plan"
    )
    content_ciphertext = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"safety plan of {self.user_id}"
