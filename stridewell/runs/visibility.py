"""How others see a run: the rule itself is :func:`stridewell.community.visibility.can_view`.

Privacy places are cut out of the streams for anyone but the owner.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridewell.accounts.models import PrivacyPlace
from stridewell.community.visibility import can_view
from stridewell.lib.geo import within_radius
from stridewell.runs.importers.base import Streams
from stridewell.runs.models import Run

__all__ = ["can_view", "mask_privacy_places", "streams_for"]


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
