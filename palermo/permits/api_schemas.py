"""Output shapes of the residence permit endpoints. The record has two views (``view``): ``full``
for the competent authority the case is routed to (grounds, investigation reference, reasons,
the eligibility explanation) and ``dates`` for everyone else who sees the case (the full-only
fields are then absent)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from palermo.api.schemas import Citation


class PermitRules(Schema):
    months: str
    renewal_reminder: str


class PermitDates(Schema):
    permit_id: int
    starts_on: dt.date | None
    expires_on: dt.date | None
    renewal_reminder_on: dt.date | None
    months: int
    in_force: bool
    rules: PermitRules


class PermitApplication(Schema):
    application_id: int
    applied_on: dt.date | None
    renewal: bool
    renews_permit_id: int | None
    state: str
    outcome: str | None
    decided_on: dt.date | None
    permit_id: int | None
    # full view only
    grounds: list[str] | None = None
    ground_labels: list[str] | None = None
    investigation_reference: str | None = None
    rules_version: str | None = None
    recorded_by: str | None = None
    reason_codes: list[str] | None = None
    reason_labels: list[str] | None = None
    reason_text: str | None = None
    decided_by: str | None = None


class RulesVersions(Schema):
    eligibility: str | None = None
    months: str
    renewal_reminder: str


class PermitRulesToday(Schema):
    on: dt.date
    scheme: str
    grounds: list[str]
    renewable: bool
    months: int
    renewal_reminder_days: int
    versions: RulesVersions
    in_force_from: dt.date
    citations: list[Citation]


class PermitStep(Schema):
    test: str
    result: str
    outcome: str
    citations: list[Citation]


class IfGranted(Schema):
    starts_on: dt.date
    expires_on: dt.date
    renewal_reminder_on: dt.date
    months: int
    versions: RulesVersions


class PermitExplanation(Schema):
    """Information for the decision maker, not the decision."""

    date: dt.date
    outcome: str
    summary: str
    rules: PermitRulesToday | None
    rule_path: list[PermitStep]
    if_granted_on_this_date: IfGranted | None
    reasons: list[str]


class PermitRecord(Schema):
    case_id: int
    reference: str
    person_reference: str | None
    identified_on: dt.date | None
    view: Literal["full", "dates"]
    on: dt.date
    current_permit: PermitDates | None
    next_permit: PermitDates | None
    due_for_renewal: bool
    application_awaiting_decision: bool
    permits: list[PermitDates]
    applications: list[PermitApplication]
    allowed_actions: list[Literal["apply", "renew", "decide"]]
    eligibility: PermitExplanation | None = Field(None, description="Full view only")
    rules_today: PermitRulesToday | None = Field(None, description="Full view only")


class PermitItem(PermitDates):
    case_id: int
    reference: str
    person_reference: str | None
    competent_authority: str


class PermitList(Schema):
    count: int
    page: int
    page_size: int
    items: list[PermitItem]


class ApplicationAwaiting(Schema):
    case_id: int
    reference: str
    person_reference: str | None
    competent_authority: str
    application_id: int
    applied_on: dt.date
    renewal: bool


class ApplicationAwaitingList(Schema):
    count: int
    page: int
    page_size: int
    items: list[ApplicationAwaiting]
