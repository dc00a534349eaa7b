"""In real headless Chromium: the session player walks a whole week-1 session on a fake
clock, speaks each cue, saves the run with its check-ins, and still opens offline."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from conftest import make_user
from stridewell.insights.tests.test_browser_insights import DESKTOP, PHONE, signed_in
from stridewell.runs.models import Run
from stridewell.runs.tests.test_browser import SCREENSHOTS, browser, pytestmark  # noqa: F401
from stridewell.steps.sessions import choose
from stridewell.wellbeing.models import CheckIn

# Speech is recorded, not spoken: the test checks what a runner would hear.
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = function (utterance) { window.__spoken.push(utterance.text); };
}
"""

MORNING = datetime(2026, 5, 4, 7, 30, tzinfo=UTC)
KIND_WORDS = {"warmup": "Warm-up walk", "walk": "Walk", "run": "Run", "cooldown": "Cool-down"}
SPOKEN = {"warmup": "Warm-up walk for", "walk": "Walk for", "run": "Run for", "cooldown": "Cool-down walk for"}  # fmt: skip


def duration_words(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute" + ("" if minutes == 1 else "s")
    return f"{seconds} seconds"


def expected_cues(intervals: list[dict[str, Any]]) -> list[list[str]]:
    """What the runner hears at the start of each interval, in order."""
    total = sum(interval["seconds"] for interval in intervals)
    last_run = max(i for i, interval in enumerate(intervals) if interval["kind"] == "run")
    cues, start, halfway_said = [], 0, False
    for i, interval in enumerate(intervals):
        heard = ["Last interval"] if i == last_run else []
        heard.append(f"{SPOKEN[interval['kind']]} {duration_words(interval['seconds'])}")
        if not halfway_said and start >= total / 2:
            heard.append("Halfway")
            halfway_said = True
        cues.append(heard)
        start += interval["seconds"]
    return cues


def player_page(chromium: Any, live_server: Any, user: Any, viewport: dict[str, int]) -> Any:
    page = signed_in(chromium, live_server, user, viewport)
    page.add_init_script(RECORD_SPEECH)
    return page


@pytest.mark.django_db(transaction=True)
def test_week_one_session_on_a_fake_clock(live_server, browser):  # noqa: F811
    user = make_user("runner@example.org")
    choose(user, "small-steps", "week-1")
    SCREENSHOTS.mkdir(exist_ok=True)
    page = player_page(browser, live_server, user, PHONE)
    page.clock.install(time=MORNING)
    page.goto(f"{live_server.url}/steps/session/")
    page.clock.pause_at(MORNING + timedelta(minutes=1))
    session = json.loads(page.locator("#session-data").text_content())
    intervals = session["intervals"]
    assert session["step"] == "week-1"
    assert [i["kind"] for i in intervals[:3]] == ["warmup", "run", "walk"]
    assert sum(i["seconds"] for i in intervals) == session["total_seconds"] == 1800
    page.get_by_role("heading", name="How do you feel right now?").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=SCREENSHOTS / "player-before-phone.png", full_page=True)

    page.locator("[data-scale=before] button[data-value='1']").click()
    page.get_by_role("button", name="Start whenever you're ready").click()
    heard_so_far = 0
    for interval, cues in zip(intervals, expected_cues(intervals), strict=True):
        instruction = page.locator("[data-role=instruction]")
        assert instruction.text_content() == KIND_WORDS[interval["kind"]]
        spoken = page.evaluate("window.__spoken")
        assert spoken[heard_so_far:] == cues, (interval, spoken)
        heard_so_far = len(spoken)
        if interval["kind"] == "run" and heard_so_far < 4:
            page.clock.run_for(20_000)
            assert page.locator("[data-role=interval-left]").text_content() == "0:40"
            assert page.locator("[data-role=next]").text_content() == "Walk for 90 seconds"
            page.screenshot(path=SCREENSHOTS / "player-running-phone.png", full_page=True)
            page.emulate_media(color_scheme="dark")
            page.screenshot(path=SCREENSHOTS / "player-running-phone-dark.png", full_page=True)
            page.emulate_media(color_scheme="light")
            page.clock.run_for((interval["seconds"] - 20) * 1000)
        else:
            page.clock.run_for(interval["seconds"] * 1000)

    assert page.evaluate("window.__spoken")[-1] == "Well done — that's the session"
    page.get_by_role("heading", name="Well done — that's the session.").wait_for()
    page.locator("[data-scale=after] button[data-value='3']").click()
    page.locator("[data-scale=effort] button[data-value='4']").click()
    page.screenshot(path=SCREENSHOTS / "player-after-phone.png", full_page=True)
    page.get_by_role("button", name="Save this session").click()
    link = page.get_by_role("link", name="See your run")
    link.wait_for()
    page.screenshot(path=SCREENSHOTS / "player-saved-phone.png", full_page=True)
    run_id = int(link.get_attribute("href").strip("/").split("/")[-1])

    answer = page.request.get(f"{live_server.url}/api/v1/runs/{run_id}").json()
    assert answer["source"] == "plan"
    assert answer["elapsed_s"] == 1800
    assert answer["perceived_exertion"] == 4
    run = Run.objects.get(pk=run_id, user=user)
    assert run.start == MORNING + timedelta(minutes=1)
    feelings = dict(CheckIn.objects.filter(run=run).values_list("kind", "feeling"))
    assert feelings == {"before_run": 1, "after_run": 3}
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_pause_and_stop_save_the_part_that_was_done(live_server, browser):  # noqa: F811
    user = make_user("pauser@example.org")
    choose(user, "small-steps", "week-1")
    page = player_page(browser, live_server, user, DESKTOP)
    page.clock.install(time=MORNING)
    page.goto(f"{live_server.url}/steps/session/")
    page.clock.pause_at(MORNING + timedelta(minutes=1))
    page.screenshot(path=SCREENSHOTS / "player-before-desktop.png", full_page=True)
    page.get_by_role("button", name="Start whenever you're ready").click()  # feeling skipped
    page.clock.run_for(310_000)
    page.screenshot(path=SCREENSHOTS / "player-running-desktop.png", full_page=True)
    page.get_by_role("button", name="Pause").click()
    page.clock.run_for(600_000)  # a long pause does not count
    assert page.locator("[data-role=instruction]").text_content() == "Run"
    page.get_by_role("button", name="Resume").click()
    page.clock.run_for(20_000)
    page.get_by_role("button", name="Stop here").click()
    page.get_by_role("heading", name="Stopping is fine. Every bit counts.").wait_for()
    page.screenshot(path=SCREENSHOTS / "player-after-desktop.png", full_page=True)
    page.get_by_role("button", name="Save this session").click()
    page.get_by_role("link", name="See your run").wait_for()

    run = Run.objects.get(user=user)
    assert run.elapsed_s == 330
    assert run.checkins.count() == 0
    assert [(lap["kind"], lap["elapsed_s"]) for lap in run.laps] == [("warmup", 300), ("run", 30)]
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_single_walk_gets_its_halfway_cue(live_server, browser):  # noqa: F811
    user = make_user("walker@example.org")
    page = player_page(browser, live_server, user, PHONE)
    page.clock.install(time=MORNING)
    page.goto(f"{live_server.url}/steps/session/?step=walk-5")
    page.clock.pause_at(MORNING + timedelta(minutes=1))
    page.get_by_role("button", name="Start whenever you're ready").click()
    assert page.locator("[data-role=next]").text_content() == "That's the last one"
    page.clock.run_for(150_000)
    assert page.evaluate("window.__spoken") == ["Walk for 5 minutes", "Halfway"]
    page.clock.run_for(150_000)
    assert page.evaluate("window.__spoken")[-1] == "Well done — that's the session"
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_player_opens_offline_after_the_first_visit(live_server, browser):  # noqa: F811
    user = make_user("offline@example.org")
    choose(user, "small-steps", "week-1")
    page = player_page(browser, live_server, user, PHONE)
    page.goto(f"{live_server.url}/steps/session/")
    page.evaluate(
        """async () => {
          await navigator.serviceWorker.ready;
          if (!navigator.serviceWorker.controller) {
            await new Promise((done) => navigator.serviceWorker.addEventListener("controllerchange", done));
          }
        }"""
    )
    page.context.set_offline(True)
    page.reload()
    page.get_by_role("heading", name="How do you feel right now?").wait_for()
    assert page.locator("[data-role=instruction]").text_content() == "Warm-up walk"
    assert page.evaluate("typeof window.stridewellPlayer") == "object"  # player.js from the cache

    # A session finished offline waits on the phone and is saved once back online.
    page.get_by_role("button", name="Start whenever you're ready").click()
    page.get_by_role("button", name="Stop here").click()
    page.get_by_role("button", name="Save this session").click()
    page.get_by_text("so this session waits safely on your phone").wait_for()
    assert Run.objects.filter(user=user).count() == 0
    page.context.set_offline(False)
    page.get_by_text("The session you did offline is saved now.").wait_for()
    assert Run.objects.filter(user=user, source="plan").count() == 1
    page.context.close()
