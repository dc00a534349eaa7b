"""Distinct copies of real activity files, for benchmarks: the same samples, shifted in time.

Repeating a file unchanged would only measure de-duplication; a shifted copy is a new
activity (another start, another content hash) with exactly the same parsing work.
"""

from __future__ import annotations

import re
import struct
from datetime import datetime, timedelta

_ISO = re.compile(rb"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})")
# FIT date_time fields besides the common timestamp (253): file_id.time_created,
# session/lap start_time, activity local_timestamp.
_FIT_DATE_FIELDS = {0: (4,), 18: (2,), 19: (2,), 34: (5,)}
_CRC_TABLE = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
              0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)  # fmt: skip


def shift_xml(data: bytes, days: int) -> bytes:
    """Every ISO timestamp in a GPX/TCX moved by ``days``."""

    def move(match: re.Match[bytes]) -> bytes:
        when = datetime.fromisoformat(match.group(1).decode()) + timedelta(days=days)
        return when.strftime("%Y-%m-%dT%H:%M:%S").encode()

    return _ISO.sub(move, data)


def fit_crc(data: bytes | bytearray, crc: int = 0) -> int:
    for byte in data:
        tmp = _CRC_TABLE[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[byte & 0xF]
        tmp = _CRC_TABLE[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[(byte >> 4) & 0xF]
    return crc


def shift_fit(data: bytes, days: int) -> bytes:
    """Every date_time in a (possibly chained) FIT file moved by ``days``, CRCs redone.

    Whole days are a multiple of 32 s, so compressed-timestamp offsets stay valid.
    """
    out = bytearray(data)
    start = 0
    while start + 12 <= len(out) and out[start + 8 : start + 12] == b".FIT":
        header = out[start]
        end = start + header + struct.unpack_from("<I", out, start + 4)[0]
        _shift_records(out, start + header, min(end, len(out)), days * 86400)
        if end + 2 > len(out):
            break
        struct.pack_into("<H", out, end, fit_crc(out[start:end]))
        start = end + 2
    return bytes(out)


def _shift_records(out: bytearray, pos: int, end: int, seconds: int) -> None:
    definitions: dict[int, tuple[str, list[int], int]] = {}
    while pos < end:
        head = out[pos]
        pos += 1
        if head & 0x80:  # compressed timestamp: no timestamp field to move
            layout = definitions.get((head >> 5) & 0x3)
            if layout is None:
                return
            pos += layout[2]
        elif head & 0x40:
            pos = _read_definition(out, pos, head, definitions)
        else:
            layout = definitions.get(head & 0xF)
            if layout is None:
                return
            endian, offsets, size = layout
            for offset in offsets:
                value = struct.unpack_from(endian + "I", out, pos + offset)[0]
                if value != 0xFFFFFFFF:
                    struct.pack_into(endian + "I", out, pos + offset, value + seconds)
            pos += size


def _read_definition(
    out: bytearray, pos: int, head: int, definitions: dict[int, tuple[str, list[int], int]]
) -> int:
    endian = ">" if out[pos + 1] else "<"
    message = struct.unpack_from(endian + "H", out, pos + 2)[0]
    count = out[pos + 4]
    pos += 5
    wanted = (253, *_FIT_DATE_FIELDS.get(message, ()))
    offsets, size = [], 0
    for _ in range(count):
        number, field_size = out[pos], out[pos + 1]
        if number in wanted and field_size == 4:
            offsets.append(size)
        size += field_size
        pos += 3
    if head & 0x20:  # developer fields follow
        for _ in range(out[pos]):
            size += out[pos + 2]
            pos += 3
        pos += 1
    definitions[head & 0xF] = (endian, offsets, size)
    return pos
