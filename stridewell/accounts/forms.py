from __future__ import annotations

from typing import Any

from django import forms

from stridewell.accounts.models import PrivacyPlace, Profile, timezone_names
from stridewell.community.people import HandleError, clean_handle


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=[])
    handle = forms.CharField(
        label="Handle",
        max_length=31,
        required=False,
        help_text="How others find you, like @sam: letters, digits and underscores.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    tell_buddies_after_days = forms.IntegerField(
        label="Tell my buddies when I haven't been out for this many days",
        required=False,
        min_value=1,
        max_value=365,
        help_text=(
            "Leave empty to never tell them (the default). They're told only that you haven't "
            "been out for a run or walk — never anything about how you feel."
        ),
    )

    class Meta:
        model = Profile
        fields = [
            "display_name", "handle", "timezone", "units", "max_hr", "hide_numbers",
            "hide_numbers_from_others", "tell_buddies_after_days",
        ]  # fmt: skip
        labels = {
            "display_name": "Your name (as others see it)",
            "max_hr": "Maximum heart rate (for zones)",
            "hide_numbers": "Hide numbers",
            "hide_numbers_from_others": "Hide my numbers from others",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["timezone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, name) for name in timezone_names()]

    def clean_handle(self) -> str:
        wanted = self.cleaned_data["handle"]
        if not wanted.strip():  # left empty: keep the one we have
            return self.instance.handle or ""
        try:
            return clean_handle(wanted, self.instance)
        except HandleError as exc:
            raise forms.ValidationError(str(exc)) from None


class PrivacyPlaceForm(forms.ModelForm):
    class Meta:
        model = PrivacyPlace
        fields = ["name", "lat", "lon", "radius_m"]
        labels = {"lat": "Latitude", "lon": "Longitude", "radius_m": "Radius (metres)"}


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, required=False, label="What is it for?")


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label="Your password")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
