"""In real headless Chromium: a ten-year user's insights, experiment, week and report pages,
at phone and desktop sizes, with charts drawn and nothing wider than the phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from bench.bench_insights import seed_user
from conftest import make_user
from stridewell.runs.tests.test_browser import SCREENSHOTS, browser, pytestmark  # noqa: F401

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def signed_in(chromium: Any, live_server: Any, user: Any, viewport: dict[str, int]) -> Any:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = chromium.new_context(viewport=viewport)
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context.new_page()


@pytest.mark.django_db(transaction=True)
def test_insights_pages_on_a_phone_and_a_desktop(live_server, browser):  # noqa: F811
    user = make_user("decade@example.org")
    seed_user(user)
    SCREENSHOTS.mkdir(exist_ok=True)
    pages = (
        ("insights", "/insights/"), ("experiment", "/insights/experiment/"),
        ("week", "/insights/week/"), ("report", "/insights/report/"),
    )  # fmt: skip
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = signed_in(browser, live_server, user, viewport)
        for name, path in pages:
            page.goto(f"{live_server.url}{path}")
            page.screenshot(path=SCREENSHOTS / f"{name}-{size}.png", full_page=True)
            if size == "phone":
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        page.goto(f"{live_server.url}/insights/")
        cards = page.locator("article.insight")
        assert cards.count() == 12
        # Every answered card draws its chart, with the words for it beside it.
        answered = page.locator("article.insight-pattern, article.insight-no_clear_pattern")
        assert answered.count() >= 8
        assert page.locator("article svg[role=img]").count() == answered.count()
        assert page.locator("svg[role=img]").first.bounding_box()["width"] > 200
        page.context.close()
