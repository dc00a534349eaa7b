from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from stridewell.community.models import Group
from stridewell.community.sharing import VISIBILITY_HELP, audience_ids, share_run
from stridewell.lib import units
from stridewell.runs.models import Run, Sport, Visibility
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
    """Run type and indoors are the person's to correct; "Automatic" hands them back.

    Who sees the run, and whether how they felt goes with it, is kept by
    :func:`stridewell.community.sharing.share_run` (as for ``PATCH /api/v1/runs/{id}``).
    """

    run_type = forms.ChoiceField(
        label="Run type",
        required=False,
        help_text="Worked out from pace, heart rate and the name. Choose one to keep your own.",
    )
    indoor = forms.BooleanField(label="Indoors (treadmill)", required=False)
    groups = forms.ModelMultipleChoiceField(
        label="Which of my groups",
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: all your groups.",
    )
    share_feeling = forms.BooleanField(
        label="Share how I felt on this run",
        required=False,
        help_text=(
            "Shows your before → after feeling for this run (like “neutral → good”) to "
            "whoever can see the run. Nothing else of your check-ins, ever."
        ),
    )
    field_order = [
        "name", "sport", "run_type", "indoor", "notes", "visibility", "groups", "share_feeling",
    ]  # fmt: skip

    class Meta:
        model = Run
        fields = ["name", "sport", "notes", "visibility"]
        labels = {"visibility": "Who sees this run"}
        widgets = {"notes": forms.Textarea(attrs={"rows": 4}), "visibility": forms.RadioSelect}

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
        self._sharing_fields(run)

    def _sharing_fields(self, run: Run) -> None:
        visibility = self.fields["visibility"]
        assert isinstance(visibility, forms.ChoiceField)
        visibility.choices = [
            (value, f"{label} — {VISIBILITY_HELP[Visibility(value)]}")
            for value, label in Visibility.choices
        ]
        groups = self.fields["groups"]
        assert isinstance(groups, forms.ModelMultipleChoiceField)
        groups.queryset = Group.objects.filter(memberships__user_id=run.user_id).order_by("name")
        groups.initial = audience_ids(run)
        self.fields["share_feeling"].initial = run.share_feeling

    def save(self, commit: bool = True) -> Run:
        run: Run = super().save(commit=False)
        run.correct(run_type=self.cleaned_data["run_type"], indoor=self.cleaned_data["indoor"])
        if commit:
            run.save()
            share_run(
                run,
                group_ids=[group.pk for group in self.cleaned_data["groups"]],
                share_feeling=self.cleaned_data["share_feeling"],
            )
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
