"""In real headless Chromium: cheering a buddy's run — Alice opens Bob's run from her feed
and presses Cheer, and Bob is told — plus the feed, buddies and person pages on a phone and
a desktop (./screenshots), with nothing wider than a 360 px phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.community import buddies
from stridewell.community.models import Buddyship, Cheer, Comment, Kind, Notification, Story
from stridewell.community.tests.people_helpers import befriend, group_of, person, run_of
from stridewell.insights.tests.test_browser_insights import DESKTOP, signed_in
from stridewell.runs.tests.test_browser import SCREENSHOTS, browser, pytestmark  # noqa: F401
from stridewell.wellbeing.models import CheckIn

NARROW = {"width": 360, "height": 780}


def seed():
    alice, bob, carol, dave = (person(n) for n in ("alice", "bob", "carol", "dave"))
    Profile.objects.filter(user=alice).update(display_name="Alice Moss")
    Profile.objects.filter(user=bob).update(display_name="Bob Reed")
    Profile.objects.filter(user=carol).update(
        display_name="Carol Nguyen", hide_numbers_from_others=True
    )
    befriend(alice, bob)
    group_of(alice, carol, name="Hackney Run and Talk")
    buddies.request(dave, handle="alice")
    now = timezone.now()
    long_run = run_of(
        bob, "buddies", name="Sunday long run by the canal", start=now - timedelta(hours=2),
        distance_m=14200, elapsed_s=5400, share_feeling=True,
    )  # fmt: skip
    for kind, feeling, minutes in (("before_run", -1, -10), ("after_run", 3, 95)):
        CheckIn.objects.create(
            user=bob, run=long_run, kind=kind, feeling=feeling,
            recorded_at=long_run.start + timedelta(minutes=minutes),
        )  # fmt: skip
    run_of(carol, "groups", name="Lunchtime walk", sport="walking", start=now - timedelta(hours=5),
           distance_m=3100, elapsed_s=2400)  # fmt: skip
    Story.objects.create(
        author=carol, visibility="groups", title="The winter I started walking again",
        body="I didn't want to leave the house. A friend asked me to walk round the park "
        "with her, once a week. Then twice. Slowly the days got lighter.",
    )  # fmt: skip
    Story.objects.create(
        author=bob, visibility="buddies", anonymous=True, title="What nobody saw",
        body="Some mornings the run was the only thing I did. It was enough.",
    )  # fmt: skip
    Comment.objects.create(author=carol, run=long_run, body="Lovely route!")
    run_of(alice, "buddies", name="Easy 5k", start=now - timedelta(days=1), distance_m=5000)
    return alice, bob, long_run


def no_sideways_scroll(page, path):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{path} is {width}px wide"


@pytest.mark.django_db(transaction=True)
def test_cheering_a_buddys_run_from_the_feed(live_server, browser):  # noqa: F811
    alice, bob, long_run = seed()
    SCREENSHOTS.mkdir(exist_ok=True)
    page = signed_in(browser, live_server, alice, NARROW)
    page.goto(f"{live_server.url}/feed/")
    feed_text = page.inner_text("main")
    assert "Sunday long run by the canal" in feed_text and "Anonymous" in feed_text
    assert "before: fairly bad (-1) → after: good (+3)" in feed_text
    assert "bob.secret@" not in page.content()
    page.get_by_role("link", name="Sunday long run by the canal").click()
    page.wait_for_url(f"**/runs/{long_run.pk}/")
    assert "Bob Reed" in page.inner_text("header.page-head")
    page.get_by_role("button", name="Cheer", exact=True).click()
    page.get_by_role("button", name="Cheered").wait_for()
    assert Cheer.objects.filter(user=alice, run=long_run).exists()
    note = Notification.objects.get(user=bob, kind=Kind.CHEER)
    assert "Alice Moss" in note.text and note.url == f"/runs/{long_run.pk}/"
    page.context.close()
    # Bob sees the bell's badge and the cheer.
    bob_page = signed_in(browser, live_server, bob, DESKTOP)
    bob_page.goto(f"{live_server.url}/runs/")
    bob_page.locator(".nav-badge").wait_for()
    assert bob_page.inner_text(".nav-badge").startswith("1")
    bob_page.goto(f"{live_server.url}/notifications/")
    assert "Alice Moss cheered your run" in bob_page.inner_text("main")
    bob_page.context.close()


@pytest.mark.django_db(transaction=True)
def test_people_pages_on_a_phone_and_a_desktop(live_server, browser):  # noqa: F811
    alice, bob, long_run = seed()
    assert Buddyship.objects.filter(status="pending").count() == 1
    SCREENSHOTS.mkdir(exist_ok=True)
    pages = (
        ("together", "/together/"), ("feed", "/feed/"), ("buddies", "/buddies/"),
        ("person", "/people/bob/"), ("notifications", "/notifications/"),
        ("buddys-run", f"/runs/{long_run.pk}/"),
    )  # fmt: skip
    for size, viewport in (("phone", NARROW), ("desktop", DESKTOP)):
        page = signed_in(browser, live_server, alice, viewport)
        for name, path in pages:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=SCREENSHOTS / f"people-{name}-{size}.png", full_page=True)
            if size == "phone":
                no_sideways_scroll(page, path)
        page.context.close()
    # Dark mode: the feed stays readable.
    page = signed_in(browser, live_server, alice, NARROW)
    page.emulate_media(color_scheme="dark")
    page.goto(f"{live_server.url}/feed/")
    page.screenshot(path=SCREENSHOTS / "people-feed-phone-dark.png", full_page=True)
    page.context.close()
    # The run page as a buddy sees it, and the edit page's sharing choices, on a phone.
    page = signed_in(browser, live_server, bob, NARROW)
    page.goto(f"{live_server.url}/runs/{long_run.pk}/edit/")
    page.screenshot(path=SCREENSHOTS / "people-run-sharing-phone.png", full_page=True)
    no_sideways_scroll(page, "edit")
    groups_box = page.locator("fieldset.sharing-groups")
    assert not groups_box.is_visible()  # only when "My groups" is chosen
    page.get_by_label("My groups", exact=False).first.check()
    assert groups_box.is_visible()
    page.context.close()
