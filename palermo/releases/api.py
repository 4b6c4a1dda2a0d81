"""Release endpoints: private counts and the budget left, safe microdata, the monitoring report.
Each parses, calls one service, and returns its result (palermo.releases.services)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from palermo.api.query import IsoDate, reject_unknown_query
from palermo.api.schemas import ERRORS
from palermo.releases import services
from palermo.releases.api_schemas import Budget, MonitoringReport, PrivateRelease
from palermo.releases.dp import DIMENSIONS

router = Router(tags=["Releases"])


Dimension = Literal[tuple(DIMENSIONS)]  # type: ignore[valid-type]


class PrivateReleaseIn(Schema):
    model_config = {"extra": "forbid"}
    year: int = Field(ge=2009, le=2100, description="The dataset: NRM referrals received in this calendar year")
    dimension: Dimension = Field(description="What to count the cases by")
    epsilon: float = Field(ge=0.01, le=1.0, description="The privacy loss this release spends from the year's budget")


class PeriodIn(Schema):
    received_from: IsoDate | None = Field(None, description="Referrals received on or after this date")
    received_to: IsoDate | None = Field(None, description="Referrals received on or before this date")


def _release_out(r) -> dict:  # PrivateRelease
    return {"id": r.pk, "dataset": r.budget.dataset, "year": r.budget.year, "dimension": r.dimension,
            "epsilon": str(r.epsilon), "query": r.query, "result": r.result, "accuracy_95": r.accuracy,
            "released_at": r.released_at, "released_by": r.released_by.username}


@router.get("/releases/budgets", response={200: list[Budget], **ERRORS},
            summary="Privacy budget (epsilon) of each year's referrals: total, spent, left")
def budgets(request):
    reject_unknown_query(request, set())
    return [{**b, "total_epsilon": str(b["total_epsilon"]), "spent_epsilon": str(b["spent_epsilon"]),
             "remaining_epsilon": str(b["remaining_epsilon"])} for b in services.budgets_for_user(user=request.auth)]


@router.get("/releases/private", response={200: list[PrivateRelease], **ERRORS},
            summary="Differentially private releases made, with their epsilon, query and noisy result")
def private_releases(request):
    reject_unknown_query(request, set())
    return [_release_out(r) for r in services.releases_for_user(user=request.auth)]


@router.post("/releases/private", response={201: PrivateRelease, **ERRORS},
             summary="Make a differentially private release (analysts; refused once the year's budget is spent)")
def private_release_create(request, payload: PrivateReleaseIn):
    release = services.private_release_create(actor=request.auth, year=payload.year, dimension=payload.dimension,
                                              epsilon=payload.epsilon)
    return 201, _release_out(release)


@router.get("/releases/microdata.csv", response={200: None, **ERRORS},
            summary="k-anonymous record-level data in HTCDS 2.0 field names (analysts)")
def microdata(request):
    reject_unknown_query(request, set())
    result = services.microdata_export(actor=request.auth)
    resp = HttpResponse(result.text, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="palermo-microdata-htcds.csv"'
    return resp


@router.get("/monitoring-report", response={200: MonitoringReport, **ERRORS},
            summary="Monitoring report: decision times, positive-decision rates by group, flags (monitors, analysts)")
def monitoring_report(request, period: Query[PeriodIn]):
    reject_unknown_query(request, PeriodIn.model_fields)
    return services.monitoring_report_for_user(user=request.auth, received_from=period.received_from,
                                               received_to=period.received_to)
