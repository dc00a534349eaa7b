"""Who may see a run: one rule, used by every page, API response and export.

Until buddies and groups exist, a run is seen by its owner, and a ``public`` run
by everyone signed in. Others get a 404, never a 403, so a run's existence is
not revealed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridewell.accounts.models import PrivacyPlace
from stridewell.lib.geo import within_radius
from stridewell.runs.importers.base import Streams
from stridewell.runs.models import Run, Visibility


def can_view(viewer: Any, run: Run) -> bool:
    if viewer is not None and viewer.is_authenticated and viewer.pk == run.user_id:
        return True
    if run.visibility == Visibility.PUBLIC:
        return viewer is not None and viewer.is_authenticated
    return False


def streams_for(viewer: Any, run: Run) -> Streams:
    """The run's streams as ``viewer`` may see them: privacy places cut out for anyone but the owner."""
    streams = run.streams()
    if viewer is not None and viewer.is_authenticated and viewer.pk == run.user_id:
        return streams
    return mask_privacy_places(streams, list(PrivacyPlace.objects.filter(user_id=run.user_id)))


def mask_privacy_places(streams: Streams, places: list[PrivacyPlace]) -> Streams:
    """Drop every sample inside any of the places (the whole sample, not just its position)."""
    if not places or not len(streams):
        return streams
    hidden = np.zeros(len(streams), dtype=bool)
    for place in places:
        hidden |= within_radius(streams.lat, streams.lon, place.lat, place.lon, place.radius_m)
    keep = ~hidden
    return Streams(
        *(
            getattr(streams, name)[keep]
            for name in ("time", "lat", "lon", "ele", "hr", "cad", "dist")
        )
    )
