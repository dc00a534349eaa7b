"""Turn untrusted XML bytes into an lxml tree, plus small helpers the GPX and TCX readers share.

Activity files come from strangers, so the parser never loads a DTD, never
resolves an entity and never touches the network, and any document that
declares a DOCTYPE is refused outright: entity expansion ("billion laughs")
and external entities (``file:///etc/passwd``) both need one, and no GPX or
TCX writer we know of emits one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import numpy as np
from lxml import etree

from stridewell.runs.importers.base import ImportProblem, NotAnActivity

DTD_REFUSED = "This file declares a DTD (<!DOCTYPE ...>); we refuse those for safety."

# How far into the file a misplaced "<?xml" declaration is still looked for.
_DECLARATION_WINDOW = 4096
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_ELEMENT_PREFIX = re.compile(rb"</?([A-Za-z_][\w.-]*):[A-Za-z_]")
_ATTRIBUTE_PREFIX = re.compile(rb"\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=")
_DECLARED_PREFIX = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)\s*=")
_START_TAG = re.compile(rb"<[A-Za-z_:][^\s/>]*")
_LINE_COLUMN = re.compile(r",? line \d+, column \d+$")
ROOT_KINDS = {"gpx": "gpx", "TrainingCenterDatabase": "tcx"}


def parse_xml(data: bytes, kind: str) -> etree._Element:
    """The root element of ``data``; ``kind`` ("GPX", "TCX") names the file in messages.

    Raises ``ImportProblem`` (or ``NotAnActivity``) with a sentence a person
    understands for anything that is not safe, well-formed XML.
    """
    data, override = _as_utf8(data, kind)
    start = _markup_start(data, kind)
    body = data[start:]
    _refuse_doctype(body, kind)
    try:
        root = _parse(body, override)
    except etree.XMLSyntaxError as exc:
        root = _parse_after_declaring_prefixes(body, override, exc, kind, data[:start].count(b"\n"))
    if root is None:
        raise ImportProblem(f"This {kind} file holds no XML element.")
    docinfo = root.getroottree().docinfo
    # Belt and braces: the byte scan above should already have caught these.
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise ImportProblem(DTD_REFUSED)
    return root


def _as_utf8(data: bytes, kind: str) -> tuple[bytes, str | None]:
    """UTF-16 files (with a byte-order mark) re-encoded, so the byte scans below work."""
    if not data.strip():
        raise ImportProblem(f"This {kind} file is empty.")
    if data.startswith(_UTF16_BOMS):
        try:
            # The declaration still says UTF-16: tell lxml to ignore it.
            return data.decode("utf-16").encode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            raise ImportProblem(f"This {kind} file says it is UTF-16 text but is not.") from None
    if b"\x00" in data[:1024]:
        raise NotAnActivity(f"This file is binary data, not a {kind} file (those are text).")
    return data, None


def _markup_start(data: bytes, kind: str) -> int:
    """Where the XML really begins: some apps write text or a BOM before the declaration."""
    declaration = data.find(b"<?xml", 0, _DECLARATION_WINDOW)
    if declaration >= 0:
        # The declaration may only come first, so whatever precedes it is junk.
        return declaration
    first = data.find(b"<")
    if first < 0:
        raise ImportProblem(f"This {kind} file is not XML: it holds no markup at all.")
    return first


def _refuse_doctype(data: bytes, kind: str) -> None:
    at = _prolog_end(data)
    if data[at : at + 9].upper() != b"<!DOCTYPE":
        return
    if data[at + 9 : at + 64].split(b">")[0].strip().lower().startswith(b"html"):
        raise NotAnActivity(f"This file is a web page (HTML), not a {kind} activity.")
    raise ImportProblem(DTD_REFUSED)


def _prolog_end(data: bytes) -> int:
    """Offset of the first markup that is not a comment or processing instruction.

    A real walk rather than a search: a comment may hold "<a>" before a DOCTYPE.
    """
    pos = 0
    while True:
        lt = data.find(b"<", pos)
        if lt < 0:
            return len(data)
        if data.startswith(b"<!--", lt):
            end, skip = data.find(b"-->", lt + 4), 3
        elif data.startswith(b"<?", lt):
            end, skip = data.find(b"?>", lt + 2), 2
        else:
            return lt
        if end < 0:
            return len(data)  # unclosed: lxml will say so
        pos = end + skip


def _parser(override: str | None) -> etree.XMLParser:
    # A new parser per call: cheap, and no state shared between threads or files.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        # Pretty-printed files are half whitespace nodes; dropping them parses faster.
        remove_blank_text=True,
        encoding=override,
    )


def _parse(data: bytes, override: str | None) -> etree._Element | None:
    root: etree._Element | None = etree.fromstring(data, _parser(override))
    return root


def _parse_after_declaring_prefixes(
    data: bytes, override: str | None, first: etree.XMLSyntaxError, kind: str, skipped_lines: int
) -> etree._Element | None:
    """Some apps write ``<gpxtpx:hr>`` without declaring ``gpxtpx``: declare it and retry.

    We match elements by local name, so the made-up namespace never matters.
    """
    missing = _undeclared_prefixes(data)
    if not missing or "Namespace prefix" not in str(first):
        raise _syntax_problem(first, kind, skipped_lines) from None
    try:
        return _parse(_declare(data, missing), override)
    except etree.XMLSyntaxError as exc:
        # Declarations sit on the root's own line, so line numbers still hold.
        raise _syntax_problem(exc, kind, skipped_lines) from None


def _undeclared_prefixes(data: bytes) -> list[bytes]:
    used = set(_ELEMENT_PREFIX.findall(data)) | set(_ATTRIBUTE_PREFIX.findall(data))
    declared = set(_DECLARED_PREFIX.findall(data)) | {b"xml", b"xmlns"}
    return sorted(used - declared)


def _declare(data: bytes, prefixes: list[bytes]) -> bytes:
    """``data`` with ``xmlns:p="urn:undeclared:p"`` added to the root element's start tag."""
    # No DOCTYPE got this far, so the first markup after the prolog is the root element.
    name = _START_TAG.match(data, _prolog_end(data))
    if name is None:
        return data
    declarations = b"".join(b' xmlns:%s="urn:undeclared:%s"' % (p, p) for p in prefixes)
    return data[: name.end()] + declarations + data[name.end() :]


def _syntax_problem(exc: etree.XMLSyntaxError, kind: str, skipped_lines: int) -> ImportProblem:
    line = (exc.lineno or 0) + skipped_lines
    reason = _LINE_COLUMN.sub("", str(exc.msg or exc)).strip().rstrip(".")
    where = f"line {line}: " if line else ""
    return ImportProblem(f"This {kind} file is not well-formed XML ({where}{reason}).")


def activity_kind(root: etree._Element, kind: str) -> str:
    """'gpx' or 'tcx' from the root element, else ``NotAnActivity`` naming what it is."""
    name = local_name(root.tag)
    found = ROOT_KINDS.get(name)
    if found is not None:
        return found
    if name.lower() == "html":
        raise NotAnActivity(f"This file is a web page (HTML), not a {kind} activity.")
    raise NotAnActivity(
        f"This XML file is not a GPX or TCX activity (its root element is <{name}>)."
    )


# --- Shared by the GPX and TCX readers ---------------------------------------------------

_LOCAL_NAMES: dict[object, str] = {}


def local_name(tag: object) -> str:
    """``{namespace}name`` -> ``name``, cached: the same few tags repeat thousands of times."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        # Entities and other non-element nodes have a callable tag, not a string.
        name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if len(_LOCAL_NAMES) < 10_000:  # mutated input must not grow this forever
            _LOCAL_NAMES[tag] = name
    return name


def number(text: str | None) -> float:
    """A finite float from element text, NaN when absent or unreadable."""
    if text is None:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_SECONDS: dict[str, float] = {}


def epoch_seconds(text: str) -> float:
    """Seconds since 1970 UTC from an ISO 8601 timestamp; ``ValueError`` when unreadable.

    Handles what GPX and TCX writers emit: ``2010-08-05T14:23:59Z``, any number
    of fractional digits, ``+02:00``/``+0200``/``+02`` offsets, and no zone at
    all (both formats mean UTC); ``datetime.fromisoformat`` reads the rest.
    """
    s = text.strip()
    try:
        minute, second, tail = _parts(s)
    except (ValueError, IndexError):
        return _fallback_epoch_seconds(s)
    return minute + second + tail


def _parts(s: str) -> tuple[float, int, float]:
    """``YYYY-MM-DDTHH:MM:SS<tail>`` as (epoch of the minute, second, fraction minus offset)."""
    if len(s) < 19 or s[10] not in "Tt " or s[13] != ":" or s[16] != ":":
        raise ValueError(s)
    hour, minute, second = int(s[11:13]), int(s[14:16]), int(s[17:19])
    if hour > 24 or minute > 59 or second > 60:  # 60: a leap second
        raise ValueError(s)
    return _day_seconds(s[:10]) + hour * 3600 + minute * 60, second, _tail_seconds(s[19:])


def _tail_seconds(tail: str) -> float:
    end, fraction = _fraction(tail, 0)
    return fraction - _offset(tail[end:])


def _day_seconds(ymd: str) -> float:
    seconds = _DAY_SECONDS.get(ymd)
    if seconds is None:
        if len(ymd) != 10 or ymd[4] != "-" or ymd[7] != "-":
            raise ValueError(ymd)
        day = date(int(ymd[:4]), int(ymd[5:7]), int(ymd[8:10]))
        seconds = float((day.toordinal() - _EPOCH_ORDINAL) * 86400)
        if len(_DAY_SECONDS) > 10_000:
            _DAY_SECONDS.clear()
        _DAY_SECONDS[ymd] = seconds
    return seconds


def _fraction(s: str, at: int) -> tuple[int, float]:
    if at >= len(s) or s[at] not in ".,":
        return at, 0.0
    end = at + 1
    while end < len(s) and "0" <= s[end] <= "9":
        end += 1
    if end == at + 1:
        raise ValueError(s)
    return end, float("0." + s[at + 1 : end])


def _offset(zone: str) -> float:
    """Seconds east of UTC for 'Z', '', '+HH:MM', '+HHMM' or '+HH'."""
    if zone in ("", "Z", "z"):
        return 0.0
    digits = zone[1:].replace(":", "")
    if zone[0] not in "+-" or len(digits) not in (2, 4) or not digits.isascii():
        raise ValueError(zone)
    seconds = int(digits[:2]) * 3600 + int(digits[2:] or 0) * 60
    return float(seconds if zone[0] == "+" else -seconds)


def _fallback_epoch_seconds(s: str) -> float:
    parsed = datetime.fromisoformat(s)  # raises ValueError for what we cannot read either
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return (parsed - _EPOCH).total_seconds()


def utc_datetime(seconds: float) -> datetime | None:
    """An aware UTC datetime from epoch seconds, None if it falls outside what datetime holds."""
    try:
        return _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        return None


def epoch_array(texts: list[str | None], lost: list[str]) -> np.ndarray:
    """Epoch seconds per point, NaN where a point has no (readable) time.

    Consecutive timestamps share their minute and, nearly always, their tail
    (".000Z", "+00:00"), so both are parsed once and looked up after: this loop
    is most of the time a GPX or TCX import takes.
    """
    minutes: dict[str, float] = {}  # "2010-08-05T14:23:" -> epoch seconds of that minute
    tails: dict[str, float] = {}  # ".250+02:00" -> fraction minus offset, in seconds
    values: list[float] = []
    unreadable = 0
    for text in texts:
        if text is None:
            values.append(math.nan)
            continue
        s = text.strip()
        minute, tail, second = minutes.get(s[:17]), tails.get(s[19:]), s[17:19]
        try:
            if minute is not None and tail is not None and "00" <= second <= "60":
                values.append(minute + int(second) + tail)
            else:
                values.append(_learn(s, minutes, tails))
        except ValueError:
            values.append(math.nan)
            unreadable += 1
    if unreadable:
        lost.append(f"{unreadable:,} point(s) had a time we could not read; they have no time.")
    return np.array(values, dtype=np.float64)


def _learn(s: str, minutes: dict[str, float], tails: dict[str, float]) -> float:
    """Parse ``s`` in full and remember its minute and tail for the timestamps after it."""
    try:
        minute, second, tail = _parts(s)
    except (ValueError, IndexError):
        return _fallback_epoch_seconds(s)  # an unusual layout: not worth caching
    minutes[s[:17]] = minute
    tails[s[19:]] = tail
    return minute + second + tail


def finite_array(values: Sequence[float | str | None]) -> np.ndarray:
    """float64 array (None -> NaN, numeric text parsed), with NaN for infinities too.

    ``ValueError`` when some text is not a number: callers then go value by value.
    """
    array = np.array(values, dtype=np.float64)
    array[~np.isfinite(array)] = np.nan
    return array


def drop_impossible_positions(lat: np.ndarray, lon: np.ndarray, lost: list[str]) -> None:
    with np.errstate(invalid="ignore"):
        bad = (np.abs(lat) > 90) | (np.abs(lon) > 180) | (np.isnan(lat) != np.isnan(lon))
    if bad.any():
        lat[bad] = lon[bad] = np.nan
        lost.append(f"{int(bad.sum()):,} point(s) had an impossible position; we dropped it.")


# Activity types as files spell them, checked in order against the lower-cased type;
# the first keyword found inside it wins ("trail_running" -> running).
_SPORT_KEYWORDS = (
    ("multisport", "multisport"),
    ("triathlon", "multisport"),
    ("swim", "swimming"),
    ("run", "running"),
    ("walk", "walking"),
    ("hik", "hiking"),
    ("cycl", "cycling"),
    ("bik", "cycling"),
    ("ride", "cycling"),
)
# Strava's GPX export writes its numeric activity type instead of a name.
_SPORT_CODES = {"1": "cycling", "9": "running"}
FOOT_SPORTS = ("running", "walking", "hiking")


def sport_from_name(name: str | None) -> str:
    """One of ``base.SPORTS`` from an activity type as a file writes it; "other" if unknown."""
    if not name:
        return "other"
    lowered = name.strip().lower()
    if lowered in _SPORT_CODES:
        return _SPORT_CODES[lowered]
    for keyword, sport in _SPORT_KEYWORDS:
        if keyword in lowered:
            return sport
    return "other"
