"""Group runs: their dates, RSVPs, the sweeper, attendance, results and reminders.

A group run is one-off or weekly; each date is an :class:`Occurrence`, made
lazily for the weeks someone looks at, so a weekly run with no end never fills
the database. Times are the group's local time; "on the day" is the group's day.

Results (a time, a position) are shown only when the organiser turned them on
*and* the runner ticked "share my result", and never when the runner hides
their numbers from others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import dateformat, timezone

from stridewell.community import milestones
from stridewell.community.groups import (
    GroupError,
    NotAllowed,
    checked,
    membership,
    require_organiser,
)
from stridewell.community.models import (
    Attendance,
    Group,
    GroupRun,
    Kind,
    Membership,
    Notification,
    Occurrence,
    Role,
    Rsvp,
)
from stridewell.community.notify import notify
from stridewell.community.people import card
from stridewell.community.visibility import not_blocked
from stridewell.lib import units
from stridewell.runs.models import Run, Sport

__all__ = [
    "cancel_group_run",
    "cancel_rsvp",
    "check_in",
    "create_group_run",
    "event_json",
    "event_url",
    "link_attendance_runs",
    "occurrences",
    "results_for",
    "rsvp",
    "send_group_run_reminders",
    "set_attendance",
    "set_share_result",
    "step_back_as_sweeper",
    "upcoming",
    "volunteer_as_sweeper",
]

UPCOMING_WEEKS = 6
# Occurrences are made for at most this many days at a time (a year and a bit).
MAX_WINDOW_DAYS = 400
LINK_WITHIN_DAYS = 60
ON_FOOT = (Sport.RUNNING, Sport.WALKING, Sport.HIKING)


def event_url(occurrence: Occurrence) -> str:
    return f"/events/{occurrence.pk}/"


# --------------------------------------------------------------------------- #
# Dates
# --------------------------------------------------------------------------- #


def schedule_dates(group_run: GroupRun, start: date, end: date) -> list[date]:
    """The group run's dates from ``start`` to ``end`` (both included)."""
    if group_run.until is not None:
        end = min(end, group_run.until)
    end = min(end, start + timedelta(days=MAX_WINDOW_DAYS))
    if not group_run.weekly:
        return [group_run.first_date] if start <= group_run.first_date <= end else []
    behind = (start - group_run.first_date).days
    first = group_run.first_date + timedelta(days=7 * max(0, -(-behind // 7)))
    dates = []
    while first <= end:
        dates.append(first)
        first += timedelta(days=7)
    return dates


def occurrences(group_run: GroupRun, start: date, end: date) -> list[Occurrence]:
    """The group run's occurrences from ``start`` to ``end``, made the first time they are asked for."""
    dates = schedule_dates(group_run, start, end)
    if not dates:
        return []
    found = Occurrence.objects.filter(group_run_id=group_run.pk, date__in=dates)
    missing = set(dates) - set(found.values_list("date", flat=True))
    if missing:
        Occurrence.objects.bulk_create(
            [Occurrence(group_run=group_run, date=day) for day in sorted(missing)],
            ignore_conflicts=True,
        )
    return list(found.select_related("group_run__group", "sweeper__profile").order_by("date"))


def upcoming(group: Group, weeks: int = UPCOMING_WEEKS) -> list[Occurrence]:
    """The group's coming dates, soonest first (today's included)."""
    today = timezone.localdate(timezone=group.tzinfo)
    end = today + timedelta(weeks=weeks)
    found = []
    for group_run in group.group_runs.filter(cancelled=False).select_related("group"):
        found.extend(occurrences(group_run, today, end))
    return sorted(found, key=lambda occ: (occ.date, occ.group_run.local_time))


def recent(group: Group, limit: int = 4) -> list[Occurrence]:
    """The last few dates that have been (so organisers can still mark who came)."""
    today = timezone.localdate(timezone=group.tzinfo)
    rows = Occurrence.objects.filter(group_run__group_id=group.pk, date__lt=today)
    return list(rows.select_related("group_run__group").order_by("-date")[:limit])


def is_past(occurrence: Occurrence) -> bool:
    return occurrence.starts_at <= timezone.now()


def is_today(occurrence: Occurrence) -> bool:
    return occurrence.date == timezone.localdate(timezone=occurrence.group_run.group.tzinfo)


# --------------------------------------------------------------------------- #
# Organisers: making and cancelling group runs
# --------------------------------------------------------------------------- #

EDITABLE = (
    "title",
    "description",
    "place",
    "first_date",
    "local_time",
    "weekly",
    "until",
    "distance_m",
    "duration_min",
    "pace_promise",
    "walkers_welcome",
    "capacity",
    "results_enabled",
)


def create_group_run(organiser: Any, group: Group, **fields: Any) -> GroupRun:
    """An organiser sets up a one-off or weekly group run."""
    require_organiser(organiser, group)
    values = {key: value for key, value in fields.items() if key in EDITABLE and value is not None}
    if not (values.get("title") or "").strip() or not (values.get("place") or "").strip():
        raise GroupError("A group run needs a name and a place to meet.")
    if not values.get("weekly"):
        values["until"] = None
    elif values.get("until") and values["until"] < values["first_date"]:
        raise GroupError("The last date can't be before the first one.")
    if values["first_date"] < timezone.localdate(timezone=group.tzinfo) - timedelta(days=1):
        raise GroupError("Choose a first date from today on.")
    if values.get("capacity") == 0:
        values["capacity"] = None
    group_run = GroupRun(group=group, created_by=organiser, **values)
    checked(group_run).save()
    return group_run


def cancel_group_run(organiser: Any, group_run: GroupRun) -> int:
    """Cancel a group run (every coming date); people who said they'd come are told."""
    group = group_run.group
    require_organiser(organiser, group)
    group_run.cancelled = True
    group_run.save(update_fields=["cancelled"])
    coming = Rsvp.objects.filter(
        occurrence__group_run=group_run,
        occurrence__date__gte=timezone.localdate(timezone=group.tzinfo),
    ).select_related("user")
    told = 0
    for user in {r.user for r in coming}:
        text = f"“{group_run.title}” with {group.name} is cancelled. Look after yourselves."
        told += notify(user, Kind.GROUP_RUN, text, f"/groups/{group.slug}/", organiser) is not None
    return told


# --------------------------------------------------------------------------- #
# RSVPs and the sweeper
# --------------------------------------------------------------------------- #


def _require_member(user: Any, occurrence: Occurrence, doing: str) -> None:
    if membership(user, occurrence.group_run.group) is None:
        raise NotAllowed(f"Join the group first, then you can {doing}.")


def _require_coming(occurrence: Occurrence) -> None:
    if occurrence.group_run.cancelled:
        raise GroupError("This group run is cancelled.")
    if is_past(occurrence):
        raise GroupError("This group run has already started.")


@transaction.atomic
def rsvp(user: Any, occurrence: Occurrence, *, as_sweeper: bool = False) -> Rsvp:
    """Say "I'm coming". Full runs say so; the sweeper's place never counts against capacity."""
    _require_member(user, occurrence, "say you're coming")
    _require_coming(occurrence)
    # Lock the occurrence so two people can't take the last place at once (PostgreSQL).
    Occurrence.objects.select_for_update().filter(pk=occurrence.pk).first()
    found = Rsvp.objects.filter(occurrence_id=occurrence.pk, user_id=user.pk).first()
    if found is not None:
        return found
    capacity = occurrence.group_run.capacity
    if capacity and not as_sweeper and occurrence.rsvps.count() >= capacity:
        raise GroupError(
            f"This run is full ({capacity} places). If someone can't make it a place opens "
            "up — have a look again nearer the day."
        )
    return Rsvp.objects.create(occurrence=occurrence, user=user)


def cancel_rsvp(user: Any, occurrence: Occurrence) -> bool:
    """ "Can't make it after all": no reason needed. Also steps back from sweeping."""
    deleted, _ = Rsvp.objects.filter(occurrence_id=occurrence.pk, user_id=user.pk).delete()
    if occurrence.sweeper_id == user.pk:
        step_back_as_sweeper(user, occurrence)
    return bool(deleted)


@transaction.atomic
def volunteer_as_sweeper(user: Any, occurrence: Occurrence) -> Occurrence:
    """Walk at the back so nobody is last alone; it counts as coming (and as attending)."""
    _require_member(user, occurrence, "volunteer")
    _require_coming(occurrence)
    locked = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    if locked.sweeper_id and locked.sweeper_id != user.pk:
        raise GroupError("Someone is already sweeping this one — thank you for offering!")
    locked.sweeper = user
    locked.save(update_fields=["sweeper"])
    occurrence.sweeper = user
    rsvp(user, occurrence, as_sweeper=True)
    return occurrence


def step_back_as_sweeper(user: Any, occurrence: Occurrence) -> None:
    Occurrence.objects.filter(pk=occurrence.pk, sweeper_id=user.pk).update(sweeper=None)
    if occurrence.sweeper_id == user.pk:
        occurrence.sweeper = None


def going(viewer: Any, occurrence: Occurrence) -> QuerySet[Rsvp]:
    """Who said they're coming, for group members only; nobody across a block."""
    if membership(viewer, occurrence.group_run.group) is None:
        return Rsvp.objects.none()
    return (
        occurrence.rsvps.filter(not_blocked(viewer, "user_id"))
        .select_related("user__profile")
        .order_by("created_at")
    )


# --------------------------------------------------------------------------- #
# Attendance
# --------------------------------------------------------------------------- #


def _run_that_day(user_id: int, occurrence: Occurrence) -> Run | None:
    """The person's own walk or run on the event's day, the one starting nearest its time."""
    tz = occurrence.group_run.group.tzinfo
    day_start = datetime.combine(occurrence.date, time.min, tz)
    runs = Run.objects.filter(
        user_id=user_id,
        sport__in=ON_FOOT,
        start__gte=day_start,
        start__lt=day_start + timedelta(days=1),
    ).only("pk", "start", "elapsed_s", "user_id")
    starts_at = occurrence.starts_at
    return min(runs, key=lambda run: abs(run.start - starts_at), default=None)


def _attend(user: Any, occurrence: Occurrence, marked_by: Any) -> Attendance:
    found, created = Attendance.objects.get_or_create(
        occurrence=occurrence,
        user=user,
        defaults={
            "marked_by": marked_by,
            "swept": occurrence.sweeper_id == user.pk,
            "run": _run_that_day(user.pk, occurrence),
        },
    )
    if created:
        milestones.announce(user)
    return found


def check_in(user: Any, occurrence: Occurrence, code: str) -> Attendance:
    """ "I'm here": the attendee types the event's code, on the day (the group's day)."""
    _require_member(user, occurrence, "check in")
    if occurrence.group_run.cancelled:
        raise GroupError("This group run is cancelled.")
    if not is_today(occurrence):
        raise GroupError("Checking in opens on the day of the run (the group's local day).")
    if (code or "").strip().lower() != occurrence.code.lower():
        raise GroupError("That code doesn't match this run. Ask the organiser to read it out.")
    return _attend(user, occurrence, user)


@transaction.atomic
def set_attendance(
    organiser: Any,
    occurrence: Occurrence,
    came: set[int],
    results: dict[int, tuple[float | None, int | None]] | None = None,
) -> int:
    """An organiser marks who came (members not in ``came`` are unmarked). Answers how many came.

    ``results`` maps a person to their (time in seconds, position); they are kept
    only when the group run has results turned on.
    """
    group = occurrence.group_run.group
    require_organiser(organiser, group)
    if occurrence.date > timezone.localdate(timezone=group.tzinfo):
        raise GroupError("Attendance can be marked from the day of the run.")
    members = Membership.objects.filter(group_id=group.pk).select_related("user")
    by_id = {m.user_id: m.user for m in members}
    Attendance.objects.filter(occurrence=occurrence, user_id__in=set(by_id) - came).delete()
    for user_id in came & set(by_id):
        _attend(by_id[user_id], occurrence, organiser)
    if results and occurrence.group_run.results_enabled:
        _save_results(occurrence, results)
    return Attendance.objects.filter(occurrence=occurrence).count()


def _save_results(
    occurrence: Occurrence, results: dict[int, tuple[float | None, int | None]]
) -> None:
    for attendance in Attendance.objects.filter(occurrence=occurrence, user_id__in=results):
        attendance.result_s, attendance.position = results[attendance.user_id]
        attendance.save(update_fields=["result_s", "position"])


def set_share_result(user: Any, occurrence: Occurrence, share: bool) -> bool:
    """The runner's own yes (or no) to showing their time and position to the group."""
    return bool(
        Attendance.objects.filter(occurrence=occurrence, user_id=user.pk).update(share_result=share)
    )


def link_attendance_runs(user: Any) -> int:
    """Link the person's attendances that have no run yet to a run imported since. Answers how many."""
    # Runs arrive within days or weeks of the run (a watch synced, an archive imported);
    # looking further back would cost a query per old attendance on every visit.
    since = timezone.localdate() - timedelta(days=LINK_WITHIN_DAYS)
    waiting = Attendance.objects.filter(
        user_id=user.pk, run__isnull=True, occurrence__date__gte=since
    ).select_related("occurrence__group_run__group")
    linked = 0
    for attendance in waiting.order_by("-occurrence__date")[:50]:
        run = _run_that_day(user.pk, attendance.occurrence)
        if run is not None:
            attendance.run = run
            attendance.save(update_fields=["run"])
            linked += 1
    return linked


def attendees(viewer: Any, occurrence: Occurrence) -> QuerySet[Attendance]:
    """Who came, for group members only; nobody across a block."""
    if membership(viewer, occurrence.group_run.group) is None:
        return Attendance.objects.none()
    return (
        occurrence.attendances.filter(not_blocked(viewer, "user_id"))
        .select_related("user__profile", "run")
        .order_by("user__profile__display_name", "user_id")
    )


@dataclass(frozen=True)
class Result:
    display_name: str
    handle: str
    time_s: float | None
    position: int | None


def results_for(viewer: Any, occurrence: Occurrence) -> list[Result]:
    """Times and positions ``viewer`` may see: results on, the runner agreed, numbers not hidden.

    Listed by name, not by time: results are for each runner, not a ranking.
    """
    if not occurrence.group_run.results_enabled:
        return []
    shown = []
    for attendance in attendees(viewer, occurrence).filter(share_result=True):
        profile = attendance.user.profile
        if profile.hide_numbers_from_others and attendance.user_id != viewer.pk:
            continue
        time_s = attendance.result_s or (attendance.run.elapsed_s if attendance.run else None)
        if time_s is None and attendance.position is None:
            continue
        shown.append(Result(profile.name, profile.handle or "", time_s, attendance.position))
    return shown


# --------------------------------------------------------------------------- #
# Reminders
# --------------------------------------------------------------------------- #


def send_group_run_reminders(now: datetime) -> int:
    """Tell everyone who said they're coming, once, on the day before (the group's day)."""
    # Every timezone's "tomorrow" falls within these UTC dates.
    utc_today = now.astimezone(UTC).date()
    rsvps = Rsvp.objects.filter(
        occurrence__date__range=(utc_today, utc_today + timedelta(days=2)),
        occurrence__group_run__cancelled=False,
    ).select_related("user", "occurrence__group_run__group")
    sent = 0
    for found in rsvps.iterator(chunk_size=500):
        occurrence = found.occurrence
        group = occurrence.group_run.group
        if occurrence.date != now.astimezone(group.tzinfo).date() + timedelta(days=1):
            continue
        url = event_url(occurrence)
        told = Notification.objects.filter(user_id=found.user_id, kind=Kind.GROUP_RUN, url=url)
        if told.exists():
            continue
        when = occurrence.group_run.local_time.strftime("%H:%M")
        text = (
            f"Tomorrow at {when}: “{occurrence.group_run.title}” with {group.name}, "
            f"at {occurrence.group_run.place}. See you there!"
        )
        sent += notify(found.user, Kind.GROUP_RUN, text, url) is not None
    return sent


def event_json(occurrence: Occurrence, viewer: Any) -> dict[str, Any]:
    """What the API shows of one date of a group run: people only to the group's members."""
    group_run = occurrence.group_run
    group = group_run.group
    mine = membership(viewer, group)
    count = occurrence.rsvps.count()
    people = [card(r.user, r.user.profile).as_dict() for r in going(viewer, occurrence)]
    sweeper = occurrence.sweeper if mine and occurrence.sweeper else None
    return {
        "id": occurrence.pk,
        "group_id": group.pk,
        "group_run_id": group_run.pk,
        "title": group_run.title,
        "description": group_run.description,
        "place": group_run.place,
        "date": occurrence.date.isoformat(),
        "starts_at": occurrence.starts_at.isoformat(),
        "timezone": group.timezone,
        "weekly": group_run.weekly,
        "distance_m": group_run.distance_m,
        "duration_min": group_run.duration_min,
        "pace_promise": group_run.pace_promise,
        "walkers_welcome": group_run.walkers_welcome,
        "capacity": group_run.capacity,
        "places_left": max(0, group_run.capacity - count) if group_run.capacity else None,
        "going_count": count,
        "going": bool(mine) and occurrence.rsvps.filter(user_id=viewer.pk).exists(),
        "people_going": people,
        "has_sweeper": occurrence.sweeper_id is not None,
        "sweeper": card(sweeper).as_dict() if sweeper else None,
        "attended": bool(mine) and occurrence.attendances.filter(user_id=viewer.pk).exists(),
        "results_enabled": group_run.results_enabled,
        "cancelled": group_run.cancelled,
        "code": occurrence.code if mine and mine.role == Role.ORGANISER else None,
        "url": event_url(occurrence),
    }


def times(occurrence: Occurrence, viewer_tz: tzinfo) -> dict[str, Any]:
    """When it starts, as words: in the group's time, and in the viewer's when that differs."""
    starts = occurrence.starts_at
    theirs = starts.astimezone(viewer_tz)
    differs = theirs.replace(tzinfo=None) != starts.replace(tzinfo=None)
    same_day = theirs.date() == starts.date()
    return {
        "starts_at": starts,
        "group_day": dateformat.format(starts, "l j F Y"),
        "group_time": dateformat.format(starts, "H:i"),
        "viewer_time": dateformat.format(theirs, "H:i, l j F") if differs else "",
        # For lists that already show the group's date: the day only when it differs.
        "viewer_clock": dateformat.format(theirs, "H:i" if same_day else "H:i D j M")
        if differs
        else "",
        "viewer_tz": str(viewer_tz),
    }


def roll_call(occurrence: Occurrence) -> list[dict[str, Any]]:
    """For organisers marking who came: every member, those who said they'd come first."""
    members = Membership.objects.filter(group_id=occurrence.group_run.group_id).select_related(
        "user__profile"
    )
    going_ids = set(occurrence.rsvps.values_list("user_id", flat=True))
    came = {a.user_id: a for a in occurrence.attendances.all()}
    rows = []
    for member in members:
        found = came.get(member.user_id)
        rows.append(
            {
                "user_id": member.user_id,
                "card": card(member.user, member.user.profile),
                "going": member.user_id in going_ids,
                "came": found is not None,
                "swept": occurrence.sweeper_id == member.user_id,
                "time": units.duration(found.result_s) if found and found.result_s else "",
                "position": found.position if found and found.position else "",
            }
        )
    return sorted(rows, key=lambda row: (not row["going"], row["card"].name.lower()))
