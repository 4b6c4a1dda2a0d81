"""Errors of the API's own protocol (the services' errors are in palermo.core.exceptions)."""

from __future__ import annotations

from palermo.core.exceptions import PalermoError, ValidationFailed


class IdempotencyKeyReused(ValidationFailed):
    """422: the Idempotency-Key was first sent with a different request."""

    code = "idempotency_key_reused"


class PreconditionFailed(PalermoError):
    """412: the case changed since the caller read it (If-Match does not match its ETag)."""

    code = "precondition_failed"


class RateLimited(PalermoError):
    """429: too many requests with this token in the current window."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
