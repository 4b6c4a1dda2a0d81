"""Historic decisions: reasonable and conclusive grounds decisions made in an earlier system,
loaded onto the referrals brought over from it (loading history, issue 11).

They follow the workflow of every decision (``workflow.py``): the same order (a conclusive
grounds decision only in a recovery period, after a positive reasonable grounds decision; nothing
after an outcome is in effect), the same dates (not in the future, not before the referral, a
conclusive grounds decision not before the end of the minimum recovery period in force on the
day of the reasonable grounds decision), the same coded reasons. What differs is the second
review of a negative decision: it was done in the earlier system, so the file says when and by
which organisation's reviewer, and Palermo **records it as done** — the decision takes effect
on that day (``reviewed_on``, ``review_recorded_by_org``), with no reviewer account
(``reviewed_by`` stays empty) and the step's reason code ``review_recorded``. The reviewer's
organisation must be the competent authority that decided, as a Palermo review must be.

Who may load them: a decision maker of the competent authority the case is routed to, for that
authority's cases only (``decision_maker_org`` names it; the ``--as`` user must decide there).

:func:`historic_apply` is the rule, a pure function of the case's state and one row, used by
both ways of writing: :func:`historic_decision_record`, the service (one decision, one
transaction, its own audit event), and the importer's bulk path (``decision_import.py``), which
applies it to thousands of rows in memory and writes them in bulk. A test loads the same file
both ways and compares every record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field

from palermo.accounts import roles as R
from palermo.accounts.models import Organisation
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.nrm import deadlines, workflow
from palermo.nrm.models import Case, CaseTransition, Decision
from palermo.nrm.schemas import Code, DecisionIn, ExternalReference
from palermo.nrm.services import _check_reasons

REVIEW_RECORDED = "review_recorded"  # the reason code of a review step recorded as done

#: The case fields a historic decision may change (the service path saves these).
CASE_FIELDS = (
    "status", "rg_decided_on", "recovery_period_start", "recovery_period_min_end", "recovery_version",
    "cg_earliest", "cg_earliest_version", "cg_decided_on", "reconsideration_deadline", "reconsideration_version",
)


class HistoricDecisionIn(BaseModel):
    """One historic decision, as a row of ``palermo import decisions`` gives it."""

    model_config = ConfigDict(extra="forbid")

    external_reference: ExternalReference = Field(min_length=1)
    first_responder_org: Code = ""
    kind: Literal["reasonable_grounds", "conclusive_grounds"]
    outcome: Literal["positive", "negative"]
    decided_on: dt.date
    decision_maker_org: Code = Field(min_length=1)
    reason_codes: list[Code] = Field(min_length=1, max_length=30)
    reviewed_on: dt.date | None = None
    reviewer_org: Code = ""


class RowRefused(Exception):
    """A historic decision that breaks a rule: the column it is about and why."""

    def __init__(self, column: str | None, message: str):
        super().__init__(message)
        self.column, self.message = column, message


@dataclass(frozen=True, slots=True)
class CaseState:
    """What the workflow needs to know about a case, and every field a decision may change."""

    case_id: int
    authority_id: int
    received_on: dt.date
    child: bool
    status: str
    rg_decided_on: dt.date | None = None
    recovery_period_start: dt.date | None = None
    recovery_period_min_end: dt.date | None = None
    recovery_version: str = ""
    cg_earliest: dt.date | None = None
    cg_earliest_version: str = ""
    cg_decided_on: dt.date | None = None
    reconsideration_deadline: dt.date | None = None
    reconsideration_version: str = ""

    @classmethod
    def of(cls, case: Case) -> CaseState:
        ref = case.referral
        return cls(case_id=case.pk, authority_id=case.competent_authority_id, received_on=ref.received_on,
                   child=ref.is_child, **{f: getattr(case, f) for f in CASE_FIELDS})

    def case_values(self) -> dict:
        return {f: getattr(self, f) for f in CASE_FIELDS}


@dataclass
class Effects:
    """What one historic decision writes: the decision and the steps it takes."""

    decision: dict
    transitions: list[dict] = field(default_factory=list)


# The deadlines depend only on the date: cached, so 100,000 rows do not read the parameter
# files 100,000 times (the same functions as decision_record uses, so the same answers).
_recovery_min_end = lru_cache(maxsize=4096)(lambda on: deadlines.recovery_period_min_end(rg_decided_on=on))
_cg_earliest = lru_cache(maxsize=4096)(lambda on: deadlines.cg_earliest(rg_decided_on=on))
_reconsideration = lru_cache(maxsize=4096)(lambda on: deadlines.reconsideration_deadline(effective_on=on))


def _date(d: dt.date) -> str:
    return f"{d:%-d %B %Y}"


def historic_apply(state: CaseState, data: HistoricDecisionIn, *, today: dt.date,
                   reviewer_org_id: int | None) -> tuple[CaseState, Effects]:
    """The case after the historic decision ``data``, and what to write; or :class:`RowRefused`.

    ``reviewer_org_id`` is the id of the organisation ``data.reviewer_org`` names (None when it
    names none, or none that exists)."""
    if data.decided_on > today:
        raise RowRefused("decided_on", "Date of the decision must be today or in the past")
    if data.decided_on < state.received_on:
        raise RowRefused("decided_on", f"Date of the decision must be on or after the date the referral was received "
                                       f"({_date(state.received_on)})")
    try:
        _check_reasons(DecisionIn(kind=data.kind, outcome=data.outcome, decided_on=data.decided_on,
                                  reason_codes=data.reason_codes), "decision_reasons", child=state.child)
    except ValidationFailed as exc:
        raise RowRefused("reason_codes", exc.fields.get("reason_codes", exc.message)) from None
    stage = "rg" if data.kind == "reasonable_grounds" else "cg"
    action = f"{stage}_{data.outcome}"
    try:
        after = workflow.next_status(state.status, action)
    except TransitionRefused as exc:
        raise RowRefused("kind", exc.message) from None
    if stage == "cg" and state.cg_earliest and data.decided_on < state.cg_earliest:
        raise RowRefused("decided_on", (
            f"A conclusive grounds decision cannot be before {_date(state.cg_earliest)}: the recovery period allowed "
            f"it from then ({state.cg_earliest_version})"))
    negative = data.outcome == "negative"
    if negative:
        if data.reviewed_on is None:
            raise RowRefused("reviewed_on", "A negative decision takes effect only after a second review: enter the "
                                            "date the reviewer agreed it")
        if not data.reviewer_org:
            raise RowRefused("reviewer_org", "Enter the organisation of the reviewer who agreed the negative decision")
        if reviewer_org_id != state.authority_id:
            raise RowRefused("reviewer_org", (
                f"The reviewer must be at the competent authority that decided ({data.decision_maker_org}), "
                f"not {data.reviewer_org}"))
        if data.reviewed_on < data.decided_on:
            raise RowRefused("reviewed_on", "Date of the review must be on or after the date of the decision")
        if data.reviewed_on > today:
            raise RowRefused("reviewed_on", "Date of the review must be today or in the past")
    elif data.reviewed_on is not None or data.reviewer_org:
        raise RowRefused("reviewed_on", "Only a negative decision has a second review: leave reviewed_on and "
                                        "reviewer_org empty for a positive decision")

    versions: dict[str, str] = {}
    changes: dict = {"status": after}
    transitions = [{"action": action, "from_status": state.status, "to_status": after, "on": data.decided_on,
                    "reason_code": "", "decision": True}]
    if action == "rg_positive":
        rp, cg = _recovery_min_end(data.decided_on), _cg_earliest(data.decided_on)
        changes.update(rg_decided_on=data.decided_on, recovery_period_start=data.decided_on,
                       recovery_period_min_end=rp.due, recovery_version=rp.version,
                       cg_earliest=cg.due, cg_earliest_version=cg.version)
        versions = {"recovery_period": rp.version, "cg_earliest": cg.version}
    elif action == "cg_positive":
        changes["cg_decided_on"] = data.decided_on
    else:  # a negative decision, agreed in the earlier system's second review
        agreed = workflow.next_status(after, "review_agree")
        transitions.append({"action": "review_agree", "from_status": after, "to_status": agreed,
                            "on": data.reviewed_on, "reason_code": REVIEW_RECORDED, "decision": True})
        rc = _reconsideration(data.reviewed_on)
        changes.update(status=agreed, reconsideration_deadline=rc.due, reconsideration_version=rc.version)
        changes["rg_decided_on" if stage == "rg" else "cg_decided_on"] = data.decided_on
    decision = {
        "kind": data.kind, "outcome": data.outcome, "decided_on": data.decided_on,
        "reason_codes": sorted(set(data.reason_codes)), "state": "effective",
        "reviewed_on": data.reviewed_on if negative else None,
        "review_recorded_by_org_id": reviewer_org_id if negative else None,
        "parameter_versions": versions,
    }
    return replace(state, **changes), Effects(decision=decision, transitions=transitions)


# --- finding the case ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Found:
    """A case the row may be loaded onto, as the lookup found it."""

    case_id: int
    authority_id: int
    authority_code: str
    referring_code: str


def decision_maker_orgs(actor) -> dict[str, int]:
    """Competent authorities ``actor`` decides for: code -> id."""
    return dict(Organisation.objects.filter(pk__in=actor.organisations_for(R.DECISION_MAKER), kind="competent_authority")
                .values_list("code", "id"))


def cases_by_reference(references: set[str], *, authority_ids) -> dict[str, list[Found]]:
    """The cases routed to ``authority_ids`` whose earlier-system reference is one of
    ``references`` (upper case), by reference. Cases routed elsewhere are not looked at."""
    found: dict[str, list[Found]] = {}
    rows = (Case.objects.filter(competent_authority_id__in=list(authority_ids))
            .annotate(ext=Upper("referral__external_reference")).filter(ext__in=list(references))
            .values_list("id", "competent_authority_id", "competent_authority__code", "referral__first_responder_org__code",
                         "ext"))
    for case_id, auth_id, auth_code, referring, ext in rows:
        found.setdefault(ext, []).append(Found(case_id, auth_id, auth_code, referring))
    return found


def choose_case(data: HistoricDecisionIn, candidates: list[Found], *, orgs: dict[str, int]) -> Found:
    """The one case the row is about, or :class:`RowRefused` saying why there is none. A case
    routed to an authority the user does not decide for was never looked at, so the message is
    the same whether or not one exists."""
    if data.decision_maker_org not in orgs:
        raise RowRefused("decision_maker_org", (
            f"You are not a decision maker at {data.decision_maker_org}: only its decision makers can load its "
            "decisions"))
    if data.first_responder_org:
        candidates = [c for c in candidates if c.referring_code == data.first_responder_org]
    if not candidates:
        raise RowRefused("external_reference", (
            f"No case with the earlier system's reference {data.external_reference}"
            + (f" referred by {data.first_responder_org}" if data.first_responder_org else "")
            + " is routed to a competent authority you decide for. Import the referral first"))
    if len(candidates) > 1:
        raise RowRefused("first_responder_org", (
            f"{len(candidates)} cases have the earlier system's reference {data.external_reference}, from different "
            "referring organisations: enter the referring organisation's code in first_responder_org"))
    found = candidates[0]
    if found.authority_code != data.decision_maker_org:
        raise RowRefused("decision_maker_org", (
            f"This case is routed to {found.authority_code}, not {data.decision_maker_org}: only the competent "
            "authority a case is routed to decides it"))
    return found


# --- the service ---------------------------------------------------------------------------


def transition_objects(*, case_id: int, effects: Effects, decision: Decision, actor) -> list[CaseTransition]:
    return [CaseTransition(case_id=case_id, action=t["action"], from_status=t["from_status"], to_status=t["to_status"],
                           actor=actor, on=t["on"], decision=decision if t["decision"] else None,
                           reason_code=t["reason_code"]) for t in effects.transitions]


def decision_object(*, case_id: int, effects: Effects, actor, sha256: str) -> Decision:
    return Decision(case_id=case_id, decided_by=actor, imported_from_sha256=sha256, **effects.decision)


@transaction.atomic
def historic_decision_record(*, actor, data: HistoricDecisionIn, sha256: str = "",
                             today: dt.date | None = None) -> Decision:
    """Load one historic decision onto the case with its earlier-system reference: the case
    row locked, the rules of :func:`historic_apply`, the decision and its steps written, and an
    audit event (``decision.import_record``) in the same transaction. ``sha256`` names the file
    it came from, if any."""
    orgs = decision_maker_orgs(actor)
    if not orgs:
        raise NotAllowed("Only a decision maker at a competent authority can load historic decisions")
    today = today or timezone.localdate()
    try:
        found = choose_case(data, cases_by_reference({data.external_reference.upper()}, authority_ids=orgs.values())
                            .get(data.external_reference.upper(), []), orgs=orgs)
    except RowRefused as exc:
        raise ValidationFailed(exc.message, {exc.column or "row": exc.message}) from None
    case = Case.objects.select_for_update().select_related("referral").get(pk=found.case_id)
    reviewer_id = Organisation.objects.filter(code=data.reviewer_org).values_list("id", flat=True).first() \
        if data.reviewer_org else None
    try:
        state, effects = historic_apply(CaseState.of(case), data, today=today, reviewer_org_id=reviewer_id)
    except RowRefused as exc:
        raise ValidationFailed(exc.message, {exc.column or "row": exc.message}) from None
    decision = decision_object(case_id=case.pk, effects=effects, actor=actor, sha256=sha256)
    decision._history_user = case._history_user = actor
    decision.save()
    CaseTransition.objects.bulk_create(transition_objects(case_id=case.pk, effects=effects, decision=decision,
                                                          actor=actor))
    for name, value in state.case_values().items():
        setattr(case, name, value)
    case.save()
    audit_record(actor=actor, action="decision.import_record", obj=decision,
                 detail={"case_id": case.pk, "kind": data.kind, "outcome": data.outcome, "status": case.status,
                         "review_recorded": decision.review_recorded_by_org_id is not None,
                         **({"file_sha256": sha256} if sha256 else {})})
    return decision
