"""Importers: pure functions from a file's bytes to ``ParsedActivity`` objects.

``PARSERS`` maps a format (as ``sniff`` names it) to the module whose ``parse``
reads it; a new format is one module and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from stridewell.runs.importers.base import ParsedActivity

PARSERS: dict[str, str] = {
    "fit": "stridewell.runs.importers.fit",
    "gpx": "stridewell.runs.importers.gpx",
    "tcx": "stridewell.runs.importers.tcx",
}


def parser_for(fmt: str) -> Callable[[bytes], list[ParsedActivity]]:
    parse: Callable[[bytes], list[ParsedActivity]] = import_module(PARSERS[fmt]).parse
    return parse
