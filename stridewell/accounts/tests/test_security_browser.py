"""In real headless Chromium, signed in: the main pages run under the Content-Security-Policy
without a single violation (no inline script, style or handler slipped back in)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from stridewell.community import groups
from stridewell.community.stories import StoryInput, create_story
from stridewell.insights.tests.test_browser_insights import PHONE, signed_in
from stridewell.runs.imports import import_files
from stridewell.runs.models import Run, Visibility
from stridewell.runs.tests.test_browser import browser, pytestmark  # noqa: F401
from stridewell.steps.sessions import choose

FIT = "activities/fit/fitparse__activity-small-fenix2-run.fit"

# Collected in the page itself: Chromium reports every refusal as this event.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


def seed(shared_data: Any) -> tuple[Any, list[str]]:
    user = make_user("csp@example.org")
    import_files(user, [(shared_data / FIT, "run.fit")], processes=1)
    run = Run.objects.get(user=user)
    group = groups.create_group(user, "Canal Striders", description="Easy Sunday miles.")
    story = create_story(
        user, StoryInput(title="First 5k", body="I did it.", visibility=Visibility.PUBLIC)
    )
    choose(user, "small-steps", "week-1")
    paths = [
        "/runs/",
        f"/runs/{run.pk}/",
        "/checkins/new/",
        "/checkins/timeline/",
        "/insights/",
        "/insights/experiment/",
        "/insights/report/",
        "/feed/",
        "/together/",
        f"/groups/{group.slug}/",
        f"/stories/{story.pk}/",
        "/buddies/",
        "/import/",
        "/settings/",
        "/steps/session/",
        "/api/v1/docs",
    ]
    return user, paths


@pytest.mark.django_db(transaction=True)
def test_main_pages_raise_no_csp_violation(
    live_server: Any,
    browser: Any,  # noqa: F811
    settings: Any,
    shared_data: Any,
) -> None:
    settings.TILE_URL = "http://tiles.invalid/{z}/{x}/{y}.png"
    user, paths = seed(shared_data)
    page = signed_in(browser, live_server, user, PHONE)
    page.add_init_script(WATCH_CSP)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    problems: dict[str, list[str]] = {}
    for path in paths:
        console.clear()
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        if path.startswith("/runs/") and path != "/runs/":
            page.wait_for_selector("#run-map.drawn", timeout=15_000)
        if path == "/api/v1/docs":
            page.wait_for_selector(".swagger-ui .info", timeout=15_000)  # vendored, not a CDN
        if path == "/buddies/":
            # Was an inline onclick; now static/stridewell/app.js selects the link for copying.
            page.click("#invite-url")
            selected = (
                "(e => e.selectionEnd - e.selectionStart)(document.querySelector('#invite-url'))"
            )
            assert page.evaluate(selected) > 0
        if path == "/steps/session/":
            # The player's script ran: tapping a face marks it chosen.
            page.locator("[data-scale=before] button[data-value='1']").click()
            assert (
                page.locator("[data-scale=before] button[data-value='1']").get_attribute(
                    "aria-pressed"
                )
                == "true"
            )
        violations = page.evaluate("window.__csp") + [
            text for text in console if "Content Security Policy" in text or "page error" in text
        ]
        if violations:
            problems[path] = violations
    assert not problems, problems

    # The watch works: an injected inline script is refused, reported and never runs.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in page.evaluate("window.__csp"))
