"""Recording, sealing and verifying audit events.

Services call ``audit_record`` inside their transaction, so the event commits or rolls back with
the change it describes. Events hold ids and codes, never direct identifiers in plaintext.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from palermo.core.middleware import current_request_id
from palermo.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def audit_record(
    *, actor, action: str, obj=None, object_type: str = "", object_id: str | int = "", detail: dict | None = None
) -> AuditEvent:
    """Write one audit event in the current transaction and return it."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        request_id=current_request_id(),
        detail=detail or {},
    )


def event_digest(event: AuditEvent, prev_hash: str, seq: int) -> str:
    """The hash of one event: its content, its place in the chain and the previous hash."""
    payload = json.dumps(
        {
            "id": event.pk,
            "seq": seq,
            "occurred_at": event.occurred_at.isoformat(),
            "actor_id": event.actor_id,
            "actor_label": event.actor_label,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "request_id": event.request_id,
            "detail": event.detail,
            "prev": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def audit_seal(*, batch: int = 5000) -> int:
    """Seal every unsealed event into the chain, oldest id first. Returns how many were sealed.

    Holds the chain-head row lock (``SELECT … FOR UPDATE`` on PostgreSQL) only for the duration
    of this step; concurrent writers of new events are never blocked by it.
    """
    sealed = 0
    while True:
        with transaction.atomic():
            head, _ = AuditChainHead.objects.get_or_create(id=1)
            if connection.features.has_select_for_update:
                head = AuditChainHead.objects.select_for_update().get(id=1)
            pending = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch])
            if not pending:
                return sealed
            seq, prev = head.last_seq, head.last_hash
            for ev in pending:
                seq += 1
                ev.seq, ev.prev_hash = seq, prev
                ev.hash = event_digest(ev, prev, seq)
                prev = ev.hash
            AuditEvent.objects.bulk_update(pending, ["seq", "prev_hash", "hash"])
            head.last_seq, head.last_hash = seq, prev
            head.save(update_fields=["last_seq", "last_hash"])
            sealed += len(pending)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    unsealed: int
    first_bad_event_id: int | None = None
    problem: str = ""


def audit_verify() -> VerifyResult:
    """Recompute the chain. Detects an edited event (content or hash), a deleted or inserted
    event (a gap or repeat in the sequence), a broken link, and a head that does not match."""
    prev, expected_seq, checked = GENESIS, 1, 0
    for ev in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        if ev.seq != expected_seq:
            return VerifyResult(False, checked, 0, ev.pk, f"sequence gap: expected {expected_seq}, found {ev.seq}")
        if ev.prev_hash != prev:
            return VerifyResult(False, checked, 0, ev.pk, "link to the previous event does not match")
        if event_digest(ev, prev, ev.seq) != ev.hash:
            return VerifyResult(False, checked, 0, ev.pk, "content does not match its hash (edited)")
        prev, expected_seq, checked = ev.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head and (head.last_seq != checked or head.last_hash != prev):
        return VerifyResult(False, checked, 0, None, "chain head does not match the last sealed event (events removed from the end?)")
    unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    return VerifyResult(True, checked, unsealed)
