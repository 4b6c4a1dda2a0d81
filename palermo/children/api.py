"""Children's endpoints (``/api/v1/children/…``). Each parses, calls one service or selector and
returns its result; the services check permission and the record's state, so the pages and the
API give the same answers."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router

from palermo.api.query import PageIn, reject_unknown_query
from palermo.children import services
from palermo.children.api_schemas import (
    Board,
    CarePlacementEnded,
    CarePlacementStarted,
    CaseLeftScope,
    ChildRecord,
    Episode,
    GradingRecorded,
    MissingResult,
    MissingStatistics,
)
from palermo.children.export import children_to_csv
from palermo.children.schemas import (
    AgeAssessmentIn,
    GradingIn,
    MissingIn,
    NamedPersonIn,
    PlacementEndIn,
    PlacementIn,
    ReturnIn,
)
from palermo.children.selectors import (
    board_row,
    child_case_list_for_user,
    child_record_for_user,
    episode_out,
    missing_statistics_for_user,
    open_episodes_for_user,
    record_case_get_for_user,
    record_out,
)
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed
from palermo.nrm.api import ERRORS

router = Router(tags=["Children"])


# Named apart from the support app's placements: the schema's component names are global.
class CarePlacementIn(PlacementIn):
    pass


class CarePlacementEndIn(PlacementEndIn):
    pass


def _board_user(user) -> None:
    if not user.has_role("childrens_services"):
        raise NotAllowed("Only children's services have a children's board")


def _jsonable(row: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


@router.get("/children/cases", response={200: Board, **ERRORS}, summary="Your local authority's children's board")
def board(request, params: Query[PageIn]):
    """The child cases your local authority leads (named person, current placement, missing episodes,
    latest grading) and the children reported missing now. Pseudonymous: no names."""
    reject_unknown_query(request, PageIn.model_fields)
    _board_user(request.auth)
    qs = child_case_list_for_user(user=request.auth)
    start = (params.page - 1) * params.page_size
    missing = [{"case_id": e.case_id, "reference": e.case.referral.reference, "episode_id": e.pk,
                "went_missing_at": e.went_missing_at.isoformat(), "reported_to_police": e.reported_to_police_at is not None}
               for e in open_episodes_for_user(user=request.auth)]
    return {"count": qs.count(), "page": params.page, "page_size": params.page_size, "missing_now": missing,
            "items": [_jsonable(board_row(c)) for c in qs[start : start + params.page_size]]}


@router.get("/children/cases.csv", response={200: None, **ERRORS}, summary="Export your children's board as CSV")
def board_export(request):
    reject_unknown_query(request, set())
    _board_user(request.auth)
    body, n = children_to_csv(child_case_list_for_user(user=request.auth))
    audit_record(actor=request.auth, action="child.export", object_type="nrm.case",
                 detail={"format": "csv", "rows": n, "via": "api"})
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="palermo-children.csv"'
    return resp


@router.get("/children/cases/{case_id}", response={200: ChildRecord, **ERRORS}, exclude_unset=True, summary="A child's safeguarding record")
def record(request, case_id: int):
    case = record_case_get_for_user(user=request.auth, case_id=case_id)
    return record_out(child_record_for_user(user=request.auth, case=case, purpose="api"))


def _record_after(request, case) -> dict:
    case.refresh_from_db()
    return record_out(child_record_for_user(user=request.auth, case=case, purpose="api_write"))


@router.post("/children/cases/{case_id}/age-assessments", response={201: ChildRecord | CaseLeftScope, **ERRORS}, exclude_unset=True,
             summary="Record an age assessment (the case follows the assessed age)")
def age_assessment(request, case_id: int, payload: AgeAssessmentIn):
    case = record_case_get_for_user(user=request.auth, case_id=case_id)
    services.age_assessment_record(actor=request.auth, case=case, data=payload)
    case.refresh_from_db()
    if not request.auth.has_perm("children.view_record", case):
        # e.g. children's services recording that the person is an adult: the case has left them
        return 201, {"case_id": case.pk, "child": case.referral.is_child, "status": case.status}
    return 201, _record_after(request, case)


@router.put("/children/cases/{case_id}/named-person", response={200: ChildRecord, **ERRORS}, exclude_unset=True,
            summary="Name the person responsible for the child's care")
def named_person(request, case_id: int, payload: NamedPersonIn):
    case = record_case_get_for_user(user=request.auth, case_id=case_id)
    services.named_person_appoint(actor=request.auth, case=case, data=payload)
    return _record_after(request, case)


@router.post("/children/cases/{case_id}/placements", response={201: CarePlacementStarted, **ERRORS},
             summary="Record a care placement")
def placement(request, case_id: int, payload: CarePlacementIn):
    case = record_case_get_for_user(user=request.auth, case_id=case_id)
    p = services.placement_start(actor=request.auth, case=case, data=payload)
    return 201, {"placement_id": p.pk, "setting_id": p.setting_id, "started_at": p.started_at.isoformat()}


@router.post("/children/cases/{case_id}/placements/{placement_id}/end", response={200: CarePlacementEnded, **ERRORS},
             summary="End a care placement")
def placement_end(request, case_id: int, placement_id: int, payload: CarePlacementEndIn):
    case = record_case_get_for_user(user=request.auth, case_id=case_id)
    p = services.placement_end(actor=request.auth, case=case, placement_id=placement_id, data=payload)
    return {"placement_id": p.pk, "ended_at": p.ended_at.isoformat(), "end_reason": p.end_reason}


@router.post("/children/cases/{case_id}/missing-episodes", response={200: MissingResult, 201: MissingResult, **ERRORS},
             summary="Report a child missing from care (alerts the local authority, named person and decision maker)")
def missing_report(request, case_id: int, payload: MissingIn):
    """201 with the new episode. Sending the same report again with the same ``request_key`` answers
    200 with the episode already recorded and alerts nobody again; a report while the child is
    already missing is refused (409)."""
    case = record_case_get_for_user(user=request.auth, case_id=case_id)
    episode, created = services.missing_episode_report(actor=request.auth, case=case, data=payload)
    return (201 if created else 200), {"created": created, "episode": episode_out(episode)}


@router.post("/children/cases/{case_id}/missing-episodes/{episode_id}/return", response={200: Episode, **ERRORS},
             summary="Record that a missing child was found or returned")
def missing_return(request, case_id: int, episode_id: int, payload: ReturnIn):
    case = record_case_get_for_user(user=request.auth, case_id=case_id)
    episode = services.missing_episode_return(actor=request.auth, case=case, episode_id=episode_id, data=payload)
    return episode_out(episode)


@router.post("/children/cases/{case_id}/gradings", response={201: GradingRecorded, **ERRORS},
             summary="Record a trafficking-likelihood grading (levels 1-5; an aid, never a decision)")
def grading(request, case_id: int, payload: GradingIn):
    case = record_case_get_for_user(user=request.auth, case_id=case_id)
    g = services.grading_record(actor=request.auth, case=case, data=payload)
    return 201, {"grading_id": g.pk, "level": g.level, "graded_on": g.graded_on.isoformat(), "scale": g.scale_version}


@router.get("/children/missing-statistics", response={200: MissingStatistics, **ERRORS},
            summary="Time from placement to first missing episode, by setting and nationality")
def missing_statistics(request):
    """Children's services: their local authority's placements, exact counts. Analysts and
    monitors: all placements, with counts below the minimum shown as "fewer than N"."""
    reject_unknown_query(request, set())
    stats = missing_statistics_for_user(user=request.auth, today=timezone.localdate())

    def row(r):
        return {"label": r.label, "combined": r.combined, "placements": stats.shown(r.placements),
                "went_missing": stats.shown(r.went_missing),
                "within": {b.label: stats.shown(n) for b, n in zip(stats.bands, r.within, strict=True)},
                "median_hours": r.median_hours}

    return {"scope": stats.scope, "minimum_count": stats.minimum, "rules": [stats.minimum_version, stats.bands_version],
            "by_setting": [row(r) for r in stats.by_setting], "by_nationality": [row(r) for r in stats.by_nationality],
            "total": row(stats.total)}
