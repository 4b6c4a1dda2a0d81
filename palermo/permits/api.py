"""Residence permit endpoints (the ``permits`` router, under /api/v1/). Each parses, calls one
service or selector, and returns its result; refusals use the API's single error shape (403
outside scope or role, 404 no such case, 409 not possible in the case's state, 422 bad values).
Lists and the export answer every token with what is in its scope (nothing, for a role that sees
no permits), as the case lists do."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from palermo.api.query import PageIn, reject_unknown_query
from palermo.core.audit import audit_record
from palermo.nrm.api import ERRORS
from palermo.nrm.selectors import case_get_for_user
from palermo.permits import services
from palermo.permits.api_schemas import (  # noqa: E402
    ApplicationAwaitingList,
    PermitList,
    PermitRecord,
)
from palermo.permits.export import permits_to_csv
from palermo.permits.presenters import permit_dates_out, permit_record_out
from palermo.permits.schemas import PermitApplicationIn, PermitDecisionIn
from palermo.permits.selectors import (
    permit_applications_awaiting_for_user,
    permit_applications_for_export,
    permit_list_for_user,
    permit_record_for_user,
    permits_expiring_for_user,
)

router = Router(tags=["Residence permits"])


class PermitListIn(Schema):
    expiring: bool = Field(False, description="Only permits due for renewal today (the renewal reminder has come, "
                                              "not yet expired, no renewal applied for)")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=200)


def _record(request, case_id: int, purpose: str = "view") -> dict[str, Any]:
    case = case_get_for_user(user=request.auth, case_id=case_id)
    return permit_record_out(permit_record_for_user(user=request.auth, case=case, purpose=purpose))


@router.get("/cases/{case_id}/permit", response={200: PermitRecord, **ERRORS}, exclude_unset=True,
            summary="A case's residence permit record")
def permit_get(request, case_id: int):
    """The whole record (grounds, investigation, reasons, the open application checked against the
    rules) for the competent authority the case is routed to; the dates for everyone else who
    sees the case. Audited."""
    return _record(request, case_id)


@router.post("/cases/{case_id}/permit/applications", response={201: PermitRecord, **ERRORS}, exclude_unset=True,
             summary="Record a residence permit application, or a renewal")
def permit_application_create(request, case_id: int, payload: PermitApplicationIn):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    services.permit_application_create(actor=request.auth, case=case, data=payload)
    return 201, _record(request, case_id, purpose="after_application")


@router.post("/cases/{case_id}/permit/decision", response={201: PermitRecord, **ERRORS}, exclude_unset=True,
             summary="Decide the residence permit application awaiting a decision")
def permit_decide(request, case_id: int, payload: PermitDecisionIn):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    services.permit_decide(actor=request.auth, case=case, data=payload)
    return 201, _record(request, case_id, purpose="after_decision")


def _permit_item(permit, today) -> dict[str, Any]:
    case = permit.case
    person = case.referral.person
    return {"case_id": case.pk, "reference": case.referral.reference,
            "person_reference": person.pseudonym if person else None,
            "competent_authority": case.competent_authority.code, **permit_dates_out(permit, today)}


@router.get("/permits", response={200: PermitList, **ERRORS}, summary="Residence permits in your scope")
def permit_list(request, params: Query[PermitListIn]):
    reject_unknown_query(request, PermitListIn.model_fields)
    today = timezone.localdate()
    qs = (permits_expiring_for_user(user=request.auth, on=today) if params.expiring
          else permit_list_for_user(user=request.auth))
    start = (params.page - 1) * params.page_size
    return {"count": qs.count(), "page": params.page, "page_size": params.page_size,
            "items": [_permit_item(p, today) for p in qs[start : start + params.page_size]]}


@router.get("/permits/applications", response={200: ApplicationAwaitingList, **ERRORS},
            summary="Residence permit applications awaiting a decision, in your scope")
def permit_applications_awaiting(request, params: Query[PageIn]):
    reject_unknown_query(request, PageIn.model_fields)
    qs = permit_applications_awaiting_for_user(user=request.auth)
    start = (params.page - 1) * params.page_size
    items = [{"case_id": a.case_id, "reference": a.case.referral.reference,
              "person_reference": a.case.referral.person.pseudonym if a.case.referral.person else None,
              "competent_authority": a.case.competent_authority.code, "application_id": a.pk,
              "applied_on": a.applied_on.isoformat(), "renewal": a.renews_id is not None}
             for a in qs[start : start + params.page_size]]
    return {"count": qs.count(), "page": params.page, "page_size": params.page_size, "items": items}


@router.get("/permits.csv", response={200: None, **ERRORS},
            summary="Export the residence permit applications, decisions and permits in your scope as CSV")
def permit_export(request):
    reject_unknown_query(request, set())
    body, count = permits_to_csv(permit_applications_for_export(user=request.auth), user=request.auth)
    audit_record(actor=request.auth, action="permit.export", object_type="permits.permitapplication",
                 detail={"format": "csv", "rows": count})
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="palermo-permits.csv"'
    return resp
