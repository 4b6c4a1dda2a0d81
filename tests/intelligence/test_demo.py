"""The demo intelligence: quick, idempotent, and its groups reproduce a Reflex-like picture
(seed note §7.1: 105 groups identified in the first year from April 2002, 48 disrupted)."""

import datetime as dt

from palermo.demo import organisations_load, users_load
from palermo.intelligence.demo import intelligence_demo_load
from palermo.intelligence.groups import group_figures_for_user
from palermo.intelligence.models import IntelligenceReport
from palermo.intelligence.selectors import report_list_for_user


def test_demo_intelligence_is_idempotent_and_shows_reflex_figures(db):
    users = users_load(organisations_load())
    made = intelligence_demo_load(users)
    assert made == IntelligenceReport.objects.count() > 100
    assert intelligence_demo_load(users) == 0
    figures = group_figures_for_user(user=users["intel"], start=dt.date(2002, 4, 1), end=dt.date(2003, 3, 31))
    assert figures["identified"] == 105 and figures["disrupted"] == 48
    # some Metropolitan Police reports are kept to itself (handling code 4): the UKHTC sees fewer
    assert report_list_for_user(user=users["intel"]).count() < report_list_for_user(user=users["intel.met"]).count()


def test_demo_fills_the_decision_pages(db):
    """A match proposal whose evidence agrees on the date of birth, and (with NRM demo people) a
    victim link recorded with its lawful reason."""
    from palermo.intelligence.models import MatchProposal, VictimLink
    from palermo.people.models import Person

    users = users_load(organisations_load())
    Person.objects.create(given_name="Synthetic", family_name="Demovictim")
    intelligence_demo_load(users)
    assert MatchProposal.objects.filter(state="pending", evidence=["name_phonetic", "date_of_birth"]).count() == 1
    link = VictimLink.objects.get()
    assert (link.organisation.code, link.lawful_reason) == ("UKHTC", "safeguarding")
