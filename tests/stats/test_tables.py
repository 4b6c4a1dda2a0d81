"""Each table on a hand-built record set with known answers; totals are the sums of their parts;
the fast counting agrees with every table's reference SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.core.calendar import working_days_between
from palermo.stats.compute import count_table, finest_counts, quantiles_type7, reference_counts
from palermo.stats.definitions import TABLES
from palermo.stats.params import bands_at
from palermo.stats.periods import Period
from palermo.stats.release import UNSUPPRESSED_VIEW, release_build, release_json

from .records import referral, snapshot

D = dt.date
YEAR = Period(D(2023, 1, 1), D(2023, 12, 31))


@pytest.fixture(scope="module")
def snap():
    refs = [
        referral(1, D(2023, 1, 10), person=1),
        referral(2, D(2023, 2, 1), age="child", gender="male", nationality="ALB", location="overseas", responder="SALV",
                 person=2, force="kent"),
        referral(3, D(2023, 4, 5), gender="male", nationality="ALB", location="", person=3, authority="IECA",
                 nation="wales", force="south_wales"),
        referral(4, D(2023, 7, 1), age="", gender="", nationality=None, location="unknown", person=1, force=""),
        referral(5, D(2023, 12, 31), location="both", person=5),
        referral(6, D(2022, 12, 31), person=6),  # before the period
        referral(7, D(2023, 3, 1), gender=None, nationality=None, person=None, dtn=1),  # anonymous Duty to Notify
    ]
    refs[-1]["person_id"] = None
    types = [(1, "sexual"), (2, "labour"), (2, "criminal"), (3, "unknown"), (5, "domestic_servitude"),
             (6, "sexual")]
    decisions = [(2, "reasonable_grounds", "positive", D(2023, 2, 6)),
                 (2, "conclusive_grounds", "positive", D(2023, 5, 10)),
                 (1, "reasonable_grounds", "negative", D(2023, 3, 20))]
    return snapshot(refs, types=types, decisions=decisions, clusters={5: 100, 2: 100})


@pytest.fixture(scope="module")
def release(snap):
    return release_build(snapshot=snap, period=YEAR, view=UNSUPPRESSED_VIEW)


def counts(release, table_id: str, dim: str) -> dict:
    t = release.table(table_id)
    return {code: t.cell(**{dim: code}).count for code in t.values(dim)}


def test_referrals_by_quarter_age_and_gender(release):
    t = release.table("referrals_quarter_age_gender")
    assert t.total().count == 5  # referral 6 is before the period; the Duty to Notify report is not a referral
    assert counts(release, t.id, "quarter") == {"2023-Q1": 2, "2023-Q2": 1, "2023-Q3": 1, "2023-Q4": 1}
    assert counts(release, t.id, "age") == {"adult": 3, "child": 1, "not_specified": 1}
    assert counts(release, t.id, "gender") == {"female": 2, "male": 2, "other": 0, "not_specified": 1}
    assert t.cell(quarter="2023-Q1", age="child", gender="male").count == 1


def test_referrals_by_nationality_a_missing_one_is_not_specified(release):
    assert counts(release, "referrals_nationality_age_gender", "nationality") == {"ALB": 2, "VNM": 2, "not_specified": 1}


def test_referrals_by_exploitation_type_and_location(release):
    t = "referrals_exploitation_location"
    assert counts(release, t, "exploitation") == {
        "sexual": 1, "labour": 0, "domestic_servitude": 1, "criminal": 0, "organ_harvesting": 0, "more_than_one": 1,
        "not_specified": 2}  # two types: 'more than one'; 'unknown' only, or none: not specified
    assert counts(release, t, "location") == {"uk": 1, "overseas": 1, "both": 1, "not_specified": 2}


def test_referrals_by_first_responder_kind_then_organisation(release):
    t = release.table("referrals_first_responder")
    assert t.cell(responder_kind="police_force").count == 4
    assert t.cell(responder_kind="ngo", responder="SALV").count == 1
    assert t.label("responder", "SALV") == "The Salvation Army"


def test_referrals_by_authority_and_by_nation_and_force(release):
    assert counts(release, "referrals_competent_authority", "competent_authority") == {"IECA": 1, "SCA": 4}
    t = release.table("referrals_police_force_area")
    assert t.cell(nation="england").count == 4 and t.cell(nation="wales").count == 1
    assert t.cell(nation="england", police_force_area="not_specified").count == 1
    assert t.cell(nation="scotland").count == 0


def test_repeat_referrals_follow_the_person_and_confirmed_links(release):
    # referral 4: person 1 again, whose earlier referral had a negative decision; referral 5: a
    # person linked to person 2, who had a positive decision before referral 5 was received
    assert counts(release, "referrals_repeat", "history") == {"first": 3, "repeat": 1, "repeat_after_positive": 1}


def test_duty_to_notify_reports_are_counted_on_their_own(release):
    t = release.table("dtn_nationality_quarter")
    assert t.total().count == 1 and t.cell(quarter="2023-Q1", nationality="not_specified").count == 1


def test_decisions_by_quarter_outcome_and_age(release):
    rg = release.table("rg_decisions_quarter")
    assert rg.total().count == 2
    assert rg.cell(outcome="positive", age="child").count == 1 and rg.cell(outcome="negative", age="adult").count == 1
    assert rg.cell(quarter="2023-Q1").count == 2
    cg = release.table("cg_decisions_authority")
    assert cg.cell(competent_authority="SCA", outcome="positive", age="child").count == 1


def test_decision_times_fall_into_the_dated_bands(release):
    # 5 days; 69 days (10 January to 20 March: over 2 months, within 3); 93 days from the
    # positive RG decision (6 February to 10 May: over 3 months, within 6)
    assert counts(release, "rg_decision_times", "band") == {
        "up_to_7_days": 1, "days_8_to_45": 0, "days_46_to_3_months": 1, "months_3_to_6": 0, "over_6_months": 0}
    assert release.table("cg_decision_times").cell(band="months_3_to_6").count == 1


def test_median_working_days_use_the_nations_calendar(release):
    rg = release.summary[0]
    expected = [working_days_between(D(2023, 2, 1), D(2023, 2, 6), nation="england"),
                working_days_between(D(2023, 1, 10), D(2023, 3, 20), nation="england")]
    assert rg.known == 2 and rg.quartiles[1] == sum(expected) / 2
    assert release.summary[1].quartiles[1] == 93


@given(st.lists(st.integers(0, 400), min_size=1, max_size=60), st.sampled_from([0.25, 0.5, 0.75]))
def test_quantiles_agree_with_numpy_type_7(values, p):
    import numpy as np

    arr = np.array(values, dtype=float)
    assert quantiles_type7(arr, (p,))[0] == pytest.approx(float(np.quantile(arr, p, method="linear")))


def test_every_total_is_the_sum_of_its_parts_before_suppression(release):
    for t in release.tables:
        for key, cell in t.cells.items():
            for i, v in enumerate(key):
                if v is not None:
                    continue
                dim = t.definition.dimensions[i]
                axis = next(a for a in t.definition.axes if dim in a)
                if axis.index(dim) and key[i - 1] is None:
                    continue  # a finer level under a coarser total: the coarser one is checked
                parts = [k for k in t.cells if k[:i] == key[:i] and k[i + 1:] == key[i + 1:] and k[i] is not None
                         and (axis.index(dim) + 1 == len(axis) or k[i + 1] is None)]
                assert cell.count == sum(t.cells[k].count for k in parts), (t.id, key)


def test_json_lists_every_table_with_its_rule_and_rows(release):
    data = release_json(release)
    assert [t["id"] for t in data["tables"]][:len(TABLES)] == [t.id for t in TABLES]
    first = data["tables"][0]
    assert first["counting_rule"] and [d["id"] for d in first["dimensions"]] == ["quarter", "age", "gender"]
    assert {"dimensions": {"quarter": None, "age": None, "gender": None}, "count": 5, "suppressed": False,
            "status": "published"} in first["rows"]
    assert data["view"] == "unsuppressed" and data["warning"]


referrals = st.lists(st.tuples(
    st.dates(D(2022, 10, 1), D(2024, 3, 31)), st.sampled_from(["adult", "child", ""]),
    st.sampled_from(["female", "male", "other", None]), st.sampled_from(["VNM", "ALB", "GBR", None, "xx"]),
    st.sampled_from(["uk", "overseas", "both", "unknown"]), st.sampled_from(["MET", "SALV"]),
    st.sampled_from(["SCA", "IECA", None]), st.integers(1, 8), st.booleans(),
    st.lists(st.sampled_from(["sexual", "labour", "criminal", "unknown"]), max_size=2),
    st.one_of(st.none(), st.tuples(st.sampled_from(["positive", "negative"]), st.integers(0, 250)))),
    max_size=40)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(referrals)
def test_fast_counts_equal_each_tables_reference_sql(rows):
    refs, types, decisions = [], [], []
    for i, (day, age, gender, nat, loc, resp, ca, person, dtn, codes, decision) in enumerate(rows, 1):
        refs.append(referral(i, day, age=age, gender=gender, nationality=nat, location=loc, responder=resp,
                             authority=ca, person=person, dtn=i if dtn and age == "adult" else None))
        types += [(i, c) for c in codes]
        if decision and not refs[-1]["dtn_id"]:
            decisions.append((i, "reasonable_grounds", decision[0], day + dt.timedelta(days=decision[1])))
    snap = snapshot(refs, types=types, decisions=decisions)
    bands, _ = bands_at(YEAR.end)
    for period in (YEAR, Period(D(2023, 4, 1), D(2024, 3, 31))):
        for definition in TABLES:
            dense, categories = finest_counts(definition, snap, period, bands=bands)
            fast = {}
            for index, n in zip(__import__("itertools").product(*categories), dense.flatten(), strict=True):
                if n:
                    fast[index] = int(n)
            assert fast == reference_counts(definition, snap, period, bands=bands), definition.id
            assert count_table(definition, snap, period, bands=bands).cells[
                tuple([None] * len(definition.dimensions))] == sum(fast.values())
