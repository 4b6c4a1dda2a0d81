"""The operation report counts its records (seed note §7.4's shape): a property test over random
record sets proves every total equals what the records say, and a worked example reads like
Pentameter 2's results."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.operations.models import (
    Arrest,
    AssetRecord,
    Charge,
    IntelligenceGathered,
    Operation,
    PremisesVisit,
    VictimIdentified,
)
from palermo.operations.report import operation_report, pounds

from .helpers import END, START, Ops

pytestmark = pytest.mark.django_db

KINDS = {"massage_parlour": "massage_sauna", "sauna": "massage_sauna", "residential_flat": "residential",
         "residential_house": "residential", "other": "other"}
OFFENCES = ["SOA2003_s57", "SOA2003_s58", "AITCA2004_s4"]

#: (born, child referral, exploitation types): the victims a random set may draw from.
PEOPLE = [("1985-05-06", False, ("labour",)), ("1995-01-01", True, ("sexual",)), ("1996-03-01", True, ("labour",)),
          ("1990-07-07", False, ("sexual", "labour")), ("1980-02-02", False, ("domestic_servitude",))]




@pytest.fixture
def pool(db):
    o = Ops()
    referrals = [o.referral(born=b, child=c, types=t, on=dt.date(2010, 3, 1) + dt.timedelta(days=i))
                 for i, (b, c, t) in enumerate(PEOPLE)]
    reports = [o.report(o.ukhtc, on=dt.date(2010, 3, 1), text=f"Synthetic {i}") for i in range(3)]
    return o, referrals, reports


arrest_st = st.lists(st.tuples(st.sampled_from(OFFENCES), st.integers(1, 5)), max_size=3)
records_st = st.fixed_dictionaries({
    "premises": st.lists(st.sampled_from(sorted(KINDS)), max_size=12),
    "arrests": st.lists(arrest_st, max_size=6),
    "victims": st.sets(st.integers(0, len(PEOPLE) - 1)),
    "assets": st.lists(st.tuples(st.sampled_from(["cash_recovered", "restrained"]), st.integers(1, 10**9)), max_size=5),
    "reports": st.sets(st.integers(0, 2)),
})


def _write(o, referrals, reports, spec) -> Operation:
    """The records, written directly (the services' checks are tested elsewhere)."""
    op = Operation.objects.create(reference=f"OP-T-{Operation.objects.count()}", name="Synthetic", starts_on=START,
                                  ends_on=END, lead_organisation=o.w.orgs["UKHTC"], aims=[], aims_version="t",
                                  created_by=o.ukhtc)
    common = {"operation": op, "organisation": o.w.orgs["UKHTC"], "recorded_by": o.ukhtc}
    PremisesVisit.objects.bulk_create([PremisesVisit(**common, visited_on=START, kind=k, kind_version="t",
                                                     nation="england_wales") for k in spec["premises"]])
    for charges in spec["arrests"]:
        a = Arrest.objects.create(**common, arrested_on=START, nation="england_wales")
        Charge.objects.bulk_create([Charge(arrest=a, offence_id=off, counts=n, offence_on=START, charged_on=START,
                                           recorded_by=o.ukhtc) for off, n in charges])
    VictimIdentified.objects.bulk_create([VictimIdentified(**common, case=referrals[i].case) for i in spec["victims"]])
    AssetRecord.objects.bulk_create([AssetRecord(**common, recorded_on=START, kind=k, amount_pence=p)
                                     for k, p in spec["assets"]])
    IntelligenceGathered.objects.bulk_create([IntelligenceGathered(**common, report=reports[i]) for i in spec["reports"]])
    return op


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=records_st)
def test_the_report_totals_equal_their_records(pool, spec):
    o, referrals, reports = pool
    r = operation_report(_write(o, referrals, reports, spec))
    victims = [PEOPLE[i] for i in spec["victims"]]
    assert r.victims_identified == len(victims)
    assert r.child_victims == sum(c for _, c, _ in victims)
    ages = [dt.date(2010, 3, 1 + i).year - int(PEOPLE[i][0][:4]) - (
        (dt.date(2010, 3, 1 + i).month, dt.date(2010, 3, 1 + i).day) < (int(PEOPLE[i][0][5:7]), int(PEOPLE[i][0][8:])))
        for i in spec["victims"]]
    assert r.youngest_age == (min(ages) if ages else None)
    assert r.forced_labour_victims == sum("labour" in t for _, _, t in victims)
    assert r.forced_labour_child_victims == sum("labour" in t and c for _, c, t in victims)
    assert r.people_arrested == len(spec["arrests"])
    assert r.people_charged == sum(1 for a in spec["arrests"] if a)
    assert r.charges == sum(n for a in spec["arrests"] for _, n in a)
    for off in OFFENCES:
        assert r.charges_by_offence.get(off, 0) == sum(n for a in spec["arrests"] for o_, n in a if o_ == off)
    assert r.premises_visited == len(spec["premises"])
    for group in ("massage_sauna", "residential", "other"):
        assert r.premises_by_group[group] == sum(1 for k in spec["premises"] if KINDS[k] == group)
    assert sum(r.premises_by_kind.values()) == r.premises_visited
    assert r.intelligence_reports_gathered == len(spec["reports"])
    assert r.cash_recovered_pence == sum(p for k, p in spec["assets"] if k == "cash_recovered")
    assert r.assets_restrained_pence == sum(p for k, p in spec["assets"] if k == "restrained")


def test_a_report_recorded_through_the_services_reads_like_pentameter_2(pool):
    o, referrals, reports = pool
    op = o.operation(taking_part=("MET",))
    for kind in ("massage_parlour", "sauna", "residential_flat", "residential_flat", "other"):
        o.visit(op, kind=kind)
    for ref in referrals[:3]:
        o.victim(op, ref)
    a = o.arrest(op)
    o.charge(a, counts=2)
    o.arrest(op)
    o.asset(op, pence=500_000_00)
    o.asset(op, kind="restrained", pence=2_000_000_00)
    r = operation_report(op)
    assert (r.victims_identified, r.child_victims, r.youngest_age) == (3, 2, 14)
    assert (r.forced_labour_victims, r.forced_labour_child_victims) == (2, 1)
    assert (r.people_arrested, r.people_charged, r.charges) == (2, 1, 2)
    assert r.premises_by_group == {"massage_sauna": 2, "residential": 2, "other": 1}
    assert pounds(r.cash_recovered_pence) == "£500,000" and pounds(r.assets_restrained_pence) == "£2,000,000"
    assert r.organisations == 2
