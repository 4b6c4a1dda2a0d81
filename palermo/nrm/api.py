"""NRM endpoints. Each parses, calls one service or selector, and returns its result."""

from __future__ import annotations

from typing import Literal

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from palermo.api.concurrency import IfMatchHeader, case_check_if_match, case_etag
from palermo.api.idempotency import IdempotencyKeyHeader, idempotent
from palermo.api.query import reject_unknown_query
from palermo.api.schemas import ERRORS, WRITE_ERRORS, Error
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.core.text import SingleLine
from palermo.nrm import services
from palermo.nrm.actions import case_actions_for_user
from palermo.nrm.api_schemas import (
    Case,
    CaseActions,
    CaseList,
    DeadlineList,
    DecisionResult,
    DutyToNotifyItem,
    HistoryEntry,
    PalermoElements,
    ReferralOut,
    ReviewItem,
)
from palermo.nrm.audit_detail import case_filters_for_audit
from palermo.nrm.export import cases_to_csv
from palermo.nrm.history import case_field_history
from palermo.nrm.models import Decision
from palermo.nrm.presenters import case_detail_for_user, case_page_for_user
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

# Kept for the modules that import them from here.
ErrorOut = Error


@router.post("/referrals", response={201: ReferralOut, **ERRORS}, summary="Refer a potential victim")
def referral_create(request, payload: ReferralIn, idempotency_key: str | None = IdempotencyKeyHeader()):
    """Opens an NRM case, or records a Duty to Notify report for an adult who did not consent.
    Send an ``Idempotency-Key`` so that a retry after a timeout never refers one person twice."""

    def run():
        referral = services.referral_create(actor=request.auth, data=payload)
        case = getattr(referral, "case", None) if payload.consent != "refused" else None
        if case is not None:
            return 201, {"kind": "nrm_case", "reference": referral.reference, "case_id": case.pk,
                         "competent_authority": case.competent_authority.code, "reasonable_grounds_due": case.rg_due}
        dtn = referral.duty_to_notify
        return 201, {"kind": "duty_to_notify", "reference": dtn.reference, "competent_authority": dtn.received_by.code}

    return idempotent(request, key=idempotency_key, operation="createReferral", path={},
                      body=payload.model_dump(mode="json"), run=run)


def _case_page(request, params: CaseFilterIn) -> dict:
    """One page of the cases in the user's scope that match ``params`` (list and search)."""
    page_size, page = params.page_size, params.page
    items, count = case_page_for_user(user=request.auth, filters=CaseFilters(**params.dict(exclude={"page", "page_size"})),
                                      start=(page - 1) * page_size, stop=page * page_size)
    return {"count": count, "page": page, "page_size": page_size, "items": items}


@router.get("/cases", response={200: CaseList, **ERRORS}, summary="Cases in your scope")
def case_list(request, filters: Query[CaseFilterIn]):
    reject_unknown_query(request, CaseFilterIn.model_fields)
    return _case_page(request, filters)


@router.post("/cases/search", response={200: CaseList, **ERRORS}, summary="Find cases in your scope by a person's name")
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


@router.get("/cases/{case_id}", response={200: Case, **ERRORS}, summary="One case", by_alias=True)
def case_get(request, response: HttpResponse, case_id: int):
    """``CasePseudonymous`` for roles without identity access (the person by pseudonym, no free
    text), ``CaseWithIdentity`` for decision makers and reviewers in scope (every read audited);
    ``view`` says which. The ``ETag`` header is the case's version."""
    case = case_get_for_user(user=request.auth, case_id=case_id)
    audit_record(actor=request.auth, action="case.view", obj=case)
    response["ETag"] = case_etag(case)
    return case_detail_for_user(user=request.auth, case=case)


def _action_endpoint(case_id: int, a) -> tuple[str, str]:
    base = f"/api/v1/cases/{case_id}"
    return {"decide": ("POST", f"{base}/decisions"), "review": ("POST", f"{base}/decisions/{a.decision_id}/review"),
            "elements": ("PUT", f"{base}/elements"), "withdraw": ("POST", f"{base}/withdraw")}[a.key]


@router.get("/cases/{case_id}/actions", response={200: CaseActions, **ERRORS},
            summary="What you may do next on a case, and from when")
def case_actions(request, case_id: int):
    """The actions the case page offers the caller today (``nrm.actions.case_actions_for_user``):
    each with its words, whether it is possible now, and for one that is not yet, the first day
    it is (``available_from``) and that sentence. Says nothing about the person (no audit of
    identity needed); the look is audited as ``case.actions_view``."""
    case = case_get_for_user(user=request.auth, case_id=case_id)
    today = timezone.localdate()
    actions = case_actions_for_user(user=request.auth, case=case, today=today)
    audit_record(actor=request.auth, action="case.actions_view", obj=case, detail={"actions": len(actions)})
    out = []
    for a in actions:
        method, path = _action_endpoint(case.pk, a)
        out.append({"key": a.key, "label": a.label, "available": a.available, "primary": a.primary,
                    "available_from": a.available_from, "not_yet": a.not_yet, "decision_kind": a.decision_kind or None,
                    "decision_id": a.decision_id, "method": method, "path": path})
    return {"case_id": case.pk, "reference": case.referral.reference, "status": case.status, "as_of": today,
            "actions": out}


@router.get("/cases/{case_id}/history", response={200: list[HistoryEntry], **ERRORS},
            summary="Field-by-field history of a case and its referral")
def case_history(request, case_id: int):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    audit_record(actor=request.auth, action="case.history_view", obj=case)
    return case_field_history(case)


@router.post("/cases/{case_id}/decisions", response={201: DecisionResult, **WRITE_ERRORS}, summary="Record a decision",
             by_alias=True)
def decision_create(request, case_id: int, payload: DecisionIn, idempotency_key: str | None = IdempotencyKeyHeader(),
                    if_match: str | None = IfMatchHeader()):
    case = case_get_for_user(user=request.auth, case_id=case_id)

    def run():
        case_check_if_match(case_id=case.pk, if_match=if_match)
        decision = services.decision_record(actor=request.auth, case=case, data=payload)
        case.refresh_from_db()
        return 201, {"decision_id": decision.pk, "state": decision.state,
                     "case": case_detail_for_user(user=request.auth, case=case)}

    return idempotent(request, key=idempotency_key, operation="recordDecision", path={"case_id": case.pk},
                      body=payload.model_dump(mode="json"), run=run)


@router.post("/cases/{case_id}/decisions/{decision_id}/review", response={200: DecisionResult, **WRITE_ERRORS},
             summary="Second review of a negative decision", by_alias=True)
def decision_review(request, case_id: int, decision_id: int, payload: ReviewIn,
                    idempotency_key: str | None = IdempotencyKeyHeader(), if_match: str | None = IfMatchHeader()):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    decision = Decision.objects.filter(pk=decision_id, case=case).first()
    if decision is None:
        raise NotFound(f"Case {case_id} has no decision {decision_id}")

    def run():
        case_check_if_match(case_id=case.pk, if_match=if_match)
        reviewed = services.decision_review(actor=request.auth, decision=decision, data=payload)
        case.refresh_from_db()
        return 200, {"decision_id": reviewed.pk, "state": reviewed.state,
                     "case": case_detail_for_user(user=request.auth, case=case)}

    return idempotent(request, key=idempotency_key, operation="reviewDecision",
                      path={"case_id": case.pk, "decision_id": decision.pk}, body=payload.model_dump(mode="json"),
                      run=run)


@router.post("/cases/{case_id}/withdraw", response={200: Case, **WRITE_ERRORS}, summary="Withdraw a case",
             by_alias=True)
def case_withdraw(request, case_id: int, payload: WithdrawIn, idempotency_key: str | None = IdempotencyKeyHeader(),
                  if_match: str | None = IfMatchHeader()):
    case = case_get_for_user(user=request.auth, case_id=case_id)

    def run():
        case_check_if_match(case_id=case.pk, if_match=if_match)
        withdrawn = services.case_withdraw(actor=request.auth, case=case, data=payload)
        return 200, case_detail_for_user(user=request.auth, case=withdrawn)

    return idempotent(request, key=idempotency_key, operation="withdrawCase", path={"case_id": case.pk},
                      body=payload.model_dump(mode="json"), run=run)


@router.put("/cases/{case_id}/elements", response={200: PalermoElements, **WRITE_ERRORS},
            summary="Record the act, means and purpose evidenced (Palermo definition)")
def case_elements(request, case_id: int, payload: ElementsIn, if_match: str | None = IfMatchHeader()):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    with transaction.atomic():
        case_check_if_match(case_id=case.pk, if_match=if_match)
        case = services.case_elements_record(actor=request.auth, case=case, data=payload)
    return case_detail_for_user(user=request.auth, case=case)["palermo_elements"]


@router.get("/deadlines", response={200: DeadlineList, **ERRORS}, summary="Overdue and due-soon decisions")
def deadlines(request, within_working_days: int = Query(2, ge=0, le=60), page: int = Query(1, ge=1, le=1_000_000),
              page_size: int = Query(100, ge=1, le=500)):
    """Open decisions that are overdue or due within ``within_working_days`` working days of
    the case's nation, soonest first, paged."""
    reject_unknown_query(request, {"within_working_days", "page", "page_size"})
    found = deadlines_for_user(user=request.auth, within_working_days=within_working_days)
    return {"count": len(found), "page": page, "page_size": page_size,
            "items": found[(page - 1) * page_size : page * page_size]}


@router.get("/reviews", response={200: list[ReviewItem], **ERRORS}, summary="Negative decisions awaiting your review")
def reviews(request):
    if not request.auth.has_role("reviewer"):
        raise NotAllowed("Only reviewers have a review queue")
    return [
        {"decision_id": d.pk, "case_id": d.case_id, "reference": d.case.referral.reference, "kind": d.kind,
         "decided_on": d.decided_on, "decided_by": d.decided_by.username}
        for d in decisions_awaiting_review_for_user(user=request.auth)
    ]


@router.get("/duty-to-notify", response={200: list[DutyToNotifyItem], **ERRORS}, summary="Duty to Notify reports")
def duty_to_notify(request):
    return [
        {"reference": d.reference, "received_on": d.referral.received_on, "anonymous": d.anonymous,
         "first_responder_org": d.referral.first_responder_org.code, "received_by": d.received_by.code,
         "exploitation_types": d.referral.exploitation_types, "nation": d.referral.nation}
        for d in dtn_list_for_user(user=request.auth)
    ]
