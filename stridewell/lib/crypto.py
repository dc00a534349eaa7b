"""Encryption at rest for private notes (AES-256-GCM with key rotation).

A token looks like ``v1:<key id>:<base64url(nonce + ciphertext)>``. The key id is the
first 8 hex characters of sha256(key), so decryption goes straight to the right key.
Keys come from ``STRIDEWELL_NOTE_KEYS`` (comma-separated base64url keys, the first one
encrypts) or, when that is unset, from a key file created once in the data directory.
To rotate: put a new key first, keep the old ones after it, run the re-encrypt command,
then drop the old keys.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
ENV_VAR = "STRIDEWELL_NOTE_KEYS"
_B64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")


class NoteDecryptError(ValueError):
    """A note token could not be decrypted: unknown key or damaged token."""


def key_id(key: bytes) -> str:
    """First 8 hex characters of sha256(key): names a key without revealing it."""
    return hashlib.sha256(key).hexdigest()[:8]


def generate_key() -> str:
    """A fresh random 32-byte key, base64url-encoded without padding."""
    return _b64encode(os.urandom(KEY_BYTES))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    """Strict base64url: only the URL-safe alphabet and the canonical encoding."""
    if not _B64URL.fullmatch(text):
        raise ValueError("not base64url")
    bare = text.rstrip("=")
    data = base64.urlsafe_b64decode(bare + "=" * (-len(bare) % 4))
    if _b64encode(data) != bare:
        raise ValueError("not canonical base64url")
    return data


class NoteCipher:
    """Encrypts with the first key; decrypts with whichever key made the token."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("NoteCipher needs at least one key.")
        self._ciphers: dict[str, list[AESGCM]] = {}
        for number, key in enumerate(keys, start=1):
            if len(key) != KEY_BYTES:
                raise ValueError(f"Note key {number} is {len(key)} bytes; it must be 32.")
            self._ciphers.setdefault(key_id(key), []).append(AESGCM(bytes(key)))
        self.current_key_id = key_id(keys[0])
        self._current = AESGCM(bytes(keys[0]))

    def encrypt(self, text: str) -> str:
        """Encrypt ``text`` with the current key; the empty string stays empty."""
        if not text:
            return ""
        nonce = os.urandom(NONCE_BYTES)
        header = f"{VERSION}:{self.current_key_id}"
        sealed = self._current.encrypt(nonce, text.encode("utf-8"), header.encode("ascii"))
        return f"{header}:{_b64encode(nonce + sealed)}"

    def decrypt(self, token: str) -> str:
        """Decrypt a token from :meth:`encrypt`; raise NoteDecryptError if impossible."""
        if not token:
            return ""
        kid, payload = self._split(token)
        candidates = self._ciphers.get(kid)
        if candidates is None:
            raise NoteDecryptError(
                f"No note key matches key id {kid}: was that key removed from {ENV_VAR}?"
            )
        nonce, sealed = payload[:NONCE_BYTES], payload[NONCE_BYTES:]
        header = f"{VERSION}:{kid}".encode("ascii")
        for cipher in candidates:
            try:
                return cipher.decrypt(nonce, sealed, header).decode("utf-8")
            except InvalidTag:
                continue
        raise NoteDecryptError(
            f"The encrypted note (key id {kid}) is damaged or was not made with this key."
        )

    def reencrypt(self, token: str) -> str:
        """Decrypt with any known key and encrypt again with the current key."""
        return self.encrypt(self.decrypt(token))

    @staticmethod
    def _split(token: str) -> tuple[str, bytes]:
        """Check the token's shape and return (key id, nonce + ciphertext)."""
        parts = token.split(":")
        if len(parts) != 3 or parts[0] != VERSION:
            raise NoteDecryptError("This is not an encrypted note token (expected v1:id:data).")
        try:
            payload = _b64decode(parts[2])
        except (ValueError, binascii.Error) as exc:
            raise NoteDecryptError("The encrypted note is damaged (bad base64url).") from exc
        if len(payload) < NONCE_BYTES + TAG_BYTES:
            raise NoteDecryptError("The encrypted note is damaged (too short).")
        return parts[1], payload


def parse_keys(value: str, source: str = ENV_VAR) -> list[bytes]:
    """Comma- or newline-separated base64url keys; ValueError names the bad one."""
    items = [item.strip() for item in value.replace("\n", ",").split(",")]
    if items and not items[-1]:
        items.pop()  # a trailing comma or newline is harmless
    if not items:
        raise ValueError(f"{source} holds no keys.")
    return [_parse_key(item, number, source) for number, item in enumerate(items, start=1)]


def _parse_key(item: str, number: int, source: str) -> bytes:
    hint = "make one with `python -c 'from stridewell.lib.crypto import generate_key; print(generate_key())'`"
    if not item:
        raise ValueError(f"{source}: key {number} is empty (two commas in a row?).")
    try:
        key = _b64decode(item)
    except (ValueError, binascii.Error) as exc:
        raise ValueError(f"{source}: key {number} is not valid base64url; {hint}.") from exc
    if len(key) != KEY_BYTES:
        raise ValueError(f"{source}: key {number} decodes to {len(key)} bytes, not 32; {hint}.")
    return key


def keys_from_env(value: str | None, keyfile: Path) -> list[bytes]:
    """Keys from the env var value if set, else from ``keyfile`` (created once, 0600)."""
    if value is not None and value.strip():
        return parse_keys(value)
    if not keyfile.exists():
        _create_keyfile(keyfile)
    return parse_keys(keyfile.read_text(encoding="ascii"), source=str(keyfile))


def _create_keyfile(keyfile: Path) -> None:
    """Write a new key atomically; if another process won the race, keep its file."""
    keyfile.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=keyfile.parent, prefix=".notekey-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(generate_key() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp_name, keyfile)  # atomic, and never replaces an existing key
    finally:
        os.unlink(tmp_name)
