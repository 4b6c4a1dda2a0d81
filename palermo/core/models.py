"""The audit log: an append-only table of access and domain events, sealed into a keyed hash chain.

Writing an event is a plain INSERT in the caller's transaction, so audit never turns every write
into a global lock. A separate step (``audit_seal``) takes the events not yet sealed, in id
order, gives each the next sequence number and chains its hash (HMAC-SHA256 under the audit key,
which is never in the database) to the previous one; only that step holds the chain-head lock,
briefly. ``palermo audit verify`` recomputes the chain, checks it against the signed heads
anchored outside the database, and names the first event or anchor that does not match.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Scheme(models.TextChoices):
    """How an event's hash was computed. Events sealed before the keyed chain keep their plain
    SHA-256 hashes, untouched (see ``palermo/core/audit.py`` for why they are not rehashed)."""

    SHA256 = "sha256", "SHA-256 (before the keyed chain)"
    HMAC = "hmac-sha256", "HMAC-SHA256 under the audit key"


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True, help_text="username at the time, or 'system'")
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(
        default=dict,
        blank=True,
        db_comment="Structured detail of the event; never holds direct identifiers in plaintext.",
    )
    seq = models.BigIntegerField(null=True, blank=True, unique=True, help_text="position in the sealed chain")
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    scheme = models.CharField(
        max_length=16, blank=True, choices=Scheme.choices, help_text="how the hash was computed; empty until sealed"
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """One row: the last sealed sequence number and hash. Locked only while sealing."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head at {self.last_seq}"
