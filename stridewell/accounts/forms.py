from __future__ import annotations

from typing import Any

from django import forms

from stridewell.accounts.models import PrivacyPlace, Profile, timezone_names


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=[])

    class Meta:
        model = Profile
        fields = ["display_name", "timezone", "units", "max_hr", "hide_numbers"]
        labels = {"max_hr": "Maximum heart rate (for zones)", "hide_numbers": "Hide numbers"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["timezone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, name) for name in timezone_names()]


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
