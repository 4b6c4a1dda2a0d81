"""Output shapes of the NRM API: what each operation answers, field by field.

Enumerations come from the data they name (the workflow's states, the decision choices and
``nrm/data/codes.yaml``) when this module is imported, so the contract never drifts from the
rules. The pseudonymous and identity views of a case are different schemas: a client sees from
the contract what a role receives (``view`` tells them apart).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import model_validator

from palermo.api.schemas import Citation
from palermo.nrm import codes, workflow
from palermo.nrm.models import DECISION_KIND_CHOICES, DECISION_STATE_CHOICES, OUTCOME_CHOICES


def _literal(values):
    values = tuple(dict.fromkeys(values))
    return Literal[values]  # type: ignore[valid-type]


CaseStatus = _literal(k for k, _ in workflow.STATUS_CHOICES)
DecisionKind = _literal(k for k, _ in DECISION_KIND_CHOICES)
DecisionOutcome = _literal(k for k, _ in OUTCOME_CHOICES)
DecisionState = _literal(k for k, _ in DECISION_STATE_CHOICES)
# Every reason code a decision may carry (decision and reconsideration reasons, disabled ones
# included: old decisions keep the codes they were made with).
ReasonCode = _literal([*codes.codes("decision_reasons"), *codes.codes("reconsideration_reasons")])
WithdrawalReason = _literal(codes.codes("withdrawal_reasons"))
ExploitationType = _literal(codes.codes("exploitation_types"))
Nation = Literal["england", "wales", "scotland", "northern_ireland"]
DueKind = Literal["reasonable_grounds", "conclusive_grounds_possible_from", "reconsideration_window_closes"]
View = Literal["pseudonymous", "identity"]


class ReferralOut(Schema):
    kind: Literal["nrm_case", "duty_to_notify"] = Field(
        description="An NRM case (consent given, or a child) or a Duty to Notify report (an adult who did not consent)")
    reference: str = Field(examples=["NRM-2026-000123"])
    case_id: int | None = Field(None, description="The case's id (NRM cases only)")
    competent_authority: str = Field(description="Code of the competent authority the case is routed to",
                                     examples=["sca"])
    reasonable_grounds_due: dt.date | None = Field(None, description="Target date of the reasonable grounds decision")


class PlainSchema(Schema):
    """A schema for answers built as plain dicts and lists by a presenter (the case list: 50
    summaries, each with its next deadline). Ninja's ``Schema`` wraps every object it validates
    in a ``DjangoGetter`` (to read model instances, managers and files), in Python, once per
    nested object and attribute: for a page of 50 cases that was ~100 wrappers and ~750
    attribute look-ups, most of ``GET /api/v1/cases``'s serialisation cost (issue 12,
    ``benchmarks/http_cpu.py``). A dict needs none of it: pydantic validates it directly. The
    schema, and so the contract, is the same."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler, info):
        return handler(values)


class NextDue(PlainSchema):
    kind: DueKind
    date: dt.date
    working_days_left: int | None = Field(description="Working days of the case's nation (negative when overdue)")


class CaseSummary(PlainSchema):
    """One case in a list: codes, dates and the person's pseudonym, never an identity."""

    id: int = Field(examples=[42])
    reference: str = Field(examples=["NRM-2026-000042"])
    external_reference: str = Field(description="The earlier system's reference, empty if none")
    status: CaseStatus
    status_label: str = Field(examples=["Awaiting reasonable grounds decision"])
    competent_authority: str = Field(examples=["sca"])
    received_on: dt.date
    nation: Nation
    child: bool = Field(description="Under 18 or not sure at referral")
    exploitation_types: list[ExploitationType]
    person_reference: str | None = Field(description="The person's pseudonym (P-…), None for an anonymous report",
                                         examples=["P-7K2M9QXA"])
    next_due: NextDue | None


class CaseList(PlainSchema):
    """One page of cases."""

    count: int = Field(description="How many cases match, on every page")
    page: int
    page_size: int
    items: list[CaseSummary]


class Identity(Schema):
    """Direct identifiers: only in the identity view, and every read is an audit event."""

    given_name: str
    family_name: str
    aliases: list[str]
    date_of_birth: str | None = Field(description="ISO date")
    dob_precision: Literal["exact", "estimated", "unknown"]
    contact_details: str


class _PersonBase(Schema):
    reference: str = Field(description="Pseudonym", examples=["P-7K2M9QXA"])
    gender: str
    nationalities: list[str] = Field(description="ISO 3166 alpha-3")
    languages: list[str]
    interpreter_needed: bool
    claimed_age: int | None
    assessed_age: int | None
    identity_removed: bool = Field(description="A retention rule removed the identity")


class PersonPseudonymous(_PersonBase):
    identity: None = Field(description="Never given in the pseudonymous view")


class PersonWithIdentity(_PersonBase):
    identity: Identity | None = Field(description="None only once a retention rule removed it")


class RetentionNotice(Schema):
    anonymised_on: dt.date
    rule: str = Field(examples=["retention.nrm_case_adult@2018-05-25"])
    rule_from: dt.date | None
    title: str
    notice: str


class DueDates(Schema):
    reasonable_grounds_due: dt.date
    reasonable_grounds_due_rule: str = Field(description="Parameter and calendar versions used")
    recovery_period_start: dt.date | None
    recovery_period_minimum_end: dt.date | None
    recovery_period_rule: str
    conclusive_grounds_earliest: dt.date | None
    conclusive_grounds_rule: str
    reconsideration_deadline: dt.date | None
    reconsideration_rule: str


class _DecisionBase(Schema):
    id: int
    kind: DecisionKind
    outcome: DecisionOutcome
    state: DecisionState
    decided_on: dt.date
    decided_by: str = Field(description="Username")
    reason_codes: list[ReasonCode]
    reason_labels: list[str]
    reviewed_by: str | None
    reviewed_on: dt.date | None


class DecisionPseudonymous(_DecisionBase):
    reason_text: None = Field(description="Free text may describe the person: identity view only")
    review_note: None = Field(description="Free text may describe the person: identity view only")


class DecisionWithIdentity(_DecisionBase):
    reason_text: str
    review_note: str


class _TransitionBase(Schema):
    action: str = Field(examples=["rg_positive"])
    from_: str = Field(alias="from", description="Status before (empty for the referral)")
    to: CaseStatus
    on: dt.date
    at: dt.datetime
    by: str
    by_name: str
    decision_id: int | None
    reason_code: str


class TransitionPseudonymous(_TransitionBase):
    note: None = Field(description="Identity view only")


class TransitionWithIdentity(_TransitionBase):
    note: str


class ElementFinding(Schema):
    element: str
    status: str
    recorded: list[str]
    explanation: str


class ElementsAssessment(Schema):
    elements: list[ElementFinding]
    missing: list[str]
    notes: list[str]
    sources: list[Citation]
    not_a_decision: str


class PalermoElements(Schema):
    """The act, means and purpose recorded, suggested and assessed: information, not a decision."""

    recorded: dict[str, list[str]]
    recorded_by: str | None
    recorded_at: dt.datetime | None
    suggested: dict[str, list[str]]
    labels: dict[str, dict[str, str]]
    assessment: ElementsAssessment


class _CaseBase(CaseSummary):
    routing: str = Field(description="Routing rule version used")
    first_responder_org: str
    police_force_area: str
    exploitation_location: Literal["uk", "overseas", "both", "unknown"]
    exploitation_country: str
    indicators: list[str]
    flags: list[str]
    age_at_exploitation: Literal["adult", "child", "unknown"]
    local_authority: str | None
    retention: RetentionNotice | None
    due_dates: DueDates
    allowed_actions: list[str] = Field(description="Workflow actions you may take now")
    palermo_elements: PalermoElements


class CasePseudonymous(_CaseBase):
    """A case as a role without identity access sees it: the person by pseudonym only, and no free text."""

    view: Literal["pseudonymous"]
    person: PersonPseudonymous | None
    decisions: list[DecisionPseudonymous]
    history: list[TransitionPseudonymous]


class CaseWithIdentity(_CaseBase):
    """A case as a decision maker or reviewer in scope sees it: identity and free text (audited)."""

    view: Literal["identity"]
    person: PersonWithIdentity | None
    decisions: list[DecisionWithIdentity]
    history: list[TransitionWithIdentity]


# One of the two views, told apart by ``view`` (oneOf with a discriminator in the schema).
Case = Annotated[CasePseudonymous | CaseWithIdentity, Field(discriminator="view")]


class DecisionResult(Schema):
    decision_id: int
    state: DecisionState
    case: Case


class FieldChange(Schema):
    field: str
    old: str | int | float | bool | list[str] | None = None
    new: str | int | float | bool | list[str] | None = None
    note: str | None = Field(None, description="'changed (encrypted)': encrypted values never leave")


class HistoryEntry(Schema):
    at: dt.datetime
    by: str | None
    what: Literal["nrm.case", "nrm.referral"]
    change: Literal["created", "updated"]
    fields: list[FieldChange]


class DeadlineItem(Schema):
    case_id: int
    reference: str
    kind: DueKind
    due: dt.date
    working_days_left: int
    overdue: bool
    status: CaseStatus


class DeadlineList(Schema):
    count: int
    page: int
    page_size: int
    items: list[DeadlineItem]


class ReviewItem(Schema):
    decision_id: int
    case_id: int
    reference: str
    kind: DecisionKind
    decided_on: dt.date
    decided_by: str


class DutyToNotifyItem(Schema):
    reference: str = Field(examples=["DTN-2026-000007"])
    received_on: dt.date
    anonymous: bool
    first_responder_org: str
    received_by: str
    exploitation_types: list[ExploitationType]
    nation: Nation


class CaseActionOut(Schema):
    """One thing the caller may do on the case next, or will be able to do from a date: the same
    list the case page offers (``nrm.actions.case_actions_for_user``: the workflow table, the
    caller's object permissions and the case's dates)."""

    key: Literal["decide", "review", "elements", "withdraw"] = Field(
        description="decide: record the decision the case waits for; review: agree with or return a negative "
                    "decision awaiting a second review; elements: record act, means and purpose; withdraw")
    label: str = Field(description="What the action is, in words", examples=["Record a conclusive grounds decision"])
    available: bool = Field(description="True if the caller may take the action today")
    primary: bool = Field(description="The one action a page offers as its main button")
    available_from: dt.date | None = Field(
        None, description="For an action not possible yet: the first day it is (the end of the minimum recovery "
                          "period for a conclusive grounds decision)")
    not_yet: str = Field(description="For an action not possible yet: when, in words; empty otherwise",
                         examples=["You can record the conclusive grounds decision from Wednesday 2 December 2026, "
                                   "the end of the minimum recovery period."])
    decision_kind: DecisionKind | None = Field(None, description="For decide: which decision")
    decision_id: int | None = Field(None, description="For review: the decision awaiting review")
    method: Literal["POST", "PUT"] = Field(description="How to take the action through the API")
    path: str = Field(description="Where to take it", examples=["/api/v1/cases/42/decisions"])


class CaseActions(Schema):
    """What the caller may do next on one case, as of a day."""

    case_id: int
    reference: str = Field(examples=["NRM-2026-000123"])
    status: CaseStatus
    as_of: dt.date = Field(description="The day (UK time) the actions were worked out for")
    actions: list[CaseActionOut] = Field(max_length=10, description="In order; the primary one first among those "
                                                                    "available. Empty: nothing for you to do now")
