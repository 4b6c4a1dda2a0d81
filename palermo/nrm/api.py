"""NRM endpoints. Each parses, calls one service or selector, and returns its result."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from palermo.api.query import reject_unknown_query
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.core.text import SingleLine
from palermo.nrm import services
from palermo.nrm.audit_detail import case_filters_for_audit
from palermo.nrm.export import cases_to_csv
from palermo.nrm.history import case_field_history
from palermo.nrm.models import Decision
from palermo.nrm.presenters import case_detail_for_user, case_summaries
from palermo.nrm.schemas import DecisionIn, ElementsIn, ReferralIn, ReviewIn, WithdrawIn
from palermo.nrm.selectors import (
    CaseFilters,
    case_get_for_user,
    case_list_for_user,
    deadlines_for_user,
    decisions_awaiting_review_for_user,
    dtn_list_for_user,
)

router = Router(tags=["NRM"])


class ErrorOut(Schema):
    error: dict[str, Any]


class ReferralOut(Schema):
    kind: Literal["nrm_case", "duty_to_notify"]
    reference: str
    case_id: int | None = None
    competent_authority: str
    reasonable_grounds_due: dt.date | None = None


class CaseListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[dict[str, Any]]


class CaseFilterIn(Schema):
    status: SingleLine(40) | None = None
    competent_authority: SingleLine(60) | None = None
    exploitation_type: SingleLine(60) | None = None
    nation: SingleLine(40) | None = None
    age_group: Literal["child", "adult"] | None = None
    due: Literal["overdue", "soon"] | None = None
    reference: SingleLine(40) | None = Field(
        None, description="Palermo's reference (NRM-2026-…) or the earlier system's reference of a case loaded from one")
    external_reference: SingleLine(40) | None = Field(
        None, description="The earlier system's case reference only (cases loaded with `palermo import referrals`)")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=200)


class CaseSearchIn(CaseFilterIn):
    """A search by name goes in a POST body, never in a URL: URLs end up in server and proxy
    logs, and a name is a direct identifier."""

    model_config = {"extra": "forbid"}
    name: SingleLine(200) = Field(min_length=1)


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("/referrals", response={201: ReferralOut, **ERRORS}, summary="Refer a potential victim")
def referral_create(request, payload: ReferralIn):
    referral = services.referral_create(actor=request.auth, data=payload)
    case = getattr(referral, "case", None) if payload.consent != "refused" else None
    if case is not None:
        return 201, {"kind": "nrm_case", "reference": referral.reference, "case_id": case.pk,
                     "competent_authority": case.competent_authority.code, "reasonable_grounds_due": case.rg_due}
    dtn = referral.duty_to_notify
    return 201, {"kind": "duty_to_notify", "reference": dtn.reference, "competent_authority": dtn.received_by.code}


def _case_page(request, params: CaseFilterIn) -> dict:
    """One page of the cases in the user's scope that match ``params`` (list and search)."""
    page_size, page = params.page_size, params.page
    qs = case_list_for_user(user=request.auth, filters=CaseFilters(**params.dict(exclude={"page", "page_size"})))
    today = timezone.localdate()
    items = case_summaries(qs, today, start=(page - 1) * page_size, stop=page * page_size)
    return {"count": qs.count(), "page": page, "page_size": page_size, "items": items}


@router.get("/cases", response={200: CaseListOut, **ERRORS}, summary="Cases in your scope")
def case_list(request, filters: Query[CaseFilterIn]):
    reject_unknown_query(request, CaseFilterIn.model_fields)
    return _case_page(request, filters)


@router.post("/cases/search", response={200: CaseListOut, **ERRORS}, summary="Find cases in your scope by a person's name")
def case_search(request, payload: CaseSearchIn):
    return _case_page(request, payload)


@router.get("/cases.csv", summary="Export the cases in your scope as CSV", response={200: None, **ERRORS})
def case_export(request, filters: Query[CaseFilterIn]):
    # The export is every case in scope that matches: paging parameters would be ignored, so
    # they are refused rather than silently dropped.
    reject_unknown_query(request, set(CaseFilterIn.model_fields) - {"page", "page_size"})
    chosen = CaseFilters(**filters.dict(exclude={"page", "page_size"}))
    body, count = cases_to_csv(case_list_for_user(user=request.auth, filters=chosen))
    audit_record(actor=request.auth, action="case.export", object_type="nrm.case",
                 detail={"format": "csv", "rows": count, **case_filters_for_audit(chosen)})
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="palermo-cases.csv"'
    return resp


@router.get("/cases/{case_id}", response={200: dict[str, Any], **ERRORS}, summary="One case")
def case_get(request, case_id: int):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    audit_record(actor=request.auth, action="case.view", obj=case)
    return case_detail_for_user(user=request.auth, case=case)


@router.get("/cases/{case_id}/history", response={200: list[dict[str, Any]], **ERRORS},
            summary="Field-by-field history of a case and its referral")
def case_history(request, case_id: int):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    audit_record(actor=request.auth, action="case.history_view", obj=case)
    return case_field_history(case)


@router.post("/cases/{case_id}/decisions", response={201: dict[str, Any], **ERRORS}, summary="Record a decision")
def decision_create(request, case_id: int, payload: DecisionIn):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    decision = services.decision_record(actor=request.auth, case=case, data=payload)
    case.refresh_from_db()
    return 201, {"decision_id": decision.pk, "state": decision.state, "case": case_detail_for_user(user=request.auth, case=case)}


@router.post("/cases/{case_id}/decisions/{decision_id}/review", response={200: dict[str, Any], **ERRORS},
             summary="Second review of a negative decision")
def decision_review(request, case_id: int, decision_id: int, payload: ReviewIn):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    decision = Decision.objects.filter(pk=decision_id, case=case).first()
    if decision is None:
        raise NotFound(f"Case {case_id} has no decision {decision_id}")
    decision = services.decision_review(actor=request.auth, decision=decision, data=payload)
    case.refresh_from_db()
    return {"decision_id": decision.pk, "state": decision.state, "case": case_detail_for_user(user=request.auth, case=case)}


@router.post("/cases/{case_id}/withdraw", response={200: dict[str, Any], **ERRORS}, summary="Withdraw a case")
def case_withdraw(request, case_id: int, payload: WithdrawIn):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    case = services.case_withdraw(actor=request.auth, case=case, data=payload)
    return case_detail_for_user(user=request.auth, case=case)


@router.put("/cases/{case_id}/elements", response={200: dict[str, Any], **ERRORS},
            summary="Record the act, means and purpose evidenced (Palermo definition)")
def case_elements(request, case_id: int, payload: ElementsIn):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    case = services.case_elements_record(actor=request.auth, case=case, data=payload)
    return case_detail_for_user(user=request.auth, case=case)["palermo_elements"]


@router.get("/deadlines", response={200: CaseListOut, **ERRORS}, summary="Overdue and due-soon decisions")
def deadlines(request, within_working_days: int = Query(2, ge=0, le=60), page: int = Query(1, ge=1, le=1_000_000),
              page_size: int = Query(100, ge=1, le=500)):
    """Open decisions that are overdue or due within ``within_working_days`` working days of
    the case's nation, soonest first, paged."""
    reject_unknown_query(request, {"within_working_days", "page", "page_size"})
    found = deadlines_for_user(user=request.auth, within_working_days=within_working_days)
    return {"count": len(found), "page": page, "page_size": page_size,
            "items": found[(page - 1) * page_size : page * page_size]}


@router.get("/reviews", response={200: list[dict[str, Any]], **ERRORS}, summary="Negative decisions awaiting your review")
def reviews(request):
    if not request.auth.has_role("reviewer"):
        raise NotAllowed("Only reviewers have a review queue")
    return [
        {"decision_id": d.pk, "case_id": d.case_id, "reference": d.case.referral.reference, "kind": d.kind,
         "decided_on": d.decided_on, "decided_by": d.decided_by.username}
        for d in decisions_awaiting_review_for_user(user=request.auth)
    ]


@router.get("/duty-to-notify", response={200: list[dict[str, Any]], **ERRORS}, summary="Duty to Notify reports")
def duty_to_notify(request):
    return [
        {"reference": d.reference, "received_on": d.referral.received_on, "anonymous": d.anonymous,
         "first_responder_org": d.referral.first_responder_org.code, "received_by": d.received_by.code,
         "exploitation_types": d.referral.exploitation_types, "nation": d.referral.nation}
        for d in dtn_list_for_user(user=request.auth)
    ]
