"""Every write of operations: an operation, and its outcomes as records — a premises visit, a
potential victim identified (the NRM referral made during the operation), an arrest with its
charges, a charge (refused when the offence was not in force in that nation on the date of the
alleged offence: the offence engine decides), assets recovered or restrained, an intelligence
report gathered.

Keyword-only, the acting user passed in, one transaction, permission first, the audit event in the
same transaction (ids, codes and counts; never a name or an identifier). Checks that refuse *and
audit the refusal* (an operation outside the actor's organisations, an intelligence entity or
report they may not see, an NRM referral outside the operation) run before the write transaction
opens, so the refusal's audit event is kept when the refusal rolls the write back.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from palermo.accounts.models import Organisation
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound, TransitionRefused, ValidationFailed
from palermo.intelligence.models import PERSON, PREMISES, IntelligenceReport
from palermo.intelligence.selectors import entity_get_for_user, report_list_for_user
from palermo.law import engine
from palermo.law.offences import offence_get
from palermo.operations import reference as ref
from palermo.operations.models import (
    Arrest,
    AssetRecord,
    Charge,
    IntelligenceGathered,
    Operation,
    PremisesVisit,
    VictimIdentified,
)
from palermo.operations.rules import operation_orgs
from palermo.operations.schemas import (
    ArrestIn,
    AssetIn,
    ChargeIn,
    GatheredIn,
    OperationIn,
    PremisesVisitIn,
    VictimIn,
)
from palermo.operations.selectors import operation_in_scope, operation_scope_q

_DAY = "{d.day} {d:%B %Y}"


def _day(d: dt.date) -> str:
    return _DAY.format(d=d)


def _actor_org(actor, code: str, allowed: set[int] | None = None) -> Organisation:
    """The organisation the actor acts for: one where they are an intelligence officer (and, when
    ``allowed`` is given, that leads or takes part in the operation)."""
    orgs = [o for o in operation_orgs(actor) if allowed is None or o in allowed]
    if not operation_orgs(actor):
        raise NotAllowed("Only intelligence officers can record operations")
    if code:
        org = Organisation.objects.filter(code=code, pk__in=orgs).first()
        if org is None:
            raise ValidationFailed("You cannot act for that organisation here",
                                   {"organisation": "Enter the code of your organisation that leads or takes part"})
        return org
    return Organisation.objects.get(pk=orgs[0])


@transaction.atomic
def operation_create(*, actor, data: OperationIn) -> Operation:
    """Record an operation led by the actor's organisation, with the organisations taking part and
    its aims (codes in force on its first day)."""
    lead = _actor_org(actor, data.lead_organisation)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if data.starts_on > today:
        errors["starts_on"] = "The start date must be today or in the past"
    if data.ends_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = "The end date must be on or after the start date"
    aims = ref.codes_at(ref.AIMS, data.starts_on)
    if aims is None:
        errors["starts_on"] = f"Palermo has no list of aims before {_day(ref.first_day(ref.AIMS))}: enter a later start date"
    elif unknown := set(data.aims) - {a["code"] for a in aims.value}:
        errors["aims"] = f"Select aims from the list (not {', '.join(sorted(unknown))})"
    codes = set(data.participating_organisations)
    named = list(Organisation.objects.filter(code__in=codes))
    if len(named) != len(codes):
        errors["participating_organisations"] = "Enter the codes of organisations Palermo knows"
    if errors:
        raise ValidationFailed("The operation has values that need correcting", errors)
    op = Operation.objects.create(reference=f"OP-P-{timezone.now():%H%M%S%f}", name=data.name.strip(),
                                  starts_on=data.starts_on, ends_on=data.ends_on, lead_organisation=lead,
                                  aims=sorted(set(data.aims)), aims_version=aims.version, created_by=actor)
    op.reference = f"OP-{data.starts_on.year}-{op.pk:04d}"
    op.save(update_fields=["reference"])
    op.participating_organisations.set([o for o in named if o.pk != lead.pk])
    audit_record(actor=actor, action="operation.create", obj=op, detail={
        "lead": lead.code, "organisations": len(named), "aims": op.aims})
    return op


def _check_scope(actor, operation_id: int, action: str) -> None:
    """Before the write transaction: an intelligence officer whose organisation leads or takes part
    (404 no such operation; 403 audited, and the audit event kept)."""
    if not operation_orgs(actor):
        raise NotAllowed("Only intelligence officers can record operations")
    operation_in_scope(user=actor, operation_id=operation_id, action=action)


def _for_recording(actor, operation_id: int, code: str, action: str) -> tuple[Operation, Organisation]:
    """Inside the write transaction: lock the operation and check the scope again."""
    op = Operation.objects.select_for_update().filter(pk=operation_id).first()
    if op is None:
        raise NotFound("There is no such operation")
    if not Operation.objects.filter(operation_scope_q(operation_orgs(actor)), pk=op.pk).exists():
        raise NotAllowed("Your organisation does not lead or take part in this operation")
    taking_part = set(Organisation.objects.filter(pk=op.lead_organisation_id).values_list("pk", flat=True))
    taking_part |= set(op.participating_organisations.values_list("pk", flat=True))
    return op, _actor_org(actor, code, taking_part)


def _date_errors(op: Operation, day: dt.date, field: str, what: str) -> dict[str, str]:
    """A record's date is within the operation (from its start to its end, or to today)."""
    last = min(op.ends_on or timezone.localdate(), timezone.localdate())
    if day > timezone.localdate():
        return {field: f"The {what} must be today or in the past"}
    if not op.starts_on <= day <= last:
        return {field: f"The {what} must be during the operation, from {_day(op.starts_on)} to {_day(last)}"}
    return {}


def _entity(actor, reference: str, kinds: set[str], field: str):
    """An intelligence entity by reference (E-000123), which the actor may see (the intelligence
    app's handling codes apply: 403 audited there) and of the right kind."""
    if not reference:
        return None
    value = reference.strip().upper().removeprefix("E-")
    if not value.isdigit():
        raise ValidationFailed("The entity reference is not valid", {field: "Enter a reference like E-000012"})
    try:
        view = entity_get_for_user(user=actor, entity_id=int(value))
    except (NotFound, NotAllowed):
        raise ValidationFailed("You may not use that entity", {
            field: "Enter the reference of an entity in intelligence reports you may see"}) from None
    if view.entity.kind not in kinds:
        raise ValidationFailed("The entity is of the wrong kind", {field: "Enter the reference of a "
                               + " or ".join(sorted(k.replace('_', ' ') for k in kinds)) + " entity"})
    return view.entity


def premises_visit_record(*, actor, operation_id: int, data: PremisesVisitIn) -> PremisesVisit:
    _check_scope(actor, operation_id, "premises_visit")
    entity = _entity(actor, data.entity, {PREMISES}, "entity")
    with transaction.atomic():
        return _premises_visit_write(actor, operation_id, data, entity)


def _premises_visit_write(actor, operation_id: int, data: PremisesVisitIn, entity) -> PremisesVisit:
    op, org = _for_recording(actor, operation_id, data.organisation, "premises_visit")
    errors = _date_errors(op, data.visited_on, "visited_on", "date of the visit")
    kinds = ref.codes_at(ref.PREMISES_KINDS, data.visited_on)
    if kinds is None:
        errors.setdefault("visited_on", "Palermo has no list of kinds of premises for that date")
    elif data.kind not in {k["code"] for k in kinds.value}:
        errors["kind"] = "Select the kind of premises"
    if errors:
        raise ValidationFailed("The visit has values that need correcting", errors)
    visit = PremisesVisit.objects.create(operation=op, organisation=org, recorded_by=actor, visited_on=data.visited_on,
                                         kind=data.kind, kind_version=kinds.version, nation=data.nation, entity=entity)
    audit_record(actor=actor, action="operation.premises_visit", obj=visit, detail={
        "operation": op.pk, "kind": data.kind, "nation": data.nation, "entity": entity.pk if entity else None})
    return visit


def victim_identified_record(*, actor, operation_id: int, data: VictimIn) -> VictimIdentified:
    """Link the NRM case of a referral made during the operation by an organisation taking part. An
    intelligence officer sees no NRM records: a reference that does not exist and one outside the
    operation get the same answer, and the second is audited ``operation.victim_refused``. The
    victim's identity is never shown here (pseudonym only; docs/operations.md)."""
    from palermo.nrm.models import Referral

    _check_scope(actor, operation_id, "victim")
    op = Operation.objects.get(pk=operation_id)
    referral = Referral.objects.filter(reference=data.referral_reference.strip().upper()).select_related("case").first()
    taking_part = {op.lead_organisation_id, *op.participating_organisations.values_list("pk", flat=True)}
    last = min(op.ends_on or timezone.localdate(), timezone.localdate())
    in_scope = (referral is not None and getattr(referral, "case", None) is not None
                and referral.first_responder_org_id in taking_part and op.starts_on <= referral.received_on <= last)
    if not in_scope:
        if referral is not None:
            audit_record(actor=actor, action="operation.victim_refused", obj=op, detail={"referral": referral.pk})
        raise ValidationFailed("No referral with that reference was made during the operation", {
            "referral_reference": "Enter the reference of an NRM referral made during the operation by an "
                                  "organisation taking part in it"})
    with transaction.atomic():
        return _victim_write(actor, operation_id, data, referral)


def _victim_write(actor, operation_id: int, data: VictimIn, referral) -> VictimIdentified:
    op, org = _for_recording(actor, operation_id, data.organisation, "victim")
    if VictimIdentified.objects.filter(operation=op, case=referral.case).exists():
        raise TransitionRefused("This referral is already recorded for the operation")
    victim = VictimIdentified.objects.create(operation=op, organisation=org, recorded_by=actor, case=referral.case)
    audit_record(actor=actor, action="operation.victim", obj=victim, detail={"operation": op.pk, "case": referral.case.pk})
    return victim


def offence_in_force_problem(offence_id: str, nation: str, on: dt.date) -> str | None:
    """Why the offence could not be charged for conduct in ``nation`` on ``on`` (the offence
    engine's own test and words), or None when it was in force."""
    try:
        offence = offence_get(offence_id)
    except KeyError:
        return "Select an offence from the law data"
    try:
        engine._nations_in_force(offence, SimpleNamespace(date=on, jurisdiction=nation))  # noqa: SLF001
    except engine._Miss as miss:  # noqa: SLF001
        return f"This offence cannot be charged: {miss.reason.replace(offence.id, offence.title)}"
    return None


def _charge_errors(arrest_on: dt.date, nation: str, data: ChargeIn, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.charged_on > timezone.localdate():
        errors[prefix + "charged_on"] = "The date of the charge must be today or in the past"
    elif data.charged_on < arrest_on:
        errors[prefix + "charged_on"] = "The date of the charge must be on or after the arrest"
    if data.offence_on > data.charged_on:
        errors[prefix + "offence_on"] = "The date of the alleged offence must be on or before the charge"
    if problem := offence_in_force_problem(data.offence_id, nation, data.offence_on):
        errors[prefix + "offence_id"] = problem
    return errors


def _charge_new(actor, arrest: Arrest, data: ChargeIn) -> Charge:
    return Charge.objects.create(arrest=arrest, offence_id=data.offence_id, counts=data.counts,
                                 offence_on=data.offence_on, charged_on=data.charged_on, recorded_by=actor)


def arrest_record(*, actor, operation_id: int, data: ArrestIn) -> Arrest:
    """An arrest (linked to an intelligence person where known) with any charges already brought."""
    _check_scope(actor, operation_id, "arrest")
    entity = _entity(actor, data.entity, {PERSON}, "entity")
    with transaction.atomic():
        return _arrest_write(actor, operation_id, data, entity)


def _arrest_write(actor, operation_id: int, data: ArrestIn, entity) -> Arrest:
    op, org = _for_recording(actor, operation_id, data.organisation, "arrest")
    errors = _date_errors(op, data.arrested_on, "arrested_on", "date of the arrest")
    for i, c in enumerate(data.charges):
        errors.update(_charge_errors(data.arrested_on, data.nation, c, f"charges.{i}."))
    if errors:
        raise ValidationFailed("The arrest has values that need correcting", errors)
    arrest = Arrest.objects.create(operation=op, organisation=org, recorded_by=actor, arrested_on=data.arrested_on,
                                   nation=data.nation, entity=entity)
    for c in data.charges:
        _charge_new(actor, arrest, c)
    audit_record(actor=actor, action="operation.arrest", obj=arrest, detail={
        "operation": op.pk, "nation": data.nation, "entity": entity.pk if entity else None,
        "charges": [c.offence_id for c in data.charges]})
    return arrest


def charge_record(*, actor, arrest_id: int, data: ChargeIn) -> Charge:
    """Counts of one offence charged after an arrest; refused (with the engine's reason) when the
    offence was not in force in the nation of the arrest on the date of the alleged offence."""
    if not operation_orgs(actor):
        raise NotAllowed("Only intelligence officers can record operations")
    arrest = Arrest.objects.filter(pk=arrest_id).first()
    if arrest is None:
        raise NotFound("There is no such arrest")
    _check_scope(actor, arrest.operation_id, "charge")
    with transaction.atomic():
        return _charge_write(actor, arrest, data)


def _charge_write(actor, arrest: Arrest, data: ChargeIn) -> Charge:
    op, _org = _for_recording(actor, arrest.operation_id, "", "charge")
    errors = _charge_errors(arrest.arrested_on, arrest.nation, data)
    if errors:
        raise ValidationFailed("The charge has values that need correcting", errors)
    charge = _charge_new(actor, arrest, data)
    audit_record(actor=actor, action="operation.charge", obj=charge, detail={
        "operation": op.pk, "arrest": arrest.pk, "offence": data.offence_id, "counts": data.counts})
    return charge


def asset_record(*, actor, operation_id: int, data: AssetIn) -> AssetRecord:
    _check_scope(actor, operation_id, "asset")
    with transaction.atomic():
        return _asset_write(actor, operation_id, data)


def _asset_write(actor, operation_id: int, data: AssetIn) -> AssetRecord:
    op, org = _for_recording(actor, operation_id, data.organisation, "asset")
    errors = _date_errors(op, data.recorded_on, "recorded_on", "date")
    kinds = ref.codes_at(ref.ASSET_KINDS, data.recorded_on)
    if kinds is None or data.kind not in {k["code"] for k in kinds.value}:
        errors["kind"] = "Select the kind of asset"
    arrest = None
    if data.arrest:
        value = data.arrest.strip().upper().removeprefix("A-")
        arrest = Arrest.objects.filter(pk=int(value), operation=op).first() if value.isdigit() else None
        if arrest is None:
            errors["arrest"] = "Enter the reference of an arrest in this operation, like A-000012"
    if errors:
        raise ValidationFailed("The assets have values that need correcting", errors)
    record = AssetRecord.objects.create(operation=op, organisation=org, recorded_by=actor, recorded_on=data.recorded_on,
                                        kind=data.kind, amount_pence=data.amount_pence, arrest=arrest)
    audit_record(actor=actor, action="operation.asset", obj=record, detail={
        "operation": op.pk, "kind": data.kind, "amount_pence": data.amount_pence})
    return record


def intelligence_gathered_record(*, actor, operation_id: int, data: GatheredIn) -> IntelligenceGathered:
    """An intelligence report gathered during the operation: one the actor may see (handling codes
    apply), dated within the operation."""
    _check_scope(actor, operation_id, "intelligence")
    report = report_list_for_user(user=actor).filter(reference=data.report_reference.strip().upper()).first()
    if report is None:
        if IntelligenceReport.objects.filter(reference=data.report_reference.strip().upper()).exists():
            audit_record(actor=actor, action="intel.report_withheld", object_type="intelligence.intelligencereport",
                         detail={"during": "operation", "withheld": 1})
        raise ValidationFailed("There is no report with that reference you may see", {
            "report_reference": "Enter the reference of an intelligence report you may see, like IR-2008-000012"})
    with transaction.atomic():
        return _gathered_write(actor, operation_id, data, report)


def _gathered_write(actor, operation_id: int, data: GatheredIn, report) -> IntelligenceGathered:
    op, org = _for_recording(actor, operation_id, data.organisation, "intelligence")
    errors = _date_errors(op, report.reported_on, "report_reference", "date of the report")
    if errors:
        raise ValidationFailed("The report is not from the operation", errors)
    if IntelligenceGathered.objects.filter(operation=op, report=report).exists():
        raise TransitionRefused("This report is already recorded for the operation")
    row = IntelligenceGathered.objects.create(operation=op, organisation=org, recorded_by=actor, report=report)
    audit_record(actor=actor, action="operation.intelligence", obj=row, detail={"operation": op.pk, "report": report.pk})
    return row

