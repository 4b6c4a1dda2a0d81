"""Optimistic concurrency on cases: ``ETag`` on ``GET /cases/{id}``, ``If-Match`` on changes.

The ETag names the case's *version*: its id and ``updated_at`` (microseconds; every workflow
step, withdrawal and elements change saves the case row, so each change gives a new tag). It is
a strong tag because RFC 9110 §13.1.1 compares ``If-Match`` strongly (a weak tag could never
match). It is not a byte-for-byte promise about the body — two roles see different views of one
version, and "working days left" moves with the date — which is harmless here: nothing caches
API answers (``Cache-Control: no-store``), and the tag is used only to refuse lost updates.

``If-Match`` is optional (clients written before it keep working); when sent, it is compared
inside the write's transaction with the case row locked, so a change committed in between is
always seen: 412 ``precondition_failed``, and the caller reads the case again.
"""

from __future__ import annotations

from ninja import Header

from palermo.api.errors import PreconditionFailed
from palermo.nrm.models import Case


def IfMatchHeader():  # noqa: N802 - reads like a type in a signature
    return Header(None, alias="If-Match", max_length=400,
                  description="The ETag of GET /cases/{case_id} you based this change on: 412 if the case "
                              "changed since. Optional.",)


def case_etag(case: Case) -> str:
    return f'"case-{case.pk}-{case.updated_at:%Y%m%d%H%M%S%f}"'


def _tags(header: str) -> list[str]:
    return [t.strip() for t in header.split(",") if t.strip()]


def case_check_if_match(*, case_id: int, if_match: str | None) -> None:
    """Lock the case row and refuse the change if ``If-Match`` names another version.

    Call inside the write's transaction, before the service (which locks the same row again)."""
    if not if_match:
        return
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        return  # the service answers 404 / 403 as usual
    tags = _tags(if_match)
    if "*" in tags:
        return
    if case_etag(case) not in tags:  # strong comparison: a W/ tag never matches
        raise PreconditionFailed(
            f"Case {case_id} changed since you read it: read it again (GET /cases/{case_id}) and decide whether "
            "your change still applies")
