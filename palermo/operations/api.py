"""Operation endpoints (the ``operations`` router under /api/v1/): the operations you may see, one
operation's records (intelligence officers in scope), its report in the shape of Pentameter 2's
results (seed note §7.4) as JSON and CSV, and recording each kind of outcome. The same selectors
and services as the pages."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from palermo.api.query import PageIn, page_of, reject_unknown_query
from palermo.api.schemas import ERRORS
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.operations import selectors, services
from palermo.operations.export import reports_to_csv
from palermo.operations.models import Arrest
from palermo.operations.report import operation_report
from palermo.operations.rules import can_record_operations, can_see_operations
from palermo.operations.schemas import (
    ArrestIn,
    AssetIn,
    ChargeIn,
    GatheredIn,
    OperationIn,
    PremisesVisitIn,
    VictimIn,
)

router = Router(tags=["Operations"])


class OperationSummaryOut(Schema):
    id: int
    reference: str
    name: str
    starts_on: str
    ends_on: str | None
    lead_organisation: str


class OperationListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[OperationSummaryOut]


class PremisesOut(Schema):
    id: int
    visited_on: str
    kind: str
    nation: str
    entity_id: int | None


class VictimOut(Schema):
    id: int
    person_reference: str
    referred_on: str
    child: bool
    exploitation_types: list[str]
    name: str | None = Field(description="Only where your organisation recorded a lawful reason in intelligence")


class ChargeOut(Schema):
    id: int
    offence_id: str
    counts: int
    offence_on: str
    charged_on: str


class ArrestOut(Schema):
    id: int
    reference: str
    arrested_on: str
    nation: str
    entity_id: int | None
    charges: list[ChargeOut]


class AssetOut(Schema):
    id: int
    recorded_on: str
    kind: str
    amount_pence: int
    arrest_id: int | None


class OperationOut(OperationSummaryOut):
    participating_organisations: list[str]
    aims: list[str]
    premises_visits: list[PremisesOut]
    victims: list[VictimOut]
    arrests: list[ArrestOut]
    assets: list[AssetOut]
    intelligence_reports: list[str]
    intelligence_reports_withheld: int


class ReportOut(Schema):
    reference: str
    name: str
    starts_on: str
    ends_on: str | None
    organisations: int
    victims_identified: int
    child_victims: int
    youngest_age: int | None
    forced_labour_victims: int
    forced_labour_child_victims: int
    people_arrested: int
    people_charged: int
    charges: int
    premises_visited: int
    premises_by_group: dict[str, int]
    premises_by_kind: dict[str, int]
    intelligence_reports_gathered: int
    cash_recovered_pence: int
    assets_restrained_pence: int
    charges_by_offence: dict[str, int]


class RecordedOut(Schema):
    id: int
    operation_id: int
    kind: str


def _summary(op) -> dict:
    return {"id": op.pk, "reference": op.reference, "name": op.name, "starts_on": op.starts_on.isoformat(),
            "ends_on": op.ends_on.isoformat() if op.ends_on else None, "lead_organisation": op.lead_organisation.code}


def _require(request, test, message) -> None:
    if not test(request.auth):
        raise NotAllowed(message)


@router.get("/operations", response={200: OperationListOut, **ERRORS}, summary="Operations you may see")
def list_operations(request, params: Query[PageIn]):
    reject_unknown_query(request, PageIn.model_fields)
    _require(request, can_see_operations, "Your role does not include operations")
    qs = selectors.operation_list_for_user(user=request.auth)
    return page_of(qs, params, _summary)


@router.post("/operations", response={201: OperationOut, **ERRORS}, summary="Record an operation your organisation leads")
def create_operation(request, payload: OperationIn):
    op = services.operation_create(actor=request.auth, data=payload)
    return 201, _operation_out(request, op.pk)


def _operation_out(request, operation_id: int) -> dict:
    v = selectors.operation_get_for_user(user=request.auth, operation_id=operation_id)
    op = v.operation
    return {**_summary(op), "participating_organisations": [o.code for o in v.participating], "aims": op.aims,
            "premises_visits": [{"id": p.pk, "visited_on": p.visited_on.isoformat(), "kind": p.kind, "nation": p.nation,
                                 "entity_id": p.entity_id} for p in v.premises],
            "victims": [{"id": x.record.pk, "person_reference": x.pseudonym, "referred_on": x.received_on.isoformat(),
                         "child": x.child, "exploitation_types": x.exploitation_types, "name": x.name} for x in v.victims],
            "arrests": [{"id": a.pk, "reference": a.reference, "arrested_on": a.arrested_on.isoformat(), "nation": a.nation,
                         "entity_id": a.entity_id, "charges": [
                             {"id": c.pk, "offence_id": c.offence_id, "counts": c.counts, "offence_on": c.offence_on.isoformat(),
                              "charged_on": c.charged_on.isoformat()} for c in charges]} for a, charges in v.arrests],
            "assets": [{"id": a.pk, "recorded_on": a.recorded_on.isoformat(), "kind": a.kind, "amount_pence": a.amount_pence,
                        "arrest_id": a.arrest_id} for a in v.assets],
            "intelligence_reports": [r.reference for r in v.reports], "intelligence_reports_withheld": v.reports_withheld}


@router.get("/operations/{operation_id}", response={200: OperationOut, **ERRORS},
            summary="An operation and its records (intelligence officers whose organisation takes part; audited)")
def get_operation(request, operation_id: int):
    _require(request, can_record_operations, "Your role does not include recording operations")
    return _operation_out(request, operation_id)


@router.get("/operations/{operation_id}/report", response={200: ReportOut, **ERRORS},
            summary="The operation's report, counted from its records (the shape of Pentameter 2's results)")
def get_operation_report(request, operation_id: int):
    reject_unknown_query(request, set())
    _require(request, can_see_operations, "Your role does not include operations")
    op = selectors.operation_report_get_for_user(user=request.auth, operation_id=operation_id)
    audit_record(actor=request.auth, action="operation.report_view", obj=op)
    return operation_report(op).as_dict()


@router.get("/operations/{operation_id}/report.csv", response={200: None, **ERRORS},
            summary="The operation's report as CSV")
def export_operation_report(request, operation_id: int):
    reject_unknown_query(request, set())
    _require(request, can_see_operations, "Your role does not include operations")
    op = selectors.operation_report_get_for_user(user=request.auth, operation_id=operation_id)
    body, count = reports_to_csv([operation_report(op)])
    audit_record(actor=request.auth, action="operation.report_export", obj=op, detail={"format": "csv", "rows": count})
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="palermo-operation-{op.pk}.csv"'
    return resp


def _recorded(row, kind: str) -> tuple[int, dict]:
    return 201, {"id": row.pk, "operation_id": row.operation_id, "kind": kind}


@router.post("/operations/{operation_id}/premises-visits", response={201: RecordedOut, **ERRORS},
             summary="Record a premises visit")
def record_premises_visit(request, operation_id: int, payload: PremisesVisitIn):
    return _recorded(services.premises_visit_record(actor=request.auth, operation_id=operation_id, data=payload),
                     "premises_visit")


@router.post("/operations/{operation_id}/victims", response={201: RecordedOut, **ERRORS},
             summary="Record a potential victim identified: the NRM referral made during the operation")
def record_victim(request, operation_id: int, payload: VictimIn):
    return _recorded(services.victim_identified_record(actor=request.auth, operation_id=operation_id, data=payload),
                     "victim")


@router.post("/operations/{operation_id}/arrests", response={201: RecordedOut, **ERRORS},
             summary="Record an arrest, with any charges")
def record_arrest(request, operation_id: int, payload: ArrestIn):
    return _recorded(services.arrest_record(actor=request.auth, operation_id=operation_id, data=payload), "arrest")


@router.post("/operations/{operation_id}/arrests/{arrest_id}/charges", response={201: RecordedOut, **ERRORS},
             summary="Record a charge (refused when the offence was not in force there on the date of the offence)")
def record_charge(request, operation_id: int, arrest_id: int, payload: ChargeIn):
    _require(request, can_record_operations, "Your role does not include recording operations")
    if not Arrest.objects.filter(pk=arrest_id, operation_id=operation_id).exists():
        selectors.operation_in_scope(user=request.auth, operation_id=operation_id, action="charge")
        raise NotFound("There is no such arrest in this operation")
    charge = services.charge_record(actor=request.auth, arrest_id=arrest_id, data=payload)
    return 201, {"id": charge.pk, "operation_id": operation_id, "kind": "charge"}


@router.post("/operations/{operation_id}/assets", response={201: RecordedOut, **ERRORS},
             summary="Record assets recovered or restrained")
def record_assets(request, operation_id: int, payload: AssetIn):
    return _recorded(services.asset_record(actor=request.auth, operation_id=operation_id, data=payload), "assets")


@router.post("/operations/{operation_id}/intelligence-reports", response={201: RecordedOut, **ERRORS},
             summary="Record an intelligence report gathered during the operation")
def record_intelligence(request, operation_id: int, payload: GatheredIn):
    return _recorded(services.intelligence_gathered_record(actor=request.auth, operation_id=operation_id, data=payload),
                     "intelligence_report")
