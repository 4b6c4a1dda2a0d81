"""Every write in the NRM: referrals, decisions, reviews, reconsiderations and withdrawals.

Each service is keyword-only, takes the acting user, runs in one transaction, checks permission
and the workflow table, and writes its audit event in that same transaction. Pages, the API and
the CSV import all call these, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import connection, transaction
from django.utils import timezone

from palermo.accounts.models import Organisation
from palermo.core import rows
from palermo.core.audit import audit_event_values, audit_record
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.core.history import history_created
from palermo.core.models import AuditEvent
from palermo.nrm import codes, deadlines, workflow
from palermo.nrm.models import (
    Case,
    CaseTransition,
    Decision,
    DutyToNotify,
    Referral,
    ReferralExploitationType,
    case_list_facts,
)
from palermo.nrm.routing import competent_authority_for
from palermo.nrm.schemas import DecisionIn, ElementsIn, ReferralIn, ReviewIn, WithdrawIn
from palermo.people.models import Person, new_pseudonym

NRM_START = dt.date(2009, 4, 1)  # seed note §5.1: NRM data from 1 April 2009


def _today() -> dt.date:
    return timezone.localdate()


# --- referrals ----------------------------------------------------------------------------


class ReferralLookups:
    """The database look-ups the referral rules and ``referral_create`` need, asked afresh each
    time. The bulk import (``referral_bulk.BulkLookups``) answers the same questions from what it
    read once for the whole import, or once a batch, so both paths apply one set of rules."""

    def local_authority(self, code: str) -> Organisation | None:
        return Organisation.objects.filter(code=code, kind="local_authority").first()

    def referring_orgs(self, actor) -> list[Organisation]:
        return actor.referring_organisations()

    def external_reference_taken(self, org: Organisation, external_reference: str) -> bool:
        return external_reference_taken(org=org, external_reference=external_reference)

    def competent_authority(self, *, on: dt.date, nationalities: list[str], immigration_enforcement: bool,
                            child: bool):
        return competent_authority_for(on=on, nationalities=nationalities,
                                       immigration_enforcement=immigration_enforcement, child=child)

    def rg_due(self, *, received_on: dt.date, nation: str) -> deadlines.Deadline:
        return deadlines.rg_due(received_on=received_on, nation=nation)

    def today(self) -> dt.date:
        return _today()


_LOOKUPS = ReferralLookups()


def referral_validate(*, actor, data: ReferralIn, lookups: ReferralLookups = _LOOKUPS) -> dict[str, str]:
    """Check a referral against the rules without writing anything. Returns {field: message}."""
    return referral_check(actor=actor, data=data, lookups=lookups)[0]


def referral_check(*, actor, data: ReferralIn,
                   lookups: ReferralLookups = _LOOKUPS) -> tuple[dict[str, str], Organisation | None]:
    """The rule errors, and the referring organisation when it could be determined."""
    errors: dict[str, str] = {}
    org = None
    if data.received_on > lookups.today():
        errors["received_on"] = "Date the referral was received must be today or in the past"
    elif data.received_on < NRM_START:
        errors["received_on"] = "Date the referral was received must be on or after 1 April 2009, when the NRM began"
    for field, list_name in (("exploitation_types", "exploitation_types"), ("indicators", "indicators"), ("flags", "flags")):
        bad = codes.unknown_codes(list_name, getattr(data, field))
        if bad:
            errors[field] = f"Unknown code: {', '.join(bad)}"
    if data.police_force_area and data.police_force_area not in codes.codes("police_force_areas"):
        errors["police_force_area"] = f"Unknown police force area: {data.police_force_area}"
    if data.exploitation_location in {"overseas", "both"} and not data.exploitation_country:
        errors["exploitation_country"] = "Enter the country where the exploitation happened"
    child = data.under_18 in {"yes", "not_sure"}
    if child:
        if data.consent != "not_required":
            errors["consent"] = "A child does not need to consent: set consent to not_required"
        if not data.local_authority:
            errors["local_authority"] = "Enter the local authority contacted about the child"
        elif lookups.local_authority(data.local_authority) is None:
            errors["local_authority"] = f"No local authority with code {data.local_authority}"
    elif data.consent == "not_required":
        errors["consent"] = "An adult must consent to a referral, or you must make a Duty to Notify report"
    needs_identity = data.consent in {"given", "not_required"} or not data.anonymous
    if needs_identity:
        if data.person is None:
            errors["person"] = "Enter the person's details"
        elif not (data.person.given_name.strip() or data.person.family_name.strip()):
            errors["person.family_name"] = "Enter the person's name"
    if data.anonymous and data.consent != "refused":
        errors["anonymous"] = "Only a Duty to Notify report (no consent) can be anonymous"
    if data.person and data.person.date_of_birth and data.person.date_of_birth > data.received_on:
        errors["person.date_of_birth"] = "Date of birth must be before the date the referral was received"
    elif data.person and data.person.date_of_birth and data.person.date_of_birth.year < data.received_on.year - 110:
        errors["person.date_of_birth"] = "Date of birth must be a real date of birth: check the year"
    elif data.person and data.person.date_of_birth and data.under_18 == "no":
        dob, on = data.person.date_of_birth, data.received_on
        age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
        if age < 18:
            # Safeguarding: a child must never be handled as an adult (consent, local authority).
            # The reverse (an adult date of birth but "under 18: yes or not sure") is allowed:
            # where age is disputed the person is treated as a child until assessed.
            errors["under_18"] = "The date of birth shows the person was under 18 when referred: answer yes or not sure"
    try:
        org = _referring_org(actor=actor, code=data.first_responder_org, lookups=lookups)
    except (NotAllowed, ValidationFailed) as exc:
        errors["first_responder_org"] = exc.message
    if org is not None and data.external_reference and lookups.external_reference_taken(org, data.external_reference):
        errors["external_reference"] = (f"{org.name} already has a referral with the earlier system's reference "
                                        f"{data.external_reference}: each reference can be used once")
    return errors, org


def external_reference_taken(*, org: Organisation, external_reference: str) -> bool:
    """Whether ``org`` already referred a case with this earlier-system reference (compared
    without regard to case, as the database constraint does)."""
    return Referral.objects.filter(first_responder_org=org, external_reference__iexact=external_reference).exists()


def _referring_org(*, actor, code: str, lookups: ReferralLookups = _LOOKUPS) -> Organisation:
    orgs = lookups.referring_orgs(actor)
    if not orgs:
        raise NotAllowed("You must be a first responder at a designated first responder organisation to refer")
    if code:
        org = next((o for o in orgs if o.code == code), None)
        if org is None:
            raise ValidationFailed("You are not a first responder at that organisation", {"first_responder_org": code})
        return org
    if len(orgs) > 1:
        raise ValidationFailed("Choose which of your organisations is referring", {"first_responder_org": "required"})
    return orgs[0]


def new_reference(prefix: str, year: int) -> str:
    """A new referral reference: NRM or DTN, the year received, eight random hex digits."""
    return f"{prefix}-{year}-{uuid.uuid4().hex[:8].upper()}"


_new_reference = new_reference


def referral_new(*, actor, data: ReferralIn, org: Organisation,
                 lookups: ReferralLookups = _LOOKUPS) -> tuple[Person | None, Referral, list[str]]:
    """The unsaved person (None for an anonymous Duty to Notify report), referral and sorted
    exploitation type codes of a referral that passed :func:`referral_check`. Shared by
    ``referral_create`` (one at a time) and the bulk import (``referral_bulk``), so both store the
    same values."""
    person = None
    if data.person is not None and not (data.consent == "refused" and data.anonymous):
        p = data.person
        person = Person(
            given_name=p.given_name.strip(), family_name=p.family_name.strip(), aliases="\n".join(p.aliases),
            date_of_birth=p.date_of_birth, dob_precision=p.dob_precision if p.date_of_birth else "unknown",
            claimed_age=p.claimed_age, assessed_age=p.assessed_age, gender=p.gender,
            nationalities=p.nationalities, languages=p.languages, interpreter_needed=p.interpreter_needed,
            contact_details=p.contact_details,
        )
        person.refresh_blind_indexes()
        person._history_user = actor
    la = lookups.local_authority(data.local_authority) if data.local_authority else None
    referral = Referral(
        reference=new_reference("NRM" if data.consent != "refused" else "DTN", data.received_on.year),
        external_reference=data.external_reference, person=person, first_responder_org=org, officer=actor, received_on=data.received_on,
        nation=data.nation, police_force_area=data.police_force_area,
        exploitation_location=data.exploitation_location, exploitation_country=data.exploitation_country,
        indicators=sorted(set(data.indicators)), flags=sorted(set(data.flags)), narrative=data.narrative,
        age_at_exploitation=data.age_at_exploitation, under_18=data.under_18, local_authority=la,
        consent=data.consent, immigration_enforcement=data.immigration_enforcement,
    )
    referral._history_user = actor
    return person, referral, sorted(set(data.exploitation_types))


def referral_outcome_new(*, actor, data: ReferralIn, referral: Referral,
                         lookups: ReferralLookups = _LOOKUPS) -> tuple[DutyToNotify | None, Case | None, dict]:
    """What a saved referral opens: a Duty to Notify report (an adult who does not consent), or
    an NRM case routed by the dated rule with its reasonable grounds target date. Unsaved, with
    the detail of the audit event that records it."""
    person = referral.person
    authority, rt = lookups.competent_authority(
        on=data.received_on,
        nationalities=person.nationalities if person else [],
        immigration_enforcement=data.immigration_enforcement,
        child=referral.is_child,
    )
    if data.consent == "refused":
        dtn = DutyToNotify(reference=referral.reference, referral=referral, anonymous=person is None, received_by=authority)
        return dtn, None, {"anonymous": dtn.anonymous}
    due = lookups.rg_due(received_on=data.received_on, nation=data.nation)
    case = Case(
        referral=referral, competent_authority=authority, routing_version=f"{rt.version}:{rt.rule}",
        rg_due=due.due, rg_due_version=due.version, **case_list_facts(referral),
    )
    case._history_user = actor
    return None, case, {"competent_authority": authority.code, "rg_due": due.due.isoformat(),
                        "rg_due_version": due.version, "child": referral.is_child}


def referral_step_values(*, actor, case: Case) -> dict:
    """The first step in a new (saved) case's history, referred, by attribute name."""
    return {"case_id": case.pk, "action": "refer", "from_status": "", "to_status": workflow.REFERRED,
            "actor_id": actor.pk, "on": case.referral.received_on}


def identifiers_fresh(person: Person | None, referral: Referral) -> None:
    """Draw a new person's pseudonym and a new referral's reference again while another record
    has it. Both are random (eight hex digits), so they clash by the birthday bound: among the
    ~170,000 people of ten years at today's rate a new pseudonym is taken about once in 25,000,
    which would refuse a valid referral with a database error about once a year. One query a
    try. (The bulk import checks a whole batch at once: ``referral_bulk._make_unique``.)"""
    qn = connection.ops.quote_name
    sql = (f"SELECT (SELECT COUNT(*) FROM {qn(Person._meta.db_table)} WHERE pseudonym = %s), "
           f"(SELECT COUNT(*) FROM {qn(Referral._meta.db_table)} WHERE reference = %s) + "
           f"(SELECT COUNT(*) FROM {qn(DutyToNotify._meta.db_table)} WHERE reference = %s)")
    while True:
        with connection.cursor() as cur:
            cur.execute(sql, [person.pseudonym if person else "", referral.reference, referral.reference])
            person_taken, reference_taken = cur.fetchone()
        if not person_taken and not reference_taken:
            return
        if person is not None and person_taken:
            person.pseudonym = new_pseudonym()
        if reference_taken:
            referral.reference = new_reference(referral.reference[:3], referral.received_on.year)


@transaction.atomic
def referral_create(*, actor, data: ReferralIn) -> Referral:
    """Record a referral. A child, or an adult who consents, opens an NRM case routed to the
    competent authority by the dated rule; an adult who does not consent produces a Duty to
    Notify report instead (seed note §5.1; design.md), which may be anonymous.

    Every row is written as the bulk import writes it, with prepared statements
    (``palermo.core.rows``): the same values as ``save()`` would store, without Django compiling
    each ``INSERT`` anew (issue 12: about half the CPU of a referral). The person, the referral
    and the case still send ``post_save`` (a new referral's linkage job); their history rows hold
    the ciphertext of their own rows."""
    if not actor.has_perm("nrm.create_referral"):
        raise NotAllowed("Only first responders can refer a potential victim")
    errors, org = referral_check(actor=actor, data=data)
    if errors:
        raise ValidationFailed("The referral has errors", errors)
    person, referral, types = referral_new(actor=actor, data=data, org=org)
    identifiers_fresh(person, referral)
    now = timezone.now()
    events, created = [], []
    if person is not None:  # its blind indexes are set (referral_new): nothing left for Person.save
        created.append((Person, rows.create(person, now=now)))
        referral.person = person
        events.append(audit_event_values(actor=actor, action="person.create", obj=person, occurred_at=now))
    created.append((Referral, rows.create(referral, now=now)))  # post_save: the linkage job
    rows.table(ReferralExploitationType).insert_values([{"referral_id": referral.pk, "code": c} for c in types], now=now)
    dtn, case, detail = referral_outcome_new(actor=actor, data=data, referral=referral)
    if dtn is not None:
        dtn.save()
        events.append(audit_event_values(actor=actor, action="duty_to_notify.create", obj=dtn, detail=detail,
                                         occurred_at=now))
    else:
        created.append((Case, rows.create(case, now=now)))
        rows.table(CaseTransition).insert_values([referral_step_values(actor=actor, case=case)], now=now)
        events.append(audit_event_values(actor=actor, action="referral.create", obj=referral,
                                         detail={"case_id": case.pk, **detail}, occurred_at=now))
    history_created(created, user=actor, date=now)
    rows.table(AuditEvent).insert_values(events, now=now)
    return referral


# --- decisions ----------------------------------------------------------------------------


def _transition(*, case: Case, action: str, actor, on: dt.date, decision: Decision | None = None,
                reason_code: str = "", note: str = "") -> str:
    new = workflow.next_status(case.status, action)
    CaseTransition.objects.create(case=case, action=action, from_status=case.status, to_status=new,
                                  actor=actor, on=on, decision=decision, reason_code=reason_code, note=note)
    case.status = new
    return new


def _lock(case: Case) -> Case:
    """Re-read the case inside the transaction, locked on PostgreSQL, so two people deciding at
    once cannot both succeed."""
    return Case.objects.select_for_update().select_related("referral").get(pk=case.pk)


def _letter_issue(*, actor, decision: Decision) -> None:
    """Record who the decision's letter goes to, now that it takes effect: for a child the lead
    local authority and the named person, never the child (``palermo.children``)."""
    from palermo.children.services import decision_letter_issue

    decision_letter_issue(actor=actor, decision=decision)


def _check_reasons(data: DecisionIn, list_name: str, *, child: bool = True) -> None:
    known = codes.codes(list_name)
    bad = [c for c in data.reason_codes if c not in known]
    if bad:
        raise ValidationFailed("Unknown reason code", {"reason_codes": f"Unknown code: {', '.join(bad)}"})
    adult_misuse = [c for c in data.reason_codes if known[c].children_only and not child]
    if adult_misuse:
        raise ValidationFailed("Reason applies only to a child",
                               {"reason_codes": f"{', '.join(adult_misuse)} applies only to a child"})
    wrong = [c for c in data.reason_codes if known[c].applies_to and data.outcome not in known[c].applies_to]
    if wrong:
        raise ValidationFailed(
            "Reason does not fit the outcome",
            {"reason_codes": f"{', '.join(wrong)} cannot be a reason for a {data.outcome} decision"},
        )


@transaction.atomic
def decision_record(*, actor, case: Case, data: DecisionIn) -> Decision:
    """Record a reasonable grounds, conclusive grounds or reconsideration decision.

    * positive RG: opens the recovery period; stores its minimum end and the earliest CG date;
    * CG: refused before the earliest date the recovery period allows;
    * negative RG/CG: waits for a second person's review before it takes effect;
    * reconsideration: only of a negative outcome in effect, within the dated window; positive
      reopens the case for a fresh decision, negative leaves the outcome standing.
    """
    if not actor.has_perm("nrm.decide_case", case):
        raise NotAllowed("Only a decision maker at the competent authority this case is routed to can decide it")
    case = _lock(case)
    today = _today()
    if data.decided_on > today:
        raise ValidationFailed("Decision date is in the future", {"decided_on": "Date of the decision must be today or in the past"})
    if data.decided_on < case.referral.received_on:
        raise ValidationFailed("Decision before referral", {"decided_on": "Date of the decision must be on or after the date the referral was received"})
    versions: dict[str, str] = {}
    if data.kind == "reconsideration":
        _check_reasons(data, "reconsideration_reasons")
        action = "reconsider_accept" if data.outcome == "positive" else "reconsider_refuse"
        workflow.next_status(case.status, action)  # refuses unless a negative outcome is in effect
        if case.reconsideration_deadline and data.decided_on > case.reconsideration_deadline:
            raise TransitionRefused(
                f"Cannot reconsider: the window closed on {case.reconsideration_deadline:%A %-d %B %Y}"
            )
        state = "effective"
    else:
        _check_reasons(data, "decision_reasons", child=case.referral.is_child)
        stage = "rg" if data.kind == "reasonable_grounds" else "cg"
        action = f"{stage}_{data.outcome}"
        workflow.next_status(case.status, action)
        if stage == "cg":
            if case.cg_earliest and data.decided_on < case.cg_earliest:
                raise TransitionRefused(
                    f"You can record the conclusive grounds decision from {case.cg_earliest:%A %-d %B %Y}, "
                    "the end of the minimum recovery period"
                )
        if stage == "rg" and case.rg_decided_on is None and data.decided_on < case.referral.received_on:
            raise TransitionRefused("Cannot decide before the referral was received")
        state = "awaiting_review" if data.outcome == "negative" else "effective"
    decision = Decision.objects.create(
        case=case, kind=data.kind, outcome=data.outcome, decided_on=data.decided_on, decided_by=actor,
        reason_codes=sorted(set(data.reason_codes)), reason_text=data.reason_text, state=state,
    )
    _transition(case=case, action=action, actor=actor, on=data.decided_on, decision=decision)
    if action == "rg_positive":
        case.rg_decided_on = data.decided_on
        rp = deadlines.recovery_period_min_end(rg_decided_on=data.decided_on)
        cg = deadlines.cg_earliest(rg_decided_on=data.decided_on)
        case.recovery_period_start = data.decided_on
        case.recovery_period_min_end, case.recovery_version = rp.due, rp.version
        case.cg_earliest, case.cg_earliest_version = cg.due, cg.version
        versions = {"recovery_period": rp.version, "cg_earliest": cg.version}
    elif action == "cg_positive":
        case.cg_decided_on = data.decided_on
    elif action == "reconsider_accept":
        case.reconsideration_deadline, case.reconsideration_version = None, ""
        if case.status == workflow.REFERRED:
            case.rg_decided_on = None
    if versions:
        decision.parameter_versions = versions
        decision.save(update_fields=["parameter_versions"])
    case.save()
    if state == "effective":
        _letter_issue(actor=actor, decision=decision)
    audit_record(actor=actor, action="decision.record", obj=decision,
                 detail={"case_id": case.pk, "kind": data.kind, "outcome": data.outcome, "state": state,
                         "status": case.status, **versions})
    return decision


@transaction.atomic
def decision_review(*, actor, decision: Decision, data: ReviewIn) -> Decision:
    """Second review of a negative decision. Agreeing makes it take effect (and opens the
    reconsideration window); returning it puts the case back for a fresh decision. The reviewer
    must be a different person from the decision maker."""
    case = decision.case
    if not actor.has_perm("nrm.review_decision", case):
        raise NotAllowed("Only a reviewer at the competent authority this case is routed to can review its decisions")
    case = _lock(case)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.state != "awaiting_review":
        raise TransitionRefused("Cannot review: this decision is not awaiting a second review")
    if decision.decided_by_id == actor.pk:
        raise TransitionRefused("Cannot review your own decision: a second person must agree a negative decision")
    if data.reviewed_on < decision.decided_on:
        raise ValidationFailed("Review before decision", {"reviewed_on": "Date of the review must be on or after the date of the decision"})
    if data.reviewed_on > _today():
        raise ValidationFailed("Review date is in the future", {"reviewed_on": "Date of the review must be today or in the past"})
    if not data.agree and not data.note.strip():
        raise ValidationFailed("Reason needed", {"note": "Enter why you are returning the decision"})
    action = "review_agree" if data.agree else "review_return"
    _transition(case=case, action=action, actor=actor, on=data.reviewed_on, decision=decision)
    decision.state = "effective" if data.agree else "returned"
    decision.reviewed_by, decision.reviewed_on, decision.review_note = actor, data.reviewed_on, data.note
    decision.save()
    detail = {"case_id": case.pk, "agree": data.agree, "status": case.status}
    if data.agree:
        rc = deadlines.reconsideration_deadline(effective_on=data.reviewed_on)
        case.reconsideration_deadline, case.reconsideration_version = rc.due, rc.version
        detail["reconsideration_deadline"] = rc.due.isoformat()
        if decision.kind == "reasonable_grounds":
            case.rg_decided_on = decision.decided_on
        else:
            case.cg_decided_on = decision.decided_on
    case.save()
    if data.agree:
        _letter_issue(actor=actor, decision=decision)
    audit_record(actor=actor, action="decision.review", obj=decision, detail=detail)
    return decision


@transaction.atomic
def case_withdraw(*, actor, case: Case, data: WithdrawIn) -> Case:
    """Withdraw an open case (the person withdrew, went missing, left the UK…)."""
    if not actor.has_perm("nrm.withdraw_case", case):
        raise NotAllowed("Only the referring organisation or the deciding competent authority can withdraw this case")
    case = _lock(case)
    if data.reason_code not in codes.codes("withdrawal_reasons"):
        raise ValidationFailed("Unknown reason", {"reason_code": f"Unknown code: {data.reason_code}"})
    if data.withdrawn_on > _today() or data.withdrawn_on < case.referral.received_on:
        raise ValidationFailed("Bad date", {"withdrawn_on": "Date of withdrawal must be between the referral date and today"})
    _transition(case=case, action="withdraw", actor=actor, on=data.withdrawn_on, reason_code=data.reason_code,
                note=data.note.strip())
    case.withdrawn_on, case.withdrawal_reason = data.withdrawn_on, data.reason_code
    case.save()
    audit_record(actor=actor, action="case.withdraw", obj=case, detail={"reason": data.reason_code})
    return case


@transaction.atomic
def case_elements_record(*, actor, case: Case, data: ElementsIn) -> Case:
    """Record which elements of the Palermo definition (act, means, purpose; seed note §1) the
    evidence on this case shows. A decision maker's record for the decision; it changes no
    status and decides nothing."""
    from palermo.law.selectors import palermo_element_codes

    if not actor.has_perm("nrm.decide_case", case):
        raise NotAllowed("Only a decision maker at the competent authority this case is routed to can record this")
    allowed = palermo_element_codes()
    errors = {}
    for element in ("act", "means", "purpose"):
        bad = [c for c in getattr(data, element) if c not in allowed[element]]
        if bad:
            errors[element] = f"Unknown code: {', '.join(bad)}"
    if errors:
        raise ValidationFailed("Unknown element codes", errors)
    case = _lock(case)
    case.elements_act, case.elements_means, case.elements_purpose = (
        sorted(set(data.act)), sorted(set(data.means)), sorted(set(data.purpose)))
    case.elements_recorded_by, case.elements_recorded_at = actor, timezone.now()
    case.save()
    audit_record(actor=actor, action="case.elements_record", obj=case,
                 detail={"act": case.elements_act, "means": case.elements_means, "purpose": case.elements_purpose})
    return case
