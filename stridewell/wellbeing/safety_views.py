"""The safety plan page: only ever the requester's own plan. The work is in safety.py."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import RegexValidator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from stridewell.lib.crypto import NoteDecryptError
from stridewell.lib.http import AuthedRequest
from stridewell.wellbeing import safety

log = logging.getLogger(__name__)
SECTION_MAX_CHARS = 4000


class SafetyPlanForm(forms.Form):
    """Every part is optional: a plan with one section written is still a plan."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in safety.SECTIONS:
            self.fields[section.key] = forms.CharField(
                label=section.title + (" (optional)" if section.optional else ""),
                help_text=section.prompt,
                required=False,
                max_length=SECTION_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.fields["trusted_name"] = forms.CharField(label="Name", required=False, max_length=100)
        self.fields["trusted_phone"] = forms.CharField(
            label="Phone",
            required=False,
            max_length=40,
            validators=[
                RegexValidator(
                    r"^\+?[0-9][0-9 ().-]{2,}$",
                    "A phone number, please: digits, spaces and a leading + are fine.",
                )
            ],
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        )

    def section_fields(self) -> list[forms.BoundField]:
        return [self[section.key] for section in safety.SECTIONS]


def _initial(request: AuthedRequest) -> dict[str, str]:
    plan = safety.plan_for(request.user)
    if plan is None:
        return {}
    try:
        contents = safety.contents_of(plan)
    except NoteDecryptError:
        log.warning("Safety plan %s could not be decrypted", plan.pk)
        messages.warning(
            request,
            "Your saved plan could not be opened with the current key. "
            "Saving here writes a new one in its place.",
        )
        return {}
    contact = {"trusted_name": contents.trusted_name, "trusted_phone": contents.trusted_phone}
    return {**contents.sections, **contact}


@never_cache
@login_required
def safety_plan(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        form = SafetyPlanForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            sections = {section.key: data[section.key] for section in safety.SECTIONS}
            safety.save_plan(request.user, sections, data["trusted_name"], data["trusted_phone"])
            messages.success(
                request, "Saved. Your plan is here, and on the help page, when you need it."
            )
            return redirect("safety:plan")
    else:
        form = SafetyPlanForm(initial=_initial(request))
    return render(request, "wellbeing/safety_plan.html", {"form": form})
