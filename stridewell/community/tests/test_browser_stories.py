"""In real headless Chromium: write a story on a phone and read it; write one that mentions
self-harm — the author sees the help link at once, a buddy sees nothing until a moderator
approves it; cheer and comment with htmx. Screenshots of the stories list, a story and
the moderation queue at phone and desktop sizes land in ./screenshots/."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.test import Client

from conftest import make_user
from stridewell.community.models import Comment, Status, Story
from stridewell.community.stories import StoryInput, create_story
from stridewell.community.tests.story_fixtures import buddies, named
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


def fits_a_phone(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def write(page: Any, live_server: Any, title: str, body: str, visibility: str) -> None:
    page.goto(f"{live_server.url}/stories/new/")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=body]", body)
    page.fill("input[name=tags]", "parkrun, anxiety")
    page.check(f"input[name=visibility][value={visibility}]")
    page.click("form.story-form [type=submit]")
    page.wait_for_url("**/stories/*/")


@pytest.mark.django_db(transaction=True)
def test_stories_on_a_phone_held_story_and_moderation(live_server, browser):  # noqa: F811
    SCREENSHOTS.mkdir(exist_ok=True)
    alice = named(make_user("alice@example.org"), "Alice")
    bob = named(make_user("bob@example.org"), "Bob")
    mod = named(make_user("mod@example.org"), "Moderator")
    mod.is_staff = True
    mod.save()
    buddies(alice, bob)
    create_story(
        bob,
        StoryInput(
            title="The first mile back",
            body="After a long winter I walked **one mile**. Then two.\n\n> Small steps count.",
            visibility="buddies",
            tags=["walking"],
        ),
    )
    create_story(
        bob,
        StoryInput(
            title="Grief and the river path",
            body="My dad and I used to run by the river.",
            content_warning="mentions grief",
            visibility="buddies",
            anonymous=True,
        ),
    )

    # Alice writes a story on her phone and reads it back.
    page = signed_in(browser, live_server, alice, PHONE)
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page.goto(f"{live_server.url}/stories/new/")
    page.screenshot(path=SCREENSHOTS / "story-new-phone.png", full_page=True)
    assert fits_a_phone(page)
    write(page, live_server, "Why I run", "Running gave me my *mornings* back.", "buddies")
    assert page.locator(".story-body em").inner_text() == "mornings"
    assert page.get_by_text("Your story is saved").is_visible()
    assert fits_a_phone(page)

    # A story mentioning self-harm: held, and the help link is right there for Alice.
    write(
        page,
        live_server,
        "A harder year",
        "Last year I was self-harming. Walking with a friend helped me stop.",
        "buddies",
    )
    held = Story.objects.get(title="A harder year")
    assert held.status == Status.HELD
    notice = page.locator(".notice-held")
    assert notice.is_visible() and notice.locator("a[href='/help/']").is_visible()
    page.screenshot(path=SCREENSHOTS / "story-held-author-phone.png", full_page=True)

    # Bob, her buddy, sees the first story but not the held one.
    bob_page = signed_in(browser, live_server, bob, PHONE)
    bob_page.goto(f"{live_server.url}/stories/")
    assert bob_page.get_by_text("Why I run").is_visible()
    assert bob_page.get_by_text("A harder year").count() == 0
    response = bob_page.goto(f"{live_server.url}/stories/{held.pk}/")
    assert response is not None and response.status == 404

    # Bob cheers and comments on Alice's story without a page load (htmx).
    bob_page.goto(f"{live_server.url}/stories/")
    bob_page.click("text=Why I run")
    bob_page.click(".cheer-button")
    bob_page.wait_for_selector(".cheer-button.cheered")
    assert "1 cheer" in bob_page.locator(".cheer-total").inner_text()
    bob_page.fill(".comment-form textarea", "This made my day. **Well done.**")
    bob_page.click(".comment-form [type=submit]")
    bob_page.wait_for_selector(".comment-body strong")
    assert Comment.objects.get().author == bob
    assert fits_a_phone(bob_page)

    # Screenshots of the list and a story, phone and desktop (Bob's view).
    story = Story.objects.get(title="Why I run")
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        bob_page.set_viewport_size(viewport)
        bob_page.goto(f"{live_server.url}/stories/")
        bob_page.screenshot(path=SCREENSHOTS / f"stories-{size}.png", full_page=True)
        if size == "phone":
            assert fits_a_phone(bob_page)
        bob_page.goto(f"{live_server.url}/stories/{story.pk}/")
        bob_page.screenshot(path=SCREENSHOTS / f"story-{size}.png", full_page=True)
        if size == "phone":
            assert fits_a_phone(bob_page)

    # A content note keeps the story closed until Alice opens it; the author stays anonymous.
    alice_sees = page.context.new_page()
    grief = Story.objects.get(title="Grief and the river path")
    alice_sees.goto(f"{live_server.url}/stories/{grief.pk}/")
    assert not alice_sees.get_by_text("My dad and I used to run").is_visible()
    alice_sees.click("details.content-warning summary")
    assert alice_sees.get_by_text("My dad and I used to run").is_visible()
    assert "Anonymous" in alice_sees.locator(".story-byline").inner_text()
    assert "Bob" not in alice_sees.content()

    # The moderator reads the held story beside the guidance and approves it.
    mod_page = signed_in(browser, live_server, mod, DESKTOP)
    mod_page.goto(f"{live_server.url}/moderation/")
    item = mod_page.locator(f"#mod-story-{held.pk}")
    assert item.locator(".mod-guidance").is_visible()
    assert "No method details" in item.inner_text()
    mod_page.screenshot(path=SCREENSHOTS / "moderation-desktop.png", full_page=True)
    mod_page.set_viewport_size(PHONE)
    mod_page.screenshot(path=SCREENSHOTS / "moderation-phone.png", full_page=True)
    assert fits_a_phone(mod_page)
    item.locator("button[value=approve]").click()
    mod_page.wait_for_selector("text=Nothing waiting")

    bob_page.goto(f"{live_server.url}/stories/{held.pk}/")
    assert bob_page.get_by_text("Walking with a friend helped me stop").is_visible()
    mod_page.goto(f"{live_server.url}/moderation/log/")
    assert "Approved" in mod_page.content()

    live_host = urlparse(live_server.url).netloc
    assert hosts <= {live_host}, f"a page asked another host: {hosts}"
