"""The backup key: 32 random bytes, base64 (``palermo keys generate`` makes one).

It comes from ``PALERMO_BACKUP_KEY`` or from the file ``PALERMO_BACKUP_KEY_FILE``. In production
one of them must be set; elsewhere a key file is created on first use in the data folder's key
folder, readable by the owner only.

The backup key is deliberately not a data key. A backup holds the data keys' ciphertext, so
whoever has a backup and the data keys can read identities; whoever has a backup and the
backup key alone can read only what was never encrypted. Using a data encryption key (or the
blind-index key) as the backup key would remove that separation, so it is refused, as is a
backup key file that is the data-key file itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings

from palermo.core import crypto
from palermo.core.backups import BackupError

KEY_BYTES = 32


def _decode(text: str, where: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, UnicodeError, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise BackupError(
            f"The backup key in {where} is not 32 bytes in base64. Make one with `palermo keys generate`."
        )
    return raw


def _read_key_file(path: Path) -> str:
    if path.resolve() == Path(settings.PALERMO_KEY_FILE).resolve():
        raise BackupError(
            f"The backup key file {path} is the data-key file. Keep the backup key in a file of its own, "
            "stored apart from the data keys."
        )
    if path.exists():
        lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
        if not lines:
            raise BackupError(f"The backup key file {path} holds no key.")
        return lines[0]
    if settings.PRODUCTION:
        raise BackupError(f"The backup key file {path} does not exist.")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key


def backup_key() -> bytes:
    """The configured backup key (32 bytes). Raises :class:`BackupError` when there is none,
    when it is malformed, or when it is a data encryption key or the blind-index key."""
    env = os.environ.get("PALERMO_BACKUP_KEY", "").strip()
    if env:
        text, where = env, "PALERMO_BACKUP_KEY"
    else:
        path = getattr(settings, "PALERMO_BACKUP_KEY_FILE", "")
        if not path:
            raise BackupError(
                "No backup key: set PALERMO_BACKUP_KEY or PALERMO_BACKUP_KEY_FILE (required in production). "
                "Make a key with `palermo keys generate` and store it apart from the data keys."
            )
        text, where = _read_key_file(Path(path)), str(path)
    raw = _decode(text, where)
    data_keys = [k.strip() for k in crypto.encryption_keys()]
    if text in data_keys or any(_same_bytes(raw, k) for k in data_keys):
        raise BackupError(
            f"The backup key in {where} is one of the data encryption keys. Use a separate key for backups "
            "(`palermo keys generate`), so that a stolen backup and its backup key do not reveal identities."
        )
    if hmac.compare_digest(raw, crypto.blind_index_key()) or text.encode() == crypto.blind_index_key():
        raise BackupError(f"The backup key in {where} is the blind-index key. Use a separate key for backups.")
    from palermo.core.audit_key import audit_key  # from the environment or its own key file

    if text == os.environ.get("PALERMO_AUDIT_KEY", "").strip() or hmac.compare_digest(text.encode(), audit_key()):
        raise BackupError(f"The backup key in {where} is the audit key. Use a separate key for backups.")
    return raw


def _same_bytes(raw: bytes, fernet_key: str) -> bool:
    try:
        return hmac.compare_digest(raw, base64.urlsafe_b64decode(fernet_key.encode("ascii")))
    except (binascii.Error, UnicodeError, ValueError):
        return False


def key_id(key: bytes) -> bytes:
    """A short keyed fingerprint of the key, written in a backup's preamble so that a restore
    with another key is refused with a plain message (it reveals nothing about the key)."""
    return hmac.new(key, b"palermo backup key id", hashlib.sha256).digest()[:8]
