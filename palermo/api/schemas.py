"""Shapes shared by every API operation: the one error shape and its status codes.

Every 4xx answer is an ``Error``::

    {"error": {"code": "invalid", "message": "The request has invalid values",
               "fields": {"person.family_name": "Enter the family name"}}}

``code`` is stable and meant for programs; ``message`` is for people; ``fields`` names each
invalid field (dotted path into the body or the query parameter's name) with what to do.
"""

from __future__ import annotations

from ninja import Field, Schema


class ErrorDetail(Schema):
    code: str = Field(description="Stable, machine-readable: bad_request, unauthenticated, forbidden, not_found, "
                                  "illegal_transition, precondition_failed, too_large, invalid, "
                                  "idempotency_key_reused, rate_limited",
                      examples=["invalid"])
    message: str = Field(description="For people: what went wrong and what to do", examples=[
        "The request has invalid values"])
    fields: dict[str, str] = Field(default_factory=dict, description="Each invalid field and what to do",
                                   examples=[{"person.family_name": "Enter the family name"}])


class Error(Schema):
    """The single error shape of every 4xx answer."""

    error: ErrorDetail


# The statuses every operation may answer with an Error (401 no or bad token, 403 outside your
# scope or role, 404 no such record, 409 the workflow step is not possible now, 412 the case
# changed since you read it, 422 invalid values, 429 too many requests).
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error, 429: Error}
WRITE_ERRORS = {**ERRORS, 412: Error}


class Citation(Schema):
    """Where a rule or value comes from (law data)."""

    citation: str = Field(examples=["seed note §5.1"])
    url: str | None = None
    verified: bool = True
    note: str | None = None


class RuleStep(Schema):
    """One test on a rule path and what it found."""

    test: str
    result: str
    citations: list[Citation]


# JSON values three levels deep, typed at every level (audit details hold ids, codes and counts,
# sometimes a list of them or a small mapping of them).
Scalar = str | int | float | bool | None
Value2 = Scalar | list[Scalar] | dict[str, Scalar | list[Scalar]]
DetailValue = Scalar | list[Scalar | dict[str, Scalar | list[Scalar]]] | dict[str, Value2]
