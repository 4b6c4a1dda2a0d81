"""Every write of justice records: recording a prosecution (defendants and charges), recording the
outcome of a charge (with the sentence for a finding of guilt), and tying an NRM potential victim
to a prosecution with a lawful reason.

Keyword-only, the acting user passed in, one transaction, permission first, audit event in the
same transaction (ids, codes and counts; never a name, a court's name or free text).
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from palermo.accounts.models import Organisation
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.intelligence.models import PERSON, Entity
from palermo.intelligence.selectors import visible_entities_q
from palermo.justice.models import COURT_NATIONS, Charge, Defendant, Prosecution, ProsecutionVictim
from palermo.justice.offences import in_force_version, offence_refusal
from palermo.justice.reference import disposals, statutory_severity
from palermo.justice.rules import justice_orgs
from palermo.justice.schemas import OutcomeIn, ProsecutionIn, ProsecutionVictimIn
from palermo.justice.selectors import charge_get_for_user, prosecution_get_for_user


def _recording_org(actor, code: str) -> Organisation:
    orgs = justice_orgs(actor)
    if not orgs:
        raise NotAllowed("Only intelligence officers can record prosecutions")
    if code:
        org = Organisation.objects.filter(code=code, pk__in=orgs).first()
        if org is None:
            raise ValidationFailed("You are not an intelligence officer of that organisation",
                                   {"organisation": "Enter the code of an organisation you are an intelligence officer of"})
        return org
    return Organisation.objects.get(pk=orgs[0])


def _operation(actor, reference: str):
    """The operation ``reference`` if the actor's organisation leads or takes part in it, else None
    (one answer for "no such operation" and "not yours", so the form discloses nothing)."""
    from palermo.operations.selectors import operation_list_for_user

    return operation_list_for_user(user=actor).filter(reference=reference.strip()).first()


def prosecution_errors(*, actor, data: ProsecutionIn) -> dict[str, str]:
    """Field -> message for everything wrong with ``data`` (empty when it can be recorded): the
    court must sit in the nation, dates must be in order and not in the future, each defendant a
    person entity the actor may see (once), each offence in force on its date in that nation."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if data.nation not in COURT_NATIONS[data.court_kind]:
        errors["court_kind"] = "Select a court that sits in the nation whose law applies"
    if data.charged_on > today:
        errors["charged_on"] = "The date of charge must be today or in the past"
    if data.operation.strip() and _operation(actor, data.operation) is None:
        errors["operation"] = "Enter the reference of an operation your organisation leads or takes part in"
    ids = [d.entity_id for d in data.defendants]
    visible = set(Entity.objects.filter(visible_entities_q(actor), pk__in=ids, kind=PERSON).values_list("pk", flat=True))
    seen: set[int] = set()
    for i, d in enumerate(data.defendants):
        if d.entity_id not in visible:
            errors[f"defendants.{i}.entity_id"] = "Enter the reference of a person in intelligence you may see"
        elif d.entity_id in seen:
            errors[f"defendants.{i}.entity_id"] = "Enter each defendant once"
        seen.add(d.entity_id)
        for j, c in enumerate(d.charges):
            key = f"defendants.{i}.charges.{j}"
            if c.offence_on > data.charged_on:
                errors[f"{key}.offence_on"] = "The date of the offence must be on or before the date of charge"
                continue
            refusal = offence_refusal(c.offence_id, data.nation, c.offence_on)
            if refusal:
                errors[f"{key}.offence_id"] = refusal
    return errors


@transaction.atomic
def prosecution_create(*, actor, data: ProsecutionIn) -> Prosecution:
    """Record a prosecution with its defendants and charges; every charge is checked against the
    law in force on the offence date in the court's nation (and the entry checked is stored)."""
    org = _recording_org(actor, data.organisation)
    errors = prosecution_errors(actor=actor, data=data)
    if errors:
        raise ValidationFailed("The prosecution has values that need correcting", errors)
    p = Prosecution.objects.create(reference=f"PR-P-{uuid.uuid4().hex[:12]}", organisation=org,
                                   recorded_by=actor, nation=data.nation, court_kind=data.court_kind,
                                   court_name=data.court_name.strip(), charged_on=data.charged_on,
                                   operation=_operation(actor, data.operation) if data.operation.strip() else None)
    p.reference = f"PR-{data.charged_on.year}-{p.pk:06d}"
    p.save(update_fields=["reference"])
    charges = 0
    for d in data.defendants:
        defendant = Defendant.objects.create(prosecution=p, entity_id=d.entity_id)
        Charge.objects.bulk_create([
            Charge(defendant=defendant, offence_id=c.offence_id, offence_on=c.offence_on,
                   in_force_version=in_force_version(c.offence_id, data.nation, c.offence_on)) for c in d.charges])
        charges += len(d.charges)
    audit_record(actor=actor, action="justice.prosecution_create", obj=p, detail={
        "organisation": org.code, "nation": data.nation, "court_kind": data.court_kind,
        "defendants": len(data.defendants), "charges": charges, "operation": p.operation_id,
        "offences": sorted({c.offence_id for d in data.defendants for c in d.charges})})
    return p


def outcome_errors(*, charge: Charge, data: OutcomeIn) -> dict[str, str]:
    """The sentence fits the outcome and the law: only a finding of guilt carries a disposal; a
    custodial disposal needs its term, no longer than the offence's statutory maximum on the offence
    date; a fine needs its amount; the date is after the charge and not in the future."""
    errors: dict[str, str] = {}
    p = charge.defendant.prosecution
    if data.outcome_on > timezone.localdate():
        errors["outcome_on"] = "The date of the outcome must be today or in the past"
    elif data.outcome_on < p.charged_on:
        errors["outcome_on"] = "The date of the outcome must be on or after the date of charge"
    kinds = {d.code: d for d in disposals()}
    if data.outcome != "convicted":
        if data.disposal or data.custody_months or data.fine_pounds or data.confiscation_pounds:
            errors["disposal"] = "Leave the sentence empty: only a finding of guilt carries a sentence"
        return errors
    if not data.disposal:
        errors["disposal"] = "Select the sentence imposed for this offence"
        return errors
    kind = kinds[data.disposal]
    if kind.custodial:
        if not data.custody_months:
            errors["custody_months"] = "Enter the custodial term in months"
        else:
            maximum = statutory_severity(charge.offence_id, charge.offence_on)
            if data.custody_months > maximum.custody_months:
                errors["custody_months"] = (f"The custodial term must be no longer than the statutory maximum for "
                                            f"this offence, {maximum.words()}")
    elif data.custody_months:
        errors["custody_months"] = "Leave the custodial term empty for a sentence that is not custodial"
    if kind.fine and not data.fine_pounds:
        errors["fine_pounds"] = "Enter the fine in pounds"
    return errors


def charge_outcome_record(*, actor, charge_id: int, data: OutcomeIn) -> Charge:
    """Record what became of one charge. A final outcome is not changed afterwards (409); a
    charge sent to the Crown Court may then get its final outcome. Scope is checked first, outside
    the write's transaction, so a refusal's audit event is kept."""
    charge_get_for_user(user=actor, charge_id=charge_id)
    with transaction.atomic():
        return _charge_outcome_write(actor=actor, charge_id=charge_id, data=data)


def _charge_outcome_write(*, actor, charge_id: int, data: OutcomeIn) -> Charge:
    charge = charge_get_for_user(user=actor, charge_id=charge_id, lock=True)
    if charge.outcome not in {"pending", "committed"}:
        raise TransitionRefused("The outcome of this charge is already recorded")
    errors = outcome_errors(charge=charge, data=data)
    if errors:
        raise ValidationFailed("The outcome has values that need correcting", errors)
    charge.outcome, charge.outcome_on, charge.disposal = data.outcome, data.outcome_on, data.disposal
    charge.custody_months, charge.fine_pounds, charge.outcome_recorded_by = data.custody_months, data.fine_pounds, actor
    charge.save(update_fields=["outcome", "outcome_on", "disposal", "custody_months", "fine_pounds",
                               "outcome_recorded_by"])
    if data.confiscation_pounds:
        Defendant.objects.filter(pk=charge.defendant_id).update(confiscation_pounds=data.confiscation_pounds)
    audit_record(actor=actor, action="justice.charge_outcome", obj=charge, detail={
        "prosecution": charge.defendant.prosecution_id, "offence": charge.offence_id, "outcome": data.outcome,
        "disposal": data.disposal, "confiscation": bool(data.confiscation_pounds)})
    return charge


def prosecution_victim_record(*, actor, prosecution_id: int, data: ProsecutionVictimIn) -> ProsecutionVictim:
    """Tie an NRM potential victim to a prosecution, with the lawful reason (as
    ``intelligence.victim_link_record``): only the recording organisation sees the identity. Scope
    is checked first, outside the write's transaction, so a refusal's audit event is kept."""
    prosecution_get_for_user(user=actor, prosecution_id=prosecution_id, audit=False)
    with transaction.atomic():
        return _victim_write(actor=actor, prosecution_id=prosecution_id, data=data)


def _victim_write(*, actor, prosecution_id: int, data: ProsecutionVictimIn) -> ProsecutionVictim:
    from palermo.people.models import Person

    view = prosecution_get_for_user(user=actor, prosecution_id=prosecution_id, audit=False)
    person = Person.objects.filter(pseudonym=data.pseudonym.strip().upper()).first()
    if person is None:
        raise ValidationFailed("There is no NRM person with that reference",
                               {"pseudonym": "Enter the reference of an NRM person, like P-7K2M9Q"})
    org = Organisation.objects.get(pk=justice_orgs(actor)[0])
    if ProsecutionVictim.objects.filter(prosecution=view.prosecution, person=person).exists():
        raise TransitionRefused("This person is already recorded on this prosecution")
    link = ProsecutionVictim.objects.create(prosecution=view.prosecution, person=person, organisation=org,
                                            lawful_reason=data.lawful_reason, reason_text=data.reason_text,
                                            recorded_by=actor)
    audit_record(actor=actor, action="justice.victim_link", obj=link, detail={
        "prosecution": view.prosecution.pk, "person": person.pk, "lawful_reason": data.lawful_reason,
        "organisation": org.code})
    return link
