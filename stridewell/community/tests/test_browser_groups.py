"""In real headless Chromium: join an invite-only group with its code on a phone, RSVP to a
group run, and look at the group and event pages on a phone and a desktop (./screenshots)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from stridewell.community import events, goals, groups
from stridewell.community.models import Rsvp
from stridewell.community.tests.group_helpers import person
from stridewell.insights.tests.test_browser_insights import DESKTOP, PHONE, signed_in
from stridewell.runs.models import Run
from stridewell.runs.tests.test_browser import SCREENSHOTS, browser, pytestmark  # noqa: F401


def seed():
    alice = person("alice@example.org", "Alice Moss", "alice")
    bob = person("bob@example.org", "Bob Reed", "bobr", tz="America/New_York")
    circle = groups.create_group(
        alice,
        "Hackney Run and Talk",
        invite_only=True,
        description="A gentle weekly run where talking is the point. Walkers welcome, nobody is left behind.",
        timezone="Europe/London",
    )
    for n, name in enumerate(["Sam Okafor", "Priya Shah", "Tom Walsh"]):
        friend = person(f"f{n}@example.org", name, f"friend{n}")
        groups.join(friend, circle, circle.invite_code)
    today = timezone.localdate(timezone=circle.tzinfo)
    events.create_group_run(
        alice,
        circle,
        title="Saturday run and talk",
        place="Victoria Park, by the boating lake café",
        first_date=today + timedelta(days=2),
        local_time=time(9, 0),
        weekly=True,
        distance_m=5000,
        capacity=20,
    )
    goal = goals.create_goal(
        alice,
        group=circle,
        title="300 km together this month",
        metric="distance",
        target=300,
        starts_on=today.replace(day=1),
        ends_on=today.replace(day=1) + timedelta(days=30),
    )
    Run.objects.create(
        user=alice, start=timezone.now() - timedelta(hours=1), elapsed_s=3000, distance_m=9000
    )
    goals.set_counting(alice, goal)
    return alice, bob, circle


@pytest.mark.django_db(transaction=True)
def test_join_with_a_code_and_rsvp_on_a_phone_then_both_sizes(live_server, browser):  # noqa: F811
    alice, bob, circle = seed()
    SCREENSHOTS.mkdir(exist_ok=True)
    page = signed_in(browser, live_server, bob, PHONE)
    page.goto(f"{live_server.url}/groups/")
    assert "Hackney" not in page.content()  # invite-only: not listed
    page.screenshot(path=SCREENSHOTS / "groups-list-phone.png", full_page=True)
    page.get_by_role("textbox", name="Invite code").fill(circle.invite_code)
    page.get_by_role("button", name="Join", exact=True).click()
    page.wait_for_url(f"**/groups/{circle.slug}/")
    assert page.get_by_role("heading", name="Hackney Run and Talk").is_visible()
    assert page.get_by_text("Welcome to Hackney Run and Talk!").is_visible()
    page.get_by_role("link", name="Saturday run and talk").first.click()
    page.wait_for_url("**/events/*/")
    assert page.get_by_text("your time (America/New York)").is_visible()
    page.get_by_role("button", name="I'm coming").click()
    page.get_by_text("You're going.").wait_for()
    assert "1 going" in page.locator("#rsvp").inner_text()
    assert Rsvp.objects.filter(user=bob).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()

    pages = (("group", f"/groups/{circle.slug}/"), ("event", page.url.split(live_server.url)[-1]))
    for who, user in (("member", bob), ("organiser", alice)):
        for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            view = signed_in(browser, live_server, user, viewport)
            for name, path in pages:
                view.goto(f"{live_server.url}{path}")
                view.screenshot(path=SCREENSHOTS / f"{name}-{who}-{size}.png", full_page=True)
                if size == "phone":
                    width = view.evaluate("document.documentElement.scrollWidth")
                    assert width <= PHONE["width"], (who, path)
                assert "example.org" not in view.content()
            view.context.close()
    # Dark mode keeps the palette's contrast (a screenshot to look at).
    view = signed_in(browser, live_server, bob, PHONE)
    view.emulate_media(color_scheme="dark")
    for name, path in pages:
        view.goto(f"{live_server.url}{path}")
        view.screenshot(path=SCREENSHOTS / f"{name}-member-phone-dark.png", full_page=True)
    view.context.close()
