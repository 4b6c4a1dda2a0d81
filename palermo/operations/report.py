"""The operation report: the shape of Pentameter 2's results (seed note §7.4) counted from the
operation's records, never typed in.

    167 victims identified; 528 criminals arrested; 822 premises visited (157 massage parlours and
    saunas, 582 residential properties); 6,400 police intelligence reports gathered; more than
    £500,000 cash recovered and restraint orders for more; 13 of the victims children, the youngest
    aged 14; 5 victims of forced labour, 3 of them children.

Counting rules: a victim is one NRM case linked to the operation; a child is a referral made as a
child's (under 18 or not sure, the NRM's own rule); the youngest age is the person's age on the day
the referral was received (date of birth, else assessed, else claimed age); forced labour is a
referral with the labour exploitation type; a person arrested is one arrest row; a person charged
is an arrest with at least one charge; charges are the sum of the counts; premises are visit rows,
grouped by the report group of their kind (law data); money is summed in pence. Intelligence
reports gathered are the reports linked to the operation (counted whatever their handling code: a
count discloses no report).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from django.db.models import Count, Sum

from palermo.operations.models import (
    Arrest,
    AssetRecord,
    Charge,
    IntelligenceGathered,
    Operation,
    PremisesVisit,
    VictimIdentified,
)
from palermo.operations.reference import PREMISES_GROUP_LABELS, premises_groups

FORCED_LABOUR = "labour"


@dataclass
class OperationReport:
    reference: str
    name: str
    starts_on: str
    ends_on: str | None
    organisations: int
    victims_identified: int
    child_victims: int
    youngest_age: int | None
    forced_labour_victims: int
    forced_labour_child_victims: int
    people_arrested: int
    people_charged: int
    charges: int
    premises_visited: int
    premises_by_group: dict[str, int] = field(default_factory=dict)
    premises_by_kind: dict[str, int] = field(default_factory=dict)
    intelligence_reports_gathered: int = 0
    cash_recovered_pence: int = 0
    assets_restrained_pence: int = 0
    charges_by_offence: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def operation_report(op: Operation) -> OperationReport:
    """Count the operation's records into the §7.4 shape (see the module's counting rules)."""
    victims = list(VictimIdentified.objects.filter(operation=op)
                   .select_related("case__referral__person").prefetch_related("case__referral__exploitation_type_rows"))
    child = labour = labour_child = 0
    ages = []
    for v in victims:
        ref = v.case.referral
        is_child = ref.is_child
        child += is_child
        if FORCED_LABOUR in {r.code for r in ref.exploitation_type_rows.all()}:
            labour += 1
            labour_child += is_child
        if ref.person is not None:
            age = ref.person.age_on(ref.received_on)
            if age is not None:
                ages.append(age)
    by_kind = dict(PremisesVisit.objects.filter(operation=op).values_list("kind").annotate(n=Count("id"))
                   .order_by("kind"))
    groups = premises_groups()
    by_group = {g: 0 for g in PREMISES_GROUP_LABELS}
    for kind, n in by_kind.items():
        by_group[groups.get(kind, "other")] += n
    charges = Charge.objects.filter(arrest__operation=op)
    by_offence = dict(charges.values_list("offence_id").annotate(n=Sum("counts")).order_by("offence_id"))
    money = Counter(dict(AssetRecord.objects.filter(operation=op).values_list("kind")
                         .annotate(s=Sum("amount_pence")).order_by("kind")))
    return OperationReport(
        reference=op.reference, name=op.name, starts_on=op.starts_on.isoformat(),
        ends_on=op.ends_on.isoformat() if op.ends_on else None,
        organisations=1 + op.participating_organisations.exclude(pk=op.lead_organisation_id).count(),
        victims_identified=len(victims), child_victims=child, youngest_age=min(ages) if ages else None,
        forced_labour_victims=labour, forced_labour_child_victims=labour_child,
        people_arrested=Arrest.objects.filter(operation=op).count(),
        people_charged=charges.values("arrest_id").distinct().count(),
        charges=sum(by_offence.values()), premises_visited=sum(by_kind.values()), premises_by_group=by_group,
        premises_by_kind=by_kind, intelligence_reports_gathered=IntelligenceGathered.objects.filter(operation=op).count(),
        cash_recovered_pence=int(money.get("cash_recovered", 0)), assets_restrained_pence=int(money.get("restrained", 0)),
        charges_by_offence={k: int(v) for k, v in by_offence.items()})


def pounds(pence: int) -> str:
    """£1,234.56 (or £1,234 for whole pounds)."""
    whole, rest = divmod(int(pence), 100)
    return f"£{whole:,}" + (f".{rest:02d}" if rest else "")
