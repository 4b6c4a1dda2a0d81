"""Victim support endpoints under /api/v1/support/. Each parses, calls one service or selector,
and returns its result; scope and permissions are the selectors' and services' (rules.py)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router

from palermo.accounts import roles as R
from palermo.api.query import IsoDate, reject_unknown_query
from palermo.api.schemas import ERRORS  # noqa: E402
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.support import services
from palermo.support.api_schemas import (  # noqa: E402
    Caseload,
    Matching,
    PlacementCreated,
    PlacementEnded,
    Providers,
    ServiceRecorded,
    SupportRecord,
    WaitingList,
    WaitingListJoined,
)
from palermo.support.export import placements_to_csv
from palermo.support.matching import matching_for_case
from palermo.support.models import Placement
from palermo.support.occupancy import occupancy
from palermo.support.periods import support_period_for_case
from palermo.support.rules import allocating_contracts
from palermo.support.schemas import Code, PlacementEndIn, PlacementIn, ServiceIn, WaitingListIn
from palermo.support.selectors import (
    awaiting_for_user,
    caseload_for_user,
    support_case_get_for_user,
    support_record_for_user,
    waiting_list_for_user,
)

router = Router(tags=["Support"])


# Named apart from the children's care placements: the schema's component names are global.
class SupportPlacementIn(PlacementIn):
    pass


class SupportPlacementEndIn(PlacementEndIn):
    pass

Nation = Literal["england", "wales", "scotland", "northern_ireland"]




def _need_support_worker(user) -> None:
    if not user.has_role(R.SUPPORT_WORKER):
        raise NotAllowed("Only support workers have a support caseload")


def _placement_summary(p: Placement) -> dict:
    period = support_period_for_case(p.case)
    return {"placement_id": p.pk, "case_id": p.case_id, "person_reference": p.case.referral.person.pseudonym,
            "provider": p.provider.code, "kind": p.kind, "start_on": p.start_on, "case_status": p.case.status,
            "support_period": period.to_json() if period else None}


@router.get("/support/caseload", response={200: Caseload, **ERRORS},
            summary="People placed with your organisation, and (prime contractors) people awaiting a place")
def caseload(request):
    reject_unknown_query(request, set())
    user = request.auth
    _need_support_worker(user)
    placed = [_placement_summary(p) for p in caseload_for_user(user=user)]
    awaiting = [{"case_id": c.pk, "person_reference": c.referral.person.pseudonym, "nation": c.referral.nation,
                 "rg_decided_on": c.rg_decided_on} for c in awaiting_for_user(user=user)]
    return {"placed": placed, "awaiting": awaiting}


@router.get("/support/cases/{case_id}", response={200: SupportRecord, **ERRORS}, summary="A person's support record")
def record(request, case_id: int):
    case = support_case_get_for_user(user=request.auth, case_id=case_id)
    audit_record(actor=request.auth, action="support.view", obj=case)
    return support_record_for_user(user=request.auth, case=case)


@router.get("/support/cases/{case_id}/matching", response={200: Matching, **ERRORS},
            summary="Providers for this person today: eligible or not, why, and free places")
def matching(request, case_id: int, trafficked_into_uk: bool | None = None, willing_to_cooperate: bool | None = None):
    reject_unknown_query(request, {"trafficked_into_uk", "willing_to_cooperate"})
    case = support_case_get_for_user(user=request.auth, case_id=case_id)
    if not request.auth.has_perm("support.place", case):
        raise NotAllowed("Only a support worker allocating places for this person can match them")
    today = timezone.localdate()
    answers = {k: v for k, v in (("trafficked_into_uk", trafficked_into_uk),
                                 ("willing_to_cooperate", willing_to_cooperate)) if v is not None}
    rows = matching_for_case(user=request.auth, case=case, on=today, answers=answers)
    audit_record(actor=request.auth, action="support.matching_view", obj=case,
                 detail={"available": sum(r.available for r in rows)})
    return {"case_id": case.pk, "on": today, "person_reference": case.referral.person.pseudonym,
            "providers": [r.to_json() for r in rows]}


@router.post("/support/cases/{case_id}/placements", response={201: PlacementCreated, **ERRORS},
             summary="Place the person with the provider you chose")
def placement_create(request, case_id: int, payload: SupportPlacementIn):
    case = support_case_get_for_user(user=request.auth, case_id=case_id)
    p = services.placement_create(actor=request.auth, case=case, data=payload)
    return 201, {"placement_id": p.pk, "case_id": case.pk, "provider": payload.provider, "kind": p.kind,
                 "start_on": p.start_on, "eligibility_version": p.eligibility_version}


@router.post("/support/cases/{case_id}/services", response={201: ServiceRecorded, **ERRORS},
             summary="Record a service delivered to a person placed with your organisation")
def service_create(request, case_id: int, payload: ServiceIn):
    case = support_case_get_for_user(user=request.auth, case_id=case_id)
    s = services.service_record(actor=request.auth, case=case, data=payload)
    return 201, {"service_id": s.pk, "placement_id": s.placement_id, "service": s.service, "delivered_on": s.delivered_on}


@router.post("/support/cases/{case_id}/waiting-list", response={201: WaitingListJoined, **ERRORS},
             summary="Add the person to the waiting list (no suitable place is free)")
def waiting_list_join(request, case_id: int, payload: WaitingListIn):
    case = support_case_get_for_user(user=request.auth, case_id=case_id)
    e = services.waiting_list_join(actor=request.auth, case=case, data=payload)
    return 201, {"entry_id": e.pk, "case_id": case.pk, "nation": e.nation, "joined_on": e.joined_on}


@router.post("/support/placements/{placement_id}/end", response={200: PlacementEnded, **ERRORS},
             summary="End a placement with a coded reason")
def placement_end(request, placement_id: int, payload: SupportPlacementEndIn):
    placement = Placement.objects.select_related("case", "case__referral__person", "provider").filter(pk=placement_id).first()
    if placement is None:
        raise NotFound(f"There is no placement {placement_id}")
    if not request.auth.has_perm("support.end_placement", placement):
        audit_record(actor=request.auth, action="support.view_refused", obj=placement)
        raise NotAllowed("Only a support worker at the provider the person is placed with can end the placement")
    p = services.placement_end(actor=request.auth, placement=placement, data=payload)
    return {"placement_id": p.pk, "end_on": p.end_on, "exit_reason": p.exit_reason}


@router.get("/support/waiting-list", response={200: WaitingList, **ERRORS},
            summary="The waiting list for a place, in order, with the days each person has waited")
def waiting_list(request, nation: Nation | None = None, provider: Code | None = None):
    reject_unknown_query(request, {"nation", "provider"})
    user = request.auth
    if not allocating_contracts(user):
        raise NotAllowed("Only support workers at a prime contractor allocating places see the waiting list")
    rows = waiting_list_for_user(user=user, nation=nation, provider=provider)
    return {"count": len(rows), "items": [r.to_json() for r in rows]}


@router.get("/support/providers", response={200: Providers, **ERRORS},
            summary="Providers: places, occupancy and free capacity today (counts only)")
def providers(request, nation: Nation | None = None, on: IsoDate | None = None):
    reject_unknown_query(request, {"nation", "on"})
    if not request.auth.has_perm("support.view_occupancy"):
        raise NotAllowed("Your role does not include support provision")
    on = on or timezone.localdate()
    rows = occupancy(on=on, nation=nation)
    return {"on": on, "nation": nation, "items": [r.to_json() for r in rows]}


@router.get("/support/placements.csv", response={200: None, **ERRORS},
            summary="Export the placements with your organisation as CSV (pseudonymous)")
def placements_export(request):
    reject_unknown_query(request, set())
    user = request.auth
    _need_support_worker(user)
    body, count = placements_to_csv(caseload_for_user(user=user))
    audit_record(actor=user, action="support.export", object_type="support.placement", detail={"format": "csv", "rows": count})
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="palermo-placements.csv"'
    return resp
