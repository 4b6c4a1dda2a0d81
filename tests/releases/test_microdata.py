"""Safe microdata: HTCDS 2.0 field names, coarsened years and ages, no identifier, and never
released unless every combination of its quasi-identifiers is shared by at least k = 10
records; a set that cannot reach k is refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.core.exceptions import NotAllowed, TransitionRefused
from palermo.core.models import AuditEvent
from palermo.releases import services
from palermo.releases.dataset import CaseFacts, nationality_group
from palermo.releases.microdata import (
    COLUMNS,
    QUASI_IDENTIFIERS,
    NotKAnonymous,
    microdata_build,
    smallest_group,
)

from .helpers import facts

QI = [q.field for q in QUASI_IDENTIFIERS]


def _groups(rows):
    return Counter(tuple(r[: len(QI)]) for r in rows)


def test_the_columns_are_htcds_2_field_names():
    assert COLUMNS == ["cas_IncomingReferralDate", "cas_ReferringOrganisation", "prs_Gender", "prs_Citizenship",
                       "vic_AgeWhenTrafficked", "vic_TypeOfExploitation", "vic_TraffickingStatus", "cas_Status"]


def test_values_are_coarsened_and_in_htcds_terms():
    data = microdata_build(facts(12, nationality="VNM", types=("labour", "sexual")) + facts(12, start=20, child=True,
                                                                                            status="not_identified"))
    assert data.levels == {q: 0 for q in QI}  # already k-anonymous: nothing coarsened
    assert {tuple(r) for r in data.rows} == {
        ("2010", "LawEnforcement", "Feminine", "VN", "18+", "ForcedLabour;SexualExploitation", "ActualVictimOfTrafficking",
         "Closed"),
        ("2010", "LawEnforcement", "Feminine", "GB", "0-17", "ForcedLabour", "NotAVictimOfTrafficking", "Closed")}


def test_a_rare_citizenship_is_coarsened_or_left_out_until_every_group_has_k():
    """Twenty Vietnamese nationals and one Eritrean and one Albanian: the two cannot be released
    as they are; the records are coarsened (or the two left out) until every group has 10."""
    rows = facts(20, nationality="VNM") + facts(1, start=30, nationality="ERI") + facts(1, start=31, nationality="ALB")
    data = microdata_build(rows)
    assert smallest_group(data.rows) >= 10
    citizenships = {r[COLUMNS.index("prs_Citizenship")] for r in data.rows}
    assert "ER" not in citizenships and "AL" not in citizenships
    assert data.suppressed + len(data.rows) == 22


def test_a_set_that_cannot_reach_k_is_refused():
    with pytest.raises(NotKAnonymous, match="fewer than k = 10"):
        microdata_build(facts(9))


@st.composite
def populations(draw):
    n = draw(st.integers(min_value=10, max_value=120))
    out = []
    for i in range(n):
        nats = draw(st.lists(st.sampled_from(["GBR", "VNM", "ALB", "ROU", "HRV", "ERI", "NGA", "POL"]), max_size=2))
        on = dt.date(2009, 4, 1) + dt.timedelta(days=draw(st.integers(0, 5800)))  # the NRM began 1 April 2009
        out.append(CaseFacts(
            case_id=i + 1, person_id=i + 1, received_on=on, nation="england", child=draw(st.booleans()),
            age_at_exploitation=draw(st.sampled_from(["adult", "child", "unknown"])),
            exploitation_types=draw(st.lists(st.sampled_from(["labour", "sexual", "criminal", "domestic_servitude"]),
                                             min_size=1, max_size=2, unique=True)),
            nationalities=nats, nationality_group=nationality_group(nats, on),
            gender=draw(st.sampled_from(["female", "male", "other", "unknown"])),
            first_responder_kind=draw(st.sampled_from(["police_force", "ngo", "local_authority", "border_agency"])),
            authority="UKHTC", status=draw(st.sampled_from(["identified", "not_identified", "referred", "withdrawn"]))))
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations())
def test_whatever_the_records_every_released_group_has_at_least_k(population):
    data = microdata_build(population)
    groups = _groups(data.rows)
    assert min(groups.values()) >= 10
    assert data.suppressed <= int(len(population) * 0.05)
    assert len(data.rows) + data.suppressed == len(population)
    for row in data.rows:  # years and bands only: never a date or an age
        assert len(row[0]) in (0, 4, 9) and row[4] in ("", "0-17", "18+")


@pytest.mark.django_db
def test_the_download_is_k_anonymous_formula_safe_and_holds_no_identifier(world):
    people = [world.case(person={**_person(i)}) for i in range(12)]
    text = services.microdata_export(actor=world.analyst).text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == COLUMNS and len(rows) == 13
    assert min(_groups(rows[1:]).values()) >= 10
    for case in people:
        ref = case.referral
        for secret in (ref.reference, ref.person.pseudonym, ref.person.given_name, ref.person.family_name,
                       ref.received_on.isoformat(), "Synthetic"):
            assert secret not in text
    event = AuditEvent.objects.get(action="release.microdata")
    assert event.detail["rows"] == 12 and event.detail["k"] == 10 and event.detail["htcds"] == "2.0"


@pytest.mark.django_db
def test_a_download_that_cannot_reach_k_is_refused_and_audited(world):
    for i in range(9):
        world.case(person=_person(i))
    with pytest.raises(TransitionRefused, match="fewer than k"):
        services.microdata_export(actor=world.analyst)
    assert AuditEvent.objects.get(action="release.microdata_refused").detail == {"records": 9, "k": 10}


@pytest.mark.django_db
def test_only_analysts_download_microdata(world):
    for user in (world.monitor, world.decider, world.responder, world.admin, world.intel):
        with pytest.raises(NotAllowed):
            services.microdata_export(actor=user)


def _person(i: int) -> dict:
    return {"given_name": f"Quendolyn{'abcdefghijklmnop'[i]}", "family_name": "Brackenfold", "date_of_birth": "1988-02-03",
            "dob_precision": "exact", "gender": "female", "nationalities": ["ROU"]}
