"""Output shapes of the support endpoints (``/api/v1/support/…``): pseudonyms, codes, dates and
counts; a name only in a support record, for the provider the person is placed with."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from palermo.api.schemas import Citation, RuleStep


class SupportPeriod(Schema):
    kind: str = Field(examples=["move_on"])
    starts_on: dt.date | None
    ends_on: dt.date | None
    days: int | None
    unit: str
    version: str
    why: str
    sources: list[Citation]


class PlacementSummary(Schema):
    placement_id: int
    case_id: int
    person_reference: str
    provider: str
    kind: str
    start_on: dt.date
    case_status: str
    support_period: SupportPeriod | None


class AwaitingPlace(Schema):
    case_id: int
    person_reference: str
    nation: str
    rg_decided_on: dt.date | None


class Caseload(Schema):
    placed: list[PlacementSummary]
    awaiting: list[AwaitingPlace]


class ServiceOut(Schema):
    service: str
    label: str
    delivered_on: dt.date
    by: str
    organisation: str


class SupportPlacementOut(Schema):
    id: int
    provider: str
    provider_name: str
    kind: str
    kind_label: str
    start_on: dt.date
    end_on: dt.date | None
    exit_reason: str
    exit_reason_label: str
    open: bool
    mine: bool
    eligibility_version: str
    contract: str
    services: list[ServiceOut]


class SupportIdentity(Schema):
    given_name: str
    family_name: str
    date_of_birth: str | None
    languages: list[str]
    interpreter_needed: bool


class Waiting(Schema):
    joined_on: dt.date
    days_waited: int


class SupportRecord(Schema):
    case_id: int
    reference: str
    person_reference: str | None
    status: str
    status_label: str
    nation: str
    child: bool
    gender: str
    nationalities: list[str]
    exploitation_types: list[str]
    rg_decided_on: dt.date | None
    recovery_period_min_end: dt.date | None
    cg_decided_on: dt.date | None
    identity: SupportIdentity | None = Field(description="Only for the provider the person is placed with (audited)")
    anonymised: bool
    placements: list[SupportPlacementOut]
    waiting: Waiting | None
    support_period: SupportPeriod | None
    can_place: bool
    can_record_service: bool


class PlaceCount(Schema):
    kind: str
    label: str
    capacity: int
    occupied: int
    free: int
    since: dt.date | None
    source: str
    verified: bool
    demo: bool


class Eligibility(Schema):
    rule: str
    version: str
    on: dt.date
    outcome: str
    eligible: bool
    reason: str
    summary: str | None
    rule_path: list[RuleStep]
    citations: list[Citation]
    rests_on_unverified_sources: bool


class MatchRow(Schema):
    provider: str
    provider_name: str
    kind: str | None
    contract: str | None
    eligible: bool
    available: bool
    placeable: bool
    reason: str
    free_places: int
    places: list[PlaceCount]
    eligibility: Eligibility
    checks: list[RuleStep]


class Matching(Schema):
    """Every provider with its answer and free places today: Palermo never places by itself."""

    case_id: int
    on: dt.date
    person_reference: str
    providers: list[MatchRow]


class PlacementCreated(Schema):
    placement_id: int
    case_id: int
    provider: str
    kind: str
    start_on: dt.date
    eligibility_version: str


class ServiceRecorded(Schema):
    service_id: int
    placement_id: int
    service: str
    delivered_on: dt.date


class WaitingListJoined(Schema):
    entry_id: int
    case_id: int
    nation: str
    joined_on: dt.date


class PlacementEnded(Schema):
    placement_id: int
    end_on: dt.date
    exit_reason: str


class WaitingRow(Schema):
    position: int
    case_id: int
    person_reference: str
    nation: str
    contract: str
    joined_on: dt.date
    days_waited: int
    gender: str
    exploitation_types: list[str]


class WaitingList(Schema):
    count: int
    items: list[WaitingRow]


class ProviderOccupancy(Schema):
    provider: str
    provider_name: str
    kind: str
    contract: str
    nations: list[str]
    areas: list[str]
    services: list[str]
    capacity: int
    occupied: int
    free: int
    low: bool
    low_capacity_threshold: int
    places: list[PlaceCount]


class Providers(Schema):
    on: dt.date
    nation: str | None
    items: list[ProviderOccupancy]
