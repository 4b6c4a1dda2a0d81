"""Idempotent writes: ``Idempotency-Key`` on referrals, decisions, reviews and withdrawals.

A partner system that times out does not know whether its referral arrived; it sends it again
with the same key. The first request's answer (status and body) is kept, so the retry gets the
same answer and nothing is created twice. The same key with a different request is refused
(422, ``idempotency_key_reused``): the key names one request, not a slot.

- Keys are scoped per user (every token of one account shares them, so a partner that rotates
  its token between a request and its retry is still safe).
- The record holds the SHA-256 of the operation, its path parameters and the canonical JSON body,
  and the answer encrypted (a decision's answer can hold an identity).
- Only successful answers are kept: an error rolls the key back with everything else, so a
  retry after a refused request is tried afresh (it may succeed once the cause is fixed).
- Concurrent duplicates: the key row is inserted first, in the same transaction as the write,
  under a unique constraint. A second request with the same key waits for the first to commit
  and then finds its answer (PostgreSQL test with two threads).
- Records expire after ``PALERMO_IDEMPOTENCY_TTL_HOURS`` (24 by default; the IETF draft
  "The Idempotency-Key HTTP Header Field", draft-ietf-httpapi-idempotency-key-header §2.3, asks
  the server to publish an expiry; 24 hours covers a partner's retries after an outage of a
  working day, as Stripe's API does). Expired records of the caller are deleted on their next
  keyed write, and ``idempotency_purge`` deletes all expired records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from ninja import Header

from palermo.api.errors import IdempotencyKeyReused
from palermo.api.models import IdempotencyRecord
from palermo.core.audit import audit_record

IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9._:-]{8,200}$"


def IdempotencyKeyHeader():  # noqa: N802 - reads like a type in a signature
    return Header(None, alias="Idempotency-Key", min_length=8, max_length=200, pattern=IDEMPOTENCY_KEY_PATTERN,
                  description="A unique key for this write (8 to 200 letters, digits, . _ : -), e.g. a UUID. "
                              "A retry with the same key and body returns the first answer and creates nothing; "
                              "the same key with another body is refused (422). Kept for 24 hours.",)


def _ttl() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "PALERMO_IDEMPOTENCY_TTL_HOURS", 24))


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if hasattr(o, "model_dump"):
            return o.model_dump(mode="json", by_alias=True)
        return super().default(o)


def _json(value) -> str:
    return json.dumps(value, cls=_Encoder, sort_keys=True, separators=(",", ":"))


def request_fingerprint(*, operation: str, path: dict, body) -> str:
    return hashlib.sha256(_json({"operation": operation, "path": path, "body": body}).encode()).hexdigest()


def idempotent(request, *, key: str | None, operation: str, path: dict, body, run: Callable[[], tuple[int, object]]):
    """Run ``run`` (returning ``(status, data)``) once per ``key``; replay its answer afterwards."""
    if not key:
        with transaction.atomic():
            return run()
    user = request.auth
    fingerprint = request_fingerprint(operation=operation, path=path, body=body)
    now = timezone.now()
    IdempotencyRecord.objects.filter(user=user, expires_at__lte=now).delete()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, operation=operation, request_sha256=fingerprint, expires_at=now + _ttl())
        except IntegrityError:
            record = None
        if record is not None:
            status, data = run()
            record.status_code = status
            record.response = _json(data)
            record.save(update_fields=["status_code", "response"])
            return status, data
    # The key was used before (or by a concurrent request that has now committed).
    first = IdempotencyRecord.objects.get(user=user, key=key)
    if first.request_sha256 != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for a different request: use a new key for a new request",
            {"Idempotency-Key": "Use a new key for a new request"})
    audit_record(actor=user, action="api.idempotent_replay", object_type="api.idempotencyrecord",
                 object_id=first.pk, detail={"operation": operation, "status": first.status_code})
    return first.status_code, json.loads(first.response)


def idempotency_purge(*, now: dt.datetime | None = None) -> int:
    """Delete every expired record; returns how many."""
    deleted, _ = IdempotencyRecord.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
