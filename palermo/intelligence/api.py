"""Intelligence endpoints (the ``intelligence`` router under /api/v1/): typed schemas, operation ids
in the ``listIntelligenceReports`` style. Every read goes through the selectors, so a report's
handling code applies here exactly as on the pages and in the export; refusals are audited."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from palermo.api.query import IsoDate, PageIn, page_of, reject_unknown_query
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed
from palermo.intelligence import selectors, services
from palermo.intelligence.export import reports_to_csv
from palermo.intelligence.identifiers import IdentifierProblem, identifier_key
from palermo.intelligence.presenters import entity_view_out, report_out, report_summary
from palermo.intelligence.rules import can_use_intelligence
from palermo.intelligence.schemas import IntelligenceSearchIn, ReportIn, VictimLinkIn
from palermo.nrm.api import ERRORS

router = Router(tags=["Intelligence"])


class ReportSummaryOut(Schema):
    id: int
    reference: str
    reported_on: str
    submitting_organisation: str
    scheme: str
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    grading: str
    dissemination: str


class EntityOut(Schema):
    id: int
    reference: str
    kind: str
    kind_label: str
    label: str


class ReportOut(ReportSummaryOut):
    text: str
    handling_conditions: str
    permitted_organisations: list[str]
    scheme_version: str
    entities: list[EntityOut]


class LinkOut(Schema):
    kind: str
    kind_label: str
    entity: EntityOut
    reports: list[ReportSummaryOut]


class VictimOut(Schema):
    person_reference: str
    lawful_reason: str
    organisation: str
    name: str | None


class EntityDetailOut(EntityOut):
    reports: list[ReportSummaryOut]
    links: list[LinkOut]
    victims: list[VictimOut]


class ReportListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[ReportSummaryOut]


def _require_role(request) -> None:
    if not can_use_intelligence(request.auth):
        raise NotAllowed("Your role does not include intelligence")


@router.get("/intelligence/reports", response={200: ReportListOut, **ERRORS},
            summary="Intelligence reports your organisation may see")
def list_reports(request, params: Query[PageIn]):
    reject_unknown_query(request, PageIn.model_fields)
    _require_role(request)
    qs = selectors.report_list_for_user(user=request.auth)
    return page_of(qs, params, report_summary)


@router.post("/intelligence/reports", response={201: ReportOut, **ERRORS},
             summary="Record an intelligence report graded under the scheme in force on its date")
def create_report(request, payload: ReportIn):
    report = services.report_create(actor=request.auth, data=payload)
    return 201, report_out(report)


@router.get("/intelligence/reports/{report_id}", response={200: ReportOut, **ERRORS}, summary="One intelligence report (audited)")
def get_report(request, report_id: int):
    _require_role(request)
    return report_out(selectors.report_get_for_user(user=request.auth, report_id=report_id))


@router.post("/intelligence/search", response={200: ReportListOut, **ERRORS},
             summary="Reports that mention an exact identifier (sent in the body, never the URL)")
def search(request, payload: IntelligenceSearchIn):
    _require_role(request)
    try:
        key = identifier_key(payload.kind, payload.value)
    except IdentifierProblem as exc:
        from palermo.core.exceptions import ValidationFailed

        raise ValidationFailed("The identifier is not valid for its kind", {"value": str(exc)}) from None
    entity = selectors.entity_find(kind=payload.kind, key=key)
    found = list(selectors.report_search_for_user(user=request.auth, entity_ids=[entity.pk] if entity else []))
    return {"count": len(found), "page": 1, "page_size": len(found), "items": [report_summary(r) for r in found]}


@router.get("/intelligence/entities/{entity_id}", response={200: EntityDetailOut, **ERRORS}, summary="An entity, its links and the reports behind them (audited)")
def get_entity(request, entity_id: int):
    _require_role(request)
    return entity_view_out(selectors.entity_get_for_user(user=request.auth, entity_id=entity_id))


class VictimLinkOut(Schema):
    entity_id: int
    person_reference: str
    lawful_reason: str
    organisation: str


@router.post("/intelligence/entities/{entity_id}/victim-links", response={201: VictimLinkOut, **ERRORS},
             summary="Record that a person entity is an NRM potential victim, with the lawful reason")
def create_victim_link(request, entity_id: int, payload: VictimLinkIn):
    _require_role(request)
    link = services.victim_link_record(actor=request.auth, entity_id=entity_id, data=payload)
    return 201, {"entity_id": link.entity_id, "person_reference": link.person.pseudonym,
                 "lawful_reason": link.lawful_reason, "organisation": link.organisation.code}


@router.get("/intelligence/reports.csv", response={200: None, **ERRORS},
            summary="Export the intelligence reports your organisation may see as CSV")
def export_reports(request):
    reject_unknown_query(request, set())
    _require_role(request)
    body, count = reports_to_csv(selectors.reports_for_export(user=request.auth))
    audit_record(actor=request.auth, action="intel.export", object_type="intelligence.intelligencereport",
                 detail={"format": "csv", "rows": count})
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="palermo-intelligence.csv"'
    return resp


class GroupOut(Schema):
    id: int
    reference: str
    label: str
    status: str | None
    status_on: str | None


class GroupFiguresOut(Schema):
    identified: int
    under_investigation: int
    disrupted: int
    dismantled: int


class GroupListOut(Schema):
    count: int
    items: list[GroupOut]
    figures: GroupFiguresOut | None


class GroupListIn(Schema):
    start: IsoDate | None = Field(None, description="Count the groups reaching each step from this date…")
    end: IsoDate | None = Field(None, description="…to this date (both needed for the figures)")


@router.get("/intelligence/groups", response={200: GroupListOut, **ERRORS},
            summary="Organised crime groups you may see, and how many reached each step in a period")
def list_groups(request, params: Query[GroupListIn]):
    from palermo.intelligence.groups import group_figures_for_user, groups_for_user

    reject_unknown_query(request, GroupListIn.model_fields)
    _require_role(request)
    groups = list(groups_for_user(user=request.auth))
    figures = None
    if params.start and params.end:
        figures = group_figures_for_user(user=request.auth, start=params.start, end=params.end)
    return {"count": len(groups), "figures": figures, "items": [
        {"id": g.pk, "reference": g.reference, "label": g.label, "status": g.status,
         "status_on": g.status_on.isoformat() if g.status_on else None} for g in groups]}


class CentralOut(Schema):
    entity_id: int
    kind: str
    degree: int
    betweenness: float | None


class ComponentOut(Schema):
    size: int
    kinds: dict[str, int]
    members: list[int]


class NetworkOut(Schema):
    entities: int
    links: int
    components: list[ComponentOut]
    central_people: list[CentralOut]
    central_premises: list[CentralOut]


@router.get("/intelligence/network", response={200: NetworkOut, **ERRORS},
            summary="Connected groups and the most central people and premises in the links you may see")
def get_network(request):
    from palermo.intelligence import network as nw

    reject_unknown_query(request, set())
    _require_role(request)
    net = nw.network_for_user(user=request.auth)
    audit_record(actor=request.auth, action="intel.network_view", object_type="intelligence.entity",
                 detail={"vertices": len(net.ids)})
    return {"entities": net.graph.vcount(), "links": net.graph.ecount(), "components": nw.connected_groups(net),
            "central_people": nw.most_central(net, kinds={"person"}),
            "central_premises": nw.most_central(net, kinds={"premises"})}
