"""Read FIT activity files (Garmin's binary format), fast, in pure Python and numpy.

FIT layout, briefly:

* A file is one or more *FIT files* back to back. Each starts with a 12- or 14-byte
  header: header size, protocol version, profile version, the size of the data that
  follows (uint32), the signature ``.FIT`` and, in 14-byte headers, a CRC of the
  header (0 means "not computed"). The data is followed by a 2-byte CRC of header
  and data.
* The data is a run of messages, each starting with a one-byte header:
  - bit 7 clear, bit 6 set: a *definition*. It binds a local type (bits 0-3) to a
    global message number (record = 20, session = 18...) and lists its fields as
    (field number, size, base type) triples, plus, when bit 5 is set, developer
    fields as (number, size, developer index) triples. Byte 2 says the byte order.
  - bit 7 clear, bit 6 clear: a *data message* laid out as its local type's last
    definition says.
  - bit 7 set: a data message with a *compressed timestamp*: local type in bits
    5-6 and the low 5 bits of the time in bits 0-4, counted on from the last full
    timestamp seen.
* Timestamps are seconds since 1989-12-31T00:00Z; values below 0x10000000 are
  seconds since the device was switched on (its clock was not set).

How this reader is fast: one pass over the bytes touches only each message's
header byte. Every distinct definition is compiled once (cached by its bytes)
into a size and a *kind*; messages we never use are skipped by size, and record
messages are only noted by position. Their fields are then cut out of the buffer
column by column with numpy (one vectorised gather per field), and the few
session / lap / file_id / device_info / sport messages are unpacked with one
precompiled ``struct.Struct`` each.

Multisport files: ``sessions`` lists every session's sport, transitions included
(as "other"), in file order, so it lines up with the file's own session list.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import numpy as np

from stridewell.runs.importers.base import (
    ImportProblem,
    Lap,
    NotAnActivity,
    ParsedActivity,
    Streams,
)

FIT_EPOCH = 631065600  # 1989-12-31T00:00:00Z as a Unix time
FIRST_ABSOLUTE_TIME = 0x10000000  # smaller timestamps count from device power-on
SEMICIRCLE_DEG = 180.0 / 2**31

# Global message numbers we read.
FILE_ID, SPORT, SESSION, LAP, RECORD, DEVICE_INFO = 0, 12, 18, 19, 20, 23
TIMESTAMP_FIELD = 253

# Fields we keep, per message (field number -> our name).
_KEPT_FIELDS: dict[int, dict[int, str]] = {
    FILE_ID: {0: "type", 1: "manufacturer", 2: "product", 4: "time_created", 8: "product_name"},
    SPORT: {0: "sport", 1: "sub_sport"},
    SESSION: {
        2: "start_time",
        5: "sport",
        6: "sub_sport",
        7: "elapsed",
        8: "timer",
        9: "distance",
    },
    LAP: {2: "start_time", 7: "elapsed", 9: "distance", 25: "sport", 253: "timestamp"},
    DEVICE_INFO: {0: "device_index", 2: "manufacturer", 4: "product", 27: "product_name"},
}
_STRING_FIELDS = ("product_name",)
_RECORD_FIELDS = {
    253: "ts",
    0: "lat",
    1: "lon",
    2: "alt",
    78: "ealt",
    3: "hr",
    4: "cad",
    53: "fcad",
    5: "dist",
    8: "csd",  # compressed_speed_distance: 12 bits speed, 12 bits rolling distance
}

# Base types by their low 5 bits: (struct code, size, invalid value).
# Float invalids are all-ones bit patterns, i.e. NaN, so they need no entry.
_BASE_TYPES: dict[int, tuple[str, int, float | None]] = {
    0x00: ("B", 1, 0xFF),  # enum
    0x01: ("b", 1, 0x7F),
    0x02: ("B", 1, 0xFF),
    0x03: ("h", 2, 0x7FFF),
    0x04: ("H", 2, 0xFFFF),
    0x05: ("i", 4, 0x7FFFFFFF),
    0x06: ("I", 4, 0xFFFFFFFF),
    0x07: ("s", 1, None),  # string, NUL-terminated
    0x08: ("f", 4, None),
    0x09: ("d", 8, None),
    0x0A: ("B", 1, 0),  # the "z" types use 0 as invalid
    0x0B: ("H", 2, 0),
    0x0C: ("I", 4, 0),
    0x0D: ("B", 1, 0xFF),  # byte array
    0x0E: ("q", 8, 0x7FFFFFFFFFFFFFFF),
    0x0F: ("Q", 8, 0xFFFFFFFFFFFFFFFF),
    0x10: ("Q", 8, 0),
}
_NUMPY_CODES = {"B": "u1", "b": "i1", "h": "i2", "H": "u2", "i": "i4", "I": "u4"}
_NUMPY_CODES.update({"f": "f4", "d": "f8", "q": "i8", "Q": "u8"})

_SPORTS = {1: "running", 11: "walking", 17: "hiking", 2: "cycling", 21: "cycling", 5: "swimming"}
_ON_FOOT = ("running", "walking", "hiking")  # cadence stored as strides: doubled
# Sub-sports we name (FIT profile ``sub_sport``); the indoor ones tell a treadmill from a road.
_SUB_SPORTS = {
    1: "treadmill", 2: "street", 3: "trail", 4: "track", 5: "spin", 6: "indoor_cycling",
    14: "indoor_rowing", 15: "elliptical", 16: "stair_climbing", 17: "lap_swimming",
    18: "open_water", 25: "indoor_skiing", 27: "indoor_walking", 30: "casual_walking",
    31: "speed_walking", 45: "indoor_running", 58: "virtual_activity",
}  # fmt: skip

_MANUFACTURERS = {
    1: "garmin", 3: "zephyr", 6: "srm", 7: "quarq", 15: "dynastream", 16: "timex",
    23: "suunto", 32: "wahoo_fitness", 37: "magellan", 41: "shimano", 51: "4iiiis",
    70: "sigmasport", 89: "tacx", 95: "stryd", 112: "bryton_sensors", 123: "polar",
    255: "development", 258: "lezyne", 260: "zwift", 265: "strava", 289: "hammerhead",
    294: "coros", 307: "onelap", 310: "decathlon",
}  # fmt: skip
_GARMIN = (1, 13, 15)  # garmin, dynastream_oem, dynastream share the product list
_GARMIN_PRODUCTS = {
    717: "fr405", 782: "fr50", 988: "fr60", 1018: "fr310xt", 1036: "edge500", 1124: "fr110",
    1169: "edge800", 1325: "edge200", 1328: "fr910xt", 1345: "fr610", 1436: "fr70",
    1567: "edge810", 1623: "fr620", 1632: "fr220", 1765: "fr920xt", 1836: "edge1000",
    1903: "fr15", 1907: "vivo_active", 1967: "fenix2", 2050: "fenix3", 2067: "edge520",
    2153: "fr225", 2156: "fr630", 2157: "fr230", 2158: "fr735xt", 2337: "vivo_active_hr",
    2413: "fenix3_hr", 2431: "fr235", 2544: "fenix5s", 2604: "fenix5x", 2691: "fr935",
    2697: "fenix5", 2886: "fr645", 2888: "fr645m", 3011: "edge_explore", 3076: "fr245",
    3113: "fr945", 3121: "edge_530", 3122: "edge_830", 3226: "venu", 3282: "fr45",
    3290: "fenix6", 3558: "edge_130_plus", 3570: "edge_1030_plus", 3589: "fr745",
    3638: "enduro", 3652: "fr945_lte", 3703: "venu2", 3843: "edge_1040", 3869: "fr55",
    3905: "fenix7s", 3906: "fenix7", 3907: "fenix7x", 3943: "epix_gen2", 3992: "fr255",
    4024: "fr955", 4061: "edge_540", 4062: "edge_840", 4169: "edge_explore2", 4315: "fr965",
    4432: "fr165",
}  # fmt: skip
_FILE_TYPES = {
    1: "device", 2: "settings", 3: "sport settings", 5: "workout", 6: "course",
    7: "schedule", 9: "weight", 10: "totals", 11: "goals", 14: "blood pressure",
    15: "monitoring", 20: "activity summary", 28: "monitoring", 32: "monitoring",
    34: "segment", 35: "segment list", 40: "settings",
}  # fmt: skip

# What the walk does with a message, by its definition.
K_RECORD_TS, K_SKIP_TS, K_SKIP, K_RECORD, K_KEEP, K_MISSING = range(6)


class _Definition:
    """One definition message, compiled once for every message that uses it."""

    __slots__ = (
        "kind",
        "size",
        "global_num",
        "endian",
        "ts_offset",
        "columns",
        "unpack",
        "names",
        "invalids",
    )

    def __init__(self, raw: bytes) -> None:
        # raw = architecture, global number (2), field count, fields [, dev count, dev fields]
        self.endian = ">" if raw[0] == 1 else "<"
        (self.global_num,) = struct.unpack_from(self.endian + "H", raw, 1)
        count = raw[3]
        fields = [tuple(raw[i : i + 3]) for i in range(4, 4 + 3 * count, 3)]
        dev_size = sum(raw[i + 1] for i in range(5 + 3 * count, len(raw), 3))
        self.size = 1 + sum(size for _, size, _ in fields) + dev_size  # header byte included
        self.ts_offset = _timestamp_offset(fields)
        # Record: (name, payload offset, numpy dtype, invalid) per field we read.
        self.columns: tuple[tuple[str, int, str, float | None], ...] = ()
        self.unpack: struct.Struct | None = None
        self.names: tuple[str, ...] = ()
        self.invalids: tuple[float | None, ...] = ()
        if self.global_num == RECORD:
            self.kind = K_RECORD_TS if self.ts_offset >= 0 else K_RECORD
            self.columns = _record_columns(fields, self.endian)
        elif self.global_num in _KEPT_FIELDS:
            self.kind = K_KEEP
            self.unpack, self.names, self.invalids = _struct_for(
                fields, dev_size, self.endian, self.global_num
            )
        else:
            self.kind = K_SKIP_TS if self.ts_offset >= 0 else K_SKIP

    def timestamp_at(self, data: bytes, pos: int) -> int | None:
        """The full timestamp of the message whose header byte is at ``pos``."""
        (value,) = struct.unpack_from(self.endian + "I", data, pos + 1 + self.ts_offset)
        return None if value == 0xFFFFFFFF else int(value)

    def decode(self, data: bytes, pos: int) -> dict[str, Any]:
        """Fields of a kept message, with invalid values left out."""
        assert self.unpack is not None
        values = self.unpack.unpack_from(data, pos + 1)
        decoded = {}
        for name, value, invalid in zip(self.names, values, self.invalids, strict=True):
            value = _clean(value, invalid)
            if value is not None:
                decoded[name] = value
        return decoded


class _Missing(_Definition):
    """Stands in for a local type that no definition has named yet."""

    def __init__(self) -> None:  # nothing to compile
        self.kind, self.size, self.global_num, self.ts_offset = K_MISSING, 1, -1, -1


_MISSING: _Definition = _Missing()


def _timestamp_offset(fields: list[tuple[int, ...]]) -> int:
    offset = 0
    for number, size, _ in fields:
        if number == TIMESTAMP_FIELD and size == 4:
            return offset
        offset += size
    return -1


def _usable(size: int, base: int) -> tuple[str, int, float | None] | None:
    """Struct code, element size and invalid value, or None for fields we can't read.

    A size that is a multiple of the base type's is an array: we read its first element.
    """
    known = _BASE_TYPES.get(base & 0x1F)
    if known is None or size < known[1] or size % known[1]:
        return None
    return known


def _record_columns(
    fields: list[tuple[int, ...]], endian: str
) -> tuple[tuple[str, int, str, float | None], ...]:
    columns: list[tuple[str, int, str, float | None]] = []
    offset = 0
    for number, size, base in fields:
        name = _RECORD_FIELDS.get(number)
        known = _usable(size, base)
        if name == "csd" and size >= 3:
            columns.append((name, offset, "u1", None))
        elif name and name != "csd" and known and _is_integer(known[0], name == "ts"):
            columns.append((name, offset, endian + _NUMPY_CODES[known[0]], known[2]))
        offset += size
    return tuple(columns)


def _is_integer(code: str, timestamp: bool = False) -> bool:
    """Whether a field of this struct code can hold what we expect of it.

    Damaged definitions can declare any type; reading only integers (and times only
    as uint32, as FIT writes them) keeps strings, infinities and negative times out.
    """
    return code == "I" if timestamp else code not in "sfd"


def _struct_for(
    fields: list[tuple[int, ...]], dev_size: int, endian: str, global_num: int
) -> tuple[struct.Struct, tuple[str, ...], tuple[float | None, ...]]:
    """A Struct unpacking only the wanted fields (others are pad bytes), their names, invalids."""
    wanted = _KEPT_FIELDS[global_num]
    parts: list[str] = []
    names: list[str] = []
    invalids: list[float | None] = []
    for number, size, base in fields:
        known = _usable(size, base)
        if known is not None and number in wanted:
            is_time = wanted[number] in ("start_time", "time_created", "timestamp")
            is_text = wanted[number] in _STRING_FIELDS
            if (known[0] == "s") != is_text or not (is_text or _is_integer(known[0], is_time)):
                known = None  # not the type this field has: leave it out
        if number not in wanted or known is None:
            parts.append(f"{size}x")
        elif known[0] == "s":
            parts.append(f"{size}s")
        else:
            parts.append(known[0] + (f"{size - known[1]}x" if size > known[1] else ""))
        if number in wanted and known is not None:
            names.append(wanted[number])
            invalids.append(known[2])
    parts.append(f"{dev_size}x")
    return struct.Struct(endian + "".join(parts)), tuple(names), tuple(invalids)


@lru_cache(maxsize=4096)
def _compile(raw: bytes) -> _Definition:
    # Files redefine the same local types over and over: compile each layout once.
    return _Definition(raw)


def _clean(value: Any, invalid: float | None) -> Any:
    if isinstance(value, bytes):
        text = value.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
        return text or None
    if isinstance(value, float) and math.isnan(value):
        return None
    return None if value == invalid else value


@dataclass
class _Walk:
    """Everything the byte walk collects from all chained FIT files in one buffer."""

    data: bytes
    record_pos: list[int] = field(default_factory=list)  # header byte of each record
    segments: list[tuple[int, _Definition]] = field(default_factory=list)  # (first row, def)
    compressed_ts: dict[int, int] = field(default_factory=dict)  # row -> timestamp
    kept: list[tuple[int, _Definition, int | None]] = field(default_factory=list)
    damaged_at: int | None = None  # a data message used an undefined local type
    cut_end: int = 0  # where the message that did not fit would have ended

    def walk(self, pos: int, end: int) -> int:
        """Walk the messages of one FIT file's data in [pos, end); return where it stopped.

        It stops at ``end``, at a message that refers to a missing definition
        (``damaged_at``) or before a message that does not fit before ``end``.
        One long loop on purpose: locals are much faster than attributes or calls.
        """
        data = self.data
        defs: list[_Definition] = [_MISSING] * 16
        record_pos, segments, kept = self.record_pos, self.segments, self.kept
        add_record, add_kept = record_pos.append, kept.append
        seg_def: _Definition | None = segments[-1][1] if segments else None
        # Last full timestamp (message position and its definition) and the last
        # compressed one: compressed timestamps count on from the later of the two.
        ts_pos, ts_def, cts_pos, cts = -1, _MISSING, -1, 0
        start = pos
        while pos < end:
            start = pos
            header = data[pos]
            if header & 0x80 == 0:
                if header & 0x40:
                    pos = self._define(defs, pos, end, header)
                    if pos < 0:
                        return start
                    continue
                d = defs[header & 0x0F]
                kind = d.kind
                if kind == K_RECORD_TS:
                    if d is not seg_def:
                        segments.append((len(record_pos), d))
                        seg_def = d
                    add_record(pos)
                    ts_pos, ts_def = pos, d
                elif kind == K_SKIP_TS:
                    ts_pos, ts_def = pos, d
                elif kind == K_SKIP:
                    pass
                elif kind == K_RECORD:
                    if d is not seg_def:
                        segments.append((len(record_pos), d))
                        seg_def = d
                    add_record(pos)
                elif kind == K_KEEP:
                    add_kept((pos, d, None))
                    if d.ts_offset >= 0:
                        ts_pos, ts_def = pos, d
                else:
                    self.damaged_at = pos
                    return pos
                pos += d.size
                continue
            # Compressed timestamp header (rare: old devices).
            if ts_pos > cts_pos:
                full = ts_def.timestamp_at(data, ts_pos)
                cts = cts if full is None else full
            cts += (header - cts) & 0x1F
            cts_pos = pos
            d = defs[(header >> 5) & 0x03]
            if d.kind == K_RECORD_TS or d.kind == K_RECORD:
                if d is not seg_def:
                    segments.append((len(record_pos), d))
                    seg_def = d
                self.compressed_ts[len(record_pos)] = cts
                add_record(pos)
            elif d.kind == K_KEEP:
                add_kept((pos, d, cts))
            elif d.kind == K_MISSING:
                self.damaged_at = pos
                return pos
            pos += d.size
        if pos > end:  # the last message does not fit: forget it
            self._drop_from(start)
            self.cut_end = pos
            return start
        return pos

    def _define(self, defs: list[_Definition], pos: int, end: int, header: int) -> int:
        """Compile the definition at ``pos`` into ``defs``; return the next position, -1 if cut."""
        data = self.data
        if pos + 6 > end:
            return -1
        stop = pos + 6 + 3 * data[pos + 5]  # header, reserved, arch, global (2), count
        if header & 0x20:  # developer fields follow: their count, then 3 bytes each
            if stop >= end:
                return -1
            stop += 1 + 3 * data[stop]
        if stop > end:
            return -1
        defs[header & 0x0F] = _compile(data[pos + 2 : stop])
        return stop

    def _drop_from(self, pos: int) -> None:
        """Forget a message at ``pos`` that was noted but turned out to be cut off."""
        if self.record_pos and self.record_pos[-1] >= pos:
            self.record_pos.pop()
            self.compressed_ts.pop(len(self.record_pos), None)
            if self.segments and self.segments[-1][0] >= len(self.record_pos):
                self.segments.pop()
        if self.kept and self.kept[-1][0] >= pos:
            self.kept.pop()


# --- CRC ---------------------------------------------------------------------------
# FIT uses CRC-16/ARC (reflected polynomial 0xA001, initial value 0). A byte-by-byte
# Python loop costs ~0.1 s per MB, more than decoding, so the CRC is computed in
# blocks with numpy: with an initial value of 0, leading zero bytes change nothing,
# and the CRC of A+B is the CRC of A "moved past" len(B) zero bytes, XOR the CRC of B.


@lru_cache(maxsize=1)
def _crc_table16() -> np.ndarray:
    """State after feeding two zero bytes, for every 16-bit state: one lookup per word."""
    table8 = np.zeros(256, dtype=np.uint32)
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table8[i] = crc
    state = np.arange(65536, dtype=np.uint32)
    for _ in range(2):
        state = (state >> 8) ^ table8[state & 0xFF]
    return state.astype(np.uint16)


@lru_cache(maxsize=32)
def _crc_skip_tables(words: int) -> tuple[list[int], list[int]]:
    """Tables moving a CRC state past ``words`` zero words (low byte, high byte)."""
    table = _crc_table16()
    images = np.array([1 << bit for bit in range(16)], dtype=np.uint16)
    for _ in range(words):
        images = table[images]
    low, high = [0] * 256, [0] * 256
    for value in range(256):
        for bit in range(8):
            if value >> bit & 1:
                low[value] ^= int(images[bit])
                high[value] ^= int(images[bit + 8])
    return low, high


def crc16(data: bytes) -> int:
    """CRC-16 as FIT computes it; data + its CRC (little endian) gives 0."""
    table = _crc_table16()
    # Block length: a power of two near sqrt(len / 20) balances the vectorised pass
    # (one numpy call per word of a block) against the Python loop over blocks.
    words = max(8, 1 << max(0, (len(data) // 20).bit_length() // 2))
    pad = -len(data) % (2 * words)
    buf = np.frombuffer(b"\0" * pad + data, dtype="<u2").reshape(-1, words)
    state = np.zeros(buf.shape[0], dtype=np.uint16)
    for column in buf.T:  # all blocks at once, one word at a time
        state = table[state ^ column]
    low, high = _crc_skip_tables(words)
    crc = 0
    for block in state.tolist():
        crc = low[crc & 0xFF] ^ high[crc >> 8] ^ block
    return crc


# --- Records to streams ------------------------------------------------------------


def _rows_by_definition(
    segments: list[tuple[int, _Definition]], n: int
) -> Iterator[tuple[_Definition, np.ndarray | None]]:
    """Each record definition with the rows it laid out (None: all rows)."""
    if not segments:
        return
    if len(segments) == 1:
        yield segments[0][1], None
        return
    ranges: dict[_Definition, list[np.ndarray]] = {}
    bounds = [first for first, _ in segments[1:]] + [n]
    for (first, d), stop in zip(segments, bounds, strict=True):
        ranges.setdefault(d, []).append(np.arange(first, stop))
    for d, parts in ranges.items():
        yield d, np.concatenate(parts)


def _gather(buf: np.ndarray, starts: np.ndarray, offset: int, width: int) -> np.ndarray:
    """Bytes [offset, offset + width) of every message, as an (n, width) uint8 array."""
    return buf[starts[:, None] + np.arange(offset, offset + width)]


def _record_arrays(walk: _Walk) -> dict[str, np.ndarray]:
    """Raw record fields as float columns (NaN where invalid or absent), one row per record."""
    n = len(walk.record_pos)
    cols = {name: np.full(n, np.nan) for name in _RECORD_FIELDS.values()}
    buf = np.frombuffer(walk.data, dtype=np.uint8)
    starts_all = np.asarray(walk.record_pos, dtype=np.int64) + 1  # payload starts
    for d, rows in _rows_by_definition(walk.segments, n):
        starts = starts_all if rows is None else starts_all[rows]
        where = slice(None) if rows is None else rows
        for name, offset, code, invalid in d.columns:
            if name == "csd":
                cols[name][where] = _compressed_distance_raw(_gather(buf, starts, offset, 3))
                continue
            dtype = np.dtype(code)
            raw = _gather(buf, starts, offset, dtype.itemsize).view(dtype).ravel()
            values = raw.astype(np.float64)
            if invalid is not None:
                values[raw == invalid] = np.nan
            cols[name][where] = values
    if walk.compressed_ts:
        rows = np.fromiter(walk.compressed_ts.keys(), dtype=np.int64)
        cols["ts"][rows] = np.fromiter(walk.compressed_ts.values(), dtype=np.float64)
    return cols


def _compressed_distance_raw(three: np.ndarray) -> np.ndarray:
    """The 12-bit rolling distance of compressed_speed_distance (NaN when all bytes are 0xFF)."""
    three = three.astype(np.int64)
    values = ((three[:, 1] >> 4) | (three[:, 2] << 4)).astype(np.float64)
    values[(three == 0xFF).all(axis=1)] = np.nan
    return values


def _unroll_distance(rolling: np.ndarray) -> np.ndarray:
    """Metres from a 12-bit counter of 1/16 m that wraps around (FIT accumulates it)."""
    out = np.full(len(rolling), np.nan)
    ok = ~np.isnan(rolling)
    values = rolling[ok].astype(np.int64)
    if len(values):
        steps = np.diff(values, prepend=0) & 0xFFF
        out[ok] = np.cumsum(steps) / 16.0
    return out


def _on_foot_mask(ts: np.ndarray, sessions: list[dict[str, Any]], sport: str) -> np.ndarray:
    """Which samples belong to a session on foot (their cadence counts strides)."""
    timed = sorted((s["start_time"], s["mapped"]) for s in sessions if "start_time" in s)
    if sport != "multisport" or not timed:
        return np.full(len(ts), sport in _ON_FOOT)
    starts = np.array([t for t, _ in timed], dtype=np.float64)
    foot = np.array([m in _ON_FOOT for _, m in timed])
    which = np.clip(np.searchsorted(starts, np.nan_to_num(ts), side="right") - 1, 0, None)
    return foot[which]


def _streams(cols: dict[str, np.ndarray], t0: float, on_foot: np.ndarray) -> Streams:
    ele = np.where(np.isnan(cols["ealt"]), cols["alt"], cols["ealt"]) / 5.0 - 500.0
    hr = np.where(cols["hr"] == 0, np.nan, cols["hr"])  # 0 bpm: the strap lost contact
    strides = cols["cad"] + np.nan_to_num(cols["fcad"]) / 128.0
    cad = np.where(on_foot, strides * 2.0, cols["cad"])
    dist = cols["dist"] / 100.0
    if not np.isnan(cols["csd"]).all():
        dist = np.where(np.isnan(dist), _unroll_distance(cols["csd"]), dist)
    return Streams(
        time=cols["ts"] - t0,  # NaN where a record has no time
        lat=cols["lat"] * SEMICIRCLE_DEG,
        lon=cols["lon"] * SEMICIRCLE_DEG,
        ele=ele,
        hr=hr,
        cad=cad,
        dist=dist,
    )


# --- Messages to an activity -------------------------------------------------------


@dataclass
class _Messages:
    """The kept messages, decoded and sorted by type."""

    file_ids: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    laps: list[dict[str, Any]] = field(default_factory=list)
    sports: list[int] = field(default_factory=list)
    sub_sports: list[int] = field(default_factory=list)
    devices: list[dict[str, Any]] = field(default_factory=list)


def _decode_kept(walk: _Walk) -> _Messages:
    out = _Messages()
    by_type = {
        FILE_ID: out.file_ids,
        SESSION: out.sessions,
        LAP: out.laps,
        DEVICE_INFO: out.devices,
    }
    for pos, d, compressed_ts in walk.kept:
        message = d.decode(walk.data, pos)
        if compressed_ts is not None:
            message.setdefault("timestamp", compressed_ts)
        if d.global_num == SPORT:
            if "sport" in message:
                out.sports.append(message["sport"])
            if "sub_sport" in message:
                out.sub_sports.append(message["sub_sport"])
        else:
            by_type[d.global_num].append(message)
    for session in out.sessions:
        session["mapped"] = _SPORTS.get(session.get("sport", -1), "other")
    return out


def _sport(messages: _Messages) -> tuple[str, list[str]]:
    """The activity's sport and, for multisport files, each session's."""
    mapped = [s["mapped"] for s in messages.sessions if "sport" in s]
    if not mapped:
        mapped = [_SPORTS.get(sport, "other") for sport in messages.sports]
    if not mapped:
        mapped = [_SPORTS.get(lap["sport"], "other") for lap in messages.laps if "sport" in lap]
    if len(set(mapped)) > 1:
        return "multisport", [s["mapped"] for s in messages.sessions] or mapped
    return (mapped[0] if mapped else "other"), []


def _sub_sport(messages: _Messages) -> str:
    """The first named sub-sport of the sessions, else of the sport messages; "" if none."""
    codes = [s["sub_sport"] for s in messages.sessions if "sub_sport" in s] + messages.sub_sports
    return next((_SUB_SPORTS[code] for code in codes if code in _SUB_SPORTS), "")


def _device(messages: _Messages) -> str:
    file_id = messages.file_ids[0] if messages.file_ids else {}
    creator = next((d for d in messages.devices if d.get("device_index") == 0), {})
    name = file_id.get("product_name") or creator.get("product_name")
    if name:
        return str(name)
    manufacturer = file_id.get("manufacturer", creator.get("manufacturer"))
    product = file_id.get("product", creator.get("product"))
    parts = []
    if manufacturer is not None:
        parts.append(_MANUFACTURERS.get(manufacturer, f"manufacturer {manufacturer}"))
    if product is not None:
        known = _GARMIN_PRODUCTS.get(product) if manufacturer in _GARMIN else None
        parts.append(known or str(product))
    return " ".join(parts)


def _total(messages: list[dict[str, Any]], key: str, scale: float) -> float | None:
    values = [m[key] for m in messages if key in m]
    return sum(values) / scale if values else None


def _laps(laps: list[dict[str, Any]], t0: float) -> list[Lap]:
    out: list[Lap] = []
    for lap in laps:
        elapsed = lap["elapsed"] / 1000.0 if "elapsed" in lap else None
        begin = lap.get("start_time")
        if begin is None and "timestamp" in lap and elapsed is not None:
            begin = lap["timestamp"] - elapsed
        if begin is not None:
            offset = float(begin - t0)
        elif out:
            offset = out[-1].start_offset_s + (out[-1].elapsed_s or 0.0)
        else:
            offset = 0.0
        out.append(
            Lap(
                start_offset_s=offset,
                elapsed_s=elapsed,
                distance_m=lap["distance"] / 100.0 if "distance" in lap else None,
                sport=_SPORTS.get(lap["sport"], "other") if "sport" in lap else None,
            )
        )
    return out


def _to_datetime(fit_time: float) -> datetime:
    return datetime.fromtimestamp(FIT_EPOCH + int(fit_time), tz=UTC)


def _start(ts: np.ndarray, messages: _Messages, lost: list[str]) -> tuple[datetime | None, float]:
    """The start as a datetime and as a FIT time (what ``time`` and laps count from).

    First record with a time; else the first session's start; else when the file was made.
    Times that count from the device's power-on give no date: start None, said in ``lost``.
    """
    valid = ts[~np.isnan(ts)]
    candidates = [float(valid[0])] if len(valid) else []
    candidates += [float(s["start_time"]) for s in messages.sessions if "start_time" in s][:1]
    candidates += [float(f["time_created"]) for f in messages.file_ids if "time_created" in f][:1]
    if not candidates:
        raise ImportProblem("This FIT file holds no date or time, so it cannot be imported.")
    t0 = candidates[0]
    if t0 < FIRST_ABSOLUTE_TIME:
        lost.append(
            "The device's clock was not set, so this FIT file holds no date: "
            "its times only count from when the device was switched on."
        )
        return None, t0
    return _to_datetime(t0), t0


# --- The file as a whole -----------------------------------------------------------


def _header(data: bytes, pos: int) -> tuple[int, int] | None:
    """(header size, data size) of a FIT header at ``pos``, or None if there is none."""
    if len(data) - pos < 12 or data[pos + 8 : pos + 12] != b".FIT" or data[pos] < 12:
        return None
    return data[pos], int.from_bytes(data[pos + 4 : pos + 8], "little")


def _walk_all(data: bytes, lost: list[str]) -> _Walk:
    """Walk every chained FIT file; note in ``lost`` what could not be read."""
    walk = _Walk(data)
    pos, crc_bad = 0, False
    while (header := _header(data, pos)) is not None:
        header_size, data_size = header
        body, body_end = pos + header_size, pos + header_size + data_size
        end = len(data) if data_size == 0 else min(body_end, len(data))
        stopped = walk.walk(min(body, end), end)
        if data_size == 0 and (walk.damaged_at or 0) >= len(data) - 2:
            walk.damaged_at = None  # size never filled in: that was the CRC, not a message
        if walk.damaged_at is not None:
            lost.append(
                f"The file is damaged at byte {walk.damaged_at:,} (a record refers to a "
                "definition that is missing); the part before that was kept."
            )
            return walk
        if data_size == 0:  # the writer never filled in the size: we read to the end
            return walk
        if body_end + 2 > len(data):
            lost.append(
                f"This FIT file ends after {len(data):,} of {body_end + 2:,} bytes; "
                "the part before that was kept."
            )
            return walk
        if stopped < end and walk.cut_end > len(data):  # cut inside a message
            lost.append(
                f"This FIT file ends after {len(data):,} bytes, in the middle of a record; "
                "the part before that was kept."
            )
            return walk
        if stopped < end:  # a message runs past the declared end of the data
            lost.append(
                f"The file is damaged at byte {stopped:,} (a record runs past the end of "
                "the data); the part before that was kept."
            )
        if data_size and crc16(data[pos : body_end + 2]) != 0:
            crc_bad = True
        pos = body_end + 2
    if crc_bad:
        lost.append(
            "The FIT file's checksum does not match, so it may be damaged; it was read anyway."
        )
    if 0 < pos < len(data):
        lost.append(
            f"The last {len(data) - pos:,} bytes, after the end of the FIT data, were not read."
        )
    return walk


def _nothing_usable(messages: _Messages, lost: list[str]) -> ImportProblem:
    kept_part = "the part before that was kept."
    for sentence in lost:
        if sentence.endswith(kept_part):  # cut or damaged before the first record
            return ImportProblem(sentence.replace(kept_part, "nothing usable comes before that."))
    kind = _FILE_TYPES.get(messages.file_ids[0].get("type", 4)) if messages.file_ids else None
    if kind:
        article = "an" if kind[0] in "aeiou" else "a"
        return NotAnActivity(f"This FIT file holds no activity (it is {article} {kind} file).")
    return NotAnActivity("This FIT file holds no activity: it has no records and no sessions.")


def parse(data: bytes) -> list[ParsedActivity]:
    """Read one FIT file (possibly several chained FIT files) as one activity."""
    data = bytes(data)
    if _header(data, 0) is None:
        raise NotAnActivity("This is not a FIT file.")
    lost: list[str] = []
    walk = _walk_all(data, lost)
    messages = _decode_kept(walk)
    if not walk.record_pos and not messages.sessions:
        raise _nothing_usable(messages, lost)
    cols = _record_arrays(walk)
    start, t0 = _start(cols["ts"], messages, lost)
    sport, sessions = _sport(messages)
    on_foot = _on_foot_mask(cols["ts"], messages.sessions, sport)
    return [
        ParsedActivity(
            start=start,
            sport=sport,
            sub_sport=_sub_sport(messages),
            streams=_streams(cols, t0, on_foot),
            device=_device(messages),
            device_distance_m=_total(messages.sessions, "distance", 100.0),
            timer_s=_total(messages.sessions, "timer", 1000.0),
            elapsed_s=_total(messages.sessions, "elapsed", 1000.0),
            sessions=sessions,
            laps=_laps(messages.laps, t0),
            lost=lost,
        )
    ]
