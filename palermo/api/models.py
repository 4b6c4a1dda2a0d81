"""Records the API keeps for its own protocol: idempotency keys and rate-limit windows.

Neither holds case content in the clear: an idempotency record keeps a hash of the request and
the first answer encrypted (the answer to a decision can hold an identity), and is deleted once
it expires (``settings.PALERMO_IDEMPOTENCY_TTL_HOURS``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from palermo.core.fields import EncryptedTextField


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an ``Idempotency-Key``, so a retry gets it back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    operation = models.CharField(max_length=60, help_text="Operation id, e.g. createReferral")
    request_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the operation, path and canonical body")
    status_code = models.PositiveSmallIntegerField(null=True)
    response = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). The first answer (JSON); may hold an identity.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.operation} {self.created_at:%Y-%m-%d %H:%M}"


class RateWindow(models.Model):
    """Requests counted for one token in one fixed window (a database row, so every worker of
    every process counts in the same place)."""

    token = models.ForeignKey("accounts.ApiToken", on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "window_start"], name="api_ratewindow_token_window")]

    def __str__(self) -> str:
        return f"{self.window_start:%Y-%m-%d %H:%M:%S} {self.count}"
