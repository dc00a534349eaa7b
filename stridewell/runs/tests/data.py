"""Where the shared test data lives, and the manifest's reference values for it."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

# /work/main/stridewell/runs/tests/data.py -> /work/shared/data (shared/ sits beside the checkout).
SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
MANIFEST = SHARED_DATA / "activities" / "manifest.csv"
EARTH_RADIUS_M = 6_371_008.8  # the manifest's mean Earth radius


def manifest_rows(fmt: str) -> list[dict[str, str]]:
    """The manifest's rows for one format ('fit', 'gpx' or 'tcx'), quirks included."""
    with MANIFEST.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["fmt"] == fmt]


def haversine_length_m(lat: np.ndarray, lon: np.ndarray) -> float:
    """The manifest's reference length: great-circle through the points that have a position,
    computed here independently of stridewell.lib.geo so the tests check it."""
    has = ~np.isnan(lat) & ~np.isnan(lon)
    phi, lam = np.radians(lat[has]), np.radians(lon[has])
    a = (
        np.sin(np.diff(phi) / 2) ** 2
        + np.cos(phi[:-1]) * np.cos(phi[1:]) * np.sin(np.diff(lam) / 2) ** 2
    )
    return float(np.sum(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))))
