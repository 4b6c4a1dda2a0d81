"""What someone who can write to the database, and nothing else, can do to the audit chain.

The hashed format is public (Palermo is open source), so the attacker computes it here without
Palermo's code: with plain SHA-256 (what the chain used before issue 13), or with HMAC under a
key they guessed. They never have the audit key, which is not in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from palermo.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def published_payload(ev, seq: int, prev: str) -> bytes:
    """The canonical bytes of one event, as documented in palermo/core/audit.py."""
    return json.dumps(
        {"id": ev.pk, "seq": seq, "occurred_at": ev.occurred_at.isoformat(), "actor_id": ev.actor_id,
         "actor_label": ev.actor_label, "action": ev.action, "object_type": ev.object_type,
         "object_id": ev.object_id, "request_id": ev.request_id, "detail": ev.detail, "prev": prev},
        sort_keys=True, separators=(",", ":"), default=str,
    ).encode()


def sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def hmac_with(key: bytes):
    return lambda payload: hmac.new(key, payload, hashlib.sha256).hexdigest()


def rehash(digest, *, start: int = 1, scheme: str | None = None) -> None:
    """Renumber the sealed events left from number ``start`` on, recompute their links and hashes
    with ``digest`` (and relabel their scheme, if given), and move the head row to the new end."""
    events = list(AuditEvent.objects.filter(seq__isnull=False).order_by("seq"))
    prev, seq = GENESIS, 0
    for seq, ev in enumerate(events, 1):
        if seq >= start:
            ev.seq, ev.prev_hash = seq, prev
            ev.hash = digest(published_payload(ev, seq, prev))
            ev.scheme = scheme or ev.scheme
            AuditEvent.objects.filter(pk=ev.pk).update(seq=seq, prev_hash=prev, hash=ev.hash, scheme=ev.scheme)
        prev = ev.hash
    AuditChainHead.objects.filter(id=1).update(last_seq=seq, last_hash=prev)


def truncate(*, keep: int) -> None:
    """Delete every event after number ``keep`` and point the head at the new last event: no hash
    needs recomputing, so no key is needed either."""
    AuditEvent.objects.filter(seq__gt=keep).delete()
    last = AuditEvent.objects.get(seq=keep)
    AuditChainHead.objects.filter(id=1).update(last_seq=keep, last_hash=last.hash)
