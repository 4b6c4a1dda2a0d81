"""Property tests: the engine never returns an offence outside its dates or nations."""

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.law.engine import offences_applicable
from palermo.law.facts import Facts, FactsError, facts_parse
from palermo.law.offences import offence_get, offence_list
from palermo.law.vocab import CONDUCTS, EXPLOITATIONS, JURISDICTIONS, NATIONS

tri = st.sampled_from([True, False, None])
facts_dicts = st.fixed_dictionaries(
    {
        "date": st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2030, 12, 31)),
        "jurisdiction": st.sampled_from(JURISDICTIONS),
        "conduct": st.sampled_from(CONDUCTS),
        "exploitation": st.sampled_from(EXPLOITATIONS),
        "offender_nationality": st.sampled_from(["british", "foreign"]),
        "offender_is_uk_company": st.booleans(),
        "victim_previously_trafficked_into_uk": tri,
        "third_party_exploitative_conduct_for_gain": tri,
    },
    optional={
        "country_of_movement": st.sampled_from(["uk", "other"]),
        "offender_habitually_resident_in": st.sampled_from([*NATIONS, None]),
    },
)


@settings(max_examples=400, deadline=None)
@given(facts_dicts)
def test_never_returned_outside_its_dates_or_nations(facts):
    """Every nation an offence is returned for extends to it and had it in force on the date."""
    answer = offences_applicable(facts)
    for applied in answer.offences:
        offence = offence_get(applied.id)
        assert applied.nations, applied.id
        for nation in applied.nations:
            assert offence.status_on(nation, facts["date"]) == "in_force", (applied.id, nation)
        if facts["jurisdiction"] != "outside_uk":
            assert applied.nations == (facts["jurisdiction"],)
        assert facts["conduct"] in offence.covers.conduct


@settings(max_examples=200, deadline=None)
@given(facts_dicts)
def test_each_related_offence_is_either_applied_or_explained(facts):
    """Every offence about this conduct is in exactly one of the two lists, and the JSON is clean."""
    answer = offences_applicable(facts)
    applied = set(answer.offence_ids)
    missed = {n.id for n in answer.not_applicable}
    related = {o.id for o in offence_list() if facts["conduct"] in o.covers.conduct}
    assert applied.isdisjoint(missed)
    assert applied | missed == related
    json.dumps(answer.to_json())


@given(facts_dicts.filter(lambda f: f["date"] < dt.date(2003, 2, 10)))
def test_nothing_before_10_february_2003(facts):
    """Seed note §3: until 2003 there were no specific trafficking offences."""
    answer = offences_applicable(facts)
    assert answer.offences == []
    assert any("no specific trafficking offences" in r for r in answer.reasons)


@given(facts_dicts, st.text(min_size=1, max_size=20).filter(lambda k: k not in Facts.model_fields))
def test_unknown_keys_are_refused(facts, key):
    data = {**facts, key: "x"}
    try:
        facts_parse(data)
    except FactsError as exc:
        assert any(repr(key) in p and "unknown key" in p for p in exc.problems)
    else:
        raise AssertionError("an unknown key was accepted")


@given(
    facts_dicts,
    st.sampled_from(["jurisdiction", "conduct", "exploitation", "offender_nationality"]),
    st.text(max_size=15),
)
def test_unknown_values_are_refused(facts, key, value):
    if value in {"british", "foreign", *JURISDICTIONS, *CONDUCTS, *EXPLOITATIONS}:
        return
    try:
        facts_parse({**facts, key: value})
    except FactsError as exc:
        assert any(p.startswith(f"{key}:") and "use one of" in p for p in exc.problems)
    else:
        raise AssertionError("an unknown value was accepted")
