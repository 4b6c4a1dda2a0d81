"""Encryption at rest for direct identifiers, and a keyed blind index for exact look-ups.

Keys never live in the database. They come from ``PALERMO_ENCRYPTION_KEYS`` (comma-separated
Fernet keys, newest first) or from the key file ``PALERMO_KEY_FILE`` (one key a line, newest
first). Outside production a key file is created on first use in the data folder, readable by
the owner only. ``MultiFernet`` encrypts with the first key and decrypts with any, so rotation
is: put a new key first, run ``palermo keys rotate`` (re-encrypts every value), then drop the
old key.

The blind index is HMAC-SHA256 under a separate key (``PALERMO_BLIND_INDEX_KEY``, or a key file)
over a normalised value, so "find this exact name" works without decrypting every row and
without storing anything a dictionary attack on the database alone could reverse.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key. Never returns ciphertext."""


def _read_or_create_key_file(path: Path, make) -> list[str]:
    if path.exists():
        return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    if settings.PRODUCTION:
        raise ImproperlyConfigured(f"key file {path} does not exist")
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    key = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return [key]


def encryption_keys() -> list[str]:
    env = os.environ.get("PALERMO_ENCRYPTION_KEYS", "")
    if env.strip():
        return [k.strip() for k in env.split(",") if k.strip()]
    return _read_or_create_key_file(Path(settings.PALERMO_KEY_FILE), lambda: Fernet.generate_key().decode())


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"an encryption key is not a valid Fernet key: {exc}") from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(encryption_keys()))


def encrypt(plaintext: str) -> str:
    """Encrypt a string. The empty string stays empty (nothing to protect, and NOT NULL holds)."""
    if plaintext == "":
        return ""
    return fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if token == "":
        return ""
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key."""
    if token == "":
        return ""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


@cache
def _blind_key_cached(env_value: str, path: str) -> bytes:
    if env_value:
        return env_value.encode()
    keys = _read_or_create_key_file(Path(path), lambda: base64.urlsafe_b64encode(os.urandom(32)).decode())
    return keys[0].encode()


def blind_index_key() -> bytes:
    return _blind_key_cached(os.environ.get("PALERMO_BLIND_INDEX_KEY", ""), settings.PALERMO_BLIND_INDEX_KEY_FILE)


def normalise_for_index(value: str) -> str:
    """Case-, accent- and space-insensitive form: 'Nguyễn  Thị' and 'nguyen thi' index alike."""
    folded = unicodedata.normalize("NFKD", value)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(folded.casefold().replace("đ", "d").split())


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash of a normalised value; '' for an empty value. ``purpose`` separates domains,
    so the same text indexed as a name and as an alias gives different hashes."""
    norm = normalise_for_index(value)
    if not norm:
        return ""
    digest = hmac.new(blind_index_key(), f"{purpose}\x1f{norm}".encode(), hashlib.sha256).hexdigest()
    return digest[:40]
