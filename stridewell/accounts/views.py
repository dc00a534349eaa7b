"""Settings: profile, API tokens, privacy places, export and account deletion."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from stridewell.accounts.deletion import delete_account
from stridewell.accounts.export import write_export
from stridewell.accounts.forms import DeleteAccountForm, PrivacyPlaceForm, ProfileForm, TokenForm
from stridewell.accounts.models import ApiToken, PrivacyPlace, Profile
from stridewell.community.forms_people import NotificationSettingsForm
from stridewell.lib.http import AuthedRequest


def _page(request: AuthedRequest, **overrides: object) -> HttpResponse:
    profile = Profile.objects.for_request(request)
    context = {
        "profile_form": ProfileForm(instance=profile),
        "notification_form": NotificationSettingsForm(profile=profile),
        "email_configured": bool(settings.EMAIL_HOST),
        "place_form": PrivacyPlaceForm(),
        "token_form": TokenForm(),
        "delete_form": DeleteAccountForm(user=request.user),
        "tokens": ApiToken.objects.filter(user_id=request.user.pk),
        "places": PrivacyPlace.objects.filter(user_id=request.user.pk),
        **overrides,
    }
    return render(request, "accounts/settings.html", context)


@login_required
def settings_page(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    # A fresh instance: a half-valid form must not change the profile this request renders with.
    form = ProfileForm(request.POST, instance=Profile.objects.for_user(request.user))
    if not form.is_valid():
        return _page(request, profile_form=form)
    form.save()
    messages.success(request, "Your settings are saved.")
    return redirect("settings")


@login_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    form.is_valid()
    _, raw = ApiToken.objects.issue(request.user, form.cleaned_data.get("name", ""))
    return _page(request, new_token=raw)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    get_object_or_404(ApiToken, pk=token_id, user_id=request.user.pk).delete()
    messages.success(request, "The token is revoked; anything using it is locked out.")
    return redirect("settings")


@login_required
@require_POST
def place_add(request: AuthedRequest) -> HttpResponse:
    form = PrivacyPlaceForm(request.POST, instance=PrivacyPlace(user=request.user))
    if not form.is_valid():
        return _page(request, place_form=form)
    form.save()
    messages.success(request, "Privacy place added: nobody else will see your tracks there.")
    return redirect("settings")


@login_required
@require_POST
def place_delete(request: AuthedRequest, place_id: int) -> HttpResponse:
    get_object_or_404(PrivacyPlace, pk=place_id, user_id=request.user.pk).delete()
    return redirect("settings")


@login_required
@require_POST
def export(request: AuthedRequest) -> FileResponse:
    buffer = io.BytesIO()
    write_export(request.user, buffer)
    buffer.seek(0)
    filename = f"stridewell-export-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(
        buffer, as_attachment=True, filename=filename, content_type="application/zip"
    )


@login_required
@require_POST
def delete(request: AuthedRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, delete_form=form)
    user = request.user
    logout(request)
    delete_account(user)
    messages.success(request, "Your account and everything in it are gone. Take care.")
    return redirect("home")
