"""Open the containers activity files come in: gzip, zip (nested) and Strava's bulk export.

Pure: paths and bytes in, ``Entry`` objects out, lazily, so a 2 GB archive is
never held in memory at once. Every refusal names the limit it hit.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from stridewell.runs.importers.base import ImportProblem, ListedActivity
from stridewell.runs.importers.export_csv import read_runs_csv
from stridewell.runs.importers.sniff import sniff
from stridewell.runs.importers.strava import read_activities_csv

MB = 1024 * 1024
MAX_NESTING = 3
# What zipfile raises for an archive it cannot read: damaged headers, names that are not
# UTF-8, a version or compression method it does not know, encryption, sizes past the end.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    OverflowError,
    struct.error,
)


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 64 * MB
    max_archive_bytes: int = 4096 * MB
    max_ratio: int = 200
    max_members: int = 50_000


@dataclass
class Entry:
    """One thing that gets one result: a file, an archive member, or a Strava row without a file."""

    name: str
    data: bytes | None = None
    refused: str | None = None  # a reason to fail it without reading it
    listed: ListedActivity | None = None
    source: str = "file"  # "file" or "archive"
    extra: dict[str, str] = field(default_factory=dict)


def gunzip(data: bytes, limit: int) -> bytes:
    """Decompress gzip data, refusing to grow past ``limit`` bytes (gzip bombs)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise ImportProblem(f"This gzip file is damaged ({exc}).") from None
    if len(out) > limit:
        raise ImportProblem(
            f"This gzip file unpacks to more than {limit // MB:,} MB, the limit for one file "
            "(STRIDEWELL_MAX_FILE_MB)."
        )
    if not inflater.eof and not out:
        raise ImportProblem("This gzip file is cut short: nothing could be unpacked.")
    return out


def expand(path: Path, name: str, limits: Limits) -> Iterator[Entry]:
    """Every entry in one uploaded or given file."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(12)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        yield from _expand_zip_path(path, name, limits)
        return
    if size > limits.max_file_bytes:
        yield Entry(name, refused=_too_big(size, limits))
        return
    yield from expand_bytes(path.read_bytes(), name, limits, depth=0)


def expand_bytes(
    data: bytes, name: str, limits: Limits, depth: int, source: str = "file"
) -> Iterator[Entry]:
    if sniff(data) == "zip":
        if depth >= MAX_NESTING:
            yield Entry(
                name, refused=f"This zip is nested more than {MAX_NESTING} deep; we stop there."
            )
            return
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except ZIP_ERRORS as exc:
            yield Entry(name, refused=_damaged(exc))
            return
        yield from _expand_zip(archive, name, limits, depth + 1)
        return
    yield Entry(name, data=data, source=source)


def _too_big(size: int, limits: Limits) -> str:
    return (
        f"This file is {size / MB:,.1f} MB; the limit for one file is "
        f"{limits.max_file_bytes // MB:,} MB (STRIDEWELL_MAX_FILE_MB)."
    )


def _damaged(exc: Exception) -> str:
    return f"This zip archive is damaged and cannot be opened ({exc})."


def _expand_zip_path(path: Path, name: str, limits: Limits) -> Iterator[Entry]:
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        yield Entry(name, refused=_damaged(exc))
        return
    with archive:
        yield from _expand_zip(archive, name, limits, depth=1)


def files_in(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The members that are files. Not ``ZipInfo.is_dir``: it fails on an empty name."""
    return [info for info in archive.infolist() if not info.filename.endswith("/")]


def _expand_zip(archive: zipfile.ZipFile, name: str, limits: Limits, depth: int) -> Iterator[Entry]:
    members = files_in(archive)
    if len(members) > limits.max_members:
        yield Entry(
            name,
            refused=f"This archive holds {len(members):,} files; the limit is "
            f"{limits.max_members:,} (STRIDEWELL_MAX_ARCHIVE_MEMBERS).",
        )
        return
    declared = sum(info.file_size for info in members)
    if declared > limits.max_archive_bytes:
        yield Entry(
            name,
            refused=f"This archive unpacks to {declared / MB:,.0f} MB; the limit is "
            f"{limits.max_archive_bytes // MB:,} MB (STRIDEWELL_MAX_ARCHIVE_MB).",
        )
        return
    listing = _find_listing(members)
    if listing is not None:
        yield from _expand_listed(archive, members, listing, name, limits, depth)
        return
    budget = _Budget(limits.max_archive_bytes)
    for info in members:
        yield from _member_entries(archive, info, name, limits, depth, budget)


class _Budget:
    """What is left of the archive's uncompressed-size allowance, counted as we really read."""

    def __init__(self, total: int) -> None:
        self.left = total


def _member_entries(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    limits: Limits,
    depth: int,
    budget: _Budget,
    listed: ListedActivity | None = None,
) -> Iterator[Entry]:
    label = f"{name}/{info.filename}"
    try:
        data = read_member(archive, info, limits, budget)
    except ImportProblem as exc:
        yield Entry(label, refused=str(exc), listed=listed)
        return
    if listed is not None:
        yield Entry(label, data=data, listed=listed, source="archive")
        return
    yield from expand_bytes(data, label, limits, depth, source="archive")


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: _Budget
) -> bytes:
    """A member's bytes, refusing unsafe paths, links, bombs and oversize files."""
    path = PurePosixPath(info.filename.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise ImportProblem(
            f"Refused: this archive member's path ({info.filename}) points outside the archive."
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ImportProblem("Refused: this archive member is a symbolic link, not a file.")
    if info.file_size > limits.max_file_bytes:
        raise ImportProblem(_too_big(info.file_size, limits))
    if (
        info.compress_size
        and info.file_size > MB
        and info.file_size / info.compress_size > limits.max_ratio
    ):
        raise ImportProblem(
            f"Refused: this member expands {info.file_size / info.compress_size:,.0f} times, more than "
            f"the limit of {limits.max_ratio:,} (STRIDEWELL_MAX_COMPRESSION_RATIO): it looks like a zip bomb."
        )
    cap = min(limits.max_file_bytes, budget.left)
    try:
        with archive.open(info) as member:
            data = member.read(cap + 1)  # never trust the declared size
    except ZIP_ERRORS as exc:
        raise ImportProblem(
            f"This archive member is damaged and cannot be unpacked ({exc})."
        ) from None
    if len(data) > cap:
        raise ImportProblem(
            "Refused: this member unpacks to more than its header says or than the limit allows "
            f"({cap // MB:,} MB)."
        )
    budget.left -= len(data)
    return data


# The lists that say what an archive's activity files are: Strava's and our own export's.
LISTINGS = {"activities.csv": read_activities_csv, "runs.csv": read_runs_csv}


def _find_listing(members: list[zipfile.ZipInfo]) -> zipfile.ZipInfo | None:
    for info in members:
        parts = PurePosixPath(info.filename).parts
        if parts and parts[-1] in LISTINGS and len(parts) <= 2:
            return info
    return None


def _expand_listed(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    csv_info: zipfile.ZipInfo,
    name: str,
    limits: Limits,
    depth: int,
) -> Iterator[Entry]:
    """A Strava bulk export or our own: one entry per row, plus activity files that no row names."""
    root = str(PurePosixPath(csv_info.filename).parent)
    prefix = "" if root == "." else root + "/"
    budget = _Budget(limits.max_archive_bytes)
    try:
        reader = LISTINGS[PurePosixPath(csv_info.filename).name]
        rows = reader(read_member(archive, csv_info, limits, budget))
    except ImportProblem as exc:
        yield Entry(f"{name}/{csv_info.filename}", refused=str(exc))
        return
    by_name = {info.filename: info for info in members}
    named: set[str] = set()
    for row in rows:
        member = by_name.get(prefix + row.filename) if row.filename else None
        if member is None:
            label = f"{name}/{csv_info.filename} row {row.external_id}"
            refused = None
            if row.filename:
                refused = f"The export lists {row.filename} but the archive does not hold it."
            yield Entry(label, refused=refused, listed=row, source="archive")
            continue
        named.add(member.filename)
        yield from _member_entries(archive, member, name, limits, depth, budget, listed=row)
    activities_dirs = (prefix + "activities/", prefix + "originals/")
    for info in members:
        if info.filename.startswith(activities_dirs) and info.filename not in named:
            yield from _member_entries(archive, info, name, limits, depth, budget)


def decompress_if_gzip(data: bytes, limit: int) -> bytes:
    if data[:2] == b"\x1f\x8b":
        return gunzip(data, limit)
    return data


__all__ = [
    "ZIP_ERRORS",
    "files_in",
    "Entry",
    "Limits",
    "expand",
    "expand_bytes",
    "gunzip",
    "decompress_if_gzip",
]
