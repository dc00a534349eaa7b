"""Wellbeing charts: the year in colours, the feeling timeline and questionnaire trends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import resolve

from stridewell.accounts.models import Profile
from stridewell.runs.models import Run
from stridewell.wellbeing import chart_views, charts, instruments
from stridewell.wellbeing.models import CheckIn, Response

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def set_timezone(user: Any, name: str) -> None:
    Profile.objects.filter(user=user).update(timezone=name)


def check_in(user: Any, when: str, feeling: int) -> CheckIn:
    return CheckIn.objects.create(user=user, recorded_at=at(when), feeling=feeling)


def answer(user: Any, instrument_id: str, when: str, score: int) -> Response:
    band = instruments.get(instrument_id).band_for(score).name
    return Response.objects.create(
        user=user,
        instrument=instrument_id,
        answers=[],
        score=score,
        band=band,
        recorded_at=at(when),
    )


@pytest.fixture
def bob_client(bob: Any) -> Client:
    client = Client()
    client.force_login(bob)
    return client


# ---------- the year in colours -------------------------------------------------


def test_day_mean_uses_the_users_timezone(alice: Any) -> None:
    set_timezone(alice, "Pacific/Auckland")
    check_in(alice, "2026-03-11T23:30", 4)  # 12:30 on 12 March in Auckland
    check_in(alice, "2026-03-12T01:00", 1)
    data = charts.year_in_colours(alice, 2026, Profile.objects.for_user(alice).tzinfo)
    march = data.rows[2].cells
    assert march[10].css == "feel-none"  # 11 March: empty
    assert march[11].label == "12 March: mean feeling +2.5 from 2 check-ins"
    assert march[11].css == "feel-p3"  # 2.5 rounds away from zero


def test_the_same_check_in_is_another_day_in_utc(alice: Any) -> None:
    check_in(alice, "2026-03-11T23:30", 4)
    data = charts.year_in_colours(alice, 2026, Profile.objects.for_user(alice).tzinfo)
    assert data.rows[2].cells[10].label == "11 March: mean feeling +4 from 1 check-in"


def test_colours_differ_for_very_bad_neutral_and_very_good() -> None:
    classes = {charts.feeling_class(v) for v in (-5, 0, 5)}
    assert classes == {"feel-m5", "feel-0", "feel-p5"}
    assert charts.feeling_class(None) == "feel-none"
    assert charts.feeling_class(-0.4) == "feel-0" and charts.feeling_class(-0.5) == "feel-m1"


@time_machine.travel(NOW)
def test_year_page_has_cells_legend_summary_and_empty_days(
    alice: Any, alice_client: Client
) -> None:
    check_in(alice, "2026-01-02T10:00", -5)
    check_in(alice, "2026-01-03T10:00", 0)
    check_in(alice, "2026-01-04T10:00", 5)
    page = alice_client.get("/checkins/year/?year=2026").content.decode()
    assert 'class="pixel feel-m5" role="img" aria-label="2 January: mean feeling −5' in page
    assert 'class="pixel feel-0" role="img" aria-label="3 January: mean feeling 0' in page
    assert 'class="pixel feel-p5" role="img" aria-label="4 January: mean feeling +5' in page
    assert 'class="pixel feel-none" role="img" aria-label="5 January: no check-in"' in page
    assert "In 2026 you checked in on 3 days; the mean feeling was 0." in page
    assert "No check-in</li>" in page and "?year=2025" in page
    assert "?year=2027" not in page  # no future years


@time_machine.travel(NOW)
def test_year_page_for_a_year_without_check_ins_guides_to_check_in(alice_client: Client) -> None:
    page = alice_client.get("/checkins/year/?year=nonsense").content.decode()
    assert "2026 in colours" in page and "Nothing to colour in yet" in page
    assert "/checkins/new/" in page and 'role="img"' not in page


# ---------- the timeline --------------------------------------------------------


@time_machine.travel(NOW)
def test_timeline_json_shape(alice: Any, alice_client: Client) -> None:
    check_in(alice, "2026-03-20T08:00", 3)
    check_in(alice, "2026-03-20T09:00", -2)
    data = alice_client.get("/checkins/timeline.json?days=30").json()
    assert {"day", "mean_feeling", "runs", "checkins"} <= data.keys()
    assert len(data["day"]) == len(data["mean_feeling"]) == len(data["runs"]) == 30
    assert data["day"][-1] == int(at("2026-03-20T00:00").timestamp())
    assert data["day"][1] - data["day"][0] == 86400
    assert data["mean_feeling"][-1] == 0.5 and data["mean_feeling"][0] is None
    assert data["checkins"] == [
        [int(at("2026-03-20T08:00").timestamp()), 3],
        [int(at("2026-03-20T09:00").timestamp()), -2],
    ]


@time_machine.travel(NOW)
def test_timeline_counts_runs_on_the_local_day(alice: Any, alice_client: Client) -> None:
    set_timezone(alice, "Pacific/Auckland")  # 20 March 12:00 UTC is 21 March 01:00 there
    Run.objects.create(user=alice, start=at("2026-03-18T23:30"), elapsed_s=1800)  # 19 Mar local
    Run.objects.create(user=alice, start=at("2026-03-19T02:00"), elapsed_s=1800)  # 19 Mar local
    check_in(alice, "2026-03-18T23:45", 2)
    data = alice_client.get("/checkins/timeline.json?days=30").json()
    day_19 = int(datetime(2026, 3, 19, tzinfo=Profile.objects.for_user(alice).tzinfo).timestamp())
    index = data["day"].index(day_19)
    assert data["runs"][index] == 2 and sum(data["runs"]) == 2
    assert data["mean_feeling"][index] == 2
    assert data["day"][-1] == day_19 + 2 * 86400  # today is 21 March there


@time_machine.travel(NOW)
def test_timeline_page_has_chart_ranges_and_summary(alice: Any, alice_client: Client) -> None:
    check_in(alice, "2026-03-19T08:00", 3)
    page = alice_client.get("/checkins/timeline/?days=365").content.decode()
    assert 'id="feeling-timeline"' in page and "/checkins/timeline.json?days=365" in page
    assert 'href="?days=30"' in page and 'aria-current="page">365 days' in page
    assert "Over the last 365 days you checked in once on 1 day;" in page
    assert "uplot-1.6.32/uPlot.iife.min.js" in page and "wellbeing-charts.js" in page


# ---------- questionnaire trends --------------------------------------------------


@time_machine.travel(NOW)
def test_trend_marks_a_five_point_phq9_change_but_not_four(
    alice: Any, alice_client: Client
) -> None:
    answer(alice, "phq9", "2026-01-01T09:00", 10)
    answer(alice, "phq9", "2026-01-15T09:00", 14)  # +4: not meaningful
    answer(alice, "phq9", "2026-02-01T09:00", 9)  # −5: meaningful
    data = alice_client.get("/questionnaires/trend.json?instrument=phq9").json()
    assert data["score"] == [10, 14, 9]
    assert data["meaningful"] == [False, False, True]
    assert [c["text"] for c in data["changes"]] == ["1 Feb: PHQ-9 fell by 5 — a meaningful change"]
    assert [b["name"] for b in data["bands"]][0] == "minimal" and data["max_score"] == 27


@time_machine.travel(NOW)
def test_trend_who5_uses_scores_times_four_and_a_ten_point_change(
    alice: Any, alice_client: Client
) -> None:
    answer(alice, "who5", "2026-03-01T09:00", 48)
    answer(alice, "who5", "2026-03-12T09:00", 60)  # +12
    answer(alice, "who5", "2026-03-15T09:00", 52)  # −8
    data = alice_client.get("/questionnaires/trend.json?instrument=who5").json()
    assert data["max_score"] == 100 and data["meaningful"] == [False, True, False]
    assert data["changes"][0]["text"] == "12 Mar: WHO-5 rose by 12 — a meaningful change"


def test_trend_url_reaches_the_chart_view() -> None:
    # /questionnaires/<slug>/ must not swallow /questionnaires/trend/: the chart
    # URLs have to be included before stridewell.wellbeing.urls.
    assert resolve("/questionnaires/trend/").func is chart_views.trend_page


@time_machine.travel(NOW)
def test_trend_page_has_tabs_chart_and_changes(alice: Any, alice_client: Client) -> None:
    answer(alice, "who5", "2026-03-01T09:00", 48)
    answer(alice, "who5", "2026-03-12T09:00", 60)
    answer(alice, "phq8", "2026-03-12T09:00", 3)
    page = alice_client.get("/questionnaires/trend/?instrument=who5").content.decode()
    assert 'href="?instrument=phq8"' in page and 'href="?instrument=phq9"' not in page
    assert 'id="questionnaire-trend"' in page
    assert "12 Mar: WHO-5 rose by 12 — a meaningful change" in page
    assert alice_client.get("/questionnaires/trend/?instrument=nope").status_code == 404


# ---------- privacy and empty states ----------------------------------------------


@time_machine.travel(NOW)
def test_another_users_data_never_appears(alice: Any, bob_client: Client) -> None:
    check_in(alice, "2026-03-19T08:00", 5)
    Run.objects.create(user=alice, start=at("2026-03-19T07:00"), elapsed_s=1800)
    answer(alice, "phq9", "2026-03-01T09:00", 20)
    answer(alice, "phq9", "2026-03-10T09:00", 5)
    year = bob_client.get("/checkins/year/").content.decode()
    assert "Nothing to colour in yet" in year and "mean feeling" not in year
    timeline = bob_client.get("/checkins/timeline.json?days=30").json()
    assert timeline["checkins"] == [] and set(timeline["mean_feeling"]) == {None}
    assert sum(timeline["runs"]) == 0
    assert "No check-ins in this time" in bob_client.get("/checkins/timeline/").content.decode()
    trend = bob_client.get("/questionnaires/trend.json?instrument=phq9").json()
    assert trend["score"] == [] and trend["changes"] == []
    page = bob_client.get("/questionnaires/trend/").content.decode()
    assert "No questionnaires answered yet" in page and "PHQ-9" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/checkins/year/",
        "/checkins/timeline/",
        "/checkins/timeline.json",
        "/questionnaires/trend/",
        "/questionnaires/trend.json",
        "/questionnaires/trend/?instrument=gad7",
    ],
)
def test_pages_render_without_data_and_need_login(alice_client: Client, url: str) -> None:
    assert alice_client.get(url).status_code == 200
    assert Client().get(url).status_code == 302


def test_summaries() -> None:
    assert charts.signed(1.25) == "+1.2" and charts.signed(-0.04) == "0"
    assert (
        charts.signed(10, 0) == "+10" and charts.signed(0, 0) == "0" and charts.signed(-3) == "−3"
    )
    assert charts.year_summary(2026, 143, 1.2) == (
        "In 2026 you checked in on 143 days; the mean feeling was +1.2."
    )
    assert charts.timeline_days("x") == 90 and charts.timeline_days("5000") == 730
    assert charts.is_meaningful(instruments.get("phq4"), 12) is False
    assert timedelta(days=1)  # keeps the import honest for readers
