"""Find out for sure: randomisation inference, and a person's experiment from start to result."""

from __future__ import annotations

import html
import io
import json
import math
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from scipy import stats as sp_stats

from stridewell.accounts.export import write_export
from stridewell.accounts.models import Profile
from stridewell.insights import experiments
from stridewell.insights.models import Experiment, ExperimentDay
from stridewell.insights.stats import (
    blocked_assignments,
    randomisation_inference,
    randomisation_p_value,
    two_group_difference,
)
from stridewell.runs.models import Run
from stridewell.wellbeing.models import CheckIn, Kind
from stridewell.wellbeing.reminders import send_due

LONDON = ZoneInfo("Europe/London")
# Monday 1 June 2026, 09:00 in London (BST): an experiment started now begins on Tuesday.
MONDAY = "2026-06-01 09:00:00+01:00"
FIRST = date(2026, 6, 2)


# --------------------------------------------------------------------------- #
# Pure statistics: the blocked scheme and randomisation inference
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("weeks", [4, 5, 8])
def test_each_week_has_three_or_four_days_of_each_arm_and_the_total_is_balanced(weeks):
    z = blocked_assignments(weeks, 500, np.random.default_rng(1))
    per_week = z.reshape(500, weeks, 7).sum(axis=2)
    assert set(np.unique(per_week)) <= {3, 4}
    totals = z.sum(axis=1)
    if weeks % 2 == 0:
        assert (totals == 7 * weeks // 2).all()
    else:
        assert set(np.unique(totals)) == {7 * weeks // 2, 7 * weeks // 2 + 1}


def test_every_day_and_weekday_is_equally_likely_to_get_either_arm():
    z = blocked_assignments(6, 20_000, np.random.default_rng(2))
    share = z.mean(axis=0)
    assert np.allclose(share, 0.5, atol=0.02)
    # No weekday leans to an arm: same position in each week.
    assert np.allclose(z.reshape(-1, 6, 7).mean(axis=(0, 1)), 0.5, atol=0.01)


def test_the_assignment_is_reproducible_from_its_seed():
    assert (experiments.assignment(1234, 6) == experiments.assignment(1234, 6)).all()
    assert (experiments.assignment(1234, 6) != experiments.assignment(4321, 6)).any()


def simulated(rng, weeks, effect, missing=0.1):
    """AR(1) evenings, a constant additive effect on arm-A days, some days without a check-in."""
    z = blocked_assignments(weeks, 1, rng)[0]
    noise = np.empty(z.size)
    noise[0] = rng.normal(0, 1.5)
    for t in range(1, z.size):
        noise[t] = 0.5 * noise[t - 1] + rng.normal(0, 1.3)
    y = noise + effect * z
    y[rng.random(z.size) < missing] = np.nan
    return y, z


def test_the_interval_covers_a_known_effect_about_95_percent_of_the_time():
    rng = np.random.default_rng(3)
    covered = 0
    for rep in range(200):
        y, z = simulated(rng, 6, effect=0.8)
        found = randomisation_inference(y, z, 6, draws=2000, seed=rep)
        covered += found.ci_low <= 0.8 <= found.ci_high
    assert 0.90 <= covered / 200 <= 0.99


def test_p_values_are_uniform_under_no_effect():
    rng = np.random.default_rng(4)
    p = []
    for rep in range(200):
        y, z = simulated(rng, 6, effect=0.0)
        p.append(randomisation_p_value(y, z, 6, draws=1000, seed=rep))
    p_arr = np.array(p)
    assert 0.01 <= (p_arr < 0.05).mean() <= 0.10
    assert sp_stats.kstest(p_arr, "uniform").pvalue > 0.01


def test_agrees_with_welch_for_many_days():
    rng = np.random.default_rng(5)
    z = blocked_assignments(40, 1, rng)[0]
    y = rng.normal(0, 1.5, z.size) + 0.5 * z
    found = randomisation_inference(y, z, 40, seed=1)
    welch = two_group_difference(y[z], y[~z])
    width = welch.ci_high - welch.ci_low
    assert found.effect == pytest.approx(welch.effect)
    assert abs(found.ci_low - welch.ci_low) < 0.1 * width
    assert abs(found.ci_high - welch.ci_high) < 0.1 * width
    assert found.p_value == pytest.approx(welch.p_value, abs=0.01)
    assert found.n_a == found.n_b == 140


def test_zero_is_outside_the_interval_exactly_when_p_is_below_five_percent():
    rng = np.random.default_rng(6)
    for rep in range(40):
        y, z = simulated(rng, 5, effect=0.9)
        found = randomisation_inference(y, z, 5, draws=2000, seed=rep)
        assert (found.ci_low > 0 or found.ci_high < 0) == (found.p_value <= 0.05)


def test_a_stopped_experiment_uses_only_its_first_days():
    rng = np.random.default_rng(7)
    y, z = simulated(rng, 6, effect=1.0, missing=0.0)
    found = randomisation_inference(y[:20], z[:20], 6, draws=2000)
    assert found.n_a + found.n_b == 20
    assert math.isfinite(found.ci_low) and math.isfinite(found.ci_high)
    with pytest.raises(ValueError):
        randomisation_inference(y[:20], z[:19], 6)


# --------------------------------------------------------------------------- #
# Helpers for a person's experiment
# --------------------------------------------------------------------------- #


@pytest.fixture
def london(alice):
    Profile.objects.filter(user=alice).update(timezone="Europe/London")
    return alice


def started(user, kind="run_or_rest", weeks=4):
    with time_machine.travel(MONDAY, tick=False):
        return experiments.start(user, kind, weeks)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def api(token):
    return Client(headers={"Authorization": f"Bearer {token}"})


def evening_checkins(user, experiment, feeling_for, skip=()):
    """One check-in at 19:00 local on each day, ``feeling_for(day_row)``; none on ``skip`` days."""
    for i, row in enumerate(experiment.days.all()):
        if i in skip:
            continue
        CheckIn.objects.create(user=user, recorded_at=at(row.date, 19), feeling=feeling_for(row))


def runs_on(user, experiment, arm="run"):
    for row in experiment.days.filter(arm=arm):
        Run.objects.create(user=user, start=at(row.date, 7), elapsed_s=1800)


# --------------------------------------------------------------------------- #
# Starting: tomorrow, balanced, one at a time
# --------------------------------------------------------------------------- #


def test_start_begins_tomorrow_with_every_day_assigned_up_front(london):
    experiment = started(london, weeks=6)
    days = list(experiment.days.all())
    assert experiment.start == FIRST and experiment.end == FIRST + timedelta(days=41)
    assert [d.date for d in days] == [FIRST + timedelta(days=i) for i in range(42)]
    arms = np.array([d.arm == "run" for d in days])
    assert (arms == experiments.assignment(experiment.seed, 6)).all()
    assert set(arms.reshape(6, 7).sum(axis=1)) <= {3, 4} and arms.sum() == 21


def test_only_one_experiment_at_a_time(london, alice_client):
    started(london)
    with time_machine.travel(MONDAY, tick=False):
        with pytest.raises(experiments.ExperimentError, match="already have an experiment"):
            experiments.start(london, "easy_or_intervals", 6)
        page = alice_client.post(
            "/insights/experiment/start/", {"kind": "run_or_rest", "weeks": "6"}, follow=True
        )
    assert "already have an experiment running" in page.content.decode()
    assert Experiment.objects.filter(user=london).count() == 1


def test_start_and_stop_on_the_page(london, alice_client):
    with time_machine.travel(MONDAY, tick=False):
        page = alice_client.get("/insights/experiment/").content.decode()
        assert "Start an experiment" in page and "Why let the app choose?" in page
        page = alice_client.post(
            "/insights/experiment/start/", {"kind": "run_or_rest", "weeks": "5"}, follow=True
        ).content.decode()
    assert "starts tomorrow, Tuesday 2 June" in page
    assert "Your experiment starts Tuesday 2 June" in page
    experiment = Experiment.objects.get(user=london)
    assert experiment.weeks == 5 and experiment.is_active
    with time_machine.travel(at(FIRST + timedelta(days=2), 20), tick=False):
        page = alice_client.post("/insights/experiment/stop/", follow=True).content.decode()
    experiment.refresh_from_db()
    assert experiment.status == "stopped" and experiment.last_day == FIRST + timedelta(days=2)
    assert experiment.result["stopped_early"] and "stopped this experiment early" in page
    assert experiment.days.count() == 35  # data kept
    assert "Start an experiment" in page  # and a new one can begin


def test_the_start_form_refuses_odd_choices_kindly(london, alice_client):
    with time_machine.travel(MONDAY, tick=False):
        page = alice_client.post(
            "/insights/experiment/start/", {"kind": "run_or_rest", "weeks": "12"}, follow=True
        ).content.decode()
        assert "4 to 8 weeks" in page
        page = alice_client.post(
            "/insights/experiment/start/", {"kind": "swim", "weeks": "6"}, follow=True
        ).content.decode()
        assert "Choose one of the experiments" in page
    assert not Experiment.objects.exists()


def test_the_page_needs_a_login(db):
    assert Client().get("/insights/experiment/").status_code == 302


# --------------------------------------------------------------------------- #
# Never a day ahead
# --------------------------------------------------------------------------- #


def test_page_and_api_show_today_and_past_days_only(london, alice_client, alice_token):
    experiment = started(london, weeks=6)
    today = FIRST + timedelta(days=9)
    row = experiment.days.get(date=today)
    with time_machine.travel(at(today, 8), tick=False):
        page = alice_client.get("/insights/experiment/").content.decode()
        found = api(alice_token).get("/api/v1/experiments").json()
    assert page.count('class="day-arm"') == 10
    assert page.count('class="day-later"') == 32
    word = "Run day" if row.arm == "run" else "Rest day"
    assert f'<p class="today-arm">{word}</p>' in page
    assert "Week 2 of 6 · day 10 of 42" in page
    (item,) = found
    assert [d["date"] for d in item["days"]] == [
        (FIRST + timedelta(days=i)).isoformat() for i in range(10)
    ]
    assert item["today"]["arm"] == row.arm and item["today"]["date"] == today.isoformat()
    assert "seed" not in item and item["result"] is None


def test_nothing_is_shown_before_the_first_day(london, alice_token):
    started(london)
    with time_machine.travel(MONDAY, tick=False):
        (item,) = api(alice_token).get("/api/v1/experiments").json()
    assert item["days"] == [] and item["today"] is None


# --------------------------------------------------------------------------- #
# The result
# --------------------------------------------------------------------------- #


def run_day_feelings(row):
    bump = 2 if row.arm == "run" else 0
    return bump + (row.date.day % 3) - 1


def test_result_after_the_last_day(london, alice_client, alice_token):
    experiment = started(london, weeks=4)
    evening_checkins(london, experiment, run_day_feelings, skip={3, 11, 20})
    runs_on(london, experiment)
    # A morning check-in before a run is not the evening outcome and is ignored.
    CheckIn.objects.create(user=london, recorded_at=at(FIRST, 8), feeling=-5, kind=Kind.BEFORE_RUN)
    with time_machine.travel(at(experiment.end, 21), tick=False):
        assert api(alice_token).get("/api/v1/experiments").json()[0]["result"] is None
    with time_machine.travel(at(experiment.end + timedelta(days=1), 9), tick=False):
        page = alice_client.get("/insights/experiment/").content.decode()
    experiment.refresh_from_db()
    result = experiment.result
    rows = [r for i, r in enumerate(experiment.days.all()) if i not in {3, 11, 20}]
    run = [run_day_feelings(r) for r in rows if r.arm == "run"]
    rest = [run_day_feelings(r) for r in rows if r.arm == "rest"]
    assert experiment.status == "finished" and experiment.last_day == experiment.end
    assert result["effect"] == pytest.approx(np.mean(run) - np.mean(rest))
    assert (result["n_a"], result["n_b"], result["missing"]) == (len(run), len(rest), 3)
    assert result["followed_a"] == len(run) and result["followed_b"] == len(rest)
    assert result["verdict"] == "effect" and result["ci_low"] > 0 and result["p_value"] < 0.01
    assert result["ci_low"] < result["effect"] < result["ci_high"]
    assert "on days the app asked you to run, your evening feeling was" in result["sentence"]
    assert "points higher than on rest days (95% interval" in result["sentence"]
    assert "3 days without a check-in" in result["sentence"]
    assert "good evidence that running itself lifted your mood" in result["sentence"]
    assert "A clear answer" in page and result["sentence"] in html.unescape(page)
    assert "Start an experiment" in page
    rows = list(experiment.days.all())
    assert rows[3].outcome is None and rows[0].outcome == run_day_feelings(rows[0])
    assert all(r.followed for r in rows)


def test_no_clear_difference_is_said_plainly(london):
    experiment = started(london, weeks=4)
    # Whatever the random assignment, both arms get the same run of feelings.
    counters = {"run": 0, "rest": 0}

    def same_in_both_arms(row):
        counters[row.arm] += 1
        return counters[row.arm] % 5 - 2

    evening_checkins(london, experiment, same_in_both_arms)
    with time_machine.travel(at(experiment.end + timedelta(days=1), 9), tick=False):
        (experiment,) = experiments.experiments_for(london)
    result = experiment.result
    assert result["verdict"] == "no_clear_effect" and result["effect"] == 0
    assert result["p_value"] == 1
    assert result["ci_low"] < 0 < result["ci_high"]
    assert "about the same as on rest days" in result["sentence"]
    assert "could well be chance" in result["sentence"]
    assert "proves" not in result["sentence"] and "good evidence" not in result["sentence"]
    # No runs at all: every rest day went to plan, no run day did.
    assert result["followed_a"] == 0 and result["followed_b"] == result["n_b"]


def test_evening_check_ins_come_first_then_a_daily_one_from_earlier(london):
    experiment = started(london, weeks=4)
    day = FIRST
    CheckIn.objects.create(user=london, recorded_at=at(day, 9), feeling=-3)  # daily, morning
    CheckIn.objects.create(user=london, recorded_at=at(day, 17), feeling=2, kind=Kind.AFTER_RUN)
    CheckIn.objects.create(user=london, recorded_at=at(day, 22), feeling=4)
    other = FIRST + timedelta(days=1)
    CheckIn.objects.create(user=london, recorded_at=at(other, 9), feeling=-1)
    CheckIn.objects.create(user=london, recorded_at=at(other, 10), feeling=-3)
    third = FIRST + timedelta(days=2)
    CheckIn.objects.create(user=london, recorded_at=at(third, 8), feeling=5, kind=Kind.BEFORE_RUN)
    views = experiments.observe(experiment, third, LONDON)
    assert [v.outcome for v in views] == [3.0, -2.0, None]


def test_easy_or_intervals_is_followed_by_the_run_type(london):
    experiment = started(london, kind="easy_or_intervals", weeks=4)
    week = list(experiment.days.all()[:7])
    first_intervals = next(r for r in week if r.arm == "intervals")
    for row in week:
        run_type = row.arm if row is not first_intervals else "easy"
        Run.objects.create(user=london, start=at(row.date, 7), elapsed_s=2400, run_type=run_type)
    # A walk on an easy day is no run: the day still counts as followed by its easy run.
    Run.objects.create(
        user=london, start=at(week[0].date, 18), elapsed_s=1800, sport="walking", run_type="walk"
    )
    views = experiments.observe(experiment, week[-1].date, LONDON)
    assert [v.followed for v in views] == [row is not first_intervals for row in week]


def test_not_enough_data_says_how_many_more(london):
    experiment = started(london, weeks=4)
    evening_checkins(london, experiment, run_day_feelings, skip=set(range(10, 28)))
    with time_machine.travel(at(experiment.end + timedelta(days=1), 9), tick=False):
        (experiment,) = experiments.experiments_for(london)
    result = experiment.result
    n_a, n_b = result["n_a"], result["n_b"]
    assert n_a + n_b == 10 and result["verdict"] == "not_enough_data"
    assert result["effect"] is None
    assert f"{8 - n_a} more run day" in result["needed"]
    assert f"{8 - n_b} more rest day" in result["needed"]
    assert "not enough evening check-ins" in result["sentence"]


def test_progress_counts_without_peeking_at_the_effect(london, alice_client):
    experiment = started(london, weeks=4)
    evening_checkins(london, experiment, run_day_feelings)
    with time_machine.travel(at(FIRST + timedelta(days=20), 20), tick=False):
        page = alice_client.get("/insights/experiment/").content.decode()
        view = experiments.active_view(experiment, FIRST + timedelta(days=20), LONDON)
    t = experiments.Tally.of(
        experiments.days_so_far(experiment, FIRST + timedelta(days=20), LONDON)
    )
    assert f"So far {t.n_a} run days and {t.n_b} rest days have an evening check-in" in page
    assert "95% interval" not in page and view.progress.day == 21
    assert experiment.result is None


# --------------------------------------------------------------------------- #
# Privacy
# --------------------------------------------------------------------------- #


def test_another_persons_experiment_is_a_404(london, bob):
    experiment = started(london)
    from stridewell.accounts.models import ApiToken

    bob_token = ApiToken.objects.issue(bob, "tests")[1]
    bob_api = api(bob_token)
    assert bob_api.post(f"/api/v1/experiments/{experiment.pk}/stop").status_code == 404
    assert bob_api.get("/api/v1/experiments").json() == []
    bob_client = Client()
    bob_client.force_login(bob)
    with time_machine.travel(at(FIRST + timedelta(days=3), 9), tick=False):
        bob_client.post("/insights/experiment/stop/")
        assert "Start an experiment" in bob_client.get("/insights/experiment/").content.decode()
    experiment.refresh_from_db()
    assert experiment.is_active


# --------------------------------------------------------------------------- #
# API
# --------------------------------------------------------------------------- #


def test_api_start_stop_and_one_at_a_time(london, alice_token):
    client = api(alice_token)
    with time_machine.travel(MONDAY, tick=False):
        made = client.post(
            "/api/v1/experiments", {"kind": "easy_or_intervals", "weeks": 8}, "application/json"
        )
        assert made.status_code == 201, made.content
        body = made.json()
        assert body["arms"] == ["easy", "intervals"] and body["status"] == "active"
        again = client.post("/api/v1/experiments", {"kind": "run_or_rest"}, "application/json")
        assert again.status_code == 409 and "already" in again.json()["detail"]
        too_long = client.post(
            "/api/v1/experiments", {"kind": "run_or_rest", "weeks": 9}, "application/json"
        )
        assert too_long.status_code == 422
    with time_machine.travel(at(FIRST + timedelta(days=4), 21), tick=False):
        stopped = client.post(f"/api/v1/experiments/{body['id']}/stop")
        assert stopped.status_code == 200
        assert stopped.json()["status"] == "stopped" and len(stopped.json()["days"]) == 5
        assert stopped.json()["result"]["stopped_early"] is True
        assert client.post(f"/api/v1/experiments/{body['id']}/stop").status_code == 409


# --------------------------------------------------------------------------- #
# Morning reminder, evening check-in
# --------------------------------------------------------------------------- #


def test_morning_reminder_in_the_app_until_the_evening_check_in(london, alice_client):
    experiment = started(london)
    row = experiment.days.get(date=FIRST)
    expected = "Today is a run day" if row.arm == "run" else "Today is a rest day"
    with time_machine.travel(at(FIRST, 8), tick=False):
        page = alice_client.get("/runs/").content.decode()
        assert expected in page and "This evening, a one-tap check-in" in page
        assert 'href="/insights/experiment/">Your experiment' in page
    with time_machine.travel(at(FIRST, 18), tick=False):
        assert "whenever you" in experiments.reminder_text(london)
        CheckIn.objects.create(user=london, recorded_at=at(FIRST, 17, 30), feeling=1)
        assert experiments.reminder_text(london) == ""
        assert expected not in alice_client.get("/runs/").content.decode()
    with time_machine.travel(MONDAY, tick=False):
        assert experiments.reminder_text(london) == ""  # not begun yet


def test_morning_reminder_mailed_once_a_day(london, settings):
    experiment = started(london)
    row = experiment.days.get(date=FIRST)
    settings.EMAIL_HOST = "smtp.example.org"
    with time_machine.travel(at(FIRST, 6, 30), tick=False):
        assert send_due() == 0  # too early
    with time_machine.travel(at(FIRST, 7, 5), tick=False):
        assert send_due() == 1
        assert send_due() == 0
    with time_machine.travel(at(FIRST + timedelta(days=1), 13), tick=False):
        assert send_due() == 0  # the morning has passed: the app still shows it
    (message,) = mail.outbox
    assert message.to == [london.email] and message.subject == "Today in your experiment"
    assert f"Today is a {row.arm} day" in message.body and "check-in" in message.body


def test_the_reminders_job_finishes_an_experiment_that_is_over(london, settings):
    experiment = started(london)
    settings.EMAIL_HOST = ""
    with time_machine.travel(at(experiment.end + timedelta(days=1), 7), tick=False):
        send_due()
    experiment.refresh_from_db()
    assert experiment.status == "finished" and experiment.result["verdict"] == "not_enough_data"


# --------------------------------------------------------------------------- #
# CLI and export
# --------------------------------------------------------------------------- #


def cli(*args):
    out = io.StringIO()
    call_command("experiment", "--user", "alice@example.org", *args, stdout=out)
    return out.getvalue()


def test_cli_start_status_and_stop(london):
    with time_machine.travel(MONDAY, tick=False):
        assert "No experiments yet" in cli()
        text = cli("start", "rest", "run", "--weeks", "5")
        assert "Run or rest, 5 weeks from Tue 02 Jun 2026 [Running]" in text
        assert "It begins on Tue 02 Jun" in text
        with pytest.raises(CommandError, match="already have an experiment"):
            cli("start", "easy", "intervals")
    with pytest.raises(CommandError, match="go together"):
        cli("start", "run", "intervals")
    experiment = Experiment.objects.get(user=london)
    with time_machine.travel(at(FIRST + timedelta(days=2), 12), tick=False):
        row = experiment.days.get(date=FIRST + timedelta(days=2))
        assert f"Today is a {row.arm} day." in cli("status")
        data = json.loads(cli("--json"))
        assert len(data["experiments"][0]["days"]) == 3
        assert "stopped this experiment early" in cli("stop")
        with pytest.raises(CommandError, match="no experiment running"):
            cli("stop")


def test_export_has_the_experiments_but_not_the_days_to_come(london, tmp_path):
    experiment = started(london, weeks=4)
    evening_checkins(london, experiment, run_day_feelings)
    with time_machine.travel(at(FIRST + timedelta(days=6), 21), tick=False):
        write_export(london, tmp_path / "export.zip")
    with zipfile.ZipFile(tmp_path / "export.zip") as archive:
        data = json.loads(archive.read("experiments.json"))
    (item,) = data["experiments"]
    assert len(item["days"]) == 7 and "seed" not in item
    assert item["days"][0]["outcome"] == run_day_feelings(experiment.days.first())
    with time_machine.travel(at(experiment.end + timedelta(days=1), 9), tick=False):
        write_export(london, tmp_path / "later.zip")
    with zipfile.ZipFile(tmp_path / "later.zip") as archive:
        (item,) = json.loads(archive.read("experiments.json"))["experiments"]
    assert item["seed"] == experiment.seed and item["result"]["verdict"] == "effect"


def test_deleting_the_account_takes_the_experiments(london):
    from stridewell.accounts.deletion import delete_account

    started(london)
    delete_account(london)
    assert not Experiment.objects.exists() and not ExperimentDay.objects.exists()


def test_stopped_before_its_first_day_says_so(london, alice_client):
    with time_machine.travel(MONDAY, tick=False):
        alice_client.post("/insights/experiment/start/", {"kind": "run_or_rest", "weeks": "4"})
        alice_client.post("/insights/experiment/stop/")
        page = alice_client.get("/insights/experiment/").content.decode()
    assert "stopped before its first day (2 Jun 2026)" in page
    assert "2 Jun 2026 to 1 Jun 2026" not in page
