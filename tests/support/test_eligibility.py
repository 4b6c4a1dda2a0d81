"""Support eligibility as dated, cited law data (law/data/policy/support/*_eligibility.yaml),
evaluated by palermo.law.eligibility: per provider across dates, and properties that hold for
every rule, date and person."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.law.checks import law_data_check
from palermo.law.eligibility import EligibilityError, eligibility_evaluate, eligibility_rule_ids
from palermo.law.parameters import POLICY_DIR, all_parameters, parameter_history

RULES = eligibility_rule_ids()
POPPY, SALVARMY, MIGHELP, LA = (
    "support.poppy_eligibility", "support.salvation_army_eligibility", "support.migrant_helpline_eligibility",
    "support.local_authority_children_eligibility")


def facts(on: dt.date, **over) -> dict:
    base = {"date": on, "nation": "england", "treated_as_child": False, "sex": "female", "exploitation": ("sexual",),
            "trafficked_into_uk": True, "exploited_in_uk": True, "positive_reasonable_grounds": True,
            "willing_to_cooperate": True}
    return {**base, **over}


def test_the_four_providers_of_the_seed_note_have_rules():
    assert {POPPY, SALVARMY, MIGHELP, LA} <= set(RULES)


@pytest.mark.parametrize("on,rule,outcome", [
    # Poppy: no terms before the 2003 pilot; the pilot (London, co-operation); the February 2009 grant
    # terms; under the Salvation Army's contract from 1 July 2011.
    (dt.date(2003, 3, 9), POPPY, "not_in_force"),
    (dt.date(2003, 3, 10), POPPY, "eligible"),
    (dt.date(2009, 2, 27), POPPY, "eligible"),
    (dt.date(2011, 6, 30), POPPY, "eligible"),
    (dt.date(2011, 7, 1), POPPY, "eligible"),
    # The Salvation Army: from 1 July 2011 (the victim care model, seed note §10).
    (dt.date(2011, 6, 30), SALVARMY, "not_in_force"),
    (dt.date(2011, 7, 1), SALVARMY, "eligible"),
    (dt.date(2026, 1, 1), SALVARMY, "eligible"),
    # Migrant Helpline: forced labour from 1 April 2009 (not this woman's exploitation); ended 30 June 2011.
    (dt.date(2009, 3, 31), MIGHELP, "not_in_force"),
    (dt.date(2009, 4, 1), MIGHELP, "not_eligible"),
    (dt.date(2011, 7, 1), MIGHELP, "not_in_force"),
    # Local authorities support children: this is an adult.
    (dt.date(2012, 1, 1), LA, "not_eligible"),
])
def test_an_adult_woman_sexually_exploited_in_england_across_dates(on, rule, outcome):
    assert eligibility_evaluate(rule, facts(on)).outcome == outcome


def test_poppy_before_2011_needed_no_reasonable_grounds_decision_and_after_it_does():
    """From July 2011 the Poppy Project's clients are first the Salvation Army contract's: a
    positive reasonable grounds decision, in England and Wales."""
    before = eligibility_evaluate(POPPY, facts(dt.date(2010, 1, 1), positive_reasonable_grounds=False))
    after = eligibility_evaluate(POPPY, facts(dt.date(2012, 1, 1), positive_reasonable_grounds=False))
    assert before.eligible
    assert after.outcome == "not_eligible"
    assert "reasonable grounds" in after.reason and "the Salvation Army" in after.reason  # the inner rule by its title, not its id
    assert any(s.test.startswith("the rule: who the Salvation Army could support") for s in after.rule_path)


def test_the_2003_pilot_needed_willingness_to_cooperate_and_says_when_it_is_not_known():
    on = dt.date(2004, 1, 1)
    assert eligibility_evaluate(POPPY, facts(on, willing_to_cooperate=False)).outcome == "not_eligible"
    unknown = eligibility_evaluate(POPPY, facts(on, willing_to_cooperate=None))
    assert unknown.outcome == "cannot_tell" and "co-operate" in unknown.reason


def test_the_2009_terms_need_trafficking_into_the_uk_and_cannot_tell_without_it():
    on = dt.date(2010, 1, 1)
    assert eligibility_evaluate(POPPY, facts(on, trafficked_into_uk=False)).outcome == "not_eligible"
    assert eligibility_evaluate(POPPY, facts(on, trafficked_into_uk=None)).outcome == "cannot_tell"


def test_domestic_servitude_from_march_2009_but_not_before():
    servitude = {"exploitation": ("domestic_servitude",)}
    assert eligibility_evaluate(POPPY, facts(dt.date(2009, 3, 23), **servitude)).outcome == "not_eligible"
    assert eligibility_evaluate(POPPY, facts(dt.date(2009, 3, 24), **servitude)).eligible


def test_exactly_eighteen_counts_as_over_eighteen():
    """Seed-facts trap 8: 'over 18-years-old' is encoded as 18 or over, and the file says so."""
    assert eligibility_evaluate(POPPY, facts(dt.date(2010, 1, 1), age=18)).eligible
    assert not eligibility_evaluate(POPPY, facts(dt.date(2010, 1, 1), age=17)).eligible


def test_the_salvation_army_supports_men_and_women_but_only_in_england_and_wales():
    on = dt.date(2020, 1, 1)
    assert eligibility_evaluate(SALVARMY, facts(on, sex="male", exploitation=("labour",))).eligible
    scotland = eligibility_evaluate(SALVARMY, facts(on, nation="scotland"))
    assert scotland.outcome == "not_eligible" and "England and Wales" in scotland.reason


def test_a_child_is_eligible_for_the_local_authority_and_not_for_an_adult_provider():
    on = dt.date(2020, 1, 1)
    child = facts(on, treated_as_child=True)
    assert eligibility_evaluate(LA, child).eligible
    answer = eligibility_evaluate(SALVARMY, child)
    assert answer.outcome == "not_eligible" and "treated as a child" in answer.reason


def test_each_answer_cites_its_sources_and_names_the_version_that_applied():
    answer = eligibility_evaluate(POPPY, facts(dt.date(2009, 6, 1)))
    assert answer.version == "support.poppy_eligibility@2009-03-24"
    assert any("seed note §5.2, fn 42" in s.citation for s in answer.citations) or any(
        "fn 44" in s.citation for s in answer.citations)
    assert answer.unverified  # the March 2009 value rests on an assumption the file flags
    assert answer.to_json()["rule_path"][0]["test"].startswith("terms in force on")


def test_an_unknown_rule_is_refused():
    with pytest.raises(EligibilityError):
        eligibility_evaluate("support.no_such_rule", facts(dt.date(2020, 1, 1)))
    with pytest.raises(EligibilityError):
        eligibility_evaluate("nrm.rg_target_working_days", facts(dt.date(2020, 1, 1)))


# --- properties --------------------------------------------------------------------------

person = st.fixed_dictionaries({
    "date": st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31)),
    "nation": st.sampled_from(["england", "wales", "scotland", "northern_ireland"]),
    "treated_as_child": st.booleans(),
    "age": st.one_of(st.none(), st.integers(0, 90)),
    "sex": st.sampled_from(["female", "male", "other", "unknown"]),
    "exploitation": st.lists(st.sampled_from(["sexual", "labour", "domestic_servitude", "criminal",
                                              "organ_harvesting", "unknown"]), max_size=3).map(tuple),
    "trafficked_into_uk": st.sampled_from([True, False, None]),
    "exploited_in_uk": st.sampled_from([True, False, None]),
    "positive_reasonable_grounds": st.booleans(),
    "willing_to_cooperate": st.sampled_from([True, False, None]),
})


def _in_force(rule: str, on: dt.date) -> bool:
    current = None
    for v in parameter_history(rule):
        if v.effective_from <= on:
            current = v
    return current is not None and current.value is not None


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(RULES), person)
def test_never_eligible_outside_a_rules_dates(rule, f):
    """Before a rule's first value, or after it ends (a null value), nobody is eligible."""
    answer = eligibility_evaluate(rule, f)
    if not _in_force(rule, f["date"]):
        assert answer.outcome == "not_in_force" and not answer.eligible
    if answer.eligible:
        assert _in_force(rule, f["date"])


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(RULES), person)
def test_a_child_is_never_eligible_for_adult_only_terms(rule, f):
    answer = eligibility_evaluate(rule, {**f, "treated_as_child": True})
    if answer.terms is not None and answer.terms.adults_only:
        assert not answer.eligible


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(RULES), person)
def test_eligible_means_every_term_holds(rule, f):
    """An eligible answer never contradicts the terms in force (sex, exploitation, nation, a
    positive reasonable grounds decision), and a rule within another holds only where that one does."""
    answer = eligibility_evaluate(rule, f)
    if not answer.eligible:
        return
    t = answer.terms
    if t.sex:
        assert f["sex"] == t.sex
    if t.exploitation:
        assert set(f["exploitation"]) & set(t.exploitation)
    if t.nations:
        assert f["nation"] in t.nations
    if t.requires_positive_reasonable_grounds:
        assert f["positive_reasonable_grounds"]
    if t.maximum_age is not None:
        assert f["treated_as_child"] or (f["age"] is not None and f["age"] <= t.maximum_age)
    if t.within:
        assert eligibility_evaluate(t.within, f).eligible


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(RULES), person)
def test_every_answer_explains_itself(rule, f):
    answer = eligibility_evaluate(rule, f)
    assert answer.reason
    assert answer.citations, "every answer cites its source"
    if answer.outcome != "not_in_force":
        assert answer.rule_path and answer.version


# --- palermo law check ------------------------------------------------------------------------


@pytest.fixture
def policy_copy(tmp_path) -> Path:
    root = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, root)
    yield root
    all_parameters.cache_clear()


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _check(root: Path) -> list[str]:
    all_parameters.cache_clear()
    return law_data_check(policy_dir=root, run_cases=False)[1]


def test_law_check_passes_the_shipped_rules():
    counts, problems = law_data_check(run_cases=False)
    assert problems == [] and counts["support eligibility rules"] >= 4


def test_law_check_refuses_an_uncited_value(policy_copy):
    _edit(policy_copy / "support" / "salvation_army_eligibility.yaml", lambda d: d["values"][0].update(sources=[]))
    assert any("salvation_army_eligibility" in p and "sources" in p for p in _check(policy_copy))


def test_law_check_refuses_an_unverified_source_without_a_reason(policy_copy):
    def change(d):
        d["values"][0]["sources"][2].pop("note")
    _edit(policy_copy / "support" / "salvation_army_eligibility.yaml", change)
    assert any("must say why" in p for p in _check(policy_copy))


@pytest.mark.parametrize("change,words", [
    (lambda d: d["values"][1]["value"].update(exploitation=["sexuall"]), "unknown code sexuall"),
    (lambda d: d["values"][1]["value"].update(within="support.nowhere"), "not a support eligibility rule"),
    (lambda d: d["values"][1]["value"].update(minimum_age=30, maximum_age=20), "minimum_age is above maximum_age"),
    (lambda d: d["values"][1]["value"].update(favourite_colour="blue"), "favourite_colour"),
    (lambda d: d["values"][1].update({"from": dt.date(2001, 1, 1)}), "strictly increasing"),
])
def test_law_check_refuses_terms_that_break_the_schema(policy_copy, change, words):
    _edit(policy_copy / "support" / "poppy_eligibility.yaml", change)
    problems = _check(policy_copy)
    assert any(words in p for p in problems), problems


def test_law_check_refuses_a_rule_within_itself(policy_copy):
    _edit(policy_copy / "support" / "salvation_army_eligibility.yaml",
          lambda d: d["values"][0]["value"].update(within="support.poppy_eligibility"))
    assert any("leads back to itself" in p for p in _check(policy_copy))
