from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms

from stridewell.runs.models import Run
from stridewell.wellbeing.models import AROUSAL_LABELS, CheckIn, Preferences

FEELING_CHOICES = [
    (-5, "Very bad"), (-4, ""), (-3, "Bad"), (-2, ""), (-1, "Fairly bad"), (0, "Neutral"),
    (1, "Fairly good"), (2, ""), (3, "Good"), (4, ""), (5, "Very good"),
]  # fmt: skip


class CheckInDetailsForm(forms.ModelForm):
    """The optional part, filled in after the feeling is saved (or when editing)."""

    tags = forms.CharField(required=False, help_text="Separate with commas: work, family, outdoors")
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Private note"
    )
    run = forms.ModelChoiceField(
        queryset=Run.objects.none(),
        required=False,
        label="The run it belongs to",
        empty_label="None",
    )

    class Meta:
        model = CheckIn
        fields = [
            "recorded_at",
            "kind",
            "feeling",
            "arousal",
            "stress",
            "sleep_hours",
            "sleep_quality",
        ]
        labels = {
            "recorded_at": "When",
            "arousal": "Energy (1 low … 6 high)",
            "stress": "Stress (0 … 10)",
            "sleep_hours": "Last night's sleep (hours)",
            "sleep_quality": "Sleep quality (1 … 5)",
        }
        widgets = {
            "recorded_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "feeling": forms.Select(choices=FEELING_CHOICES),
            "arousal": forms.Select(
                choices=[("", "—"), *[(i, AROUSAL_LABELS.get(i, str(i))) for i in range(1, 7)]]
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = ", ".join(tag.name for tag in self.instance.tags.all())
            self.initial["note"] = self.instance.note
            self.fields["run"].queryset = runs_near(self.instance)  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["tags"] = [t for t in data.pop("tags", "").split(",") if t.strip()]
        run = data.pop("run", None)
        data["run_id"] = run.pk if run else None
        return data


def runs_near(checkin: CheckIn) -> Any:
    """The owner's runs within a day of the check-in: the ones it can be linked to by hand."""
    day = timedelta(days=1)
    return (
        Run.objects.owned_by(checkin.user)
        .without_streams()
        .filter(start__gte=checkin.recorded_at - day, start__lte=checkin.recorded_at + day)
    )


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = [
            "ask_phq9_item9",
            "questionnaire_every_days",
            "remind_questionnaires",
            "checkin_reminder_at",
            "weekly_summary_email",
        ]
        labels = {
            "ask_phq9_item9": "Ask the PHQ-9's last question",
            "questionnaire_every_days": "Suggest a questionnaire every … days",
            "remind_questionnaires": "Remind me when one is due",
            "checkin_reminder_at": "Daily check-in reminder at",
            "weekly_summary_email": "Email me a summary of my week",
        }
        widgets = {"checkin_reminder_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
