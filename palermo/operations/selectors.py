"""Every read of operations. :func:`operation_list_for_user` is the scope: an intelligence officer
sees the operations their organisation leads or takes part in; analysts and monitors see every
operation, but only its aggregate report (:func:`operation_report_get_for_user`). The records of an
operation (:func:`operation_get_for_user`) are for intelligence officers in scope only. A refused
read is audited; no such operation is 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.intelligence.models import VictimLink
from palermo.intelligence.selectors import report_list_for_user
from palermo.operations.models import (
    Arrest,
    AssetRecord,
    Charge,
    IntelligenceGathered,
    Operation,
    PremisesVisit,
    VictimIdentified,
)
from palermo.operations.rules import operation_orgs, sees_all_reports

_PARTICIPATING = Operation.participating_organisations.through


def operation_scope_q(orgs: list[int]) -> Q:
    """Operations that one of ``orgs`` leads or takes part in."""
    if not orgs:
        return Q(pk__in=[])
    taking_part = _PARTICIPATING.objects.filter(organisation_id__in=orgs).values("operation_id")
    return Q(lead_organisation_id__in=orgs) | Q(pk__in=taking_part)


def operation_list_for_user(*, user) -> QuerySet[Operation]:
    """THE scope: the operations ``user`` may see (their records or, for analysts and monitors, the report)."""
    qs = Operation.objects.select_related("lead_organisation").order_by("-starts_on", "-id")
    if sees_all_reports(user):
        return qs
    return qs.filter(operation_scope_q(operation_orgs(user)))


def _get(operation_id: int) -> Operation:
    op = Operation.objects.select_related("lead_organisation").filter(pk=operation_id).first()
    if op is None:
        raise NotFound("There is no such operation")
    return op


def operation_in_scope(*, user, operation_id: int, action: str) -> Operation:
    """The operation if ``user``'s organisation leads or takes part in it (intelligence officers);
    404 if there is none, 403 audited ``operation.refused`` otherwise."""
    op = _get(operation_id)
    if not Operation.objects.filter(operation_scope_q(operation_orgs(user)), pk=op.pk).exists():
        audit_record(actor=user, action="operation.refused", obj=op, detail={"during": action})
        raise NotAllowed("Your organisation does not lead or take part in this operation")
    return op


@dataclass
class VictimView:
    record: VictimIdentified
    pseudonym: str
    child: bool
    exploitation_types: list[str]
    received_on: object
    name: str | None  # only where the reader's organisation recorded a lawful reason (intelligence)
    exploitation_labels: list[str] = field(default_factory=list)


@dataclass
class OperationView:
    operation: Operation
    premises: list[PremisesVisit]
    victims: list[VictimView]
    arrests: list[tuple[Arrest, list[Charge]]]
    assets: list[AssetRecord]
    reports: list
    reports_withheld: int
    participating: list = field(default_factory=list)


def operation_get_for_user(*, user, operation_id: int) -> OperationView:
    """An operation with its records by kind, for an intelligence officer whose organisation leads or
    takes part in it (audited ``operation.view``). A victim is shown by pseudonym; the name only
    where the reader's organisation recorded a lawful reason linking the victim to an intelligence
    person (the intelligence app's rule), and that read is audited ``intel.victim_identity_view``."""
    op = operation_in_scope(user=user, operation_id=operation_id, action="view")
    orgs = set(operation_orgs(user))
    victims = []
    rows = (VictimIdentified.objects.filter(operation=op)
            .select_related("case__referral__person").order_by("case__referral__received_on", "id"))
    person_ids = [v.case.referral.person_id for v in rows if v.case.referral.person_id]
    lawful = set(VictimLink.objects.filter(person_id__in=person_ids, organisation_id__in=orgs)
                 .values_list("person_id", flat=True))
    from palermo.nrm.codes import codes

    labels = {k: c.label for k, c in codes("exploitation_types").items()}
    for v in rows:
        ref = v.case.referral
        person = ref.person
        name = person.full_name if person is not None and person.pk in lawful else None
        victims.append(VictimView(v, person.pseudonym if person else "", ref.is_child, ref.exploitation_types,
                                  ref.received_on, name, [labels.get(t, t) for t in ref.exploitation_types]))
    charges: dict[int, list[Charge]] = {}
    arrests = list(Arrest.objects.filter(operation=op).select_related("entity"))
    for c in Charge.objects.filter(arrest__operation=op).order_by("charged_on", "id"):
        charges.setdefault(c.arrest_id, []).append(c)
    gathered = IntelligenceGathered.objects.filter(operation=op)
    visible = list(report_list_for_user(user=user).filter(pk__in=gathered.values("report_id")))
    withheld = gathered.count() - len(visible)
    premises = list(PremisesVisit.objects.filter(operation=op).select_related("entity"))
    audit_record(actor=user, action="operation.view", obj=op, detail={
        "premises": len(premises), "victims": len(victims), "arrests": len(arrests), "reports_withheld": withheld})
    shown = [v.record.case.referral.person_id for v in victims if v.name is not None]
    if shown:
        audit_record(actor=user, action="intel.victim_identity_view", obj=op, detail={"people": shown})
    return OperationView(
        operation=op, premises=premises,
        victims=victims, arrests=[(a, charges.get(a.pk, [])) for a in arrests],
        assets=list(AssetRecord.objects.filter(operation=op)), reports=visible, reports_withheld=withheld,
        participating=list(op.participating_organisations.order_by("name")))


def operation_report_get_for_user(*, user, operation_id: int) -> Operation:
    """The operation whose aggregate report ``user`` may see: analysts and monitors any, an
    intelligence officer one their organisation leads or takes part in. 404 / 403 (audited)."""
    op = _get(operation_id)
    if not operation_list_for_user(user=user).filter(pk=op.pk).exists():
        audit_record(actor=user, action="operation.refused", obj=op, detail={"during": "report"})
        raise NotAllowed("You may not see this operation's report")
    return op
