"""Forms for starting a group, planning a group run and setting a goal (labels and checks only)."""

from __future__ import annotations

from typing import Any

from django import forms

from stridewell.accounts.models import timezone_names
from stridewell.community.models import Metric


def _timezones() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in timezone_names()]


class GroupForm(forms.Form):
    name = forms.CharField(max_length=100, label="Group name")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who it's for, where you meet, what to expect.",
    )
    invite_only = forms.BooleanField(
        required=False,
        label="Invite only",
        help_text="Only people with the invite code or link can see and join the group.",
    )
    timezone = forms.ChoiceField(choices=_timezones, label="The group's timezone")
    support_resources = forms.CharField(
        required=False,
        label="Support resources",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For your mental health champions: local services and how to signpost help.",
    )


class GroupRunForm(forms.Form):
    title = forms.CharField(max_length=120, label="Name", initial="Run and talk")
    place = forms.CharField(max_length=200, label="Where to meet")
    first_date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    local_time = forms.TimeField(
        label="Start time (the group's time)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    weekly = forms.BooleanField(required=False, label="Every week on this day")
    until = forms.DateField(
        required=False,
        label="Last date (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    distance_km = forms.FloatField(
        required=False, min_value=0.1, max_value=500, label="Distance in km (optional)"
    )
    duration_min = forms.IntegerField(
        required=False, min_value=1, max_value=1440, label="Or how long, in minutes (optional)"
    )
    pace_promise = forms.CharField(
        max_length=200,
        initial="Nobody gets left behind: we loop back for everyone.",
        label="Pace promise",
    )
    walkers_welcome = forms.BooleanField(required=False, initial=True, label="Walkers welcome")
    capacity = forms.IntegerField(
        required=False, min_value=1, max_value=10000, label="Places (leave empty for no limit)"
    )
    results_enabled = forms.BooleanField(
        required=False,
        label="Show results",
        help_text="Times and positions are shown only for runners who agree to it.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def fields_for_model(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        km = data.pop("distance_km")
        data["distance_m"] = km * 1000 if km else None
        return data


class GoalForm(forms.Form):
    title = forms.CharField(
        max_length=120, required=False, label="Name", help_text="For example “500 km in March”."
    )
    metric = forms.ChoiceField(
        choices=[
            (Metric.DISTANCE, "Distance (km)"),
            (Metric.MINUTES, "Minutes of moving"),
            (Metric.SESSIONS, "Sessions (runs and walks)"),
        ],
        label="What we count",
    )
    target = forms.FloatField(min_value=0.1, label="Target")
    starts_on = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
