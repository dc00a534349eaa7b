"""Notifications: the list, the unread badge, reading, choosing kinds, and the daily digest."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from stridewell.accounts.models import Profile
from stridewell.community import notifications
from stridewell.community.models import Kind, Notification
from stridewell.community.notify import notify
from stridewell.community.tests.people_helpers import api, body, login, person


@pytest.fixture
def sam(db):
    return person("sam")


@pytest.fixture
def kim(db):
    return person("kim")


def test_the_list_the_badge_and_reading(sam, kim):
    first = notify(sam, Kind.CHEER, "Kim cheered your run “Park loop”", "/runs/1/", kim)
    notify(sam, Kind.COMMENT, "Kim commented on your story", "/stories/2/", kim)
    client = login(sam)
    page = body(client.get("/notifications/"))
    assert "2 new." in page and "Kim cheered your run “Park loop”" in page
    assert "kim.secret@" not in page
    badge = body(client.get("/notifications/badge/"))
    assert ">2<" in badge and "unread" in badge
    response = client.get(f"/notifications/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == "/runs/1/"
    first.refresh_from_db()
    assert first.read_at is not None and notifications.unread_count(sam) == 1
    client.post("/notifications/read/")
    assert notifications.unread_count(sam) == 0
    assert "You're all caught up." in body(client.get("/notifications/"))
    assert body(client.get("/notifications/badge/")).strip() == ""


def test_the_nav_loads_the_badge_after_the_page(sam):
    page = body(login(sam).get("/runs/"))
    assert 'hx-get="/notifications/badge/"' in page and 'hx-trigger="load"' in page


def test_someone_elses_notification_is_not_found(sam, kim):
    theirs = notify(kim, Kind.CHEER, "for Kim", "/runs/1/", sam)
    assert login(sam).get(f"/notifications/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_link_that_leaves_the_site_is_not_followed(sam):
    odd = Notification.objects.create(user=sam, kind=Kind.GOAL, text="x", url="//evil.example/")
    response = login(sam).get(f"/notifications/{odd.pk}/")
    assert response["Location"] == "/notifications/"


def test_each_kind_can_be_turned_off_on_the_settings_page(sam, kim):
    client = login(sam)
    page = body(client.get("/settings/"))
    for _, label in Kind.choices:
        assert label in page
    wanted = [kind for kind in Kind.values if kind != Kind.CHEER]
    client.post(
        "/notifications/settings/",
        {"kinds": wanted, "email_digest": "on", "next": "/settings/#notifications"},
    )
    profile = Profile.objects.get(user=sam)
    assert profile.notifications_off == ["cheer"] and profile.email_digest
    assert notify(sam, Kind.CHEER, "Kim cheered", actor=kim) is None
    assert notify(sam, Kind.COMMENT, "Kim commented", actor=kim) is not None
    assert [n.kind for n in Notification.objects.filter(user=sam)] == ["comment"]


def test_the_settings_page_sends_you_back_where_you_were(sam):
    response = login(sam).post(
        "/notifications/settings/", {"kinds": ["cheer"], "next": "/settings/#notifications"}
    )
    assert response["Location"] == "/settings/#notifications"
    response = login(sam).post(
        "/notifications/settings/", {"kinds": ["cheer"], "next": "https://evil.example/"}
    )
    assert response["Location"] == "/notifications/settings/"


def test_notifications_through_the_api(sam, kim):
    for n in range(3):
        notify(sam, Kind.COMMENT, f"comment {n}", f"/stories/{n}/", kim)
    client = api(sam)
    data = client.get("/api/v1/notifications").json()
    assert data["count"] == 3 and data["unread"] == 3
    assert [i["text"] for i in data["items"]] == ["comment 2", "comment 1", "comment 0"]
    assert "actor" not in data["items"][0]
    first = data["items"][0]["id"]
    marked = client.post(
        "/api/v1/notifications/read", {"ids": [first]}, content_type="application/json"
    )
    assert marked.json() == {"marked": 1}
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 2
    assert client.post("/api/v1/notifications/read").json() == {"marked": 2}
    assert api(kim).get("/api/v1/notifications").json()["count"] == 0


def test_me_reads_and_writes_notification_choices(sam):
    client = api(sam)
    response = client.patch(
        "/api/v1/me", {"notifications_off": ["nudge", "quiet"]}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["notifications_off"] == [
        "nudge",
        "quiet",
    ]
    bad = client.patch(
        "/api/v1/me", {"notifications_off": ["gossip"]}, content_type="application/json"
    )
    assert bad.status_code == 422 and "not a kind of notification" in str(bad.json())


# --------------------------------------------------------------------------- #
# The daily digest
# --------------------------------------------------------------------------- #


@pytest.fixture
def digest_on(sam, kim, settings):
    settings.EMAIL_HOST = "smtp.example.org"
    Profile.objects.filter(user=sam).update(email_digest=True, timezone="Europe/London")
    return sam


def test_the_digest_is_mailed_once_a_day_from_the_morning(digest_on, kim):
    sam = digest_on
    with time_machine.travel("2026-06-01T05:00Z"):  # 06:00 in London
        notify(sam, Kind.CHEER, "Kim cheered your run “Park loop”", "/runs/7/", kim)
        notify(sam, Kind.NUDGE, "Kim is thinking of you: how are you doing?", "/buddies/", kim)
        assert notifications.send_digests() == 0
    with time_machine.travel("2026-06-01T07:05Z"):  # 08:05
        assert notifications.send_digests() == 1
        assert notifications.send_digests() == 0
    (sent,) = mail.outbox
    assert sent.to == ["sam.secret@example.org"] and sent.subject == "What's new on Stridewell"
    assert "Kim cheered your run “Park loop” — /runs/7/" in sent.body
    assert "Hello Sam" in sent.body and "kim.secret@" not in sent.body
    with time_machine.travel("2026-06-01T12:00Z"):  # later that day: waits for tomorrow
        notify(sam, Kind.COMMENT, "Kim commented on your story", "/stories/3/", kim)
        assert notifications.send_digests() == 0
    with time_machine.travel("2026-06-02T07:30Z"):
        assert notifications.send_digests() == 1
    assert "Kim commented on your story" in mail.outbox[1].body
    assert "Park loop" not in mail.outbox[1].body  # each notification is mailed once


def test_read_or_turned_off_notifications_are_not_mailed(digest_on, kim):
    sam = digest_on
    with time_machine.travel("2026-06-01T07:05Z"):
        notify(sam, Kind.CHEER, "read already", actor=kim)
        notifications.mark_read(sam)
        assert notifications.send_digests() == 0
        notify(sam, Kind.COMMENT, "a comment", actor=kim)
        Profile.objects.filter(user=sam).update(notifications_off=["comment"])
        assert notifications.send_digests() == 0
    assert mail.outbox == []


def test_no_digest_without_asking_or_without_email(digest_on, kim, settings):
    sam = digest_on
    with time_machine.travel("2026-06-01T07:05Z"):
        notify(sam, Kind.CHEER, "Kim cheered", actor=kim)
        settings.EMAIL_HOST = ""
        assert notifications.send_digests() == 0
        settings.EMAIL_HOST = "smtp.example.org"
        Profile.objects.filter(user=sam).update(email_digest=False)
        assert notifications.send_digests() == 0
        Profile.objects.filter(user=sam).update(email_digest=True)
        call_command("notification_digest")
    assert len(mail.outbox) == 1


def test_marking_read_refuses_a_body_that_is_not_ids(sam):
    client = api(sam)
    bad = client.post("/api/v1/notifications/read", "[1, 2", content_type="application/json")
    assert bad.status_code == 422
    odd = client.post("/api/v1/notifications/read", {"ids": "x"}, content_type="application/json")
    assert odd.status_code == 422
