"""Sign up, log in, password reset, two-factor, profile, tokens, places, deletion."""

import re
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from stridewell.accounts.models import ApiToken, PrivacyPlace, Profile
from stridewell.runs.imports import import_files
from stridewell.runs.models import Run


@pytest.mark.django_db
def test_sign_up_then_log_out_and_in():
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(email="new@example.org").exists()
    assert client.get("/runs/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/runs/").status_code == 302
    client.post(
        "/accounts/login/", {"login": "new@example.org", "password": "a long pass phrase 42"}
    )
    assert client.get("/runs/").status_code == 200


def test_password_reset_sends_a_mail_with_a_working_link(alice):
    client = Client()
    client.post("/accounts/password/reset/", {"email": alice.email})
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body
    ).group(1)
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"password1": "brand new pass 77", "password2": "brand new pass 77"},
    )
    alice.refresh_from_db()
    assert alice.check_password("brand new pass 77")


def current_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_totp_two_factor_can_be_turned_on_and_is_asked_at_login(alice):
    from allauth.mfa.models import Authenticator

    client = Client()
    client.post("/accounts/login/", {"login": alice.email, "password": "correct horse battery"})
    # Changing security settings asks for the password again first.
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    client.post(asked["Location"], {"password": "correct horse battery"})
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert Authenticator.objects.filter(user=alice, type="totp").exists()
    client.post("/accounts/logout/")
    response = client.post(
        "/accounts/login/", {"login": alice.email, "password": "correct horse battery"}
    )
    assert response["Location"].startswith("/accounts/2fa/authenticate")
    assert client.get("/runs/").status_code == 302  # not in yet
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert client.get("/runs/").status_code == 200


def test_profile_settings_save_and_timezone_is_used_for_dates(alice_client, alice):
    response = alice_client.post(
        "/settings/",
        {
            "display_name": "Al",
            "timezone": "Asia/Tokyo",
            "units": "mi",
            "max_hr": "185",
            "hide_numbers": "on",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=alice)
    assert (
        profile.display_name,
        profile.timezone,
        profile.units,
        profile.max_hr,
        profile.hide_numbers,
    ) == ("Al", "Asia/Tokyo", "mi", 185, True)
    Run.objects.create(user=alice, start="2024-01-05T23:30Z", elapsed_s=60)
    assert "Sat 6 Jan 2024, 08:30" in alice_client.get("/runs/").content.decode()


def test_unknown_timezone_is_refused(alice_client, alice):
    page = alice_client.post(
        "/settings/", {"timezone": "Mars/Olympus", "units": "km"}
    ).content.decode()
    assert "Select a valid choice" in page
    assert Profile.objects.for_user(alice).timezone == "UTC"


def test_tokens_made_listed_and_revoked_on_the_settings_page(alice_client, alice):
    page = alice_client.post("/settings/tokens/", {"name": "my script"}).content.decode()
    raw = re.search(r'<code id="new-token">(sw_[^<]+)</code>', page).group(1)
    token = ApiToken.objects.get(user=alice)
    assert token.name == "my script" and raw not in token.key_hash
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/runs").status_code == 200
    assert "my script" in alice_client.get("/settings/").content.decode()
    alice_client.post(f"/settings/tokens/{token.pk}/revoke/")
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/runs").status_code == 401


def test_cannot_revoke_someone_elses_token(alice_client, bob):
    token, _ = ApiToken.objects.issue(bob)
    assert alice_client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_privacy_place_default_radius_and_validation(alice_client, alice):
    alice_client.post(
        "/settings/places/", {"name": "Home", "lat": "46.05", "lon": "14.5", "radius_m": "300"}
    )
    assert PrivacyPlace.objects.get(user=alice).radius_m == 300
    page = alice_client.post(
        "/settings/places/", {"name": "Nowhere", "lat": "123", "lon": "0", "radius_m": "300"}
    ).content.decode()
    assert "Latitude must be between" in page


def test_delete_account_needs_the_password_and_removes_everything(
    alice_client, alice, shared_data, settings
):
    import_files(alice, [(shared_data / "activities/gpx/gpxpy__korita-zbevnica.gpx", "a.gpx")])
    original = Path(settings.MEDIA_ROOT) / Run.objects.get(user=alice).original_file
    assert original.exists()
    page = alice_client.post("/settings/delete/", {"password": "wrong"}).content.decode()
    assert "not your password" in page and Run.objects.filter(user=alice).exists()
    alice_client.post("/settings/delete/", {"password": "correct horse battery"})
    assert not get_user_model().objects.filter(pk=alice.pk).exists()
    assert not Run.objects.exists() and not original.exists()
