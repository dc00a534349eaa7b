"""The Small steps pages: start where you like, choose the next step, welcome back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from html import unescape

import time_machine

from stridewell.steps.models import Progress
from stridewell.steps.sessions import SessionData, choose, record_session

NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


def test_start_page_offers_the_first_step(alice_client):
    page = unescape(alice_client.get("/steps/").content.decode())
    assert "I haven't been out much lately" in page
    assert 'href="/steps/"' in page  # the nav item


def test_not_been_out_much_starts_at_the_first_step(alice_client, alice):
    answer = alice_client.post("/steps/start/", {"plan": "small-steps", "where": "first"})
    assert answer.status_code == 302
    assert Progress.objects.get(user=alice).step_id == "outside-2"
    page = unescape(alice_client.get("/steps/").content.decode())
    assert "Shoes on, two minutes outside" in page
    assert "Stay on this step" in page


def test_other_starting_points_and_plans(alice_client, alice):
    alice_client.post("/steps/start/", {"plan": "small-steps", "where": "runs"})
    assert Progress.objects.get(user=alice).step_id == "week-1"
    alice_client.post("/steps/start/", {"plan": "after-injury"})
    assert Progress.objects.get(user=alice).step_id == "injury-walk-20"


def test_choose_any_step_of_the_plan(alice_client, alice):
    choose(alice, "small-steps", "week-1")
    alice_client.post("/steps/choose/", {"step": "week-2"})
    assert Progress.objects.get(user=alice).step_id == "week-2"
    alice_client.post("/steps/choose/", {"step": "walking-2"})  # another plan's: ignored
    assert Progress.objects.get(user=alice).step_id == "week-2"


@time_machine.travel(NOW)
def test_welcome_back_after_a_gap_with_a_step_back_offered(alice_client, alice):
    choose(alice, "small-steps", "week-4")
    old = NOW - timedelta(days=21)
    record_session(alice, SessionData("week-4", old, 1890, True, 1, 2, 5, []))
    page = unescape(alice_client.get("/steps/").content.decode())
    assert "Welcome back" in page
    assert "Step back to: Week 3" in page
    assert "reset" not in page.lower()


def test_session_page_renders_the_current_step(alice_client, alice):
    assert alice_client.get("/steps/session/").status_code == 302  # no plan yet
    choose(alice, "small-steps", "week-1")
    answer = alice_client.get("/steps/session/")
    assert answer.context["session"]["step"] == "week-1"
    assert json.loads(answer.context["session_json"])["total_seconds"] == 1800
    other = alice_client.get("/steps/session/?step=walk-5")
    assert other.context["session"]["intervals"] == [{"kind": "walk", "seconds": 300}]


def test_streak_is_hidden_unless_turned_on(alice_client, alice):
    choose(alice, "small-steps", "week-1")
    assert "in a row with a session" not in unescape(alice_client.get("/steps/").content.decode())
    alice_client.post("/steps/settings/", {"show_streak": "on"})
    assert "in a row with a session" in unescape(alice_client.get("/steps/").content.decode())


def test_pages_need_a_login(client):
    assert client.get("/steps/").status_code == 302
    assert client.get("/steps/session/").status_code == 302
