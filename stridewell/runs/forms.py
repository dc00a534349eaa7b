from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from stridewell.lib import units
from stridewell.runs.models import Run, Sport
from stridewell.runs.run_types import RunType


class ManualRunForm(forms.Form):
    """Everything but sport and duration is optional: "I walked for 10 minutes" is a run."""

    sport = forms.ChoiceField(
        choices=Sport.choices, initial=Sport.RUNNING, widget=forms.RadioSelect
    )
    duration = forms.CharField(
        label="How long",
        help_text="Minutes (10), or h:mm:ss (1:05:00)",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "placeholder": "30", "autofocus": True}
        ),
    )
    start = forms.DateTimeField(
        label="When", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    distance = forms.FloatField(label="Distance", required=False, min_value=0)
    name = forms.CharField(max_length=200, required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, units_name: str = "km", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units_name = units_name
        self.fields["distance"].label = f"Distance ({units_name}, optional)"
        self.fields["start"].initial = (
            timezone.localtime().replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")
        )

    def clean_duration(self) -> float:
        seconds = units.parse_duration(self.cleaned_data["duration"])
        if not seconds:
            raise forms.ValidationError("Say how long, in minutes (10) or as h:mm:ss (1:05:00).")
        return seconds

    def clean_start(self) -> datetime:
        return self.cleaned_data.get("start") or timezone.now()

    def save(self, user: Any) -> Run:
        start: datetime = self.cleaned_data["start"]
        elapsed: float = self.cleaned_data["duration"]
        distance = self.cleaned_data.get("distance")
        return Run.objects.record_manual(
            user,
            start,
            elapsed,
            sport=self.cleaned_data["sport"],
            distance_m=distance * units.unit_metres(self.units_name) if distance else None,
            name=self.cleaned_data["name"],
            notes=self.cleaned_data["notes"],
        )


class RunEditForm(forms.ModelForm):
    """Run type and indoors are the person's to correct; "Automatic" hands them back."""

    run_type = forms.ChoiceField(
        label="Run type",
        required=False,
        help_text="Worked out from pace, heart rate and the name. Choose one to keep your own.",
    )
    indoor = forms.BooleanField(label="Indoors (treadmill)", required=False)
    field_order = ["name", "sport", "run_type", "indoor", "notes", "visibility"]

    class Meta:
        model = Run
        fields = ["name", "sport", "notes", "visibility"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        run: Run = self.instance
        automatic = run.automatic_run_type() if run.run_type_by_user else run.run_type
        currently = f"currently: {RunType(automatic).label}" if automatic else "none for this sport"
        choice = self.fields["run_type"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [("", f"Automatic ({currently})"), *RunType.choices]
        self.fields["run_type"].initial = run.run_type if run.run_type_by_user else ""
        self.fields["indoor"].initial = run.indoor

    def save(self, commit: bool = True) -> Run:
        run: Run = super().save(commit=False)
        run.correct(run_type=self.cleaned_data["run_type"], indoor=self.cleaned_data["indoor"])
        if commit:
            run.save()
        return run


class RunFilterForm(forms.Form):
    sport = forms.ChoiceField(choices=[("", "All sports"), *Sport.choices], required=False)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter(self, runs: Any) -> Any:
        if not self.is_valid():
            return runs
        data = self.cleaned_data
        if data["sport"]:
            runs = runs.filter(sport=data["sport"])
        return runs.on_days(data["since"], data["until"], timezone.get_current_timezone())
