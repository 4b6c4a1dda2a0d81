"""Demo intelligence (synthetic): a small trafficking network reported by the UKHTC and the
Metropolitan Police between 2006 and 2009 (5x5x5) and a few later reports (3x5x2), with some
reports the Metropolitan Police keeps to itself (handling code 4), so a UKHTC officer sees the
handling codes at work. Idempotent: nothing is added once a report exists."""

from __future__ import annotations

import datetime as dt
import random

from palermo.intelligence.models import IntelligenceReport
from palermo.intelligence.schemas import ReportIn
from palermo.intelligence.services import report_create

GROUPS = ["Synthetic Eastgate Group", "Synthetic Harbour Crew", "Synthetic Lantern Network"]
PEOPLE = ["Orrin Demoflax", "Pell Demoquist", "Tamsin Demorrow", "Ulric Demobane", "Veda Demolune",
          "Wystan Demoreed", "Xanthe Demofell", "Yorick Demowell", "Zora Demobrook", "Quill Demoash"]
PREMISES = ["12 Synthetic Lane, Demotown", "Unit 4 Example Park, Demoford", "Flat 2, 9 Sample Road, Testbury",
            "Demo Sauna, 1 Fictional Street, Exampleton", "Car wash, 3 Placeholder Way, Mockham",
            "Farm cottage, Imaginary Lane, Notreal"]
PHONES = [f"07700 900{n:03d}" for n in range(100, 112)]  # Ofcom's drama range: never a real number
VEHICLES = ["DM06 AAA", "DM07 BBB", "DM08 CCC", "DM56 DDD", "DM57 EEE"]
ACCOUNTS = ["00-00-00 00000001", "00-00-00 00000002", "00-00-00 00000003"]
ONLINE = ["example.com:demo_ads_1", "example.com:demo_ads_2"]


def intelligence_demo_load(users, *, seed: int = 2012) -> int:
    if IntelligenceReport.objects.exists():
        return 0
    rng = random.Random(seed)
    ukhtc, met = users["intel"], users["intel.met"]
    made = 0
    for i in range(48):
        group = i % len(GROUPS)
        on = dt.date(2006, 3, 1) + dt.timedelta(days=rng.randrange(0, 1300))
        if i >= 42:
            on = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(0, 900))
        actor = met if i % 3 else ukhtc
        if on >= dt.date(2016, 1, 1):
            grading, named, conditions = (rng.choice("AB"), rng.choice("123"), rng.choice("PC")), [], ""
            if grading[2] == "C":
                named, conditions = ["UKHTC"] if actor is met else ["MET"], "Synthetic: for the investigation only"
        else:
            code = "4" if (actor is met and i % 7 == 0) else rng.choice("1112")
            grading, named, conditions = (rng.choice("ABCE"), rng.choice("1234"), code), [], ""
        people = rng.sample(PEOPLE[group * 3: group * 3 + 4], 2)
        entities = [{"kind": "ocg", "value": GROUPS[group]}]
        entities += [{"kind": "person", "value": p} for p in people]
        entities.append({"kind": "premises", "value": PREMISES[(group * 2 + i) % len(PREMISES)]})
        entities.append({"kind": "phone", "value": PHONES[(group * 4 + i) % len(PHONES)]})
        if i % 2:
            entities.append({"kind": "vehicle", "value": VEHICLES[(group + i) % len(VEHICLES)]})
        if i % 5 == 0:
            entities.append({"kind": "bank_account", "value": ACCOUNTS[group]})
        if i % 6 == 0:
            entities.append({"kind": "online_account", "value": ONLINE[group % 2]})
        links = [{"source": 0, "target": 1, "kind": "member"}, {"source": 0, "target": 2, "kind": "member"},
                 {"source": 1, "target": 3, "kind": "visits"}, {"source": 1, "target": 4, "kind": "uses"}]
        links += [{"source": 2, "target": j, "kind": "uses"} for j in range(5, len(entities))]
        report_create(actor=actor, data=ReportIn.model_validate({
            "reported_on": on.isoformat(), "source_evaluation": grading[0], "intelligence_assessment": grading[1],
            "handling_code": grading[2], "handling_conditions": conditions, "permitted_organisations": named,
            "text": f"Synthetic demo intelligence {i + 1}: women moved between premises of {GROUPS[group]}; "
                    "adverts placed online; payments collected weekly.",
            "entities": entities, "links": links}))
        made += 1
    return made + decisions_demo_load(users) + reflex_groups_load(users, seed=seed)


def decisions_demo_load(users) -> int:
    """Something for the decision pages (synthetic): one person recorded twice, the name spelt and
    ordered differently with the same date of birth (a match proposal whose evidence reads "Agree:
    name as it sounds, date of birth. Differ: name as written"), and — once NRM demo people exist —
    a link from the first to an NRM potential victim, recorded by the UKHTC with its lawful reason."""
    from palermo.intelligence.schemas import VictimLinkIn
    from palermo.intelligence.services import victim_link_record
    from palermo.people.models import Person

    ukhtc = users["intel"]
    first = None
    for on, name in [("2009-02-10", "Orrin Demoflax"), ("2010-05-20", "Demoflax Orin")]:
        report = report_create(actor=ukhtc, data=ReportIn.model_validate({
            "reported_on": on, "source_evaluation": "B", "intelligence_assessment": "2", "handling_code": "1",
            "text": "Synthetic demo intelligence: a controller seen collecting wages at a car wash.",
            "entities": [{"kind": "person", "value": name, "date_of_birth": "1975-06-14"},
                         {"kind": "premises", "value": PREMISES[4]}], "links": [{"source": 0, "target": 1, "kind": "visits"}]}))
        first = first or report.mentions.order_by("id").first().entity
    victim = Person.objects.order_by("pk").first()
    if victim is not None:
        victim_link_record(actor=ukhtc, entity_id=first.pk, data=VictimLinkIn(
            pseudonym=victim.pseudonym, lawful_reason="safeguarding",
            reason_text="Synthetic: the victim named this controller; needed to safeguard others at the car wash."))
    return 2


def reflex_groups_load(users, *, seed: int = 2012) -> int:
    """A Reflex-like picture (synthetic): 105 groups identified by the UK–Romania intelligence unit
    in its first year from April 2002, 48 of them disrupted (seed note §7.1, fn 62), a few
    dismantled later. One report per group, so the groups are visible to intelligence officers."""
    import datetime as dt

    from palermo.intelligence.groups import group_status_record
    from palermo.intelligence.models import Entity

    rng = random.Random(seed + 1)
    ukhtc = users["intel"]
    for i in range(105):
        identified = dt.date(2002, 4, 1) + dt.timedelta(days=rng.randrange(0, 365))
        report = report_create(actor=ukhtc, data=ReportIn.model_validate({
            "reported_on": identified.isoformat(), "source_evaluation": "B", "intelligence_assessment": "2",
            "handling_code": "1", "text": f"Synthetic Reflex-era intelligence on group {i + 1}.",
            "entities": [{"kind": "ocg", "value": f"Synthetic Reflex group {i + 1:03d}"}]}))
        group = Entity.objects.get(pk=report.mentions.get().entity_id)
        group_status_record(actor=ukhtc, entity_id=group.pk, status="identified", on=identified)
        if i < 48:
            disrupted = min(identified + dt.timedelta(days=rng.randrange(20, 200)), dt.date(2003, 3, 31))
            group_status_record(actor=ukhtc, entity_id=group.pk, status="under_investigation", on=identified)
            group_status_record(actor=ukhtc, entity_id=group.pk, status="disrupted", on=disrupted)
            if i < 10:
                group_status_record(actor=ukhtc, entity_id=group.pk, status="dismantled",
                                    on=disrupted + dt.timedelta(days=400))
    return 105
