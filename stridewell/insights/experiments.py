"""Find out for sure: a person's own randomised experiment, from the first day to the result.

Correlation cannot say whether running *causes* a better evening for this person;
an experiment can. The app picks each day's arm at random (blocked by week, see
:func:`stridewell.insights.stats.blocked_assignments`), shows only today's and
past days, and when the last day has passed compares the evenings by assignment.

One function per step serves the page, the API, the CLI and the reminders alike:
:func:`start`, :func:`stop`, :func:`experiments_for`, :func:`days_so_far`,
:func:`reminder_text` and :func:`send_morning_reminders`.

**The outcome of a day** is the mean feeling of every check-in (any kind) recorded
that local day from 17:00 on; when there is none, the mean of that day's *daily*
check-ins at any time; otherwise the day has no outcome and is left out of the
comparison (and counted as a day "without a check-in").

**Followed** is worked out from the day's runs, for the record only (the comparison
goes by assignment, "intention to treat"): a run day needs a run; a rest day
means no run (a walk is fine); an easy day needs a run typed *easy* and none typed
*intervals*; an intervals day needs a run typed *intervals*.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Literal

import numpy as np
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.insights import stats
from stridewell.insights.core import plural
from stridewell.insights.models import (
    ARMS,
    MAX_WEEKS,
    MIN_WEEKS,
    Experiment,
    ExperimentDay,
    ExperimentKind,
    ExperimentStatus,
)
from stridewell.runs.models import Run, Sport
from stridewell.wellbeing.models import CheckIn, Kind

__all__ = [
    "ActiveView",
    "DESIGNS",
    "EVENING",
    "MIN_DAYS_PER_ARM",
    "DayView",
    "Design",
    "ExperimentError",
    "Progress",
    "Result",
    "Tally",
    "active_for",
    "active_view",
    "add_experiments",
    "analyse",
    "assignment",
    "days_so_far",
    "experiment_json",
    "experiments_for",
    "local_today",
    "observe",
    "progress",
    "reminder_text",
    "send_morning_reminders",
    "start",
    "stop",
]

EVENING = time(17, 0)
# The morning mail goes out between these local times; later, the page still shows it.
MORNING, MORNING_UNTIL = time(7, 0), time(12, 0)
MIN_DAYS_PER_ARM = 8
Verdict = Literal["effect", "no_clear_effect", "not_enough_data"]


class ExperimentError(Exception):
    """Something the person asked for that cannot be done; the message says why, kindly."""


@dataclass(frozen=True, slots=True)
class Design:
    """The words and the "did it happen" rule of one kind of experiment (arm A first)."""

    day: tuple[str, str]  # "run day", "rest day"
    short: tuple[str, str]  # for the calendar: "Run", "Rest"
    asked: str  # "on days the app asked you to run"
    cause: str  # "running itself"
    today: tuple[str, str]  # the morning words for each arm

    def day_of(self, is_a: bool) -> str:
        return self.day[0 if is_a else 1]

    def short_of(self, is_a: bool) -> str:
        return self.short[0 if is_a else 1]


DESIGNS: dict[str, Design] = {
    ExperimentKind.RUN_OR_REST: Design(
        day=("run day", "rest day"),
        short=("Run", "Rest"),
        asked="on days the app asked you to run",
        cause="running itself",
        today=(
            "Today is a run day in your experiment: any run counts, however short.",
            "Today is a rest day in your experiment: resting is exactly right today.",
        ),
    ),
    ExperimentKind.EASY_OR_INTERVALS: Design(
        day=("easy day", "intervals day"),
        short=("Easy", "Int."),
        asked="on days the app asked you for an easy run",
        cause="an easy run, rather than intervals,",
        today=(
            "Today is an easy day in your experiment: a relaxed run at a chatty pace.",
            "Today is an intervals day in your experiment: a run with some faster stretches.",
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class DayView:
    """One day of an experiment as the person may see it (never a day after today)."""

    date: date
    arm: str
    is_a: bool
    outcome: float | None
    followed: bool | None

    @property
    def checked_in(self) -> bool:
        return self.outcome is not None


@dataclass(frozen=True, slots=True)
class Result:
    """What an ended experiment found, with its plain sentence. Stored as JSON on the row."""

    verdict: Verdict
    sentence: str
    needed: str
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    n_a: int
    n_b: int
    missing: int
    followed_a: int
    followed_b: int
    days: int
    stopped_early: bool


# --------------------------------------------------------------------------- #
# Dates
# --------------------------------------------------------------------------- #


def local_today(user: Any, now: datetime | None = None, tz: tzinfo | None = None) -> date:
    tz = tz or Profile.objects.for_user(user).tzinfo
    return timezone.localtime(now or timezone.now(), tz).date()


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tz)


# --------------------------------------------------------------------------- #
# Starting and stopping
# --------------------------------------------------------------------------- #


def assignment(seed: int, weeks: int) -> np.ndarray:
    """Every day's arm (True = arm A), drawn once from the stored seed."""
    return stats.blocked_assignments(weeks, 1, np.random.default_rng(seed))[0]


def _check_choice(kind: str, weeks: int) -> None:
    if kind not in ARMS:
        choices = ", ".join(f"{k} ({' or '.join(a)})" for k, a in ARMS.items())
        raise ExperimentError(f"Choose one of the experiments we offer: {choices}.")
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise ExperimentError(
            f"An experiment lasts {MIN_WEEKS} to {MAX_WEEKS} weeks: long enough to tell, "
            "short enough to keep going."
        )


def start(user: Any, kind: str, weeks: int, now: datetime | None = None) -> Experiment:
    """Start an experiment tomorrow (so the first day is a whole day), one at a time."""
    _check_choice(kind, weeks)
    experiments_for(user, now)  # ends one whose last day has passed
    if Experiment.objects.owned_by(user).active().exists():
        raise ExperimentError(_already_running())
    first = local_today(user, now) + timedelta(days=1)
    seed = secrets.randbits(63)
    try:
        with transaction.atomic():
            experiment = Experiment.objects.create(
                user=user, kind=kind, weeks=weeks, start=first, seed=seed
            )
            _make_days(experiment)
    except IntegrityError:  # a second start at the same moment
        raise ExperimentError(_already_running()) from None
    return experiment


def _already_running() -> str:
    return (
        "You already have an experiment running. One at a time keeps the answer clear: "
        "you can stop it on the experiment page, then start a new one."
    )


def _make_days(experiment: Experiment) -> None:
    arm_a, arm_b = experiment.arms
    days = [
        ExperimentDay(
            experiment=experiment,
            date=experiment.start + timedelta(days=i),
            arm=arm_a if is_a else arm_b,
        )
        for i, is_a in enumerate(assignment(experiment.seed, experiment.weeks).tolist())
    ]
    ExperimentDay.objects.bulk_create(days)


def stop(experiment: Experiment, now: datetime | None = None) -> Experiment:
    """End an experiment early; the days so far are kept and analysed (with that caveat)."""
    if not experiment.is_active:
        raise ExperimentError("This experiment has already ended.")
    today = local_today(experiment.user, now)
    last = min(today, experiment.end)
    status = ExperimentStatus.FINISHED if today > experiment.end else ExperimentStatus.STOPPED
    return _conclude(experiment, status, last, now)


def _conclude(
    experiment: Experiment, status: str, last: date, now: datetime | None = None
) -> Experiment:
    """Record what happened on each day, compute the result once and keep it."""
    tz = Profile.objects.for_user(experiment.user).tzinfo
    days = observe(experiment, last, tz)
    rows = {row.date: row for row in experiment.days.filter(date__lte=last)}
    for day in days:
        rows[day.date].outcome, rows[day.date].followed = day.outcome, day.followed
    ExperimentDay.objects.bulk_update(rows.values(), ["outcome", "followed"])
    experiment.status, experiment.last_day = status, last
    experiment.finished_at = now or timezone.now()
    stopped = status == ExperimentStatus.STOPPED
    experiment.result = dataclasses.asdict(analyse(experiment, days, stopped_early=stopped))
    experiment.save(update_fields=["status", "last_day", "finished_at", "result"])
    return experiment


def experiments_for(user: Any, now: datetime | None = None) -> list[Experiment]:
    """The person's experiments, newest first; one whose last day has passed is finished now.

    Finishing lazily here (and in :func:`send_morning_reminders`) means no scheduler
    is needed: whoever looks first sees the result.
    """
    experiments = list(Experiment.objects.owned_by(user))
    today = local_today(user, now)
    for experiment in experiments:
        if experiment.is_active and today > experiment.end:
            _conclude(experiment, ExperimentStatus.FINISHED, experiment.end, now)
    return experiments


def active_for(experiments: Iterable[Experiment]) -> Experiment | None:
    """The running one among ``experiments`` (there is at most one)."""
    return next((e for e in experiments if e.is_active), None)


# --------------------------------------------------------------------------- #
# What happened on each day
# --------------------------------------------------------------------------- #


def _outcomes(user: Any, first: date, last: date, tz: tzinfo) -> dict[date, float]:
    """Each day's outcome by the rule in the module docstring (days without one are absent)."""
    rows = (
        CheckIn.objects.owned_by(user)
        .filter(recorded_at__gte=_midnight(first, tz))
        .filter(recorded_at__lt=_midnight(last + timedelta(days=1), tz))
        .order_by()
        .values_list("recorded_at", "kind", "feeling")
    )
    evening: dict[date, list[int]] = defaultdict(list)
    daily: dict[date, list[int]] = defaultdict(list)
    for recorded_at, kind, feeling in rows:
        local = timezone.localtime(recorded_at, tz)
        if local.time() >= EVENING:
            evening[local.date()].append(feeling)
        elif kind == Kind.DAILY:
            daily[local.date()].append(feeling)
    days = set(evening) | set(daily)
    return {day: float(np.mean(evening.get(day) or daily[day])) for day in days}


def _runs(user: Any, first: date, last: date, tz: tzinfo, typed: bool) -> dict[date, list[str]]:
    """Each day's runs, by run type when ``typed`` (else ""). Runs only: a walk on a
    rest day is still rest."""
    runs = Run.objects.owned_by(user).filter(sport=Sport.RUNNING).on_days(first, last, tz)
    rows = runs.order_by().values_list("start", "run_type" if typed else "sport")
    found: dict[date, list[str]] = defaultdict(list)
    for started, run_type in rows:
        found[timezone.localtime(started, tz).date()].append(run_type if typed else "")
    return found


def _followed(arm: str, run_types: list[str]) -> bool:
    if arm == "run":
        return bool(run_types)
    if arm == "rest":
        return not run_types
    if arm == "intervals":
        return "intervals" in run_types
    return "easy" in run_types and "intervals" not in run_types


def observe(experiment: Experiment, until: date, tz: tzinfo) -> list[DayView]:
    """Days from the start to ``until`` with their outcome and whether the plan was followed."""
    if until < experiment.start:
        return []
    user = experiment.user
    outcomes = _outcomes(user, experiment.start, until, tz)
    typed = experiment.kind == ExperimentKind.EASY_OR_INTERVALS
    runs = _runs(user, experiment.start, until, tz, typed)
    arm_a = experiment.arms[0]
    return [
        DayView(
            row.date,
            row.arm,
            row.arm == arm_a,
            outcomes.get(row.date),
            _followed(row.arm, runs.get(row.date, [])),
        )
        for row in experiment.days.filter(date__lte=until)
    ]


def days_so_far(experiment: Experiment, today: date, tz: tzinfo) -> list[DayView]:
    """What the person may see: days up to today (or the last day), never a later one."""
    until = experiment.shown_until(today)
    if experiment.is_active:
        return observe(experiment, until, tz)
    arm_a = experiment.arms[0]
    return [
        DayView(row.date, row.arm, row.arm == arm_a, row.outcome, row.followed)
        for row in experiment.days.filter(date__lte=until)
    ]


@dataclass(frozen=True, slots=True)
class Progress:
    """How far along a running experiment is, and how its check-ins are adding up."""

    day: int
    total: int
    week: int
    text: str


def progress(experiment: Experiment, days: list[DayView]) -> Progress:
    """Counts only: no interim effect, because peeking and stopping on a good-looking
    result would tilt the answer (the result comes once, after the last day)."""
    design, t = DESIGNS[experiment.kind], Tally.of(days)
    so_far = (
        f"So far {plural(t.n_a, design.day[0])} and {plural(t.n_b, design.day[1])} "
        "have an evening check-in"
    )
    needed = needed_text(design, t.n_a, t.n_b)
    if needed:
        text = f"{so_far}; the result needs at least {MIN_DAYS_PER_ARM} of each ({needed})."
    else:
        text = f"{so_far}: enough for a result after the last day, {experiment.end:%a %-d %b}."
    week = max(1, min(experiment.weeks, (len(days) + 6) // 7))
    return Progress(len(days), experiment.total_days, week, text)


@dataclass(frozen=True, slots=True)
class ActiveView:
    """What the page shows of a running experiment: today, the days so far, progress."""

    experiment: Experiment
    design: Design
    today: DayView | None
    today_text: str
    weekdays: list[str]
    grid: list[list[DayView | None]]  # one row per week; None = a day not yet come
    progress: Progress


def active_view(experiment: Experiment, today: date, tz: tzinfo) -> ActiveView:
    design = DESIGNS[experiment.kind]
    days = days_so_far(experiment, today, tz)
    current = days[-1] if days and days[-1].date == today else None
    padded: list[DayView | None] = [*days, *[None] * (experiment.total_days - len(days))]
    return ActiveView(
        experiment=experiment,
        design=design,
        today=current,
        today_text=design.today[0 if current.is_a else 1] if current else "",
        weekdays=[f"{experiment.start + timedelta(days=i):%a}" for i in range(7)],
        grid=[padded[i : i + 7] for i in range(0, len(padded), 7)],
        progress=progress(experiment, days),
    )


# --------------------------------------------------------------------------- #
# The analysis and its words
# --------------------------------------------------------------------------- #


def _num(value: float) -> str:
    """One decimal for reading, never ``-0.0``; a true minus sign for negatives."""
    text = f"{round(value, 1) + 0.0:.1f}"
    return text.replace("-", "−")


def _p(value: float) -> str:
    if value < 0.001:
        return "p < 0.001"
    return f"p = {value:.3f}" if value < 0.01 else f"p = {value:.2f}"


def needed_text(design: Design, n_a: int, n_b: int) -> str:
    """``"3 more run days and 1 more rest day with an evening check-in"`` (empty when enough)."""
    parts = [
        f"{short} more {word if short == 1 else word + 's'}"
        for short, word in (
            (MIN_DAYS_PER_ARM - n_a, design.day[0]),
            (MIN_DAYS_PER_ARM - n_b, design.day[1]),
        )
        if short > 0
    ]
    return " and ".join(parts) + " with an evening check-in" if parts else ""


def _counts(design: Design, n_a: int, n_b: int, missing: int) -> str:
    text = f"{plural(n_a, design.day[0])}, {plural(n_b, design.day[1])}"
    if missing:
        text += f", {plural(missing, 'day')} without a check-in"
    return text


def _found_sentence(
    design: Design, r: stats.RandomisationResult, missing: int
) -> tuple[Verdict, str]:
    """The sentence for an experiment with enough days: a clear effect or not."""
    if abs(r.effect) < 0.05:
        difference = f"about the same as on {design.day[1]}s"
    else:
        difference = f"{_num(abs(r.effect))} points {'higher' if r.effect > 0 else 'lower'} than on {design.day[1]}s"
    numbers = (
        f"95% interval {_num(r.ci_low)} to {_num(r.ci_high)}; {_p(r.p_value)}; "
        f"{_counts(design, r.n_a, r.n_b, missing)}"
    )
    body = f"In your experiment, {design.asked}, your evening feeling was {difference} ({numbers})."
    if r.ci_low > 0 or r.ci_high < 0:
        direction = "lifted" if r.effect > 0 else "lowered"
        because = (
            "Because the days were chosen at random, this is good evidence that "
            f"{design.cause} {direction} your mood during these weeks."
        )
        return "effect", f"{body} {because}"
    unclear = (
        "A difference this size could well be chance, so this experiment cannot tell "
        f"whether it makes a difference for you; if it does, the change is likely between "
        f"{_num(r.ci_low)} and {_num(r.ci_high)} points."
    )
    return "no_clear_effect", f"{body} {unclear}"


@dataclass(frozen=True, slots=True)
class Tally:
    """Days with an outcome per arm, days without one, and how many went to plan."""

    n_a: int
    n_b: int
    missing: int
    followed_a: int
    followed_b: int
    days: int

    @classmethod
    def of(cls, days: list[DayView]) -> Tally:
        seen = [d for d in days if d.checked_in]
        n_a = sum(1 for d in seen if d.is_a)
        return cls(
            n_a=n_a,
            n_b=len(seen) - n_a,
            missing=len(days) - len(seen),
            followed_a=sum(1 for d in seen if d.is_a and d.followed),
            followed_b=sum(1 for d in seen if not d.is_a and d.followed),
            days=len(days),
        )


def _followed_sentence(design: Design, t: Tally) -> str:
    return (
        f"You did what the app asked on {t.followed_a} of those "
        f"{plural(t.n_a, design.day[0])} and {t.followed_b} of the "
        f"{plural(t.n_b, design.day[1])}; the comparison goes by what the app asked, "
        "so days that went differently still count."
    )


def _not_enough(design: Design, t: Tally, needed: str) -> str:
    if not t.days:
        return "You stopped this experiment before its first day, so there is nothing to compare."
    return (
        f"There were not enough evening check-ins to say: the comparison needs at least "
        f"{MIN_DAYS_PER_ARM} {design.day[0]}s and {MIN_DAYS_PER_ARM} {design.day[1]}s with one, "
        f"and this experiment had {_counts(design, t.n_a, t.n_b, t.missing)} ({needed} were "
        "needed). A new experiment, with a check-in most evenings, can give a clearer answer."
    )


def analyse(experiment: Experiment, days: list[DayView], *, stopped_early: bool = False) -> Result:
    """Compare evenings by assignment (intention to treat) with a randomisation test.

    Below :data:`MIN_DAYS_PER_ARM` days with an outcome in either arm there is no
    estimate, only what more would have been needed. ``days`` must run from the
    first day without gaps, as :func:`observe` gives them.
    """
    design, t = DESIGNS[experiment.kind], Tally.of(days)
    prefix = ""
    if stopped_early and days:
        prefix = (
            f"You stopped this experiment early, after {plural(t.days, 'day')} of "
            f"{experiment.total_days}, so its answer is less certain. "
        )
    needed = needed_text(design, t.n_a, t.n_b)
    if needed or not days:
        sentence = prefix + _not_enough(design, t, needed)
        return _result("not_enough_data", sentence, needed, t, stopped_early, None)
    y = [np.nan if d.outcome is None else d.outcome for d in days]
    z = [d.is_a for d in days]
    r = stats.randomisation_inference(y, z, experiment.weeks, seed=[experiment.seed, 1])
    verdict, found = _found_sentence(design, r, t.missing)
    sentence = f"{prefix}{found} {_followed_sentence(design, t)}"
    return _result(verdict, sentence, "", t, stopped_early, r)


def _result(
    verdict: Verdict,
    sentence: str,
    needed: str,
    t: Tally,
    stopped_early: bool,
    r: stats.RandomisationResult | None,
) -> Result:
    return Result(
        verdict=verdict,
        sentence=sentence,
        needed=needed,
        effect=r.effect if r else None,
        ci_low=r.ci_low if r else None,
        ci_high=r.ci_high if r else None,
        p_value=r.p_value if r else None,
        stopped_early=stopped_early,
        **dataclasses.asdict(t),
    )


# --------------------------------------------------------------------------- #
# The shape the API, the CLI and the export share
# --------------------------------------------------------------------------- #


def _day_json(day: DayView) -> dict[str, Any]:
    return {
        "date": day.date.isoformat(),
        "arm": day.arm,
        "checked_in": day.checked_in,
        "outcome": day.outcome,
        "followed": day.followed,
    }


def experiment_json(experiment: Experiment, tz: tzinfo) -> dict[str, Any]:
    """One experiment with its days so far (never a later one) and, once ended, its result."""
    today = local_today(experiment.user, tz=tz)
    days = days_so_far(experiment, today, tz)
    current = days[-1] if experiment.is_active and days and days[-1].date == today else None
    return {
        "id": experiment.pk,
        "kind": experiment.kind,
        "arms": list(experiment.arms),
        "status": experiment.status,
        "start": experiment.start.isoformat(),
        "weeks": experiment.weeks,
        "end": experiment.end.isoformat(),
        "today": _day_json(current) if current else None,
        "days": [_day_json(day) for day in days],
        "result": experiment.result,
    }


def add_experiments(archive: zipfile.ZipFile, user: Any) -> int:
    """The account-export section: experiments.json. The seed (which would reveal the
    days to come) is included only for experiments that have ended."""
    tz = Profile.objects.for_user(user).tzinfo
    found = experiments_for(user)
    data = [{**experiment_json(e, tz), **({} if e.is_active else {"seed": e.seed})} for e in found]
    archive.writestr("experiments.json", json.dumps({"experiments": data}, indent=2))
    return len(found)


# --------------------------------------------------------------------------- #
# Reminders: today's assignment each morning, a check-in each evening
# --------------------------------------------------------------------------- #


def _today_row(user: Any, today: date) -> ExperimentDay | None:
    return (
        ExperimentDay.objects.select_related("experiment")
        .filter(experiment__user_id=user.pk, experiment__status=ExperimentStatus.ACTIVE)
        .filter(date=today)
        .first()
    )


def today_text(row: ExperimentDay) -> str:
    design = DESIGNS[row.experiment.kind]
    return design.today[0 if row.arm == row.experiment.arms[0] else 1]


def reminder_text(user: Any, now: datetime | None = None, tz: tzinfo | None = None) -> str:
    """The in-app words for today: the assignment, and the evening check-in until it is made."""
    tz = tz or Profile.objects.for_user(user).tzinfo
    local = timezone.localtime(now or timezone.now(), tz)
    row = _today_row(user, local.date())
    if row is None:
        return ""
    if local.time() < EVENING:
        return f"{today_text(row)} This evening, a one-tap check-in is all it needs."
    evening = datetime.combine(local.date(), EVENING, tz)
    if CheckIn.objects.owned_by(user).filter(recorded_at__gte=evening).exists():
        return ""  # nothing more to do today
    return (
        f"{today_text(row)} A one-tap check-in this evening is all it needs, whenever you're ready."
    )


def send_morning_reminders(now: datetime | None = None) -> int:
    """Finish experiments that are over, then mail today's assignment once each morning.

    Called by the reminders job (``stridewell send_reminders``) every few minutes;
    answers how many mails went out. Without an SMTP host nothing is mailed, and the
    assignment still shows in the app.
    """
    now = now or timezone.now()
    sent = 0
    for experiment in Experiment.objects.active().select_related("user"):
        sent += _remind_one(experiment, now)
    return sent


def _remind_one(experiment: Experiment, now: datetime) -> int:
    user = experiment.user
    local = timezone.localtime(now, Profile.objects.for_user(user).tzinfo)
    if local.date() > experiment.end:
        _conclude(experiment, ExperimentStatus.FINISHED, experiment.end, now)
        return 0
    if not (settings.EMAIL_HOST and user.email and MORNING <= local.time() < MORNING_UNTIL):
        return 0
    row = experiment.days.filter(date=local.date()).first()
    if row is None or experiment.reminded_on == local.date():
        return 0
    row.experiment = experiment
    body = "\n\n".join(
        [
            today_text(row),
            "This evening, from 5 pm, a one-tap check-in is all it needs.",
            "You can see your experiment, or stop it, on the experiment page.",
        ]
    )
    send_mail("Today in your experiment", body, None, [user.email])
    experiment.reminded_on = local.date()
    experiment.save(update_fields=["reminded_on"])
    return 1
