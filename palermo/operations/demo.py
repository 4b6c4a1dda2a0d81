"""Demo operation (synthetic): "Operation Demo Kestrel", led by the UKHTC with the Metropolitan
Police, Greater Manchester Police and the Salvation Army taking part, whose records give a report
in the shape of Pentameter 2's results (seed note §7.4) with the figures scaled down — about a
tenth (17 victims, 53 arrests, 82 premises: 16 massage parlours and saunas, 58 residential, 8
other; £50,400 cash recovered; £300,000 restrained) and intelligence reports gathered about a
hundredth (64 of 6,400). The report page says it is demo data. Written in bulk (a few queries),
idempotent: nothing is added once a demo operation exists."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from palermo.accounts.models import Organisation
from palermo.core.audit import audit_record
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

TAKING_PART = ["MET", "GMP", "SALVARMY"]
PREMISES = {"massage_parlour": 9, "sauna": 7, "residential_flat": 40, "residential_house": 18, "other": 8}
VICTIMS, CHILDREN, ARRESTS, CHARGED, REPORTS = 17, 2, 53, 28, 64
CASH_PENCE = [4_200_00] * 12  # 12 × £4,200 = £50,400
RESTRAINED_PENCE = [100_000_00] * 3  # £300,000
OFFENCES = ["MSA2015_s1", "MSA2015_s2", "MSA2015_s4"]


def _victim_cases(start: dt.date, end: dt.date, orgs: list[int]):
    """Cases referred in the window by organisations taking part: children first (youngest first),
    then adults, so the report has its children and youngest age."""
    from palermo.nrm.models import Case

    cases = list(Case.objects.filter(referral__received_on__range=(start, end), referral__first_responder_org_id__in=orgs)
                 .select_related("referral__person").order_by("referral__received_on", "id"))
    children = sorted((c for c in cases if c.referral.is_child),
                      key=lambda c: (c.referral.person.age_on(c.referral.received_on) or 99) if c.referral.person else 99)
    adults = [c for c in cases if not c.referral.is_child]
    return children[:CHILDREN] + adults[: VICTIMS - min(CHILDREN, len(children))]


@transaction.atomic
def operations_demo_load(users, *, seed: int = 2012, today: dt.date | None = None) -> int:
    if Operation.objects.filter(is_demo=True).exists():
        return 0
    from palermo.intelligence.models import IntelligenceReport

    rng = random.Random(seed)
    today = today or timezone.localdate()
    start, end = today - dt.timedelta(days=300), today - dt.timedelta(days=120)
    ukhtc = Organisation.objects.get(code="UKHTC")
    officer = users["intel"]
    taking_part = list(Organisation.objects.filter(code__in=TAKING_PART))
    aims = ref.codes_at(ref.AIMS, start)
    op = Operation.objects.create(reference="OP-DEMO", name="Operation Demo Kestrel (synthetic)", starts_on=start,
                                  ends_on=end, lead_organisation=ukhtc, aims=[a["code"] for a in aims.value],
                                  aims_version=aims.version, created_by=officer, is_demo=True)
    op.reference = f"OP-{start.year}-{op.pk:04d}"
    op.save(update_fields=["reference"])
    op.participating_organisations.set(taking_part)
    common = {"operation": op, "organisation": ukhtc, "recorded_by": officer}

    def day() -> dt.date:
        return start + dt.timedelta(days=rng.randrange((end - start).days + 1))

    kinds = ref.codes_at(ref.PREMISES_KINDS, start)
    PremisesVisit.objects.bulk_create([
        PremisesVisit(**common, visited_on=day(), kind=k, kind_version=kinds.version,
                      nation=rng.choice(["england_wales"] * 8 + ["scotland", "northern_ireland"]))
        for k, n in PREMISES.items() for _ in range(n)])
    cases = _victim_cases(start, end, [ukhtc.pk, *(o.pk for o in taking_part)])
    VictimIdentified.objects.bulk_create([VictimIdentified(**common, case=c) for c in cases])
    arrests = Arrest.objects.bulk_create([Arrest(**common, arrested_on=day(), nation="england_wales")
                                          for _ in range(ARRESTS)])
    charges = []
    for a in arrests[:CHARGED]:
        # Modern Slavery Act 2015 offences (England and Wales), in force on the day of the conduct:
        # the demo is checked against the offence engine in tests/operations/test_demo.py.
        offence_on = a.arrested_on - dt.timedelta(days=rng.randrange(1, 60))
        charges.append(Charge(arrest=a, offence_id=rng.choice(OFFENCES), counts=rng.choice([1, 1, 2, 3]),
                              offence_on=offence_on, charged_on=a.arrested_on, recorded_by=officer))
    Charge.objects.bulk_create(charges)
    AssetRecord.objects.bulk_create(
        [AssetRecord(**common, recorded_on=a.arrested_on, kind="cash_recovered", amount_pence=p, arrest=a)
         for a, p in zip(arrests, CASH_PENCE, strict=False)]
        + [AssetRecord(**common, recorded_on=day(), kind="restrained", amount_pence=p) for p in RESTRAINED_PENCE])
    reports = IntelligenceReport.objects.bulk_create([
        IntelligenceReport(reference=f"IR-DEMO-OP-{i:04d}", submitting_organisation=ukhtc, submitted_by=officer,
                           reported_on=day(), scheme="3x5x2", scheme_version="intelligence.grading_scheme@2016-01-01",
                           source_evaluation="B", intelligence_assessment="2", handling_code="P",
                           dissemination="law_enforcement",
                           text=f"Synthetic demo intelligence gathered during Operation Demo Kestrel ({i + 1}).")
        for i in range(REPORTS)])
    for r in reports:
        if r.pk is None:  # a backend that does not return ids from a bulk insert
            r.pk = IntelligenceReport.objects.get(reference=r.reference).pk
        r.reference = f"IR-{r.reported_on.year}-{r.pk:06d}"
    IntelligenceReport.objects.bulk_update(reports, ["reference"])
    IntelligenceGathered.objects.bulk_create([IntelligenceGathered(**common, report=r) for r in reports])
    audit_record(actor=officer, action="operation.demo_load", obj=op, detail={
        "premises": sum(PREMISES.values()), "victims": len(cases), "arrests": ARRESTS, "reports": REPORTS})
    return 1
