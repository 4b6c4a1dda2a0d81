"""The library API for the web page and prosecutions: offences, definitions, timeline, assessment."""

import datetime as dt

import pytest

from palermo.law import selectors


def test_offence_get_and_list():
    s57 = selectors.offence_get("SOA2003_s57")
    assert s57.statute == "Sexual Offences Act 2003" and s57.section == "57"
    ids = [o.id for o in selectors.offence_list()]
    assert ids[0] == "NIAA2002_s145" and len(ids) == len(set(ids)) >= 17
    with pytest.raises(KeyError, match="unknown offence"):
        selectors.offence_get("SOA2003_s999")


def test_every_offence_cites_a_source_with_an_explicit_verification_flag():
    for offence in selectors.offence_list():
        assert offence.citations
        assert all(isinstance(s.verified, bool) for s in offence.all_sources())


def test_offence_history_shows_the_2008_territorial_change():
    history = selectors.offence_history("SOA2003_s57")
    kinds = [(e.date, e.kind) for e in history]
    assert (dt.date(2004, 5, 1), "in_force") in kinds
    assert (dt.date(2008, 1, 31), "territorial") in kinds
    assert (dt.date(2013, 4, 6), "repealed") in kinds


def test_timeline_filters_by_nation():
    events = selectors.timeline(nation="scotland")
    assert events and all("scotland" in e.nations for e in events)
    assert [e.date for e in events] == sorted(e.date for e in events)
    with pytest.raises(ValueError):
        selectors.timeline(nation="wales")


def test_offences_in_force_on_a_date():
    in_force = selectors.offences_in_force(on=dt.date(2005, 1, 1))
    assert in_force["england_wales"] == ["SOA2003_s57", "SOA2003_s58", "SOA2003_s59", "AITCA2004_s4"]
    assert in_force["scotland"] == ["CJSA2003_s22", "AITCA2004_s4"]


@pytest.mark.parametrize(
    "term",
    [
        "people smuggling",
        "People trafficking",
        "illegal working",
        "exploitation",
        "palermo",
        "consent",
        "smuggling of migrants",
        "forced labour",
        "border crossing",
    ],
)
def test_the_seed_note_definitions_are_there(term):
    d = selectors.definition_get(term)
    assert d.current().sources and d.current().value.text


def test_an_unknown_term_lists_the_known_ones():
    with pytest.raises(KeyError, match="known terms: .*forced_labour"):
        selectors.definition_get("piracy")


def test_assessment_shows_evidenced_and_missing_elements():
    result = selectors.assess_palermo_elements(act=["recruitment"], purpose=["forced_labour_or_services"])
    assert result.missing == ["means"]
    assert not result.all_elements_evidenced
    assert "not a decision" in result.not_a_decision


def test_assessment_for_a_child_does_not_need_means():
    result = selectors.assess_palermo_elements(
        act=["transportation"], purpose=["sexual_exploitation"], victim_is_child=True
    )
    assert result.missing == []
    assert [e.status for e in result.elements] == ["evidenced", "not_required", "evidenced"]


def test_assessment_notes_that_consent_is_irrelevant_where_means_used():
    result = selectors.assess_palermo_elements(
        act=["recruitment"], means=["deception"], purpose=["servitude"], consent_recorded=True
    )
    assert any("irrelevant" in n for n in result.notes)
    assert any("border" in n for n in result.notes)


def test_assessment_refuses_unknown_codes():
    with pytest.raises(ValueError, match="means: unknown code 'bribery'"):
        selectors.assess_palermo_elements(means=["bribery"])
