"""Anchors: the signed chain head, written outside the database.

The keyed chain stops anyone without the audit key from editing, inserting or deleting an
event in the middle. It cannot stop them cutting off the tail: an earlier head is still a valid
head. So each ``palermo audit seal`` appends the head it reached (sequence number, hash, time)
with an HMAC signature under the audit key to an append-only file (JSON lines), and can print
the same line for an external log (syslog, a write-once store, a ticket). ``palermo audit
verify`` then checks that every anchored (sequence number, hash) is still in the chain and that
the chain does not end before the last anchor.

Two kinds of line: ``seal`` (a head reached by sealing) and ``legacy`` (written once, by the
migration that introduced the keyed chain, for the head of the events sealed before it with
plain SHA-256: only events up to a signed legacy anchor may use the old scheme).

The file is opened with ``O_APPEND`` and created readable by the owner only; ``chattr +a`` on it
makes the kernel refuse anything but appends, even to its owner.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from palermo.core.audit_key import audit_key, audit_key_id

SEAL, LEGACY = "seal", "legacy"
_DOMAIN = b"palermo-audit-anchor\x1f"  # so an anchor signature can never pass as an event hash


@dataclass(frozen=True)
class Anchor:
    """One signed chain head. ``where`` says which file and line it was read from."""

    seq: int
    hash: str
    sealed_at: str
    kind: str = SEAL
    key: str = ""
    sig: str = ""
    where: str = ""

    def signed_fields(self) -> bytes:
        fields = {"kind": self.kind, "seq": self.seq, "hash": self.hash, "sealed_at": self.sealed_at, "key": self.key}
        return _DOMAIN + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def line(self) -> str:
        """The anchor as one JSON line (what the file and ``--print`` hold)."""
        fields = {"kind": self.kind, "seq": self.seq, "hash": self.hash, "sealed_at": self.sealed_at,
                  "key": self.key, "sig": self.sig}
        return json.dumps(fields, separators=(",", ":"))


def anchor_make(*, seq: int, hash: str, kind: str = SEAL) -> Anchor:
    """Sign a chain head now, under the audit key."""
    key = audit_key()
    unsigned = Anchor(seq=seq, hash=hash, sealed_at=timezone.now().isoformat(), kind=kind, key=audit_key_id(key))
    sig = hmac.new(key, unsigned.signed_fields(), hashlib.sha256).hexdigest()
    return Anchor(seq, hash, unsigned.sealed_at, kind, unsigned.key, sig)


def anchor_problem(anchor: Anchor, key: bytes) -> str:
    """Why an anchor's signature is not valid under ``key``, or '' when it is."""
    expected = hmac.new(key, anchor.signed_fields(), hashlib.sha256).hexdigest()
    if hmac.compare_digest(expected, anchor.sig):
        return ""
    if anchor.key != audit_key_id(key):
        return (f"{anchor.where} is not signed with the configured audit key (it names key {anchor.key!r}, "
                f"the configured key is {audit_key_id(key)!r}): forged, or the wrong key is configured")
    return f"{anchor.where} does not carry a valid signature: the line was forged or altered"


def anchor_append(anchor: Anchor, path: str | Path) -> None:
    """Append one anchor line, in a single write, to a file opened with O_APPEND (created 0600)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (anchor.line() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def _parse(text: str, where: str) -> Anchor:
    """One anchor from a line; anything before the first '{' (a syslog prefix) is ignored."""
    start = text.find("{")
    data = json.loads(text[start:]) if start >= 0 else None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    seq, hash_, sealed_at = data.get("seq"), data.get("hash"), data.get("sealed_at")
    kind, key, sig = data.get("kind", SEAL), data.get("key", ""), data.get("sig", "")
    if not (isinstance(seq, int) and seq > 0 and all(isinstance(v, str) for v in (hash_, sealed_at, kind, key, sig))):
        raise ValueError("fields missing or of the wrong type")
    if kind not in (SEAL, LEGACY):
        raise ValueError(f"unknown kind {kind!r}")
    return Anchor(seq, hash_, sealed_at, kind, key, sig, where)


def anchors_read(path: str | Path) -> tuple[list[Anchor], list[str]]:
    """Every anchor in a file, and a problem for each line that is not a readable anchor.
    Signatures are not checked here (``anchor_problem`` does that)."""
    anchors, problems = [], []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for n, text in enumerate(fh, 1):
            if not text.strip():
                continue
            where = f"anchor line {n} of {path}"
            try:
                anchors.append(_parse(text, where))
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                problems.append(f"{where} is not a readable anchor ({exc})")
    return anchors, problems


def anchor_last(path: str | Path) -> Anchor | None:
    """The last readable anchor in the file, reading only its end (the file only grows)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 4096))
            lines = fh.read().decode("utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return None
    for text in reversed(lines):
        try:
            return _parse(text, str(path))
        except ValueError:
            continue
    return None
