"""Sharing a run: who sees it, and whether how I felt goes with it.

One function, :func:`share_run`, serves the run's edit page and
``PATCH /api/v1/runs/{id}`` alike. What another person then sees of the run is
decided here too: :func:`numbers_hidden` (the owner's "hide numbers from others")
and :func:`shared_feelings` (the before→after feeling, only when
:func:`~stridewell.community.visibility.feeling_visible` allows it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from stridewell.accounts.models import Profile
from stridewell.community.models import Group, Membership, RunAudience
from stridewell.community.people import card
from stridewell.community.visibility import feeling_visible
from stridewell.runs import metrics
from stridewell.runs.models import Run, Visibility
from stridewell.runs.visibility import streams_for
from stridewell.wellbeing.models import FEELING_LABELS, CheckIn
from stridewell.wellbeing.models import Kind as CheckInKind

__all__ = [
    "Feeling",
    "SharingError",
    "audience_ids",
    "my_groups",
    "numbers_hidden",
    "seen_by_others",
    "series_for",
    "share_run",
    "shared_feeling",
    "shared_feelings",
]

# Plain words beside each choice on the edit page.
VISIBILITY_HELP = {
    Visibility.PRIVATE: "nobody else sees this run",
    Visibility.BUDDIES: "the people you are buddies with",
    Visibility.GROUPS: "members of your groups: all of them, or the ones you tick",
    Visibility.PUBLIC: "everyone signed in to this Stridewell",
}


class SharingError(ValueError):
    """A sharing choice that cannot be kept; the message says why."""


def my_groups(user: Any) -> list[Group]:
    return list(Group.objects.filter(memberships__user_id=user.pk).order_by("name"))


def audience_ids(run: Run) -> list[int]:
    """The groups picked for a ``groups`` run (empty: all the owner's groups)."""
    if run.visibility != Visibility.GROUPS:
        return []
    return sorted(a.group_id for a in run.audience.all())


def share_run(
    run: Run,
    *,
    visibility: str | None = None,
    group_ids: Iterable[int] | None = None,
    share_feeling: bool | None = None,
) -> Run:
    """Change who sees ``run`` (None leaves a choice as it was); saves the run.

    ``group_ids`` only count for ``groups`` visibility and must be groups the owner
    is in; none picked means all of the owner's groups.
    """
    wanted = None if group_ids is None else sorted(set(group_ids))
    if wanted:
        member_of = set(
            Membership.objects.filter(user_id=run.user_id, group_id__in=wanted).values_list(
                "group_id", flat=True
            )
        )
        if missing := [gid for gid in wanted if gid not in member_of]:
            raise SharingError(
                f"You can only share with groups you are in (not group {missing[0]})."
            )
    with transaction.atomic():
        if visibility is not None:
            run.visibility = visibility
        if share_feeling is not None:
            run.share_feeling = share_feeling
        run.save(update_fields=["visibility", "share_feeling", "updated_at"])
        if run.visibility != Visibility.GROUPS:
            RunAudience.objects.filter(run=run).delete()
        elif wanted is not None:
            RunAudience.objects.filter(run=run).exclude(group_id__in=wanted).delete()
            for gid in wanted:
                RunAudience.objects.get_or_create(run=run, group_id=gid)
    return run


def restore_audience(run: Run, slugs: Iterable[str]) -> None:
    """Share an imported run with the groups of ``slugs`` the owner belongs to, else keep it private."""
    mine = Group.objects.filter(slug__in=list(slugs), memberships__user_id=run.user_id)
    picked = [RunAudience(run=run, group=group) for group in mine]
    if picked:
        RunAudience.objects.bulk_create(picked, ignore_conflicts=True)
    else:
        Run.objects.filter(pk=run.pk).update(visibility=Visibility.PRIVATE)


def numbers_hidden(viewer: Any, run: Run, owner_profile: Profile | None = None) -> bool:
    """Whether ``viewer`` must not see this run's distance, pace, times and heart rate."""
    if viewer is not None and viewer.pk == run.user_id:
        return False
    profile = owner_profile or Profile.objects.for_user(run.user)
    return profile.hide_numbers_from_others


@dataclass(frozen=True)
class Feeling:
    """The before→after pair of one run: the only wellbeing anyone else may ever see."""

    before: int | None
    after: int | None

    @property
    def before_label(self) -> str:
        return _label(self.before)

    @property
    def after_label(self) -> str:
        return _label(self.after)

    @property
    def words(self) -> str:
        """Like "before: fairly bad (-1) → after: good (+3)"."""
        parts = []
        if self.before is not None:
            parts.append(f"before: {_words(self.before)}")
        if self.after is not None:
            parts.append(f"after: {_words(self.after)}")
        return " → ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {"before": self.before, "after": self.after}


def _label(feeling: int | None) -> str:
    return "" if feeling is None else FEELING_LABELS.get(feeling, f"{feeling:+d}")


def _words(feeling: int) -> str:
    label = FEELING_LABELS.get(feeling)
    return f"{label.lower()} ({feeling:+d})" if label else f"{feeling:+d}"


def shared_feeling(viewer: Any, run: Run) -> Feeling | None:
    """The run's feeling pair when ``viewer`` may see it (the owner, or shared with the run)."""
    if not feeling_visible(viewer, run):
        return None
    return shared_feelings([run]).get(run.pk)


def shared_feelings(runs: Iterable[Run]) -> dict[int, Feeling]:
    """The feeling pairs of ``runs`` in one query; the caller has checked ``feeling_visible``."""
    ids = [run.pk for run in runs]
    pairs: dict[int, dict[str, int]] = {}
    rows = (
        CheckIn.objects.filter(
            run_id__in=ids, kind__in=[CheckInKind.BEFORE_RUN, CheckInKind.AFTER_RUN]
        )
        .order_by("recorded_at")
        .values_list("run_id", "kind", "feeling")
    )
    for run_id, kind, feeling in rows:
        pair = pairs.setdefault(run_id, {})
        # The latest "before" and the first "after", as on the owner's own run page.
        if kind == CheckInKind.BEFORE_RUN or kind not in pair:
            pair[kind] = feeling
    return {
        run_id: Feeling(pair.get(CheckInKind.BEFORE_RUN), pair.get(CheckInKind.AFTER_RUN))
        for run_id, pair in pairs.items()
        if CheckInKind.AFTER_RUN in pair or CheckInKind.BEFORE_RUN in pair
    }


# --------------------------------------------------------------------------- #
# A run as someone else sees it (page, streams, API)
# --------------------------------------------------------------------------- #


def series_for(viewer: Any, run: Run, max_points: int = 800) -> dict[str, Any]:
    """The chart and map series ``viewer`` may see: only the route when numbers are hidden.

    Privacy places are already cut out for anyone but the owner (``streams_for``).
    """
    series = metrics.chart_series(streams_for(viewer, run), max_points=max_points)
    if numbers_hidden(viewer, run):
        return {"lat": series["lat"], "lon": series["lon"]}
    return series


def seen_by_others(viewer: Any, run: Run) -> dict[str, Any]:
    """What the run page adds: whose run, whether its numbers are hidden from ``viewer``,
    the shared feeling (others only) and, for the owner, the groups it is shown to."""
    owner_profile = Profile.objects.for_user(run.user)
    mine = viewer.pk == run.user_id
    return {
        "owner_card": card(run.user, owner_profile),
        "numbers_hidden_by_owner": numbers_hidden(viewer, run, owner_profile),
        "shared_feeling": None if mine else shared_feeling(viewer, run),
        "audience": _audience_names(run) if mine else [],
    }


def _audience_names(run: Run) -> list[str]:
    if run.visibility != Visibility.GROUPS:
        return []
    return list(
        Group.objects.filter(pk__in=run.audience.values("group_id"))
        .order_by("name")
        .values_list("name", flat=True)
    )
