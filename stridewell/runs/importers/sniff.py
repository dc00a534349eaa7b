"""Tell what a file is from its first bytes, not from its name."""

from __future__ import annotations

import re

# Formats we can read, and things people put among activity files that we can name.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"RIFF", "a media file"),
    (b"\x00\x00\x00\x18ftyp", "a video"),
    (b"\x00\x00\x00\x20ftyp", "a video"),
    (b"\xd0\xcf\x11\xe0", "an Office document"),
    (b"BM", "a bitmap image"),
)
_XML_ROOT = re.compile(rb"<\s*(?:[\w.-]+:)?(gpx|TrainingCenterDatabase|kml|html|svg)\b", re.I)


def sniff(data: bytes) -> str:
    """'fit', 'gpx', 'tcx', 'gzip', 'zip', 'empty', or a phrase naming what else it is."""
    if not data:
        return "empty"
    if len(data) >= 12 and data[8:12] == b".FIT":
        return "fit"
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:4096]
    match = _XML_ROOT.search(head)
    if match:
        root = match.group(1).decode().lower()
        return {"gpx": "gpx", "trainingcenterdatabase": "tcx"}.get(
            root, f"a {root.upper()} document"
        )
    if head.lstrip().startswith(b"<"):
        return "an XML document that is not an activity"
    if b"\x00" in head:
        return "a binary file that is not an activity"
    return "a text file that is not an activity"


READABLE = ("fit", "gpx", "tcx")
