"""Turn one person's check-ins and runs into the small tables the insights need.

Everything is read with ``values_list`` in a handful of queries (no per-row
queries), then shaped with pandas. Only the given user's rows are ever read.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

import pandas as pd

from stridewell.accounts.models import Profile
from stridewell.runs.models import Run, Sport
from stridewell.wellbeing.models import CheckIn, Kind

__all__ = ["DAILY_COLUMNS", "PAIR_COLUMNS", "RUN_SPORTS", "before_after_pairs", "daily_frame"]

# Which activities count as "a run" for the daily ``ran`` flag.
RUN_SPORTS = (Sport.RUNNING,)
DAILY_COLUMNS = ["feeling", "ran", "weekday", "day_index"]
PAIR_COLUMNS = ["run_id", "before", "after"]


def _local_days(stamps: list[datetime], tz: tzinfo) -> pd.DatetimeIndex:
    """Midnight of each timestamp's calendar day in ``tz``, as naive local dates."""
    utc = pd.DatetimeIndex(pd.to_datetime(stamps, utc=True))
    return utc.tz_convert(tz).tz_localize(None).normalize()


def _empty_daily() -> pd.DataFrame:
    index = pd.DatetimeIndex([], name="date")
    return pd.DataFrame({col: pd.Series(dtype=float) for col in DAILY_COLUMNS}, index=index)


def _run_days(user: Any, first: pd.Timestamp, last: pd.Timestamp, tz: tzinfo) -> pd.DatetimeIndex:
    """Local days (within ``first``..``last``) on which the user started a run."""
    starts = (
        Run.objects.owned_by(user)
        .filter(sport__in=RUN_SPORTS)
        .on_days(first.date(), last.date(), tz)
        .order_by()
        .values_list("start", flat=True)
    )
    return _local_days(list(starts), tz)


def daily_frame(user: Any) -> pd.DataFrame:
    """One row per local day (the user's timezone), first to last check-in day.

    Columns: ``feeling`` (mean of the day's check-ins of any kind, NaN when
    none), ``ran`` (1 if a run started that local day, else 0), ``weekday``
    (0 = Monday … 6 = Sunday) and ``day_index`` (days since the first day).
    The index is a naive ``DatetimeIndex`` named ``date``. Three queries.
    """
    tz = Profile.objects.for_user(user).tzinfo
    rows = list(CheckIn.objects.owned_by(user).order_by().values_list("recorded_at", "feeling"))
    if not rows:
        return _empty_daily()
    stamps, feelings = zip(*rows, strict=True)
    days = _local_days(list(stamps), tz)
    means = pd.Series(feelings, index=days, dtype=float).groupby(level=0).mean()
    first, last = means.index.min(), means.index.max()
    index = pd.date_range(first, last, freq="D", name="date")
    frame = pd.DataFrame(index=index)
    frame["feeling"] = means.reindex(index)
    frame["ran"] = index.isin(_run_days(user, first, last, tz)).astype(int)
    frame["weekday"] = index.day_of_week.astype(int)
    frame["day_index"] = (index - first).days.astype(int)
    return frame


def before_after_pairs(user: Any) -> pd.DataFrame:
    """Before/after-run feelings linked to the same run: one row per run with both.

    Columns ``run_id``, ``before`` (the latest before-run check-in) and
    ``after`` (the first after-run check-in). Runs of other users are never
    paired, even if a check-in were linked to one. One query.
    """
    rows = list(
        CheckIn.objects.owned_by(user)
        .filter(kind__in=[Kind.BEFORE_RUN, Kind.AFTER_RUN], run__user_id=user.pk)
        .order_by("recorded_at", "pk")
        .values_list("run_id", "kind", "feeling")
    )
    frame = pd.DataFrame(rows, columns=["run_id", "kind", "feeling"]).astype({"feeling": float})
    before = frame[frame["kind"] == Kind.BEFORE_RUN].groupby("run_id")["feeling"].last()
    after = frame[frame["kind"] == Kind.AFTER_RUN].groupby("run_id")["feeling"].first()
    pairs = pd.concat({"before": before, "after": after}, axis=1, join="inner")
    return pairs.reset_index()[PAIR_COLUMNS].astype({"run_id": int})
