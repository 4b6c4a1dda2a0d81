"""A possible match is never shown as certain (issue 14): the share of the odds in words, capped
below certainty, and which fields agree."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palermo.linkage.clustering import odds_shares
from palermo.linkage.strength import evidence, evidence_words, share_words
from palermo.people.models import Person


@given(st.floats(min_value=0.0, max_value=1.0))
def test_no_share_is_put_as_certainty_or_as_a_percentage(share):
    words = share_words(share)
    assert "10 in 10" not in words and "%" not in words
    assert words in {"more than 9 in 10", "less than 1 in 10"} or words.startswith("about ")


def test_one_match_at_almost_one_reads_more_than_9_in_10_and_two_at_0_8_about_4_in_10_each():
    assert share_words(odds_shares({1: 0.9999})[1]) == "more than 9 in 10"
    shares = odds_shares({1: 0.8, 2: 0.8})
    assert [share_words(v) for v in shares.values()] == ["about 4 in 10", "about 4 in 10"]


@pytest.mark.django_db
def test_the_evidence_says_which_fields_agree_differ_or_are_not_known():
    import datetime as dt

    a = Person(given_name="Ioana", family_name="Dumitru", date_of_birth=dt.date(1990, 1, 2), nationalities=["ROU"],
               gender="female")
    b = Person(given_name="Dumitru", family_name="Ioana", date_of_birth=dt.date(1990, 1, 3), nationalities=["MDA"],
               gender="unknown")
    a.refresh_blind_indexes()
    b.refresh_blind_indexes()
    states = {i["field"]: i["state"] for i in evidence(a, b)}
    assert states == {"name": "agree", "date_of_birth": "differ", "nationality": "differ", "gender": "unknown"}
    assert evidence_words(evidence(a, b)) == {"agree": "Name", "differ": "Date of birth, nationality",
                                              "unknown": "Gender"}
