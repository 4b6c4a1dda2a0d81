"""Justice endpoints (the ``justice`` router under /api/v1/): typed schemas, operation ids in the
``listProsecutions`` style. Every read goes through the selectors, so scope applies here exactly
as on the pages and in the export; refusals are audited."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from palermo.api.query import PageIn, page_of, reject_unknown_query
from palermo.api.schemas import ERRORS
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed
from palermo.justice import selectors, services
from palermo.justice.export import prosecutions_to_csv
from palermo.justice.presenters import prosecution_out, prosecution_summary, statistics_out
from palermo.justice.rules import can_see_justice_statistics, can_use_justice
from palermo.justice.schemas import NationCode, OutcomeIn, ProsecutionIn, ProsecutionVictimIn
from palermo.justice.statistics import justice_statistics

router = Router(tags=["Justice"])


class ProsecutionSummaryOut(Schema):
    id: int
    reference: str
    organisation: str
    nation: str
    nation_label: str
    court_kind: str
    court_kind_label: str
    court_name: str
    charged_on: str
    operation: str | None


class ChargeOut(Schema):
    id: int
    offence_id: str
    offence: str
    offence_on: str
    outcome: str
    outcome_on: str | None
    disposal: str
    custody_months: int | None
    fine_pounds: int | None


class DefendantOut(Schema):
    entity_id: int
    entity_reference: str
    label: str
    confiscation_pounds: int | None
    charges: list[ChargeOut]


class ProsecutionVictimOut(Schema):
    person_reference: str
    lawful_reason: str
    organisation: str
    name: str | None


class ProsecutionOut(ProsecutionSummaryOut):
    defendants: list[DefendantOut]
    victims: list[ProsecutionVictimOut]


class ProsecutionListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[ProsecutionSummaryOut]


class YearOut(Schema):
    year: int
    proceeded_against: int
    found_guilty: int
    immediate_custody: int
    average_custody_months: float | None


class PrincipalOffenceOut(Schema):
    year: int
    offence_id: str
    offence: str
    proceeded_against: int
    found_guilty: int


class OffenceOut(Schema):
    offence_id: str
    offence: str
    prosecutions: int
    defendants: int
    charges: int
    charges_found_guilty: int


class StatisticsOut(Schema):
    rule_version: str
    nation: str
    years: list[YearOut]
    by_principal_offence: list[PrincipalOffenceOut]
    per_offence: list[OffenceOut]


class StatisticsIn(Schema):
    nation: NationCode | None = Field(None, description="One nation; the whole UK if left out")
    start_year: int | None = Field(None, ge=2003, le=2100)
    end_year: int | None = Field(None, ge=2003, le=2100)


def _require_role(request) -> None:
    if not can_use_justice(request.auth):
        raise NotAllowed("Your role does not include prosecutions")


@router.get("/justice/prosecutions", response={200: ProsecutionListOut, **ERRORS},
            summary="Prosecutions your organisation has recorded")
def list_prosecutions(request, params: Query[PageIn]):
    reject_unknown_query(request, PageIn.model_fields)
    _require_role(request)
    qs = selectors.prosecution_list_for_user(user=request.auth)
    return page_of(qs, params, prosecution_summary)


@router.post("/justice/prosecutions", response={201: ProsecutionOut, **ERRORS},
             summary="Record a prosecution: each offence must be in force on its date in the nation whose law applies")
def create_prosecution(request, payload: ProsecutionIn):
    p = services.prosecution_create(actor=request.auth, data=payload)
    return 201, prosecution_out(selectors.prosecution_get_for_user(user=request.auth, prosecution_id=p.pk, audit=False))


@router.get("/justice/prosecutions/{prosecution_id}", response={200: ProsecutionOut, **ERRORS},
            summary="One prosecution: defendants, charges with outcomes, sentences, victims (audited)")
def get_prosecution(request, prosecution_id: int):
    _require_role(request)
    return prosecution_out(selectors.prosecution_get_for_user(user=request.auth, prosecution_id=prosecution_id))


@router.post("/justice/charges/{charge_id}/outcome", response={200: ChargeOut, **ERRORS},
             summary="Record the outcome of one charge, with the sentence for a finding of guilt")
def record_outcome(request, charge_id: int, payload: OutcomeIn):
    _require_role(request)
    from palermo.justice.presenters import charge_out

    return charge_out(services.charge_outcome_record(actor=request.auth, charge_id=charge_id, data=payload))


@router.post("/justice/prosecutions/{prosecution_id}/victims", response={201: ProsecutionVictimOut, **ERRORS},
             summary="Record an NRM potential victim on a prosecution, with the lawful reason")
def create_victim(request, prosecution_id: int, payload: ProsecutionVictimIn):
    _require_role(request)
    link = services.prosecution_victim_record(actor=request.auth, prosecution_id=prosecution_id, data=payload)
    return 201, {"person_reference": link.person.pseudonym, "lawful_reason": link.lawful_reason,
                 "organisation": link.organisation.code, "name": None}


@router.get("/justice/prosecutions.csv", response={200: None, **ERRORS},
            summary="Export the prosecutions your organisation has recorded as CSV (one row per charge)")
def export_prosecutions(request):
    reject_unknown_query(request, set())
    _require_role(request)
    body, count = prosecutions_to_csv(selectors.prosecutions_for_export(user=request.auth))
    audit_record(actor=request.auth, action="justice.export", object_type="justice.prosecution",
                 detail={"format": "csv", "rows": count})
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="palermo-prosecutions.csv"'
    return resp


@router.get("/justice/statistics", response={200: StatisticsOut, **ERRORS},
            summary="Defendants proceeded against and found guilty by year and principal offence, average custodial "
                    "sentence, prosecutions per offence")
def get_statistics(request, params: Query[StatisticsIn]):
    reject_unknown_query(request, StatisticsIn.model_fields)
    if not can_see_justice_statistics(request.auth):
        raise NotAllowed("Your role does not include justice statistics")
    if params.start_year and params.end_year and params.end_year < params.start_year:
        from palermo.core.exceptions import ValidationFailed

        raise ValidationFailed("The last year must be the same as or after the first year",
                               {"end_year": "The last year must be the same as or after the first year"})
    s = justice_statistics(nation=params.nation or "", start_year=params.start_year, end_year=params.end_year)
    audit_record(actor=request.auth, action="justice.statistics_view", object_type="justice.prosecution",
                 detail={"nation": s.nation, "years": len(s.years)})
    return statistics_out(s)
