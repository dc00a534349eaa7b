"""Where the shared test data lives, and the manifest's reference values for it."""

from __future__ import annotations

import csv
from pathlib import Path

# /work/main/stridewell/runs/tests/data.py -> /work/shared/data (shared/ sits beside the checkout).
SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
MANIFEST = SHARED_DATA / "activities" / "manifest.csv"


def manifest_rows(fmt: str) -> list[dict[str, str]]:
    """The manifest's rows for one format ('fit', 'gpx' or 'tcx'), quirks included."""
    with MANIFEST.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["fmt"] == fmt]
