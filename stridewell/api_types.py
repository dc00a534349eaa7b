"""Field types for /api/v1 input schemas that hold exactly what the OpenAPI schema says.

pydantic's lax mode reads ``0`` as a date (1970-01-01) or as ``false``, and
``false`` as the number 0; an id or an offset past 2**63 reaches the database
and fails there (SQLite: OverflowError; PostgreSQL: out of range). schemathesis
(proof/apifuzz.sh) sends exactly those, so inputs use these types instead.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StrictBool

# The largest integer both SQLite and PostgreSQL (bigint) can store.
MAX_DB_INT = 2**63 - 1
# Far past any real list, small enough for every database's OFFSET.
MAX_OFFSET = 10**9

Id = Annotated[int, Field(ge=1, le=MAX_DB_INT)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
Bool = StrictBool
Number = Annotated[float, Field(strict=True)]  # int or float; never true/false or "3"


ISO_HELP = "Write it as ISO 8601 text, like 2026-03-31, 18:30 or 2026-03-31T18:30:00+01:00."


def _iso_text(value: Any) -> Any:
    # Numbers would be read as Unix timestamps or seconds; the schema promises ISO 8601 text.
    if isinstance(value, bool | int | float):
        raise ValueError(ISO_HELP)
    if isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit():
        raise ValueError(ISO_HELP)
    return value


def _not_bool_or_text(value: Any) -> Any:
    # Lax int takes true as 1 and "2" as 2; 2.0 stays fine (JSON Schema calls it an integer).
    if isinstance(value, bool | str | bytes):
        raise ValueError("Input should be a valid integer")
    return value


Int = Annotated[int, BeforeValidator(_not_bool_or_text)]
IsoDate = Annotated[date, BeforeValidator(_iso_text)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_text)]
IsoTime = Annotated[time, BeforeValidator(_iso_text)]
