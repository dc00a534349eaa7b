"""In real headless Chromium: sign up, upload a FIT file, watch the progress finish,
open the run, see the map and the chart. Screenshots land in ./screenshots/."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connections

from conftest import SHARED_DATA

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
REQUIRED = os.getenv("STRIDEWELL_REQUIRE_BROWSER") == "1"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not REQUIRED,
        reason="Chromium is not installed (apt-get install chromium); CI installs it and never skips",
    ),
]

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield chromium
        chromium.close()
        # While Playwright's loop runs, Django keeps the test's database connections per
        # context, not per thread: close them here, or pytest-django's own closing misses
        # them and PostgreSQL cannot drop the test database at the end of the run.
        connections.close_all()


def run_worker_soon() -> threading.Thread:
    """The background worker, as `make run` starts it, picking up the queued import."""

    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    )

    def work() -> None:
        worker.run()  # not configure_signals(): that only works on the main thread

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_sign_up_upload_watch_progress_open_run(live_server, browser, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TILE_URL = "http://tiles.invalid/{z}/{x}/{y}.png"
    SCREENSHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))

    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=email]", "walker@example.org")
    page.fill("input[name=password1]", "a long pass phrase 42")
    page.fill("input[name=password2]", "a long pass phrase 42")
    page.click("form [type=submit]")
    page.wait_for_url("**/runs/")
    assert "No runs yet" in page.content()
    page.screenshot(path=SCREENSHOTS / "runs-empty-phone.png", full_page=True)

    page.goto(f"{live_server.url}/import/")
    page.set_input_files(
        "#files", str(SHARED_DATA / "activities/fit/fitparse__activity-small-fenix2-run.fit")
    )
    page.click("form.upload [type=submit]")
    page.wait_for_selector("#import-progress progress")
    page.screenshot(path=SCREENSHOTS / "import-waiting-phone.png", full_page=True)
    run_worker_soon()
    page.wait_for_selector("#import-progress[data-status=done]", timeout=30_000)
    assert page.locator("progress").get_attribute("value") == "100"
    page.screenshot(path=SCREENSHOTS / "import-done-phone.png", full_page=True)

    page.click(".result-table a")
    page.wait_for_selector("#run-map.drawn", timeout=15_000)
    page.wait_for_selector("#run-charts.drawn", timeout=15_000)
    assert page.locator("#run-map .leaflet-overlay-pane path").count() >= 1
    assert page.locator("#run-charts canvas").count() >= 1
    page.screenshot(path=SCREENSHOTS / "run-detail-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=SCREENSHOTS / "run-detail-desktop.png", full_page=True)

    # "I walked for 10 minutes": a tap, two keys and Save.
    page.goto(f"{live_server.url}/runs/new/")
    page.check("input[value=walking]")
    page.fill("input[name=duration]", "10")
    page.click("form.quick-entry [type=submit]")
    page.wait_for_selector("text=Saved. Every step counts.")
    assert "10:00" in page.content()

    # A check-in on a phone: "Check in" in the menu, then one tap on the scale.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/runs/")
    page.click("nav >> text=Check in")  # tap 1
    page.screenshot(path=SCREENSHOTS / "checkin-phone.png", full_page=True)
    page.click("button.feeling-3")  # tap 2: saved
    page.wait_for_selector("text=Saved.")
    page.goto(f"{live_server.url}/checkins/")
    assert "Good (+3)" in page.content()
    page.goto(f"{live_server.url}/checkins/timeline/")
    page.wait_for_selector("#feeling-timeline.drawn", timeout=15_000)
    assert page.locator("#feeling-timeline canvas").count() >= 1
    page.screenshot(path=SCREENSHOTS / "timeline-phone.png", full_page=True)
    page.goto(f"{live_server.url}/checkins/year/")
    page.screenshot(path=SCREENSHOTS / "year-phone.png", full_page=True)

    pages = (
        ("runs", "/runs/"), ("new-run", "/runs/new/"), ("import", "/import/"), ("settings", "/settings/"),
        ("checkins", "/checkins/"), ("help", "/help/"), ("questionnaires", "/questionnaires/"),
    )  # fmt: skip
    for name, path in pages:
        for size, viewport in (
            ("phone", {"width": 390, "height": 844}),
            ("desktop", {"width": 1280, "height": 900}),
        ):
            page.set_viewport_size(viewport)
            page.goto(f"{live_server.url}{path}")
            page.screenshot(path=SCREENSHOTS / f"{name}-{size}.png", full_page=True)
            # Nothing wider than a phone: no sideways scrolling at 390 px.
            if size == "phone":
                assert page.evaluate("document.documentElement.scrollWidth") <= 390, path

    live_host = urlparse(live_server.url).netloc
    assert hosts <= {live_host, "tiles.invalid"}, f"a page asked another host: {hosts}"
