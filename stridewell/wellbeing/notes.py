"""Private notes are stored encrypted; this is the one cipher the app uses."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from stridewell.lib.crypto import NoteCipher, keys_from_env


@cache
def cipher() -> NoteCipher:
    keyfile = (
        Path(settings.NOTE_KEY_FILE)
        if settings.NOTE_KEY_FILE
        else Path(settings.DATA_DIR) / "note_key"
    )
    return NoteCipher(keys_from_env(settings.NOTE_KEYS, keyfile))
