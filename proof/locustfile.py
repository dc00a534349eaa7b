"""The load test's people (``make load``): each signs in through the real login form, then
does what people do here, in proportion: look at the feed and their runs, check in,
log a walk, upload a small GPX file, read their insights, a group page and a story.

``LOAD_USERS`` (how many seeded people there are, ``runner<n>@example.org``),
``LOAD_PASSWORD``, ``LOAD_WAIT`` ("min,max" seconds between two actions) and
``LOAD_MEASURE`` (seconds measured, ``LOAD_SETTLE`` seconds after everyone has signed
in) come from the environment; ``proof/load.sh`` sets them. FastHttpUser keeps locust's own CPU
small, which matters when it shares two cores with the server.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment

USERS = int(os.getenv("LOAD_USERS", "200"))
PASSWORD = os.getenv("LOAD_PASSWORD", "stride-load-2026")
WAIT = [float(x) for x in os.getenv("LOAD_WAIT", "0.5,2.0").split(",")]
GPX = Path(__file__).resolve().parent.parent.parent / "shared/data/activities/gpx"
GPX_FILE = Path(os.getenv("LOAD_GPX", GPX / "gpxpy__around-visnjan-with-car.gpx"))
GROUP_LINK = re.compile(r'href="/groups/([a-z0-9-]+)/"')
STORY_LINK = re.compile(r'href="/stories/(\d+)/"')
# Signing in hashes a password (hundreds of ms of CPU by design), once per person. The
# figures are for people already signed in: statistics start again once all are.
SIGN_INS: list[float] = []
FAILED_SIGN_INS: list[str] = []


def _to_sign_in(response: Any) -> bool:
    """Whether the app sent this person to the sign-in page (they are not signed in)."""
    return "/accounts/login/" in (response.headers.get("Location") or "")


MEASURE_S = float(os.getenv("LOAD_MEASURE", "60"))
SETTLE_S = float(os.getenv("LOAD_SETTLE", "15"))


def multipart(field: str, name: str, content: bytes, fields: dict[str, str]) -> tuple[bytes, str]:
    """A multipart/form-data body (FastHttpUser has no ``files=``)."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
        "Content-Type: application/gpx+xml\r\n\r\n"
    )
    body = b"".join(parts) + head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class SignedIn(FastHttpUser):
    """A seeded person, signed in through the login form; the kinds below say what they do."""

    abstract = True
    wait_time = between(WAIT[0], WAIT[1])
    gpx = GPX_FILE.read_bytes() if GPX_FILE.exists() else b""

    def on_start(self) -> None:
        self.number = random.randint(1, USERS)
        self.groups: list[str] = []
        self.stories: list[str] = []
        self.client.get("/accounts/login/", name="login form")
        email = f"runner{self.number}@example.org"
        form = {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()}
        began = time.perf_counter()
        with self.client.post(
            "/accounts/login/", data=form, name="login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or _to_sign_in(response):
                response.failure(f"login as {email}: {response.status_code}")
                FAILED_SIGN_INS.append(email)
        SIGN_INS.append(time.perf_counter() - began)
        self.everyone_signed_in()
        groups = self.page("/groups/", "groups list")
        self.groups = GROUP_LINK.findall(groups.text or "")[:5]
        stories = self.page("/stories/", "stories list")
        self.stories = STORY_LINK.findall(stories.text or "")[:10]

    def everyone_signed_in(self) -> None:
        runner = self.environment.runner
        if runner is not None and len(SIGN_INS) == runner.target_user_count:
            print(f"All {len(SIGN_INS)} signed in; settling for {SETTLE_S:.0f} s.", flush=True)
            gevent.spawn_later(SETTLE_S, self.measure)

    def measure(self) -> None:
        """Start the statistics again once the queue of sign-ins has drained."""
        self.environment.stats.reset_all()
        print(f"Measuring for {MEASURE_S:.0f} s.", flush=True)
        if self.environment.runner is not None:
            gevent.spawn_later(MEASURE_S, self.environment.runner.quit)

    def csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value or ""
        return ""

    def post(self, url: str, name: str, data: dict[str, Any]) -> None:
        """A form POST: success is the redirect a saved form answers with."""
        data = {**data, "csrfmiddlewaretoken": self.csrf()}
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or _to_sign_in(response):
                response.failure(f"{name}: {response.status_code}")

    def page(self, url: str, name: str) -> Any:
        """A page GET: only a 200 counts (a redirect to sign in is a signed-out person)."""
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{name}: {response.status_code}")
            return response


class Runner(SignedIn):
    """The mix: what people do here, in proportion."""

    @task(20)
    def feed(self) -> None:
        self.page("/feed/", "feed")

    @task(10)
    def runs(self) -> None:
        self.page("/runs/", "runs list")

    @task(10)
    def check_in(self) -> None:
        self.post("/checkins/new/", "check-in (POST)", {"feeling": random.randint(-3, 5)})

    @task(5)
    def manual_run(self) -> None:
        start = datetime.now(UTC) - timedelta(minutes=random.randint(60, 60 * 24 * 30))
        form = {
            "sport": random.choice(["running", "walking"]),
            "duration": str(random.randint(10, 70)),
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "distance": f"{random.uniform(1, 12):.2f}",
        }
        self.post("/runs/new/", "manual run (POST)", form)

    @task(2)
    def upload(self) -> None:
        if not self.gpx:
            return
        body, kind = multipart(
            "files", GPX_FILE.name, self.gpx, {"csrfmiddlewaretoken": self.csrf()}
        )
        with self.client.post(
            "/import/",
            data=body,  # type: ignore[arg-type]  # bytes go through as they are
            headers={"Content-Type": kind},
            name="GPX upload (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or _to_sign_in(response):
                response.failure(f"upload: {response.status_code}")

    @task(8)
    def insights(self) -> None:
        self.page("/insights/", "insights page")

    @task(10)
    def group(self) -> None:
        if self.groups:
            self.page(f"/groups/{random.choice(self.groups)}/", "group page")

    @task(10)
    def story(self) -> None:
        if self.stories:
            self.page(f"/stories/{random.choice(self.stories)}/", "story page")

    @task(5)
    def stories_list(self) -> None:
        self.page("/stories/", "stories list")


class LightestPage(SignedIn):
    """The same people signed in the same way, asking only for the lightest page there is
    (the one-tap check-in form: a session, a user and the page frame). What this machine
    serves of it is the ceiling for any mix (``LOAD_CLASS=LightestPage``)."""

    @task
    def check_in_form(self) -> None:
        self.page("/checkins/new/", "check-in form")


@events.quitting.add_listener
def _sign_in_summary(environment: Environment, **_: Any) -> None:
    if SIGN_INS:
        ordered = sorted(SIGN_INS)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"Sign-ins: {len(ordered)}, median {statistics.median(ordered) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms (before the measured period)",
            flush=True,
        )
    if FAILED_SIGN_INS:
        # Statistics are reset after the sign-ins, so say it here and fail the run.
        print(f"FAILED sign-ins: {len(FAILED_SIGN_INS)} people browsed signed out", flush=True)
        environment.process_exit_code = 1
