"""The weekly summary: a week's runs and check-ins, and one change worth noticing.

Weeks run Monday to Sunday in the person's own timezone. The one change is chosen
by the first rule in :data:`RULES` that applies, so it is predictable and testable.
Every rule looks for something good or neutral: the summary never compares a week
unfavourably, never scolds, and never claims that running caused a feeling.

Mailed on Monday morning (local time) for the week just ended, to people who asked
for it and only where this server can send email (:func:`send_due`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from stridewell.accounts.models import Profile
from stridewell.insights.core import plural
from stridewell.insights.report import ON_FOOT, hours, insights_between, week_start
from stridewell.lib import units as fmt
from stridewell.runs.models import Run, Sport
from stridewell.wellbeing.charts import local_midnight, signed
from stridewell.wellbeing.models import CheckIn, Preferences

BREAK_DAYS = 14  # a run after this many days without one is a comeback worth noticing
FEELING_STEP = 0.5  # how much higher than the four weeks before counts as noticeably higher
MIN_CHECKINS = 3  # check-ins needed, this week and in the weeks before, to compare means
SEND_HOUR = 7  # Monday, from 07:00 local time
SUBJECT = "Your week in Stridewell"
_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


class WeekError(ValueError):
    """A week we cannot read; the message says how to write one."""


def week_label(monday: date) -> str:
    """``2026-W14``: the ISO week of ``monday``."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> date:
    """The Monday of an ISO week written like ``2026-W14``."""
    match = _WEEK.match(text or "")
    try:
        if match is None:
            raise ValueError
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise WeekError(
            f"“{text}” is not a week we can read: please write it like 2026-W14."
        ) from None


# --------------------------------------------------------------------------- #
# The facts of a week
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Change:
    kind: str
    text: str


@dataclass(frozen=True)
class WeekFacts:
    """What the rules look at, for one person and one week."""

    user: Any
    monday: date
    tz: Any
    runs: int
    walks: int
    distance_m: float
    moving_s: float
    first_run: datetime | None  # local start of the week's first run or walk
    checkins: int
    mean_feeling: float | None
    checkins_last_week: int
    mean_before: float | None  # the four weeks before this one
    checkins_before: int

    @property
    def outings(self) -> int:
        return self.runs + self.walks


def _feelings(user: Any, tz: Any, first: date, days: int) -> list[int]:
    """The feelings of the check-ins in the ``days`` local days from ``first``."""
    since, until = local_midnight(first, tz), local_midnight(first + timedelta(days=days), tz)
    found = CheckIn.objects.owned_by(user).filter(recorded_at__gte=since, recorded_at__lt=until)
    return list(found.values_list("feeling", flat=True))


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def week_facts(user: Any, monday: date) -> WeekFacts:
    tz = Profile.objects.for_user(user).tzinfo
    runs = list(
        Run.objects.owned_by(user)
        .filter(sport__in=ON_FOOT)
        .on_days(monday, monday + timedelta(days=6), tz)
        .order_by("start")
        .values_list("start", "sport", "distance_m", "moving_s", "elapsed_s")
    )
    this_week = _feelings(user, tz, monday, 7)
    before = _feelings(user, tz, monday - timedelta(weeks=4), 28)
    return WeekFacts(
        user=user,
        monday=monday,
        tz=tz,
        runs=sum(1 for r in runs if r[1] == Sport.RUNNING),
        walks=sum(1 for r in runs if r[1] != Sport.RUNNING),
        distance_m=sum(r[2] or 0.0 for r in runs),
        moving_s=sum(r[3] or r[4] or 0.0 for r in runs),
        first_run=runs[0][0].astimezone(tz) if runs else None,
        checkins=len(this_week),
        mean_feeling=_mean(this_week),
        checkins_last_week=len(_feelings(user, tz, monday - timedelta(weeks=1), 7)),
        mean_before=_mean(before),
        checkins_before=len(before),
    )


# --------------------------------------------------------------------------- #
# The rules, most worth noticing first
# --------------------------------------------------------------------------- #


def new_pattern(facts: WeekFacts) -> Change | None:
    """An insight that became a "pattern" with this week's data."""
    sunday = facts.monday + timedelta(days=6)
    before = {
        i.id
        for i in insights_between(facts.user, None, facts.monday - timedelta(days=1))
        if i.verdict == "pattern"
    }
    fresh = [
        i
        for i in insights_between(facts.user, None, sunday)
        if i.verdict == "pattern" and i.id not in before
    ]
    if not fresh:
        return None
    return Change(
        "new_pattern",
        f"A new pattern showed up in your insights, for the question “{fresh[0].question}” "
        "It is a pattern in your own data, not proof of what causes what. Have a look whenever you like.",
    )


def back_after_break(facts: WeekFacts) -> Change | None:
    """The week's first run or walk came after two weeks or more without one (or ever)."""
    if facts.first_run is None:
        return None
    previous = (
        Run.objects.owned_by(facts.user)
        .filter(sport__in=ON_FOOT, start__lt=facts.first_run)
        .order_by("-start")
        .values_list("start", flat=True)
        .first()
    )
    if previous is None:
        return Change(
            "first_run",
            "Your first run or walk in Stridewell. Starting is often the hardest step, and you took it.",
        )
    gap = (facts.first_run.date() - previous.astimezone(facts.tz).date()).days
    if gap < BREAK_DAYS:
        return None
    return Change(
        "back_after_break",
        f"You were out again after {gap} days. Welcome back: coming back after a break is worth noticing.",
    )


def feeling_higher(facts: WeekFacts) -> Change | None:
    """This week's mean feeling at least :data:`FEELING_STEP` above the four weeks before."""
    if facts.mean_feeling is None or facts.mean_before is None:
        return None
    if facts.checkins < MIN_CHECKINS or facts.checkins_before < MIN_CHECKINS:
        return None
    if facts.mean_feeling - facts.mean_before < FEELING_STEP:
        return None
    return Change(
        "feeling_higher",
        f"Your check-ins this week averaged {signed(facts.mean_feeling)}, higher than in the four "
        f"weeks before ({signed(facts.mean_before)}). Good to notice, whatever brought it.",
    )


def more_checkins(facts: WeekFacts) -> Change | None:
    if facts.checkins <= facts.checkins_last_week:
        return None
    return Change(
        "more_checkins",
        "You checked in more often than the week before. Every check-in helps your insights "
        "see you more clearly.",
    )


def kind_note(facts: WeekFacts) -> Change:
    if not facts.outings:
        return Change(
            "rest_week",
            "Rest weeks count too: rest is part of moving well. Whenever you're ready, "
            "even a short walk is enough.",
        )
    return Change("kind_note", "You got out this week. Every run and walk counts, however it felt.")


RULES: tuple[Callable[[WeekFacts], Change | None], ...] = (
    new_pattern,
    back_after_break,
    feeling_higher,
    more_checkins,
)


def change_for(facts: WeekFacts) -> Change:
    """The first rule that finds something, else a kind note."""
    for rule in RULES:
        found = rule(facts)
        if found is not None:
            return found
    return kind_note(facts)


# --------------------------------------------------------------------------- #
# The summary
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class WeeklySummary:
    week: str
    start: date
    end: date
    runs: int
    walks: int
    distance_m: float | None  # None when the person keeps numbers hidden
    moving_s: float | None
    checkins: int
    mean_feeling: float | None
    runs_text: str
    checkins_text: str
    change: Change

    def as_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "start": self.start,
            "end": self.end,
            "runs": self.runs,
            "walks": self.walks,
            "distance_m": self.distance_m,
            "moving_s": self.moving_s,
            "checkins": self.checkins,
            "mean_feeling": None if self.mean_feeling is None else round(self.mean_feeling, 2),
            "runs_text": self.runs_text,
            "checkins_text": self.checkins_text,
            "change": {"kind": self.change.kind, "text": self.change.text},
        }


def runs_text(facts: WeekFacts, profile: Profile) -> str:
    if not facts.outings:
        return "No runs or walks this week."
    parts = [
        plural(n, one, many)
        for n, one, many in ((facts.runs, "run", "runs"), (facts.walks, "walk", "walks"))
        if n
    ]
    text = " and ".join(parts)
    if profile.hide_numbers:
        return text + "."
    distance = fmt.distance(facts.distance_m, profile.units, 1) if facts.distance_m else ""
    time = hours(facts.moving_s) if facts.moving_s else ""
    figures = " in ".join(part for part in (distance, time) if part)
    return f"{text}: {figures}." if figures else text + "."


def checkins_text(facts: WeekFacts) -> str:
    if not facts.checkins or facts.mean_feeling is None:
        return "No check-ins this week."
    return f"{plural(facts.checkins, 'check-in', 'check-ins')}; your mean feeling was {signed(facts.mean_feeling)}."


def weekly_summary(user: Any, monday: date) -> WeeklySummary:
    """The summary of the week starting ``monday`` (any day is moved to its Monday)."""
    monday = week_start(monday)
    profile = Profile.objects.for_user(user)
    facts = week_facts(user, monday)
    hide = profile.hide_numbers
    return WeeklySummary(
        week=week_label(monday),
        start=monday,
        end=monday + timedelta(days=6),
        runs=facts.runs,
        walks=facts.walks,
        distance_m=None if hide else round(facts.distance_m, 1),
        moving_s=None if hide else round(facts.moving_s, 1),
        checkins=facts.checkins,
        mean_feeling=facts.mean_feeling,
        runs_text=runs_text(facts, profile),
        checkins_text=checkins_text(facts),
        change=change_for(facts),
    )


# --------------------------------------------------------------------------- #
# Mail, on Monday morning
# --------------------------------------------------------------------------- #


def send_due(now: datetime | None = None) -> int:
    """Mail last week's summary to those who asked for it; answers how many mails went out.

    Run every few minutes (``stridewell send_weekly_summaries``). Each person gets one
    mail a week, on Monday from :data:`SEND_HOUR` in their own timezone; without an
    SMTP host nothing is mailed and the summary is still in the app.
    """
    now = now or timezone.now()
    if not settings.EMAIL_HOST:
        return 0
    wanted = Preferences.objects.filter(weekly_summary_email=True, user__is_active=True)
    return sum(_send_one(prefs, now) for prefs in wanted.select_related("user"))


def _send_one(prefs: Preferences, now: datetime) -> int:
    profile = Profile.objects.for_user(prefs.user)
    local = timezone.localtime(now, profile.tzinfo)
    today = local.date()
    if today.weekday() != 0 or local.hour < SEND_HOUR or prefs.weekly_summary_sent_on == today:
        return 0
    if not prefs.user.email:
        return 0
    summary = weekly_summary(prefs.user, today - timedelta(weeks=1))
    context = {"summary": summary, "name": profile.display_name, "site_url": settings.SITE_URL}
    body = render_to_string("insights/email/weekly_summary.txt", context)
    html = render_to_string("insights/email/weekly_summary.html", context)
    send_mail(SUBJECT, body, None, [prefs.user.email], html_message=html)
    prefs.weekly_summary_sent_on = today
    prefs.save(update_fields=["weekly_summary_sent_on"])
    return 1
