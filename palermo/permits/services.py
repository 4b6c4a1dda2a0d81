"""Every write on residence permits: recording an application (or a renewal) and deciding it.

Each service is keyword-only, takes the acting user, runs in one transaction with the case row
locked (so two people cannot open two applications, or decide one twice, at once), checks
permission, then the case's state, then the values, and writes its audit event in the same
transaction. Pages and the API call these, so they cannot disagree.

Refusals: 403 (``NotAllowed``) for someone who may not do this on this case; 409
(``TransitionRefused``) when the case is not in a state that allows it — no positive conclusive
grounds decision, an application already awaiting a decision, no application to decide, a permit
in force (apply to renew it), nothing to renew; 422 (``ValidationFailed``) for values that are
wrong — dates, a ground the rules of the day do not recognise, unknown or ill-fitting reasons.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.law.parameters import ParameterError
from palermo.law.permits import PermitRules, permit_dates, permit_rules_at
from palermo.law.vocab import PERMIT_GROUND_LABELS
from palermo.nrm import workflow
from palermo.nrm.models import Case
from palermo.permits import codes
from palermo.permits.models import DECIDED, GRANTED, OPEN, Permit, PermitApplication, PermitDecision
from palermo.permits.schemas import PermitApplicationIn, PermitDecisionIn


def _today() -> dt.date:
    return timezone.localdate()


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _lock(case: Case) -> Case:
    """Re-read the case inside the transaction, locked on PostgreSQL."""
    return Case.objects.select_for_update().select_related("referral").get(pk=case.pk)


def _require_identified(case: Case) -> None:
    """Seed note §5.2: the permit is for *identified* victims — a positive conclusive grounds
    decision in effect (the workflow's ``identified`` state)."""
    if case.status != workflow.IDENTIFIED:
        raise TransitionRefused(
            "A residence permit is only for a person identified as a victim (a positive conclusive grounds "
            f"decision): this case's status is '{workflow.STATUS_LABELS[case.status]}'.")


def _rules_on(day: dt.date, field: str) -> PermitRules:
    try:
        return permit_rules_at(day)
    except ParameterError:
        raise ValidationFailed("No permit rules in force on that date", {
            field: "The date must be on or after 1 April 2009, when residence permits for victims began"}) from None


def open_application(case: Case) -> PermitApplication | None:
    return case.permit_applications.filter(state=OPEN).first()


def latest_permit(case: Case) -> Permit | None:
    return case.permits.order_by("-starts_on", "-id").first()


@transaction.atomic
def permit_application_create(*, actor, case: Case, data: PermitApplicationIn) -> PermitApplication:
    """Record an application for a residence permit, or for the renewal of the case's latest
    permit (``data.renewal``), for a person identified as a victim.

    * a new application is refused while a permit is in force on its date, or granted to start
      later (renew it instead);
    * a renewal needs a permit and must be applied for on or before the day it expires;
    * every ground must be one the rules in force on the application date recognise
      (``support.residence_permit_eligibility``); the rule version is stored.
    """
    if not actor.has_perm("permits.record_application", case):
        raise NotAllowed("Only a decision maker at the competent authority this case is routed to can record "
                         "a permit application")
    case = _lock(case)
    _require_identified(case)
    pending = open_application(case)
    if pending is not None:
        raise TransitionRefused(f"An application made on {_d(pending.applied_on)} is awaiting a decision: "
                                "record the decision on it first.")
    today = _today()
    if data.applied_on > today:
        raise ValidationFailed("Application date in the future",
                               {"applied_on": "Date of the application must be today or in the past"})
    if case.cg_decided_on and data.applied_on < case.cg_decided_on:
        raise ValidationFailed("Application before identification", {
            "applied_on": "Date of the application must be on or after the positive conclusive grounds decision "
                          f"({_d(case.cg_decided_on)})"})
    rules = _rules_on(data.applied_on, "applied_on")
    wrong = [g for g in data.grounds if g not in rules.grounds]
    if wrong:
        allowed = "; ".join(PERMIT_GROUND_LABELS[g] for g in rules.grounds)
        raise ValidationFailed("Ground not in the rules", {
            "grounds": f"Select only grounds the rules in force on {_d(data.applied_on)} recognise: {allowed}"})
    latest = latest_permit(case)
    renews = None
    if data.renewal:
        if latest is None:
            raise TransitionRefused("There is no permit to renew on this case: record a new application.")
        if not rules.renewable:
            raise TransitionRefused(f"The rules in force on {_d(data.applied_on)} do not renew a permit.")
        if data.applied_on > latest.expires_on:
            raise ValidationFailed("Renewal after expiry", {
                "applied_on": f"A renewal must be applied for on or before the day the permit expires "
                              f"({_d(latest.expires_on)}): record a new application instead"})
        if data.applied_on < latest.starts_on:
            raise ValidationFailed("Renewal before the permit", {
                "applied_on": f"Date of the application must be on or after the day the permit starts "
                              f"({_d(latest.starts_on)})"})
        renews = latest
    elif latest is not None and latest.expires_on >= data.applied_on:
        raise TransitionRefused(f"A permit is in force until {_d(latest.expires_on)}: record a renewal application "
                                "instead.")
    application = PermitApplication.objects.create(
        case=case, grounds=list(dict.fromkeys(data.grounds)), investigation_reference=data.investigation_reference,
        applied_on=data.applied_on, renews=renews, state=OPEN, rules_version=rules.version, recorded_by=actor)
    audit_record(actor=actor, action="permit_application.create", obj=application, detail={
        "case_id": case.pk, "grounds": application.grounds, "renewal": renews is not None,
        "renews_permit_id": renews.pk if renews else None, "rules_version": rules.version,
        "investigation_reference_recorded": bool(data.investigation_reference)})
    return application


def _check_reasons(data: PermitDecisionIn) -> None:
    known = codes.codes()
    bad = [c for c in data.reason_codes if c not in known or known[c].disabled_on]
    if bad:
        raise ValidationFailed("Unknown reason code", {"reason_codes": f"Unknown code: {', '.join(bad)}"})
    wrong = [c for c in data.reason_codes if known[c].applies_to and data.outcome not in known[c].applies_to]
    if wrong:
        word = "a grant" if data.outcome == GRANTED else "a refusal"
        raise ValidationFailed("Reason does not fit the outcome",
                               {"reason_codes": f"{', '.join(wrong)} cannot be a reason for {word}"})


@transaction.atomic
def permit_decide(*, actor, case: Case, data: PermitDecisionIn) -> PermitDecision:
    """Decide the application awaiting a decision on ``case``: granted or refused, with coded
    reasons that fit the outcome. A grant creates the permit:

    * it starts on the decision date, or — for a renewal — on the day the permit it renews
      expires, so the person's permission runs on without a gap;
    * it expires on its start plus the months in force on the decision date, and is due for
      renewal the reminder days in force that day before it expires (both versions stored).

    Palermo records the decision maker's decision; whatever the eligibility explanation said, the
    decision is theirs.
    """
    if not actor.has_perm("permits.decide_permit", case):
        raise NotAllowed("Only a decision maker at the competent authority this case is routed to can decide a "
                         "permit application")
    case = _lock(case)
    application = PermitApplication.objects.select_for_update().filter(case=case, state=OPEN).first()
    if application is None:
        raise TransitionRefused("There is no permit application awaiting a decision on this case.")
    _require_identified(case)
    if data.decided_on > _today():
        raise ValidationFailed("Decision date in the future",
                               {"decided_on": "Date of the decision must be today or in the past"})
    if data.decided_on < application.applied_on:
        raise ValidationFailed("Decision before application", {
            "decided_on": f"Date of the decision must be on or after the date of the application "
                          f"({_d(application.applied_on)})"})
    _check_reasons(data)
    dates = None
    if data.outcome == GRANTED:
        _rules_on(data.decided_on, "decided_on")
        start = application.renews.expires_on if application.renews_id else data.decided_on
        dates = permit_dates(starts_on=start, granted_on=data.decided_on)
    decision = PermitDecision.objects.create(
        application=application, outcome=data.outcome, reason_codes=sorted(set(data.reason_codes)),
        reason_text=data.reason_text.strip(), decided_on=data.decided_on, decided_by=actor)
    application.state = DECIDED
    application.save(update_fields=["state"])
    detail = {"case_id": case.pk, "application_id": application.pk, "outcome": data.outcome,
              "reason_codes": decision.reason_codes, "renewal": application.renews_id is not None}
    if dates is not None:
        permit = Permit.objects.create(
            case=case, decision=decision, starts_on=dates.starts_on, expires_on=dates.expires_on, months=dates.months,
            months_version=dates.months_version, reminder_on=dates.reminder_on, reminder_version=dates.reminder_version)
        detail.update(permit_id=permit.pk, starts_on=dates.starts_on.isoformat(), expires_on=dates.expires_on.isoformat(),
                      reminder_on=dates.reminder_on.isoformat(), months_version=dates.months_version,
                      reminder_version=dates.reminder_version)
    audit_record(actor=actor, action="permit.decide", obj=decision, detail=detail)
    return decision
