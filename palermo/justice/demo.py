"""Demo prosecutions (synthetic), recorded by the UKHTC, built so that the statistics page
reproduces the shape of the seed note's table of defendants found guilty of human trafficking
offences in England and Wales, 2004–2010 (seed note §4, fn 35; S14–S20: -, 12, 21, 23, 24, 25, 16)
**from records**: each defendant has one to three charges with their own outcomes and sentences,
and the principal-offence rule (``reference.principal_offence``) decides which offence and year
each is counted under. Defendants found not guilty or whose case was discontinued, prosecutions
in Scotland, and a few undecided charges from 2011 fill the rest of the pages.

The bulk of the rows is written with ``bulk_create`` (the demo must stay quick), after checking
every charge with the same rule the service applies (``offences.offence_refusal``), and audited as
one ``justice.demo_load`` event; a few prosecutions go through the services (one with a victim
recorded with a lawful reason). Idempotent: nothing is added once a prosecution exists."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from palermo.core.audit import audit_record
from palermo.intelligence.models import Entity
from palermo.intelligence.schemas import ReportIn
from palermo.intelligence.services import report_create
from palermo.justice.models import Charge, Defendant, Prosecution
from palermo.justice.offences import in_force_version, offence_refusal

#: Seed note §4, fn 35 (HC Deb 20 February 2012 c612W): defendants found guilty at all courts for
#: human trafficking offences, England and Wales, by year ("-" in 2004 read as nil).
FOUND_GUILTY_EW = {2004: 0, 2005: 12, 2006: 21, 2007: 23, 2008: 24, 2009: 25, 2010: 16}
GIVEN = ["Arvo", "Bex", "Cato", "Dara", "Emrys", "Fen", "Gil", "Hale", "Ines", "Jory", "Kit", "Lorne"]
FAMILY = ["Demoford", "Demolake", "Demowick", "Demoholt", "Demorey", "Demothorn", "Demovale", "Demoshaw",
          "Demobury", "Demoleigh", "Demomere", "Demoworth", "Demoden", "Demofield"]
COURTS_EW = ["Synthetic Crown Court, Demotown", "Synthetic Crown Court, Exampleton", "Synthetic Magistrates' Court, Testbury"]
COURTS_SC = ["Synthetic Sheriff Court, Mockham", "Synthetic High Court, Notreal"]
SEXUAL = ["SOA2003_s57", "SOA2003_s58", "SOA2003_s59"]


def _people(ukhtc, count: int) -> list[Entity]:
    """``count`` synthetic suspects, mentioned by UKHTC reports shared with every intelligence
    organisation (5x5x5 handling code 1), so the UKHTC may charge them."""
    names = [f"{g} {f}" for f in FAMILY for g in GIVEN][:count]
    for start in range(0, len(names), 50):
        report_create(actor=ukhtc, data=ReportIn.model_validate({
            "reported_on": "2004-03-01", "source_evaluation": "B", "intelligence_assessment": "2", "handling_code": "1",
            "text": "Synthetic demo intelligence: suspects later prosecuted.",
            "entities": [{"kind": "person", "value": n} for n in names[start:start + 50]]}))
    return list(Entity.objects.filter(kind="person", mentions__report__submitted_by=ukhtc)
                .distinct().order_by("id"))[-count:]


def _offences_for(convicted_on: dt.date, rng: random.Random, nation: str) -> list[str]:
    pool = (["AITCA2004_s4"] if nation == "scotland" else
            SEXUAL + (["AITCA2004_s4"] if convicted_on >= dt.date(2005, 3, 1) else [])
            + (["CAJA2009_s71"] if convicted_on >= dt.date(2010, 9, 1) else []))
    first = rng.choice(pool)
    extra = [o for o in pool if o != first]
    n = rng.choice([1, 1, 1, 2, 2, 3]) if nation != "scotland" else 1
    return [first, *rng.sample(extra, min(n - 1, len(extra)))]


def _plan(rng: random.Random) -> list[dict]:
    """One dict per defendant: nation, dates and charges with outcomes (the statistics fixture)."""
    out = []
    for year, guilty in FOUND_GUILTY_EW.items():
        others = max(1, guilty // 3) + (1 if year % 3 == 0 else 0)
        for k in range(guilty + others):
            # the first ``guilty`` are found guilty in England and Wales (the published figure);
            # of the others, every fourth is found guilty in Scotland, the rest are not found guilty
            nation = "scotland" if k >= guilty and (k - guilty) % 4 == 3 else "england_wales"
            found_guilty = k < guilty or nation == "scotland"
            decided = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(30, 330))
            if year <= 2005:  # the offences began on 1 May 2004: nobody is dealt with before the autumn
                decided = max(decided, dt.date(2004, 9, 1) if year == 2004 else dt.date(2005, 2, 1))
            offences = _offences_for(decided, rng, nation)
            first_day = max(dt.date(2004, 5, 1), dt.date(2004, 12, 1) if "AITCA2004_s4" in offences else dt.date(2004, 5, 1),
                            dt.date(2010, 4, 6) if "CAJA2009_s71" in offences else dt.date(2004, 5, 1))
            offence_on = max(first_day, decided - dt.timedelta(days=rng.randrange(90, 700)))
            charged_on = offence_on + dt.timedelta(days=rng.randrange(20, max(21, (decided - offence_on).days - 10)))
            charges = []
            for i, oid in enumerate(offences):
                if found_guilty and i == 0:
                    if rng.random() < 0.85:
                        charges.append((oid, "convicted", "immediate_custody", rng.choice(range(18, 121, 6)), None))
                    else:
                        charges.append((oid, "convicted", "suspended_sentence", rng.choice([6, 12, 18, 24]), None))
                elif found_guilty:
                    charges.append((oid, *rng.choice([("convicted", "suspended_sentence", 12, None),
                                                      ("left_on_file", "", None, None), ("acquitted", "", None, None)])))
                else:
                    charges.append((oid, rng.choice(["acquitted", "discontinued", "dismissed"]), "", None, None))
            out.append({"nation": nation, "decided": decided, "offence_on": offence_on, "charged_on": charged_on,
                        "charges": charges})
    return out


@transaction.atomic
def justice_demo_load(users, *, seed: int = 2012) -> int:
    if Prosecution.objects.exists():
        return 0
    rng = random.Random(seed)
    ukhtc = users["intel"]
    plan = _plan(rng)
    people = _people(ukhtc, len(plan) + 4)
    org = ukhtc.memberships.get(role="intelligence_officer").organisation
    prosecutions = []
    for i, d in enumerate(plan):
        scot = d["nation"] == "scotland"
        prosecutions.append(Prosecution(
            reference=f"PR-DEMO-{i:06d}", organisation=org, recorded_by=ukhtc, nation=d["nation"],
            court_kind=("high_court_justiciary" if scot else "crown"),
            court_name=rng.choice(COURTS_SC if scot else COURTS_EW), charged_on=d["charged_on"]))
    Prosecution.objects.bulk_create(prosecutions)
    for p in prosecutions:
        p.reference = f"PR-{p.charged_on.year}-{p.pk:06d}"
    Prosecution.objects.bulk_update(prosecutions, ["reference"])
    defendants = Defendant.objects.bulk_create([
        Defendant(prosecution=p, entity=people[i], confiscation_pounds=(rng.choice([5_000, 40_000, 250_000])
                                                                       if i % 7 == 3 else None))
        for i, p in enumerate(prosecutions)])
    charges = []
    for d, spec in zip(defendants, plan, strict=True):
        for oid, outcome, disposal, months, fine in spec["charges"]:
            assert offence_refusal(oid, spec["nation"], spec["offence_on"]) is None, (oid, spec)
            charges.append(Charge(defendant=d, offence_id=oid, offence_on=spec["offence_on"],
                                  in_force_version=in_force_version(oid, spec["nation"], spec["offence_on"]),
                                  outcome=outcome, outcome_on=spec["decided"], disposal=disposal,
                                  custody_months=months, fine_pounds=fine, outcome_recorded_by=ukhtc))
    Charge.objects.bulk_create(charges)
    audit_record(actor=ukhtc, action="justice.demo_load", object_type="justice.prosecution",
                 detail={"prosecutions": len(prosecutions), "charges": len(charges)})
    return len(prosecutions) + _showcase(users, people[-4:])


def _showcase(users, people: list[Entity]) -> int:
    """Two 2011 prosecutions through the services: one with its charges still to be decided and a
    victim recorded with a lawful reason, one with a fine under s53A (paying for sexual services)."""
    from palermo.justice.models import Charge as C
    from palermo.justice.schemas import OutcomeIn, ProsecutionIn, ProsecutionVictimIn
    from palermo.justice.services import charge_outcome_record, prosecution_create, prosecution_victim_record
    from palermo.people.models import Person

    ukhtc = users["intel"]
    open_one = prosecution_create(actor=ukhtc, data=ProsecutionIn.model_validate({
        "nation": "england_wales", "court_kind": "crown", "court_name": "Synthetic Crown Court, Demotown",
        "charged_on": "2011-09-01", "defendants": [
            {"entity_id": people[0].pk, "charges": [{"offence_id": "CAJA2009_s71", "offence_on": "2011-02-01"},
                                                    {"offence_id": "AITCA2004_s4", "offence_on": "2011-02-01"}]},
            {"entity_id": people[1].pk, "charges": [{"offence_id": "CAJA2009_s71", "offence_on": "2011-02-01"}]}]}))
    victim = Person.objects.order_by("pk").first()
    if victim is not None:
        prosecution_victim_record(actor=ukhtc, prosecution_id=open_one.pk, data=ProsecutionVictimIn(
            pseudonym=victim.pseudonym, lawful_reason="prosecution",
            reason_text="Synthetic: the complainant gives evidence at trial."))
    fined = prosecution_create(actor=ukhtc, data=ProsecutionIn.model_validate({
        "nation": "england_wales", "court_kind": "magistrates", "court_name": "Synthetic Magistrates' Court, Testbury",
        "charged_on": "2011-03-01", "defendants": [
            {"entity_id": people[2].pk, "charges": [{"offence_id": "SOA2003_s53A", "offence_on": "2011-01-15"}]}]}))
    charge_outcome_record(actor=ukhtc, charge_id=C.objects.get(defendant__prosecution=fined).pk,
                          data=OutcomeIn(outcome="convicted", outcome_on=dt.date(2011, 5, 3), disposal="fine",
                                         fine_pounds=400))
    return 2
