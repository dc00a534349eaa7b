"""Forms for buddies and notification settings (the settings page uses the latter too)."""

from __future__ import annotations

from typing import Any

from django import forms

from stridewell.accounts.models import Profile
from stridewell.community.models import Kind
from stridewell.community.notifications import set_preferences


class BuddyRequestForm(forms.Form):
    handle = forms.CharField(
        label="Their handle",
        max_length=31,
        help_text="Ask them for it: it is on their page, like @sam.",
        widget=forms.TextInput(
            attrs={"placeholder": "@sam", "autocapitalize": "none", "autocomplete": "off"}
        ),
    )


class NotificationSettingsForm(forms.Form):
    """Ticked = I want this kind; the profile keeps the kinds left unticked."""

    kinds = forms.MultipleChoiceField(
        label="Tell me about",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    email_digest = forms.BooleanField(
        label="Also email me once a day about what I haven't read yet",
        required=False,
    )

    def __init__(self, *args: Any, profile: Profile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile
        off = set(profile.notifications_off or [])
        self.fields["kinds"].initial = [kind for kind in Kind.values if kind not in off]
        self.fields["email_digest"].initial = profile.email_digest

    def save(self) -> Profile:
        wanted = set(self.cleaned_data["kinds"])
        return set_preferences(
            self.profile,
            off=[kind for kind in Kind.values if kind not in wanted],
            email_digest=self.cleaned_data["email_digest"],
        )
