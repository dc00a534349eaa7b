"""The report for a doctor or therapist: its content, the page, the PDF, the API and the CLI."""

import re
import zlib
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from stridewell.accounts.models import ApiToken, Profile
from stridewell.insights.pdf import report_pdf
from stridewell.insights.questions import answer_all
from stridewell.insights.report import RangeError, build_report, date_range
from stridewell.runs.models import Run
from stridewell.wellbeing.models import CheckIn, Response

NOW = "2026-04-02 10:00:00+00:00"
START, END = date(2026, 1, 5), date(2026, 3, 29)  # twelve weeks, Monday to Sunday


# --------------------------------------------------------------------------- #
# Reading the text of a PDF (fpdf2 writes Unicode fonts as glyph codes + a ToUnicode map)
# --------------------------------------------------------------------------- #

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_ESC = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        if raw[i : i + 1] == b"\\":
            nxt = raw[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal[0], 8))
                i += 1 + len(octal[0])
                continue
            out += _ESC.get(nxt, nxt)
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return bytes(out)


def _inflated(body: bytes) -> bytes:
    """An object's stream, decompressed when fpdf2 compressed it."""
    found = re.search(rb"stream\r?\n(.*)\r?\nendstream", body, re.S)
    if found is None or b"/FlateDecode" not in body:
        return body
    return body[: found.start()] + zlib.decompress(found[1])


def pdf_text(data: bytes) -> str:
    """All text drawn in an fpdf2 PDF, pieces joined by single spaces."""
    objects = {int(num): _inflated(body) for num, body in _OBJ.findall(data)}
    cmaps = {
        num: {
            int(a, 16): chr(int(b, 16))
            for a, b in re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]{4,})>", body)
        }
        for num, body in objects.items()
        if b"beginbfchar" in body
    }
    fonts = {
        num: cmaps[int(m[1])]
        for num, body in objects.items()
        if (m := re.search(rb"/ToUnicode (\d+) 0 R", body))
    }
    names = {name: fonts.get(int(ref), {}) for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", data)}
    pieces, current = [], {}
    for body in (body for body in objects.values() if b"BT" in body and b" Tf" in body):
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)", body, re.S):
            if token[1]:
                current = names.get(token[1], {})
                continue
            raw = _literal(token[2])
            codes = (int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2))
            pieces.append("".join(current.get(code, "") for code in codes))
    return re.sub(r"\s+", " ", " ".join(p for p in pieces if p.strip()))


# --------------------------------------------------------------------------- #
# A person with twelve weeks of data (and some outside the range)
# --------------------------------------------------------------------------- #


def response(user, instrument, score, band, at):
    Response.objects.create(
        user=user, instrument=instrument, answers=[], score=score, band=band, recorded_at=at
    )


def seed(user):
    Profile.objects.filter(user=user).update(timezone="Europe/London", display_name="Zoë Ångström")
    response(user, "phq9", 20, "severe", "2025-11-01T09:00Z")  # before the range
    response(user, "phq9", 14, "moderate", "2026-01-10T09:00Z")
    response(user, "phq9", 9, "mild", "2026-02-10T09:00Z")
    response(user, "phq9", 6, "mild", "2026-03-10T09:00Z")
    response(user, "who5", 48, "low", "2026-03-11T09:00Z")
    runs = [
        ("2026-01-05T07:00Z", "running", 5000, 1800),
        ("2026-01-07T07:00Z", "running", 5000, 1800),
        ("2026-01-13T07:00Z", "walking", 3000, 2400),
        ("2026-03-29T23:30Z", "running", 4000, 1500),  # 00:30 on 30 March in London (BST): after
        ("2026-01-08T07:00Z", "cycling", 20000, 3600),  # not on foot
    ]
    for start, sport, metres, seconds in runs:
        Run.objects.create(
            user=user,
            start=start,
            sport=sport,
            distance_m=metres,
            elapsed_s=seconds,
            moving_s=seconds,
        )
    for at, feeling, tags in [
        ("2026-01-05T20:00Z", 1, ["work"]),
        ("2026-01-06T20:00Z", 3, ["work", "family"]),
        ("2026-02-02T20:00Z", -1, ["work"]),
        ("2026-01-04T20:00Z", -5, ["sleep"]),  # before the range
    ]:
        checkin = CheckIn.objects.create(user=user, recorded_at=at, feeling=feeling)
        checkin.set_tags(tags)


@pytest.fixture
def report(alice):
    seed(alice)
    with time_machine.travel(NOW, tick=False):
        return build_report(alice, START, END, include_name=True)


# --------------------------------------------------------------------------- #
# Content
# --------------------------------------------------------------------------- #


def test_questionnaire_trend_with_bands(report):
    phq9, who5 = report.questionnaires
    assert [(r.day, r.score, r.band) for r in phq9.rows] == [
        (date(2026, 1, 10), 14, "moderate"),
        (date(2026, 2, 10), 9, "mild"),
        (date(2026, 3, 10), 6, "mild"),
    ]
    assert phq9.chart == {
        "type": "score_trend",
        "instrument": "PHQ-9",
        "dates": ["2026-01-10", "2026-02-10", "2026-03-10"],
        "scores": [14, 9, 6],
        "max": 27,
        "bands": [
            [0, 4, "minimal"],
            [5, 9, "mild"],
            [10, 14, "moderate"],
            [15, 19, "moderately severe"],
            [20, 27, "severe"],
        ],
        "higher_is_better": False,
    }
    assert "first score was 14 (moderate)" in phq9.summary and "8 points lower" in phq9.summary
    assert who5.chart["higher_is_better"] is True and who5.summary.startswith("Answered once: 48")


def test_weekly_running_volume(report):
    running = report.running
    assert len(running.weeks) == 12 and running.weeks[0].week_start == START
    assert [(w.runs, w.distance_m) for w in running.weeks[:3]] == [(2, 10000), (1, 3000), (0, 0)]
    assert running.runs == 3 and running.distance_m == 13000 and running.moving_s == 6000
    assert running.chart["type"] == "timeline" and running.chart["values"][:3] == [10.0, 3.0, 0.0]
    assert running.chart["y_label"] == "km per week"
    assert (
        running.summary
        == "3 runs and walks over 12 weeks: 13.0 km in 1 h 40 min, about 1.1 km a week."
    )


def test_checkin_summary(report):
    checkins = report.checkins
    assert (checkins.count, checkins.days) == (3, 3)
    assert [(m.month, m.count, m.mean) for m in checkins.months] == [
        (date(2026, 1, 1), 2, 2.0),
        (date(2026, 2, 1), 1, -1.0),
    ]
    assert checkins.tags == [("work", 3), ("family", 1)]
    assert checkins.summary.startswith("3 check-ins on 3 days. The mean feeling was +1")


def test_insight_sentences_cover_the_range_only(alice, report):
    expected = answer_all(alice, since=START, until=END)
    assert sorted((i.id, i.sentence) for i in report.insights) == sorted(
        (i.id, i.sentence) for i in expected
    )
    assert report.insights and all(i.sentence for i in report.insights)
    order = ["pattern", "no_clear_pattern", "not_enough_data"]
    verdicts = [order.index(i.verdict) for i in report.insights]
    assert verdicts == sorted(verdicts)  # answered questions first


def test_hide_numbers_leaves_out_distances_and_times(alice):
    seed(alice)
    Profile.objects.filter(user=alice).update(hide_numbers=True)
    report = build_report(alice, START, END)
    assert report.running.chart["values"][:2] == [2, 1]
    assert report.running.chart["y_label"] == "runs and walks per week"
    assert "km" not in report.running.summary and "left out" in report.running.summary
    text = pdf_text(report_pdf(report, compress=False))
    assert "Running and walking, per week" in text and " km" not in text and "1 h 40" not in text


def test_the_name_only_when_asked(alice):
    seed(alice)
    assert build_report(alice, START, END).name == ""
    assert build_report(alice, START, END, include_name=True).name == "Zoë Ångström"


# --------------------------------------------------------------------------- #
# Dates
# --------------------------------------------------------------------------- #


def test_default_range_is_the_last_90_days():
    assert date_range(None, "", date(2026, 4, 2)) == (date(2026, 1, 3), date(2026, 4, 2))


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (
            "2026-03-01",
            "2026-02-01",
            "The start date (1 Mar 2026) is after the end date (1 Feb 2026)",
        ),
        (
            "2020-01-01",
            "2026-02-01",
            "A report can cover up to 5 years. Please choose a start date on or after 2 Feb 2021",
        ),
        (
            "1 March",
            "2026-02-01",
            "The start date “1 March” is not one we can read: please write it like 2026-03-31.",
        ),
    ],
)
def test_range_errors_say_what_to_change(start, end, message):
    with pytest.raises(RangeError, match=re.escape(message)):
        date_range(start, end, date(2026, 4, 2))


def test_five_years_exactly_is_fine():
    assert date_range("2021-02-02", "2026-02-01", date(2026, 4, 2))[0] == date(2021, 2, 2)


# --------------------------------------------------------------------------- #
# The PDF
# --------------------------------------------------------------------------- #


def test_pdf_holds_every_section(alice, report):
    data = report_pdf(report, compress=False)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in [
        "Running and wellbeing report",
        "Zoë Ångström",
        "5 Jan 2026 to 29 Mar 2026",
        "This report was generated by the person themselves from their own self-tracking. It is not a diagnosis.",
        "PHQ-9 (Patient Health Questionnaire-9)",
        "0–4 minimal, 5–9 mild, 10–14 moderate",
        "10 Feb 2026 9 mild",
        "13.0 km in 1 h 40 min",
        "January 2026 2 +2",
        "Most used tags: work (3), family (1).",
        report.insights[0].question,
        report.insights[0].sentence,
        "What the words mean",
        "Interval",
        "Page 1 of",
    ]:
        assert expected in text, expected
    assert "Page 2 of" in text  # more than one page, each numbered


def test_pdf_without_data_is_kind(alice):
    text = pdf_text(report_pdf(build_report(alice, START, END), compress=False))
    assert "No questionnaires were answered in this period." in text
    assert "No runs or walks were recorded in these 12 weeks." in text
    assert "No check-ins were recorded in this period." in text


# --------------------------------------------------------------------------- #
# Page, API, CLI — only ever one's own
# --------------------------------------------------------------------------- #


def test_page_shows_the_report_and_links_the_pdf(alice, alice_client):
    seed(alice)
    with time_machine.travel(NOW, tick=False):
        page = alice_client.get("/insights/report/", {"start": "2026-01-05", "end": "2026-03-29"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "It is not a diagnosis." in html
    # The print styles live in a static stylesheet (the CSP allows no inline <style>).
    assert "stridewell/insights-report.css" in html
    assert "@media print" in Path(finders.find("stridewell/insights-report.css")).read_text()
    assert 'href="/insights/report.pdf?start=2026-01-05&amp;end=2026-03-29"' in html
    assert "<svg" in html and "PHQ-9" in html and "moderate" in html
    assert "Zoë" not in html  # the name only when asked
    with time_machine.travel(NOW, tick=False):
        default = alice_client.get("/insights/report/").content.decode()
    assert 'value="2026-01-03"' in default and 'value="2026-04-02"' in default


def test_page_explains_a_wrong_range(alice_client):
    page = alice_client.get("/insights/report/", {"start": "2026-03-01", "end": "2026-02-01"})
    assert page.status_code == 400
    assert "is after the end date" in page.content.decode()


def test_pdf_download(alice, alice_client):
    seed(alice)
    got = alice_client.get(
        "/insights/report.pdf", {"start": "2026-01-05", "end": "2026-03-29", "name": "1"}
    )
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert got.content.startswith(b"%PDF") and "Zoë Ångström" in pdf_text(got.content)
    assert 'filename="stridewell-report-2026-01-05-to-2026-03-29.pdf"' in got["Content-Disposition"]
    bad = alice_client.get("/insights/report.pdf", {"start": "2019-01-01", "end": "2026-03-29"})
    assert bad.status_code == 400 and "up to 5 years" in bad.content.decode()


def test_api_pdf(alice, alice_token):
    seed(alice)
    api = Client(headers={"Authorization": f"Bearer {alice_token}"})
    got = api.get("/api/v1/insights/report.pdf", {"start": "2026-01-05", "end": "2026-03-29"})
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    bad = api.get("/api/v1/insights/report.pdf", {"start": "2026-03-05", "end": "2026-03-01"})
    assert bad.status_code == 422 and "after the end date" in bad.json()["detail"][0]["msg"]
    assert Client().get("/api/v1/insights/report.pdf").status_code == 401


def test_bob_never_sees_alices_report(alice, bob):
    seed(alice)
    client = Client()
    client.force_login(bob)
    html = client.get(
        "/insights/report/", {"start": "2026-01-05", "end": "2026-03-29"}
    ).content.decode()
    assert "No questionnaires were answered" in html and "moderate" not in html
    got = client.get("/insights/report.pdf", {"start": "2026-01-05", "end": "2026-03-29"})
    text = pdf_text(got.content)
    assert "No questionnaires were answered" in text and "PHQ-9" not in text and "work" not in text
    _, token = ApiToken.objects.issue(bob)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert (
        api.get(
            "/api/v1/insights/report.pdf", {"start": "2026-01-05", "end": "2026-03-29"}
        ).status_code
        == 200
    )
    assert Client().get("/insights/report/").status_code == 302  # logged out: to the login page


def test_cli_writes_the_pdf(alice, tmp_path):
    seed(alice)
    out = tmp_path / "report.pdf"
    call_command(
        "report",
        "--user",
        alice.email,
        "--start",
        "2026-01-05",
        "--end",
        "2026-03-29",
        "--out",
        str(out),
    )
    assert out.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="is after the end date"):
        call_command(
            "report",
            "--user",
            alice.email,
            "--start",
            "2026-04-05",
            "--end",
            "2026-03-29",
            "--out",
            str(out),
        )
