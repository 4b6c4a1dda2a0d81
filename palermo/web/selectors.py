"""Reads shaped for pages: the caseload with its sort order and each row's due date. Scope and
filters come from ``palermo.nrm.selectors.case_list_for_user``; this only orders and decorates."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as When_
from django.db.models import DateField, F, QuerySet, Value, When

from palermo.nrm import workflow
from palermo.nrm.models import Case
from palermo.nrm.presenters import case_summary
from palermo.nrm.selectors import CaseFilters, case_list_for_user

SORTS = {
    "reference": "referral__reference",
    "received": "referral__received_on",
    "status": "status",
    "due": "next_due_on",
}
DEFAULT_SORT = ("due", "asc")


def next_due_expression():
    """The date of the case's next decision or deadline, as ``selectors.next_due`` defines it,
    computed in the database so the list can sort on it."""
    return When_(
        When(status=workflow.REFERRED, then=F("rg_due")),
        When(status=workflow.RECOVERY_PERIOD, then=F("cg_earliest")),
        When(status__in=[workflow.RG_NEGATIVE, workflow.NOT_IDENTIFIED], then=F("reconsideration_deadline")),
        default=Value(None),
        output_field=DateField(),
    )


def caseload_for_user(*, user, filters: CaseFilters, sort: str = "due", order: str = "asc") -> QuerySet[Case]:
    if sort not in SORTS:
        sort, order = DEFAULT_SORT
    qs = case_list_for_user(user=user, filters=filters).annotate(next_due_on=next_due_expression())
    key = F(SORTS[sort])
    key = key.desc(nulls_last=True) if order == "desc" else key.asc(nulls_last=True)
    return qs.order_by(key, "-id")  # exploitation types are prefetched by case_list_for_user


def caseload_rows(cases, *, today: dt.date) -> list[dict]:
    """One row per case for the caseload table (the same summary the API returns)."""
    return [case_summary(c, today) | {"first_responder_org": c.referral.first_responder_org.name,
                                      "competent_authority_name": c.competent_authority.name}
            for c in cases]
