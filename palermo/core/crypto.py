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


def encrypt_many(plaintexts: list[str]) -> list[str]:
    """Encrypt many strings at once; the same Fernet tokens ``encrypt`` would make, one by one.

    For bulk writers (``palermo synth``): ``Fernet.encrypt`` costs ~20 µs a value, most of it
    per-call set-up, which is 60 s for a million people's three identifiers. A Fernet token is
    ``0x80 ‖ time ‖ IV ‖ AES-128-CBC(PKCS7(plaintext)) ‖ HMAC-SHA256`` under the newest key
    (https://github.com/fernet/spec). CBC's first block is AES(IV ⊕ P₁), each next block
    AES(Cᵢ₋₁ ⊕ Pᵢ), so the blocks of all values are encrypted together, one round per block
    position, through one ECB call — still a fresh random IV per value, so equal plaintexts give
    different tokens. ``decrypt`` (MultiFernet) reads them like any other token; the empty string
    stays empty, as in ``encrypt``.
    """
    import struct
    import time

    import numpy as np
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    raw_key = base64.urlsafe_b64decode(encryption_keys()[0])
    signing, enc = raw_key[:16], raw_key[16:]
    out = [""] * len(plaintexts)
    header = b"\x80" + struct.pack(">Q", int(time.time()))
    mac = hmac.new(signing, digestmod=hashlib.sha256)
    encryptor = Cipher(algorithms.AES(enc), modes.ECB()).encryptor()  # noqa: S305 - CBC built from ECB rounds, see above
    groups: dict[int, list[tuple[int, bytes]]] = {}
    for i, text in enumerate(plaintexts):
        if text == "":
            continue
        data = text.encode("utf-8")
        pad = 16 - len(data) % 16
        padded = data + bytes((pad,)) * pad
        groups.setdefault(len(padded) // 16, []).append((i, padded))
    for blocks, items in groups.items():
        m = len(items)
        plain = np.frombuffer(b"".join(p for _, p in items), dtype=np.uint8).reshape(m, blocks, 16)
        ivs = np.frombuffer(os.urandom(16 * m), dtype=np.uint8).reshape(m, 16)
        cipher = np.empty_like(plain)
        prev = ivs
        for b in range(blocks):
            prev = np.frombuffer(encryptor.update((prev ^ plain[:, b]).tobytes()), dtype=np.uint8).reshape(m, 16)
            cipher[:, b] = prev
        iv_bytes, ct_bytes, size = ivs.tobytes(), cipher.tobytes(), blocks * 16
        for k, (i, _) in enumerate(items):
            body = header + iv_bytes[16 * k: 16 * k + 16] + ct_bytes[size * k: size * (k + 1)]
            h = mac.copy()
            h.update(body)
            out[i] = base64.urlsafe_b64encode(body + h.digest()).decode("ascii")
    return out
