"""Statistics as queries over recorded charges, on a small data set whose counts are worked by hand
(seed note §4: defendants counted once, under their principal offence)."""

import datetime as dt

import pytest

from palermo.justice.models import Charge
from palermo.justice.statistics import justice_statistics

from .helpers import Justice

D = dt.date


@pytest.fixture
def known(db):
    """Four defendants (England and Wales):

    A charged 1 Jun 2008 with s57 and 2004 Act s4 (offences 10 Jan 2008); guilty of both on
      1 Feb 2009: s57 suspended 12 months, s4 immediate custody 24 months.
      Proceeded against 2008 under AITCA2004_s4 (both 14 years: offence id breaks the tie);
      found guilty 2009 under AITCA2004_s4 (custody beats a suspended sentence), 24 months.
    B charged 1 May 2010 with s53A and s58 (offences 10 Apr 2010); s53A fine £500 on 1 Jul 2010,
      s58 acquitted. Proceeded against 2010 under s58 (14 years beats a £1,000 fine); found guilty
      2010 under s53A (the only finding of guilt); no custody.
    C charged 1 Mar 2009 with s57 and s58; guilty of both on 1 Sep 2009, immediate custody 36 and
      48 months. Proceeded against 2009 under s57 (tie: offence id); found guilty 2009 under s58
      (same disposal and maximum: the longer term), 48 months.
    D charged 1 Jan 2009 with s59, discontinued 1 Apr 2009. Proceeded against 2009 under s59.
    """
    j = Justice(people=4)
    a, b, c, d = j.people
    j.prosecute(charged_on=D(2008, 6, 1), defendants=[(a, [("SOA2003_s57", D(2008, 1, 10)),
                                                           ("AITCA2004_s4", D(2008, 1, 10))])])
    j.prosecute(charged_on=D(2010, 5, 1), defendants=[(b, [("SOA2003_s53A", D(2010, 4, 10)),
                                                           ("SOA2003_s58", D(2010, 4, 10))])])
    j.prosecute(charged_on=D(2009, 3, 1), defendants=[(c, [("SOA2003_s57", D(2009, 1, 1)), ("SOA2003_s58", D(2009, 1, 1))])])
    j.prosecute(charged_on=D(2009, 1, 1), defendants=[(d, [("SOA2003_s59", D(2008, 12, 1))])])
    ch = {(x.defendant.entity_id, x.offence_id): x for x in Charge.objects.select_related("defendant")}
    j.outcome(ch[a.pk, "SOA2003_s57"], on=D(2009, 2, 1), disposal="suspended_sentence", custody_months=12)
    j.outcome(ch[a.pk, "AITCA2004_s4"], on=D(2009, 2, 1), disposal="immediate_custody", custody_months=24)
    j.outcome(ch[b.pk, "SOA2003_s53A"], on=D(2010, 7, 1), disposal="fine", fine_pounds=500)
    j.outcome(ch[b.pk, "SOA2003_s58"], "acquitted", on=D(2010, 7, 1))
    j.outcome(ch[c.pk, "SOA2003_s57"], on=D(2009, 9, 1), disposal="immediate_custody", custody_months=36)
    j.outcome(ch[c.pk, "SOA2003_s58"], on=D(2009, 9, 1), disposal="immediate_custody", custody_months=48)
    j.outcome(ch[d.pk, "SOA2003_s59"], "discontinued", on=D(2009, 4, 1))
    return j


def test_people_proceeded_against_and_found_guilty_per_year(known):
    s = justice_statistics(start_year=2007, end_year=2010)
    assert [(y.year, y.proceeded_against, y.found_guilty) for y in s.years] == [
        (2007, 0, 0), (2008, 1, 0), (2009, 2, 2), (2010, 1, 1)]
    assert s.rule_version == "justice.principal_offence@2004-01-01"


def test_counts_by_principal_offence(known):
    cells = {(c.year, c.offence_id): (c.proceeded_against, c.found_guilty)
             for c in justice_statistics().by_offence_year}
    assert cells == {
        (2008, "AITCA2004_s4"): (1, 0),
        (2009, "AITCA2004_s4"): (0, 1), (2009, "SOA2003_s57"): (1, 0), (2009, "SOA2003_s58"): (0, 1),
        (2009, "SOA2003_s59"): (1, 0),
        (2010, "SOA2003_s58"): (1, 0), (2010, "SOA2003_s53A"): (0, 1),
    }


def test_average_custodial_sentence(known):
    years = {y.year: y for y in justice_statistics().years}
    assert years[2009].average_custody_months == 36.0  # (24 + 48) / 2
    assert years[2010].average_custody_months is None  # a fine only


def test_prosecutions_per_offence(known):
    per = {o.offence_id: (o.prosecutions, o.defendants, o.charges, o.charges_found_guilty)
           for o in justice_statistics().per_offence}
    assert per == {"SOA2003_s57": (2, 2, 2, 2), "SOA2003_s58": (2, 2, 2, 1), "AITCA2004_s4": (1, 1, 1, 1),
                   "SOA2003_s53A": (1, 1, 1, 1), "SOA2003_s59": (1, 1, 1, 0)}


def test_a_nation_filter_counts_only_that_nations_prosecutions(known):
    known.prosecute(nation="scotland", court_kind="sheriff", charged_on=D(2009, 1, 1),
                    defendants=[(known.people[0], [("AITCA2004_s4", D(2008, 6, 1))])])
    assert sum(y.proceeded_against for y in justice_statistics(nation="scotland").years) == 1
    assert sum(y.proceeded_against for y in justice_statistics(nation="england_wales").years) == 4
    assert sum(y.proceeded_against for y in justice_statistics().years) == 5
