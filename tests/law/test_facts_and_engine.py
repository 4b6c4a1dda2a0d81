"""Facts validation messages and the engine's answer shape."""

import datetime as dt

import pytest

from palermo.law.engine import offences_applicable
from palermo.law.facts import FactsError, facts_parse

BASE = {
    "date": "2008-01-31",
    "jurisdiction": "outside_uk",
    "conduct": "arrange_arrival",
    "exploitation": "sexual",
    "offender_nationality": "foreign",
}


def test_a_date_must_be_iso():
    with pytest.raises(FactsError, match="YYYY-MM-DD"):
        facts_parse({**BASE, "date": "31/01/2008"})


def test_a_timestamp_is_not_a_date():
    with pytest.raises(FactsError, match="YYYY-MM-DD"):
        facts_parse({**BASE, "date": 1201737600})


def test_booleans_are_strict():
    """'yes' is not true: a caseworker's answer must be recorded as true, false or null."""
    with pytest.raises(FactsError, match="victim_previously_trafficked_into_uk: 'yes' is not allowed"):
        facts_parse({**BASE, "victim_previously_trafficked_into_uk": "yes"})


def test_missing_keys_are_named():
    with pytest.raises(FactsError) as err:
        facts_parse({"date": "2008-01-31"})
    assert "jurisdiction is missing" in err.value.problems


def test_the_facts_must_be_an_object():
    with pytest.raises(FactsError, match="JSON object"):
        facts_parse(["2008-01-31"])


def test_original_keys_keep_their_meaning_without_the_later_keys():
    """The later optional keys default to the original meaning (movement concerns the UK)."""
    facts = facts_parse(BASE)
    assert facts.country_of_movement == "uk" and facts.offender_habitually_resident_in is None
    assert facts.date == dt.date(2008, 1, 31)


def test_answer_json_has_the_documented_shape():
    data = offences_applicable(BASE).to_json()
    assert set(data) >= {"offences", "not_applicable", "reasons"}
    offence = data["offences"][0]
    assert {"id", "title", "statute", "section", "max_penalty", "citations", "rule_path"} <= set(offence)
    assert offence["id"] == "SOA2003_s57"
    assert all("citation" in c and "verified" in c for c in offence["citations"])


def test_the_rule_path_names_the_2008_rule_and_its_source():
    answer = offences_applicable(BASE)
    path = answer.offences[0].rule_path
    territorial = [s for s in path if s.test.startswith("territorial")]
    assert territorial and "arrival_from_anywhere" in territorial[0].result
    assert any("UK Borders Act 2007 s31" in c.citation for c in territorial[0].citations)


def test_near_miss_message_for_an_offence_not_yet_in_force():
    answer = offences_applicable({**BASE, "date": "2004-04-30", "jurisdiction": "england_wales"})
    miss = answer.near_miss("SOA2003_s57")
    assert miss.code == "not_yet_in_force"
    assert miss.reason.startswith("SOA2003_s57 not yet in force on 2004-04-30")


def test_unverified_sources_are_flagged_in_the_reasons():
    answer = offences_applicable(
        {**BASE, "date": "2016-06-01", "conduct": "recruit", "exploitation": "labour"}
    )
    assert answer.offences and any("verified: false" in r for r in answer.reasons)


def test_answers_say_they_are_not_legal_advice():
    assert any("not legal advice" in r for r in offences_applicable(BASE).reasons)
