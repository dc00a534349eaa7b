"""Note encryption: round trips, rotation, tampering and where keys come from."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from stridewell.lib.crypto import (
    NoteCipher,
    NoteDecryptError,
    generate_key,
    key_id,
    keys_from_env,
    parse_keys,
)

OLD = bytes(range(32))
NEW = bytes(range(32, 64))


def b64(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode().rstrip("=")


@pytest.mark.parametrize(
    "text", ["a", "Felt heavy — ran anyway 🏃‍♀️ ünïcödé", "line one\nline two", "x" * 100_000]
)
def test_round_trip(text: str) -> None:
    cipher = NoteCipher([NEW])
    token = cipher.encrypt(text)
    assert token.isascii()
    assert token.startswith(f"v1:{key_id(NEW)}:")
    assert cipher.decrypt(token) == text


def test_empty_note_stays_empty() -> None:
    cipher = NoteCipher([NEW])
    assert cipher.encrypt("") == ""
    assert cipher.decrypt("") == ""


def test_ciphertext_is_fresh_and_hides_the_plaintext() -> None:
    cipher = NoteCipher([NEW])
    secret = "secretsecretsecret"
    first, second = cipher.encrypt(secret), cipher.encrypt(secret)
    assert first != second
    for token in (first, second):
        assert secret not in token
        assert secret.encode() not in base64.urlsafe_b64decode(token.split(":")[2] + "==")


def test_key_id_is_sha256_prefix() -> None:
    import hashlib

    assert key_id(NEW) == hashlib.sha256(NEW).hexdigest()[:8]


def test_rotation_old_key_second_still_decrypts_and_reencrypt_moves_key() -> None:
    old_token = NoteCipher([OLD]).encrypt("before rotation")
    rotated = NoteCipher([NEW, OLD])
    assert rotated.decrypt(old_token) == "before rotation"
    moved = rotated.reencrypt(old_token)
    assert moved.split(":")[1] == key_id(NEW) == rotated.current_key_id
    assert NoteCipher([NEW]).decrypt(moved) == "before rotation"
    assert rotated.reencrypt("") == ""


def test_wrong_key_raises_clear_error() -> None:
    token = NoteCipher([OLD]).encrypt("hidden")
    with pytest.raises(NoteDecryptError, match=f"No note key matches key id {key_id(OLD)}"):
        NoteCipher([NEW]).decrypt(token)


def test_decrypt_error_is_a_value_error() -> None:
    assert issubclass(NoteDecryptError, ValueError)


def _flip(char: str) -> str:
    return "B" if char == "A" else "A"


def test_tampering_with_any_payload_character_raises() -> None:
    cipher = NoteCipher([NEW])
    token = cipher.encrypt("do not touch")
    start = token.rindex(":") + 1
    for index in range(start, len(token)):
        damaged = token[:index] + _flip(token[index]) + token[index + 1 :]
        with pytest.raises(NoteDecryptError):
            cipher.decrypt(damaged)


@pytest.mark.parametrize(
    "token",
    ["plaintext", "v2:abcd1234:AAAA", "v1:abcd1234", "v1::", "v1:{kid}:!!!!", "v1:{kid}:AAAA"],
)
def test_malformed_tokens_raise(token: str) -> None:
    with pytest.raises(NoteDecryptError):
        NoteCipher([NEW]).decrypt(token.format(kid=key_id(NEW)))


def test_tampering_with_key_id_raises() -> None:
    cipher = NoteCipher([NEW, OLD])
    token = cipher.encrypt("bound to its key id")
    swapped = token.replace(key_id(NEW), key_id(OLD))
    with pytest.raises(NoteDecryptError, match="damaged"):
        cipher.decrypt(swapped)


def test_cipher_rejects_bad_keys() -> None:
    with pytest.raises(ValueError, match="at least one key"):
        NoteCipher([])
    with pytest.raises(ValueError, match="key 2 is 16 bytes"):
        NoteCipher([NEW, b"x" * 16])


def test_generate_key_is_32_random_bytes() -> None:
    first, second = generate_key(), generate_key()
    assert first != second
    assert parse_keys(first) != parse_keys(second)
    assert len(parse_keys(first)[0]) == 32


def test_env_var_parsing_first_key_is_current() -> None:
    keys = keys_from_env(f" {b64(NEW)} , {b64(OLD)}=", Path("/nonexistent/unused"))
    assert keys == [NEW, OLD]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not*base64", "key 1 is not valid base64url"),
        (f"{b64(NEW)},{b64(b'short')}", "key 2 decodes to 5 bytes, not 32"),
        (f"{b64(NEW)},,{b64(OLD)}", "key 2 is empty"),
        (",", "key 1 is empty"),
    ],
)
def test_env_var_bad_input_gives_clear_error(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        keys_from_env(value, Path("/nonexistent/unused"))
    assert "STRIDEWELL_NOTE_KEYS" in str(info.value)
    assert not isinstance(info.value, NoteDecryptError)


def test_keyfile_created_once_private_and_reused(tmp_path: Path) -> None:
    keyfile = tmp_path / "data" / "note.key"
    first = keys_from_env(None, keyfile)
    assert len(first) == 1 and len(first[0]) == 32
    assert stat.S_IMODE(os.stat(keyfile).st_mode) == 0o600
    assert keys_from_env("", keyfile) == first
    assert keys_from_env(None, keyfile) == first
    assert [p.name for p in keyfile.parent.iterdir()] == ["note.key"]


def test_env_var_wins_over_keyfile(tmp_path: Path) -> None:
    keyfile = tmp_path / "note.key"
    assert keys_from_env(b64(NEW), keyfile) == [NEW]
    assert not keyfile.exists()


def test_broken_keyfile_names_the_file(tmp_path: Path) -> None:
    keyfile = tmp_path / "note.key"
    keyfile.write_text("garbage!\n")
    with pytest.raises(ValueError, match="note.key: key 1 is not valid base64url"):
        keys_from_env(None, keyfile)
