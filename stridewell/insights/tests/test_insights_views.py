"""Insights through the page, the API and the CLI: the same answers, only ever one's own."""

import io
import json

import numpy as np
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from stridewell.accounts.models import ApiToken
from stridewell.runs.models import Run
from stridewell.wellbeing.models import CheckIn


def give_data(user, effect=1.5, days=160, seed=3):
    rng = np.random.default_rng(seed)
    ran = rng.random(days) < 0.4
    checkins, runs = [], []
    for day in range(days):
        when = np.datetime64("2026-01-01T18:00") + np.timedelta64(day, "D")
        feeling = int(np.clip(round(rng.normal(0, 1.5) + effect * ran[day]), -5, 5))
        checkins.append(CheckIn(user=user, recorded_at=f"{when}Z", feeling=feeling))
        if ran[day]:
            runs.append(
                Run(
                    user=user,
                    start=f"{when - np.timedelta64(2, 'h')}Z",
                    elapsed_s=1800,
                    sport="running",
                )
            )
    CheckIn.objects.bulk_create(checkins)
    Run.objects.bulk_create(runs)


def test_page_api_and_cli_agree(alice, alice_client, alice_token):
    give_data(alice)
    api = Client(headers={"Authorization": f"Bearer {alice_token}"}).get("/api/v1/insights").json()
    ids = [q["id"] for q in api["questions"]]
    assert ids[:4] == ["run_vs_rest", "before_after", "day_after", "mood_to_running"]
    first = api["questions"][0]
    assert first["verdict"] == "pattern" and first["ci_low"] < first["effect"] < first["ci_high"]
    assert {"question", "n", "unit", "sentence"} <= set(first)
    out = io.StringIO()
    call_command("insights", "--user", alice.email, "--json", stdout=out)
    assert json.loads(out.getvalue()) == api
    page = alice_client.get("/insights/").content.decode()
    assert "A pattern" in page and "not proof" in page and "Not enough data yet" in page


def test_nothing_yet_guides_kindly(alice_client):
    page = alice_client.get("/insights/").content.decode()
    assert page.count('class="verdict">Not enough data yet') == 12 and "would help" in page


def test_someone_elses_data_never_shows(alice, bob):
    give_data(alice)
    _, token = ApiToken.objects.issue(bob)
    body = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/insights").json()
    assert {q["verdict"] for q in body["questions"]} == {"not_enough_data"}
    assert Client().get("/api/v1/insights").status_code == 401


def test_cards_carry_charts_and_the_year_of_feeling(alice, alice_client):
    give_data(alice)
    page = alice_client.get("/insights/").content.decode()
    assert "How you have felt over the last year" in page
    # The overview plus every answered question has an SVG with a text description.
    answered = page.count('class="verdict">A pattern') + page.count('class="verdict">No clear')
    assert page.count('class="insight-chart"') == 1 + answered >= 3
    assert page.count("The chart in words") == 1 + answered


def insight_sentences(client):
    return client.get("/insights/").context["cards"]


def reads_runs(client) -> bool:
    """Whether a page view loaded the runs themselves (not just the cache fingerprint)."""
    with CaptureQueriesContext(connection) as queries:
        client.get("/insights/")
    return any("hr_zones_s" in q["sql"] for q in queries.captured_queries)


def test_the_page_is_cached_until_the_data_changes(alice, alice_client):
    give_data(alice)
    first = insight_sentences(alice_client)
    assert not reads_runs(alice_client)
    assert insight_sentences(alice_client) == first
    checkin = CheckIn.objects.filter(user=alice).order_by("recorded_at").last()
    checkin.feeling = -5 if checkin.feeling != -5 else 5
    checkin.save()
    assert reads_runs(alice_client)
    edited = insight_sentences(alice_client)
    assert edited != first
    CheckIn.objects.filter(user=alice).order_by("recorded_at").first().delete()
    assert insight_sentences(alice_client) != edited
    Run.objects.filter(user=alice).update(indoor=True)  # a queryset update, no updated_at
    assert reads_runs(alice_client)
