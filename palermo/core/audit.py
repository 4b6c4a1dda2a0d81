"""Recording, sealing and verifying audit events.

Services call ``audit_record`` inside their transaction, so the event commits or rolls back with
the change it describes. Events hold ids and codes, never direct identifiers in plaintext.

The chain. ``audit_seal`` gives each new event the next sequence number and the hash
HMAC-SHA256(audit key, the event's content, its number and the previous hash). The key is never
in the database (``audit_key.py``), so someone who can only write to the database cannot
delete, edit or insert an event and recompute hashes that verify. They can still cut off the
tail and point the head row at an earlier event; ``palermo audit seal`` therefore also writes the
signed head outside the database (``audit_anchor.py``), and ``audit_verify`` checks the chain
against those anchors.

Events sealed before the keyed chain keep their plain SHA-256 hashes: they are not rehashed.
Rehashing the whole chain is exactly the attack, and it would destroy the only evidence those
hashes carry (a head copied into an old report still matches). Instead each event records its
``scheme``. The migration that added the column labelled the sealed events ``sha256`` and wrote
a signed ``legacy`` anchor for their head. Verify checks those events with SHA-256 as before and
every later one with the key; the first keyed event's HMAC covers the last SHA-256 hash, so from
then on the older events cannot be rewritten either. A SHA-256 event that no signed legacy
anchor covers (someone relabelling keyed events to recompute them without the key) is reported.
We chose this over a one-time ``audit rekey`` command because it rewrites nothing and needs no
operator step that could be forgotten or run against an already-altered chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from palermo.core.audit_anchor import (
    LEGACY,
    Anchor,
    anchor_append,
    anchor_last,
    anchor_make,
    anchor_problem,
    anchors_read,
)
from palermo.core.audit_key import audit_key
from palermo.core.middleware import current_request_id
from palermo.core.models import AuditChainHead, AuditEvent, Scheme

GENESIS = "0" * 64
# The hashed content of an event, in this order (verify reads these columns, not model objects).
_FIELDS = ("id", "occurred_at", "actor_id", "actor_label", "action", "object_type", "object_id", "request_id", "detail")


def audit_record(
    *, actor, action: str, obj=None, object_type: str = "", object_id: str | int = "", detail: dict | None = None
) -> AuditEvent:
    """Write one audit event in the current transaction and return it."""
    event = audit_event_new(actor=actor, action=action, obj=obj, object_type=object_type, object_id=object_id,
                            detail=detail)
    event.save(force_insert=True)
    return event


def audit_event_new(
    *, actor, action: str, obj=None, object_type: str = "", object_id: str | int = "", detail: dict | None = None,
    occurred_at=None,
) -> AuditEvent:
    """The audit event ``audit_record`` writes, unsaved."""
    return AuditEvent(**audit_event_values(actor=actor, action=action, obj=obj, object_type=object_type,
                                           object_id=object_id, detail=detail, occurred_at=occurred_at))


def audit_event_values(
    *, actor, action: str, obj=None, object_type: str = "", object_id: str | int = "", detail: dict | None = None,
    occurred_at=None,
) -> dict:
    """The fields of the audit event ``audit_record`` writes, by attribute name: for a bulk writer
    that stores many in its transaction without a model object each
    (``palermo.nrm.referral_bulk``)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return {
        "occurred_at": occurred_at or timezone.now(),
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
        "actor_label": getattr(actor, "username", "") or "system",
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "request_id": current_request_id(),
        "detail": detail or {},
    }


def _payload(row: Sequence, prev_hash: str, seq: int) -> bytes:
    """The canonical bytes hashed for one event (unchanged since the SHA-256 chain)."""
    content = dict(zip(_FIELDS, row, strict=True))
    content["occurred_at"] = content["occurred_at"].isoformat()
    content.update(seq=seq, prev=prev_hash)
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


@cache
def _hmac_keyed(key: bytes) -> hmac.HMAC:
    """An HMAC already keyed; copying it skips re-keying for every event (measured ~7 µs a call
    with ``hmac.digest`` on OpenSSL 3, ~4.5 µs with a copy, against ~2 µs for plain SHA-256)."""
    return hmac.new(key, digestmod=hashlib.sha256)


def _digest(payload: bytes, scheme: str, key: bytes) -> str | None:
    if scheme == Scheme.HMAC:
        mac = _hmac_keyed(key).copy()
        mac.update(payload)
        return mac.hexdigest()
    if scheme == Scheme.SHA256:
        return hashlib.sha256(payload).hexdigest()
    return None


def event_digest(event: AuditEvent, prev_hash: str, seq: int, *, scheme: str = Scheme.HMAC, key: bytes | None = None) -> str:
    """The hash of one event: its content, its place in the chain and the previous hash, under
    ``scheme`` (HMAC with the configured audit key unless another ``key`` is given)."""
    row = tuple(getattr(event, f) for f in _FIELDS)
    return _digest(_payload(row, prev_hash, seq), scheme, key or audit_key())


def _seals_write(events: list[AuditEvent]) -> None:
    """Store the seal of each event: one UPDATE by primary key per event, sent as one batch.
    ``bulk_update`` builds a CASE over the whole batch for every row; on SQLite it measured about
    200 times slower (seconds for 5,000 events), all of it while the chain-head lock is held."""
    qn = connection.ops.quote_name
    columns = [qn(AuditEvent._meta.get_field(f).column) for f in ("seq", "prev_hash", "hash", "scheme")]
    sql = f"UPDATE {qn(AuditEvent._meta.db_table)} SET {', '.join(f'{c} = %s' for c in columns)} WHERE {qn('id')} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(e.seq, e.prev_hash, e.hash, e.scheme, e.pk) for e in events])


def audit_seal(*, batch: int = 5000) -> int:
    """Seal every unsealed event into the chain, oldest id first. Returns how many were sealed.

    Holds the chain-head row lock (``SELECT … FOR UPDATE`` on PostgreSQL) only for the duration
    of this step; concurrent writers of new events are never blocked by it. Writes nothing
    outside the database: ``audit_anchor`` does that, after the seal has committed.
    """
    key = audit_key()  # loaded (or created) before the lock is taken
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
                ev.seq, ev.prev_hash, ev.scheme = seq, prev, Scheme.HMAC
                ev.hash = event_digest(ev, prev, seq, key=key)
                prev = ev.hash
            _seals_write(pending)
            head.last_seq, head.last_hash = seq, prev
            head.save(update_fields=["last_seq", "last_hash"])
            sealed += len(pending)


def audit_anchor(*, path: str | Path | None = None) -> Anchor | None:
    """Sign the sealed chain's head and append it to the anchor file (``PALERMO_AUDIT_ANCHOR_FILE``
    unless ``path`` is given), unless the file's last line already holds this head. Returns the
    signed head, or None while nothing has been sealed. Call it after ``audit_seal`` has
    committed: an anchor for a seal that rolled back would read as a truncated chain."""
    head = AuditChainHead.objects.filter(id=1).first()
    if head is None or head.last_seq == 0:
        return None
    anchor = anchor_make(seq=head.last_seq, hash=head.last_hash)
    path = path or settings.PALERMO_AUDIT_ANCHOR_FILE
    last = anchor_last(path)
    if last is None or (last.seq, last.hash) != (anchor.seq, anchor.hash):
        anchor_append(anchor, path)
    return anchor


@dataclass
class VerifyResult:
    """What ``audit_verify`` found. ``problem`` is the first of ``problems`` ('' when ok);
    ``anchors`` maps each anchor file to how many signed anchors in it were checked."""

    ok: bool
    checked: int
    unsealed: int
    first_bad_event_id: int | None = None
    problem: str = ""
    problems: list[str] = field(default_factory=list)
    legacy: int = 0
    anchors: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @property
    def anchors_checked(self) -> int:
        return sum(self.anchors.values())


def _anchors_load(files: list[str], key: bytes, explicit: bool) -> tuple[list[Anchor], dict[str, int], list[str], str]:
    """The validly signed anchors in the files, a count per file, a problem for each bad line
    and a note when the configured file does not exist yet."""
    good, counts, problems, note = [], {}, [], ""
    for path in files:
        if not Path(path).exists():
            if explicit:
                problems.append(f"the anchor file {path} does not exist")
            else:
                note = f"no anchor file at {path} yet: the end of the chain cannot be checked (run `palermo audit seal`)"
            counts[path] = 0
            continue
        anchors, bad = anchors_read(path)
        problems += bad
        signed = []
        for a in anchors:
            why = anchor_problem(a, key)
            if why:
                problems.append(why)
            else:
                signed.append(a)
        good += signed
        counts[path] = len(signed)
    return good, counts, problems, note


def _chain_walk(key: bytes, anchors: list[Anchor]) -> tuple[int, str, int, int | None, str]:
    """Recompute the chain in order, stopping at the first bad event. Returns (events checked,
    last hash, events sealed with plain SHA-256, first bad event id, problem)."""
    anchored: dict[int, list[Anchor]] = defaultdict(list)
    for a in anchors:
        anchored[a.seq].append(a)
    legacy_until = max((a.seq for a in anchors if a.kind == LEGACY), default=0)
    prev, expected, legacy = GENESIS, 1, 0
    rows = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    for row in rows.values_list(*_FIELDS, "seq", "prev_hash", "hash", "scheme").iterator(chunk_size=2000):
        *content, seq, prev_hash, hash_, scheme = row
        problem = ""
        if seq != expected:
            problem = f"sequence gap, number {expected} expected: events deleted or inserted"
        elif prev_hash != prev:
            problem = "link to the previous event does not match"
        elif scheme == Scheme.SHA256 and seq > legacy_until:
            problem = ("sealed with plain SHA-256, but no signed legacy anchor covers it: rehashed without the audit "
                       "key? (or the anchor file written at the upgrade is missing: pass it with --anchor)")
        elif (digest := _digest(_payload(content, prev, seq), scheme, key)) is None:
            problem = f"sealed with an unknown scheme {scheme!r}"
        elif digest != hash_:
            problem = "content does not match its hash (edited, or rehashed without the audit key)"
        else:
            differs = [a for a in anchored.get(seq, ()) if a.hash != hash_]
            if differs:
                problem = f"hash differs from the one anchored in {differs[0].where} (sealed at {differs[0].sealed_at}): rewritten"
        if problem:
            return expected - 1, prev, legacy, content[0], f"event {content[0]} (number {seq} in the chain): {problem}"
        prev, expected, legacy = hash_, expected + 1, legacy + (scheme == Scheme.SHA256)
    return expected - 1, prev, legacy, None, ""


def audit_verify(*, anchor_files: Sequence[str | Path] | None = None) -> VerifyResult:
    """Recompute the chain with the audit key and check it against the anchors.

    Detects an edited event (content or hash), a deleted or inserted event (a gap or repeat in the
    sequence), a broken link, a chain rehashed without the key, a head row that does not match
    the last event, a chain that ends before the last anchor or no longer holds an anchored hash
    (truncated or rewritten), and anchor lines that are unreadable or not validly signed.
    ``anchor_files`` replaces the configured anchor file (e.g. an external copy)."""
    key = audit_key()
    explicit = anchor_files is not None
    files = [str(p) for p in anchor_files] if explicit else [str(settings.PALERMO_AUDIT_ANCHOR_FILE)]
    anchors, counts, anchor_problems, note = _anchors_load(files, key, explicit)
    checked, last_hash, legacy, bad_id, chain_problem = _chain_walk(key, anchors)
    problems = [chain_problem] if chain_problem else []
    if not chain_problem:
        head = AuditChainHead.objects.filter(id=1).first()
        if head and (head.last_seq != checked or head.last_hash != last_hash):
            problems.append(f"the chain head (number {head.last_seq}) does not match the last sealed event "
                            f"(number {checked}): events removed from the end?")
        beyond = [a for a in anchors if a.seq > checked]
        if beyond:
            last = max(beyond, key=lambda a: a.seq)
            lost = f"event {last.seq} was" if last.seq == checked + 1 else f"events {checked + 1} to {last.seq} were"
            problems.append(f"the chain ends at number {checked}, but {last.where} (sealed at {last.sealed_at}) records "
                            f"number {last.seq}: {lost} removed from the end")
    problems += anchor_problems
    unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    return VerifyResult(
        ok=not problems, checked=checked, unsealed=unsealed, first_bad_event_id=bad_id,
        problem=problems[0] if problems else "", problems=problems, legacy=legacy, anchors=counts,
        note=note if checked else "",
    )
