"""The "I need help now" page: reachable from everywhere, local lines, and honest about monitoring."""

from django.test import Client

from stridewell.accounts.models import Profile


def test_reachable_signed_out_from_every_page(db):
    client = Client()
    assert 'href="/help/"' in client.get("/").content.decode()
    page = client.get("/help/").content.decode()
    assert "Nobody is watching this app" in page and "findahelpline" in page.lower()


def test_lines_follow_the_users_timezone(alice_client, alice):
    Profile.objects.filter(user=alice).update(timezone="Europe/London")
    page = alice_client.get("/help/").content.decode()
    assert "116 123" in page and "999" in page
    Profile.objects.filter(user=alice).update(timezone="Australia/Sydney")
    page = alice_client.get("/help/").content.decode()
    assert "13 11 14" in page and "000" in page
    assert 'href="/help/"' in alice_client.get("/runs/").content.decode()


def test_another_country_can_be_chosen(db):
    page = Client().get("/help/?country=us").content.decode()
    assert "988" in page and "911" in page


def test_operators_can_add_their_own_lines(db, settings, tmp_path):
    extra = tmp_path / "lines.json"
    extra.write_text(
        '{"DE": {"emergency": "112", "lines": [{"name": "TelefonSeelsorge", "phone": "0800 111 0 111", "hours": "24/7"}]}}'
    )
    settings.CRISIS_LINES_FILE = str(extra)
    page = Client().get("/help/?country=DE").content.decode()
    assert "TelefonSeelsorge" in page and "0800 111 0 111" in page
