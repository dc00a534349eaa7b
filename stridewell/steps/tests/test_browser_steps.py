"""In real headless Chromium: the Small steps pages fit a 360 px phone, and a desktop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from stridewell.insights.tests.test_browser_insights import DESKTOP, signed_in
from stridewell.runs.tests.test_browser import SCREENSHOTS, browser, pytestmark  # noqa: F401
from stridewell.steps.sessions import SessionData, choose, record_session

NARROW = {"width": 360, "height": 780}


@pytest.mark.django_db(transaction=True)
def test_small_steps_pages_on_a_phone_and_a_desktop(live_server, browser):  # noqa: F811
    user = make_user("steps@example.org")
    SCREENSHOTS.mkdir(exist_ok=True)
    page = signed_in(browser, live_server, user, NARROW)
    page.goto(f"{live_server.url}/steps/")
    page.get_by_text("I haven't been out much lately").click()
    page.screenshot(path=SCREENSHOTS / "steps-start-phone.png", full_page=True)
    page.get_by_role("button", name="Start here").click()
    page.get_by_role("heading", name="You're on: Shoes on, two minutes outside").wait_for()

    choose(user, "small-steps", "week-1")
    started = timezone.now() - timedelta(days=1)
    record_session(user, SessionData("week-1", started, 1800, True, 0, 3, 5, []))
    for name, viewport in (("phone", NARROW), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/steps/")
        page.get_by_role("heading", name="Your next step").wait_for()
        if name == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        page.screenshot(path=SCREENSHOTS / f"steps-overview-{name}.png", full_page=True)
    page.get_by_role("button", name="Stay on this step").click()
    page.get_by_text("Any choice is a good one").wait_for()
    page.context.close()
