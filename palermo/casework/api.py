"""API: search, allocation, My cases and workload (issue 14). Each calls the same selector or
service as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.contrib.auth import get_user_model
from ninja import Field, Router, Schema
from pydantic import model_validator

from palermo.accounts import roles as R
from palermo.api.query import IsoDate
from palermo.api.schemas import ERRORS
from palermo.core.exceptions import NotAllowed, ValidationFailed
from palermo.core.text import SingleLine
from palermo.nrm.selectors import case_get_for_user

from . import selectors, services
from .search import SearchQuery

router = Router(tags=["Casework"])




class SearchIn(Schema):
    """Exactly one of the four. In a POST body, never a URL: a name or date of birth in a URL
    would end up in server and proxy logs."""

    model_config = {"extra": "forbid"}
    reference: SingleLine(40) | None = Field(None, description="A case reference, whole or in part (at least 4 "
                                                               "characters for a part): the last 8 characters are enough")
    name: SingleLine(200) | None = Field(None, description="A full name in any order, or a family name; accents and "
                                                           "case do not matter")
    person_reference: SingleLine(12) | None = Field(None, description="The person reference, P-…")
    date_of_birth: IsoDate | None = Field(None, description="YYYY-MM-DD")

    @model_validator(mode="after")
    def _one(self):
        given = [k for k in ("reference", "name", "person_reference", "date_of_birth") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError("Give exactly one of reference, name, person_reference or date_of_birth")
        return self


class DueOut(Schema):
    kind: Literal["reasonable_grounds", "conclusive_grounds_possible_from", "reconsideration_window_closes"] | None
    date: dt.date | None
    overdue: bool


class FoundCaseOut(Schema):
    case_id: int
    reference: str = Field(max_length=20)
    person_reference: str = Field(max_length=12)
    status: str = Field(max_length=20)
    received_on: dt.date
    competent_authority: str = Field(max_length=60)
    allocated_to: str | None = Field(None, max_length=150, description="Username of the decision maker")


class SearchOut(Schema):
    count: int
    truncated: bool
    items: list[FoundCaseOut] = Field(max_length=selectors.SEARCH_LIMIT)


def _found(case) -> dict:
    allocation = getattr(case, "allocation", None)
    return {"case_id": case.pk, "reference": case.referral.reference,
            "person_reference": case.referral.person.pseudonym if case.referral.person else "",
            "status": case.status, "received_on": case.referral.received_on,
            "competent_authority": case.competent_authority.code,
            "allocated_to": allocation.allocated_to.username if allocation else None}


@router.post("/search", response={200: SearchOut, **ERRORS}, summary="Find cases in your scope")
def search(request, payload: SearchIn):
    user = request.auth
    if not selectors.can_search(user):
        raise NotAllowed("Your role does not include working on cases")
    query = SearchQuery(reference=payload.reference or "", name=payload.name or "",
                        person_reference=payload.person_reference or "", date_of_birth=payload.date_of_birth)
    if query.kind in {"name", "date_of_birth"} and not selectors.can_search_identity(user):
        raise NotAllowed("Your role does not include searching by name or date of birth")
    result = selectors.case_search_for_user(user=user, query=query)
    return {"count": result.count, "truncated": result.truncated, "items": [_found(c) for c in result.cases]}


class AllocateIn(Schema):
    model_config = {"extra": "forbid"}
    to_user: SingleLine(150) = Field(min_length=1, description="Username of a decision maker at the case's competent "
                                                                 "authority (your own to take the case yourself)")


class AllocationOut(Schema):
    case_id: int
    allocated_to: str = Field(max_length=150)
    allocated_by: str = Field(max_length=150)
    allocated_at: dt.datetime


@router.put("/cases/{case_id}/allocation", response={200: AllocationOut, **ERRORS},
            summary="Allocate a case to a decision maker")
def allocate(request, case_id: int, payload: AllocateIn):
    case = case_get_for_user(user=request.auth, case_id=case_id)
    to_user = get_user_model().objects.filter(username=payload.to_user).first()
    if to_user is None:
        raise ValidationFailed("There is no such user", {"to_user": "Give the username of a decision maker"})
    a = services.case_allocate(actor=request.auth, case=case, to_user=to_user)
    return {"case_id": case.pk, "allocated_to": a.allocated_to.username, "allocated_by": a.allocated_by.username,
            "allocated_at": a.allocated_at}


class MyCaseOut(Schema):
    case_id: int
    reference: str = Field(max_length=20)
    person_reference: str = Field(max_length=12)
    status: str = Field(max_length=20)
    due: DueOut


@router.get("/my-cases", response={200: list[MyCaseOut], **ERRORS}, summary="Open cases allocated to you")
def my_cases(request):
    if not request.auth.has_role(R.DECISION_MAKER):
        raise NotAllowed("Only decision makers have cases allocated to them")
    return [{"case_id": r["case"].pk, "reference": r["reference"], "person_reference": r["person_reference"],
             "status": r["status"], "due": r["due"]} for r in selectors.my_cases_for_user(user=request.auth)]


class WorkloadRowOut(Schema):
    decision_maker: str = Field(max_length=150)
    open: int
    overdue: int
    due_soon: int


class WorkloadOut(Schema):
    competent_authority: str = Field(max_length=60)
    unallocated: int
    unallocated_overdue: int
    decision_makers: list[WorkloadRowOut] = Field(max_length=10_000)


@router.get("/workload", response={200: list[WorkloadOut], **ERRORS},
            summary="Open cases per decision maker (team leaders)")
def workload(request):
    if not request.auth.has_role(R.TEAM_LEADER):
        raise NotAllowed("Only team leaders see the workload of decision makers")
    return [{"competent_authority": t["organisation"].code, "unallocated": t["unallocated"],
             "unallocated_overdue": t["unallocated_overdue"],
             "decision_makers": [{"decision_maker": p["user"].username, "open": p["open"], "overdue": p["overdue"],
                                  "due_soon": p["soon"]} for p in t["people"]]} for t in selectors.workload_for_user(user=request.auth)]
