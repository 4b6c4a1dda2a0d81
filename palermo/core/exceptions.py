"""The errors services raise. Interfaces (API, pages, commands) turn them into responses:

* ``ValidationFailed``  → 422, with the fields that are wrong and why
* ``NotFound``          → 404
* ``NotAllowed``        → 403: the record exists but is outside the user's scope or role
* ``TransitionRefused`` → 409: the workflow step is not possible from the case's current state
"""

from __future__ import annotations


class PalermoError(Exception):
    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationFailed(PalermoError):
    code = "invalid"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.fields = fields or {}


class NotFound(PalermoError):
    code = "not_found"


class NotAllowed(PalermoError):
    code = "forbidden"


class TransitionRefused(PalermoError):
    code = "illegal_transition"
