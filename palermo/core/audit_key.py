"""The audit key: the HMAC key that seals the audit chain and signs its anchors.

Why a key at all: with a plain hash, anyone who can write to the database can delete or edit an
event and recompute every later hash and the head, and the chain still verifies. Under an HMAC
key kept outside the database, they cannot compute a hash that verifies.

The key comes from ``PALERMO_AUDIT_KEY`` or the key file ``PALERMO_AUDIT_KEY_FILE`` (default
``keys/audit.key`` in the data folder, created on first use outside production, readable by
the owner only, like the data keys in ``crypto.py``). Production refuses to start without one
(``settings.py``). It is separate from the encryption and blind-index keys: a key given twice
is refused, so leaking one purpose's key does not hand over another's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from palermo.core.crypto import _read_or_create_key_file  # the same 0600, never-in-production rule

MIN_KEY_LENGTH = 32


@cache
def _audit_key_cached(env_value: str, path: str, other_keys: frozenset[str]) -> bytes:
    if env_value:
        key = env_value.strip()
        source = "PALERMO_AUDIT_KEY"
    else:
        key = _read_or_create_key_file(Path(path), lambda: base64.urlsafe_b64encode(os.urandom(32)).decode())[0]
        source = f"the audit key file {path}"
    if len(key) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(f"{source} is too short: use at least {MIN_KEY_LENGTH} random characters")
    if key in other_keys:
        raise ImproperlyConfigured(f"{source} must differ from the encryption and blind-index keys")
    return key.encode()


def _other_keys() -> frozenset[str]:
    """The data keys given in the environment, which the audit key must not repeat."""
    keys = {k.strip() for k in os.environ.get("PALERMO_ENCRYPTION_KEYS", "").split(",")}
    keys.add(os.environ.get("PALERMO_BLIND_INDEX_KEY", "").strip())
    return frozenset(k for k in keys if k)


def audit_key() -> bytes:
    """The HMAC key of the audit chain (never stored in the database)."""
    return _audit_key_cached(os.environ.get("PALERMO_AUDIT_KEY", ""), settings.PALERMO_AUDIT_KEY_FILE, _other_keys())


def audit_key_id(key: bytes | None = None) -> str:
    """A short public name for a key, written in each anchor line, so that verifying with the
    wrong key says so instead of calling every line forged. It reveals nothing about the key."""
    return hmac.new(key or audit_key(), b"palermo-audit-key-id", hashlib.sha256).hexdigest()[:12]
