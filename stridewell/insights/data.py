"""Turn one person's check-ins, runs and questionnaires into the tables the insights read.

Two steps, so the statistics can be checked without a database:
:func:`load_raw` reads the person's rows with ``values_list`` in a handful of
queries (no per-row queries, and only the given user's rows), and the pure
:func:`build_user_data` shapes them with pandas into a :class:`UserData`. The
simulation harness feeds :func:`build_user_data` synthetic frames of the same
shape.

Raw frames (naive local times in the person's timezone):

* ``checkins``: ``date``, ``kind``, ``feeling``, ``run_id`` (NaN unless linked
  to one of the person's runs), ``tags`` (list of tag names).
* ``runs``: ``run_id``, ``start``, ``duration_min``, ``intensity`` (1–5: the
  heart-rate zone, else perceived exertion halved, else NaN), ``run_type``,
  ``indoor``, and optionally ``group_run`` (a group run the person came to:
  counted as a run with others).
* ``responses``: ``date``, ``instrument``, ``score``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Exists, OuterRef

from stridewell.accounts.models import Profile
from stridewell.community.models import Attendance
from stridewell.insights.core import UserData
from stridewell.runs.models import Run, Sport
from stridewell.wellbeing.models import CheckIn, Kind, Response

__all__ = [
    "DAILY_COLUMNS",
    "PAIR_COLUMNS",
    "RUN_COLUMNS",
    "RUN_SPORTS",
    "RawData",
    "build_user_data",
    "load_raw",
    "load_user_data",
]

# Which activities count as moving for the insights: runs and walks alike.
RUN_SPORTS = (Sport.RUNNING, Sport.WALKING, Sport.HIKING)
DAILY_COLUMNS = ["feeling", "ran", "weekday", "day_index", "load", "acwr", "in_break"]
PAIR_COLUMNS = ["run_id", "before", "after"]
RUN_COLUMNS = [
    "run_id", "date", "hour", "duration_min", "intensity", "run_type", "indoor",
    "with_others", "before", "after", "change",
]  # fmt: skip
RESPONSE_COLUMNS = ["date", "instrument", "score", "hours_per_week"]
# Tags on a run's check-ins that mean it was not a solo run.
WITH_OTHERS_TAGS = frozenset({"with others", "with friends", "group run", "club", "parkrun"})
ACUTE_DAYS, CHRONIC_DAYS = 7, 28
BREAK_DAYS = 7
VOLUME_DAYS = 28
# Load of a run without heart rate or exertion: treat it as easy (zone 2).
DEFAULT_INTENSITY = 2.0


@dataclass(frozen=True, slots=True)
class RawData:
    checkins: pd.DataFrame
    runs: pd.DataFrame
    responses: pd.DataFrame


# --------------------------------------------------------------------------- #
# Reading (database)
# --------------------------------------------------------------------------- #


def _local(stamps: list[datetime], tz: tzinfo) -> pd.DatetimeIndex:
    """Each timestamp as naive local time in ``tz``."""
    utc = pd.DatetimeIndex(pd.to_datetime(stamps, utc=True))
    return utc.tz_convert(tz).tz_localize(None)


def _bounds(since: date | None, until: date | None, tz: tzinfo) -> dict[str, datetime]:
    out = {}
    if since:
        out["recorded_at__gte"] = datetime.combine(since, time.min, tz)
    if until:
        out["recorded_at__lt"] = datetime.combine(until + timedelta(days=1), time.min, tz)
    return out


def _checkin_tags(user: Any) -> dict[int, list[str]]:
    through = CheckIn.tags.through.objects.filter(checkin__user_id=user.pk)
    tags: dict[int, list[str]] = {}
    for checkin_id, name in through.values_list("checkin_id", "tag__name"):
        tags.setdefault(checkin_id, []).append(name)
    return tags


def _raw_checkins(user: Any, tz: tzinfo, bounds: dict[str, datetime]) -> pd.DataFrame:
    rows = list(
        CheckIn.objects.owned_by(user)
        .filter(**bounds)
        .order_by("recorded_at", "pk")
        .values_list("pk", "recorded_at", "kind", "feeling", "run_id", "run__user_id")
    )
    tags = _checkin_tags(user) if rows else {}
    pks, stamps, kinds, feelings, run_ids, owners = zip(*rows, strict=True) if rows else [()] * 6
    return pd.DataFrame(
        {
            "date": _local(list(stamps), tz).normalize(),
            "kind": list(kinds),
            "feeling": np.asarray(feelings, dtype=float),
            # A check-in only pairs with a run of the same person.
            "run_id": [r if o == user.pk else np.nan for r, o in zip(run_ids, owners, strict=True)],
            "tags": [tags.get(pk, []) for pk in pks],
        }
    )


def run_intensity(
    zones_s: list[float] | None, avg_hr: float | None, max_hr: float | None, rpe: int | None
) -> float:
    """Intensity on a 1–5 scale: time-weighted heart-rate zone, else exertion, else NaN.

    Zones are the five bands of % of max heart rate used on the run page
    (<60, 60–70, 70–80, 80–90, ≥90). Without zone times, the average heart
    rate's zone; without heart rate, perceived exertion (1–10) halved.
    """
    total = sum(zones_s) if zones_s else 0
    if zones_s and total > 0:  # plain Python: numpy's overhead dominates for five numbers
        return sum(zone * s for zone, s in enumerate(zones_s, start=1)) / total
    if avg_hr and max_hr:
        return float(min(5, max(1, math.floor((avg_hr / max_hr - 0.5) * 10) + 1)))
    if rpe:
        return float(min(5, max(1, math.ceil(rpe / 2))))
    return math.nan


def _raw_runs(user: Any, tz: tzinfo, until: date | None, max_hr: float | None) -> pd.DataFrame:
    # A run that was a group run the person came to is a run with others.
    came = Attendance.objects.filter(run_id=OuterRef("pk"), user_id=user.pk)
    runs = Run.objects.owned_by(user).filter(sport__in=RUN_SPORTS)
    if until:
        runs = runs.on_days(None, until, tz)
    annotated = runs.annotate(group_run=Exists(came))
    fields = ("pk", "start", "elapsed_s", "moving_s", "hr_zones_s", "avg_hr",
              "perceived_exertion", "run_type", "indoor", "group_run")  # fmt: skip
    rows = list(annotated.order_by("start").values_list(*fields))
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(fields)
    pk, start, elapsed, moving, zones, avg_hr, rpe, run_type, indoor, group_run = cols
    return pd.DataFrame(
        {
            "run_id": list(pk),
            "start": _local(list(start), tz),
            "duration_min": [(m or e) / 60.0 for m, e in zip(moving, elapsed, strict=True)],
            "intensity": [
                run_intensity(z, a, max_hr, r) for z, a, r in zip(zones, avg_hr, rpe, strict=True)
            ],
            "run_type": list(run_type),
            "indoor": [bool(v) for v in indoor],
            "group_run": [bool(v) for v in group_run],
        }
    )


def _raw_responses(user: Any, tz: tzinfo, bounds: dict[str, datetime]) -> pd.DataFrame:
    rows = list(
        Response.objects.filter(user_id=user.pk, **bounds)
        .order_by("recorded_at")
        .values_list("recorded_at", "instrument", "score")
    )
    stamps, instruments, scores = zip(*rows, strict=True) if rows else [()] * 3
    return pd.DataFrame(
        {
            "date": _local(list(stamps), tz).normalize(),
            "instrument": list(instruments),
            "score": np.asarray(scores, dtype=float),
        }
    )


def load_raw(user: Any, since: date | None = None, until: date | None = None) -> RawData:
    """The person's check-ins and responses in ``since..until`` (local days) and runs to ``until``.

    Runs before ``since`` are kept: training load and running volume look back.
    Five queries, whatever the amount of data.
    """
    profile = Profile.objects.for_user(user)
    tz = profile.tzinfo
    bounds = _bounds(since, until, tz)
    return RawData(
        _raw_checkins(user, tz, bounds),
        _raw_runs(user, tz, until, profile.max_hr),
        _raw_responses(user, tz, bounds),
    )


def load_user_data(user: Any, since: date | None = None, until: date | None = None) -> UserData:
    raw = load_raw(user, since, until)
    return build_user_data(raw.checkins, raw.runs, raw.responses, since=since, until=until)


# --------------------------------------------------------------------------- #
# Shaping (pure)
# --------------------------------------------------------------------------- #


def _daily_feeling(checkins: pd.DataFrame) -> pd.Series:
    """Mean feeling per day from the day's daily check-ins, else from all of that day's.

    Before/after-run check-ins would tilt run days towards the post-run lift,
    so they stand in only on days without an ordinary check-in.
    """
    daily = checkins[checkins["kind"] == Kind.DAILY].groupby("date")["feeling"].mean()
    every = checkins.groupby("date")["feeling"].mean()
    return daily.combine_first(every).sort_index()


def _run_loads(runs: pd.DataFrame) -> pd.Series:
    """Training load per local day: minutes × intensity, summed over the day's runs."""
    intensity = runs["intensity"].fillna(DEFAULT_INTENSITY)
    load = runs["duration_min"] * intensity
    return load.groupby(runs["start"].dt.normalize()).sum()


def _acwr(loads: pd.Series, index: pd.DatetimeIndex) -> pd.Series:
    """Acute:chronic load ratio: mean daily load over 7 days / over 28 days (rolling).

    NaN until 28 days have passed since the first run, and where the 28-day
    load is zero.
    """
    if loads.empty:
        return pd.Series(np.nan, index=index)
    span = pd.date_range(min(loads.index.min(), index.min()), index.max(), freq="D")
    daily = loads.reindex(span, fill_value=0.0)
    acute = daily.rolling(ACUTE_DAYS).mean()
    chronic = daily.rolling(CHRONIC_DAYS).mean()
    ratio = (acute / chronic.where(chronic > 0)).where(
        span >= loads.index.min() + pd.Timedelta(days=CHRONIC_DAYS - 1)
    )
    return ratio.reindex(index)


def _in_break(ran: pd.Series, first_run: pd.Timestamp | None) -> pd.Series:
    """1 on days inside a stretch of 7+ days without a run, 0 otherwise, NaN before the first run."""
    if first_run is None:
        return pd.Series(np.nan, index=ran.index)
    stretch = (ran != ran.shift()).cumsum()
    length = ran.groupby(stretch).transform("size")
    out = ((ran == 0) & (length >= BREAK_DAYS)).astype(float)
    return out.where(ran.index >= first_run)


def _days(checkins: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    feeling = _daily_feeling(checkins)
    if feeling.empty:
        index = pd.DatetimeIndex([], name="date")
        return pd.DataFrame({c: pd.Series(dtype=float) for c in DAILY_COLUMNS}, index=index)
    index = pd.date_range(feeling.index.min(), feeling.index.max(), freq="D", name="date")
    run_days = runs["start"].dt.normalize()
    loads = _run_loads(runs)
    first_run = run_days.min() if len(run_days) else None
    # Breaks are judged on all run history, so a break that began before the
    # first check-in still counts.
    history = pd.date_range(min(index.min(), first_run or index.min()), index.max(), freq="D")
    ran_all = pd.Series(history.isin(run_days).astype(int), index=history)
    frame = pd.DataFrame(index=index)
    frame["feeling"] = feeling.reindex(index)
    frame["ran"] = ran_all.reindex(index).astype(int)
    frame["weekday"] = index.day_of_week.astype(int)
    frame["day_index"] = (index - index.min()).days.astype(int)
    frame["load"] = loads.reindex(index, fill_value=0.0)
    frame["acwr"] = _acwr(loads, index)
    frame["in_break"] = _in_break(ran_all, first_run).reindex(index)
    return frame


def _pairs(checkins: pd.DataFrame) -> pd.DataFrame:
    """Latest before-run and first after-run feeling per run, for runs with both."""
    linked = checkins[checkins["run_id"].notna()]
    before = linked[linked["kind"] == Kind.BEFORE_RUN].groupby("run_id")["feeling"].last()
    after = linked[linked["kind"] == Kind.AFTER_RUN].groupby("run_id")["feeling"].first()
    pairs = pd.concat({"before": before, "after": after}, axis=1, join="inner")
    return pairs.reset_index()[PAIR_COLUMNS].astype(
        {"run_id": int, "before": float, "after": float}
    )


def _with_others(checkins: pd.DataFrame) -> set[int]:
    linked = checkins[checkins["run_id"].notna()]
    social = linked["tags"].map(lambda tags: any(t.lower() in WITH_OTHERS_TAGS for t in tags))
    return {int(r) for r in linked.loc[social, "run_id"]}


def _runs(runs: pd.DataFrame, pairs: pd.DataFrame, checkins: pd.DataFrame) -> pd.DataFrame:
    """One row per run, with its before/after feeling where both were given."""
    frame = pd.DataFrame(
        {
            "run_id": runs["run_id"].astype(int),
            "date": runs["start"].dt.normalize(),
            "hour": runs["start"].dt.hour + runs["start"].dt.minute / 60.0,
            "duration_min": runs["duration_min"].astype(float),
            "intensity": runs["intensity"].astype(float),
            "run_type": runs["run_type"].fillna("").astype(str),
            "indoor": runs["indoor"].astype(bool),
        }
    )
    group_run = runs["group_run"] if "group_run" in runs else pd.Series(False, index=runs.index)
    frame["with_others"] = frame["run_id"].isin(_with_others(checkins)) | group_run.to_numpy(bool)
    frame = frame.merge(pairs, on="run_id", how="left")
    frame["change"] = frame["after"] - frame["before"]
    return frame[RUN_COLUMNS].reset_index(drop=True)


def _responses(responses: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Each score with the hours per week of running in the 28 days before it."""
    starts = runs["start"].to_numpy(dtype="datetime64[ns]")
    minutes = runs["duration_min"].to_numpy(float)
    hours = []
    for day in responses["date"].to_numpy(dtype="datetime64[ns]"):
        window = (starts >= day - np.timedelta64(VOLUME_DAYS, "D")) & (starts < day)
        hours.append(minutes[window].sum() / 60.0 / (VOLUME_DAYS / 7))
    out = responses[["date", "instrument", "score"]].copy()
    out["hours_per_week"] = np.asarray(hours, dtype=float)
    return out[RESPONSE_COLUMNS].reset_index(drop=True)


def _in_range(
    frame: pd.DataFrame, column: str, since: date | None, until: date | None
) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if since:
        keep &= frame[column] >= pd.Timestamp(since)
    if until:
        keep &= frame[column] < pd.Timestamp(until) + pd.Timedelta(days=1)
    return frame[keep]


def build_user_data(
    checkins: pd.DataFrame,
    runs: pd.DataFrame,
    responses: pd.DataFrame,
    *,
    since: date | None = None,
    until: date | None = None,
) -> UserData:
    """Shape raw frames (see the module docstring) into what the questions read.

    ``since``/``until`` limit check-ins, responses and the runs that are
    compared; earlier runs still count towards training load, breaks and
    running volume.
    """
    checkins = _in_range(checkins, "date", since, until)
    responses = _in_range(responses, "date", since, until)
    history = _in_range(runs, "start", None, until)
    pairs = _pairs(checkins)
    compared = _in_range(history, "start", since, until)
    return UserData(
        days=_days(checkins, history),
        pairs=pairs,
        runs=_runs(compared, pairs, checkins),
        responses=_responses(responses, history),
    )
