"""Crisis lines by country, and a best guess of the country from a timezone.

The shipped list lives in ``crisis_lines.json`` next to this module: ISO 3166-1
alpha-2 codes mapping to ``{"name", "emergency", "lines": [...]}``, where each line
is ``{"name", "phone"?, "text"?, "url"?, "hours"}``, plus an ``"international"`` entry
of directories for everywhere else. Keys starting with ``_`` are comments.

Operators can add countries or replace shipped ones with their own JSON file of the
same shape, named by the environment variable ``STRIDEWELL_CRISIS_LINES_FILE``
(settings pass it to :func:`lines_for` as ``extra_file``). A country in that file
replaces the shipped entry for that country as a whole.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_VAR = "STRIDEWELL_CRISIS_LINES_FILE"
INTERNATIONAL = "international"
SHIPPED_FILE = Path(__file__).with_name("crisis_lines.json")
UNKNOWN_COUNTRY_MESSAGE = (
    "We don't have crisis lines for your country yet. These directories list free, "
    "confidential helplines near you; if you are in immediate danger, call your local "
    "emergency number."
)
ALIASES = {"UK": "GB"}
SYSTEM_ZONEINFO = Path("/usr/share/zoneinfo")
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*")


@dataclass(frozen=True)
class CrisisLine:
    """One service: call ``phone``, follow the ``text`` instruction, or visit ``url``."""

    name: str
    hours: str = ""
    phone: str | None = None
    text: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class CrisisInfo:
    """What to show someone: local lines if we know the country, directories always."""

    country: str | None
    emergency: str | None
    lines: list[CrisisLine] = field(default_factory=list)
    international: list[CrisisLine] = field(default_factory=list)
    message: str = ""


class CrisisDataError(ValueError):
    """A crisis lines JSON file does not have the expected shape."""


def lines_for(country: str | None, extra_file: Path | None = None) -> CrisisInfo:
    """Crisis lines for an ISO country code (any case); directories if unknown."""
    data = dict(_shipped())
    if extra_file is not None:
        data.update(load_file(extra_file))
    international = data[INTERNATIONAL]["lines"]
    code = normalise_country(country)
    entry = data.get(code) if code else None  # keys are XX or lower-case international
    if entry is None:
        return CrisisInfo(None, None, [], list(international), UNKNOWN_COUNTRY_MESSAGE)
    return CrisisInfo(code, entry["emergency"], list(entry["lines"]), list(international))


def normalise_country(country: str | None) -> str | None:
    """``" gb "`` → ``"GB"``, ``"uk"`` → ``"GB"``; empty → None."""
    code = (country or "").strip().upper()
    return ALIASES.get(code, code) or None


def shipped_countries() -> list[str]:
    """Country codes in the shipped data file, sorted."""
    return sorted(code for code in _shipped() if code != INTERNATIONAL)


@functools.cache
def _shipped() -> dict[str, dict[str, Any]]:
    return load_file(SHIPPED_FILE)


def load_file(path: Path) -> dict[str, dict[str, Any]]:
    """Read and check a crisis lines file; keys become upper-case country codes."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CrisisDataError(f"Cannot read crisis lines file {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise CrisisDataError(f"{path}: expected a JSON object keyed by country code.")
    return {
        _check_key(path, key): _parse_entry(path, key, value)
        for key, value in raw.items()
        if not key.startswith("_")
    }


def _check_key(path: Path, key: str) -> str:
    if key == INTERNATIONAL:
        return key
    if not re.fullmatch(r"[A-Za-z]{2}", key):
        raise CrisisDataError(f"{path}: “{key}” is not a two-letter ISO country code.")
    return key.upper()


def _parse_entry(path: Path, key: str, value: Any) -> dict[str, Any]:
    where = f"{path}: {key}"
    if not isinstance(value, dict) or not isinstance(value.get("lines"), list):
        raise CrisisDataError(f"{where} must be an object with a “lines” list.")
    emergency = value.get("emergency")
    if key != INTERNATIONAL and not (isinstance(emergency, str) and emergency.strip()):
        raise CrisisDataError(f"{where} has no “emergency” number.")
    lines = [_parse_line(f"{where} line {n}", line) for n, line in enumerate(value["lines"], 1)]
    return {"emergency": emergency, "lines": lines}


def _parse_line(where: str, line: Any) -> CrisisLine:
    if not isinstance(line, dict) or not isinstance(line.get("name"), str):
        raise CrisisDataError(f"{where} needs a “name”.")
    fields = {key: line.get(key) for key in ("phone", "text", "url")}
    if not any(fields.values()):
        raise CrisisDataError(f"{where} ({line['name']}) needs a phone, text or url.")
    if any(v is not None and not isinstance(v, str) for v in fields.values()):
        raise CrisisDataError(f"{where} ({line['name']}): phone, text and url must be strings.")
    return CrisisLine(name=line["name"], hours=str(line.get("hours", "")), **fields)


def country_from_timezone(tz: str) -> str | None:
    """ISO country code for an IANA timezone (``Europe/London`` → ``GB``), else None.

    Uses zone.tab from the ``tzdata`` package, or the system's /usr/share/zoneinfo.
    Old names missing from zone.tab (``US/Eastern``, ``Asia/Calcutta``) are matched by
    their zone data being identical to exactly one country's zone.
    """
    name = tz.strip()
    if not _ZONE_NAME.fullmatch(name) or ".." in name:
        return None
    root = _zoneinfo_root()
    if root is None:
        return None
    table = _zone_table(root)
    if name in table:
        return table[name]
    return _country_by_zone_data(root, name)


@functools.cache
def _zoneinfo_root() -> Path | None:
    """The tzdata package's zoneinfo directory if installed, else the system one."""
    try:
        root = importlib.resources.files("tzdata").joinpath("zoneinfo")
        if isinstance(root, Path) and root.joinpath("zone.tab").is_file():
            return root  # an installed package on disk, not inside a zip
    except ModuleNotFoundError:
        pass
    return SYSTEM_ZONEINFO if (SYSTEM_ZONEINFO / "zone.tab").is_file() else None


@functools.cache
def _zone_table(root: Path, filename: str = "") -> dict[str, str]:
    """Zone name → country code from one .tab file, or from both when not named."""
    if not filename:
        return {**_zone_table(root, "zone1970.tab"), **_zone_table(root, "zone.tab")}
    tab = root.joinpath(filename)
    return parse_zone_tab(tab.read_text(encoding="utf-8")) if tab.is_file() else {}


def parse_zone_tab(text: str) -> dict[str, str]:
    """Parse zone.tab / zone1970.tab; for several countries, the first one wins."""
    table: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) >= 3:
            table[columns[2]] = columns[0].split(",")[0]
    return table


def _country_by_zone_data(root: Path, name: str) -> str | None:
    """Country of a zone with byte-identical data to ``name``.

    Canonical zones (zone1970.tab) win, so ``Canada/Eastern`` is CA, not BS through
    the America/Nassau link; otherwise the match must point to exactly one country.
    """
    try:
        digest = _digest(root.joinpath(*name.split("/")).read_bytes())
    except OSError:
        return None
    canonical = _countries_by_digest(root, "zone1970.tab").get(digest, set())
    countries = canonical or _countries_by_digest(root, "zone.tab").get(digest, set())
    return next(iter(countries)) if len(countries) == 1 else None


@functools.cache
def _countries_by_digest(root: Path, filename: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for zone, country in _zone_table(root, filename).items():
        try:
            data = root.joinpath(*zone.split("/")).read_bytes()
        except OSError:
            continue
        found.setdefault(_digest(data), set()).add(country)
    return found


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
