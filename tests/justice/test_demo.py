"""The demo prosecutions: idempotent, and their statistics reproduce, from records and through the
principal-offence rule, the shape of the seed note's table of defendants found guilty in England
and Wales, 2004-2010 (§4, fn 35: -, 12, 21, 23, 24, 25, 16)."""

from palermo.demo import organisations_load, users_load
from palermo.justice.demo import FOUND_GUILTY_EW, justice_demo_load
from palermo.justice.models import Charge, Prosecution
from palermo.justice.statistics import justice_statistics


def test_demo_prosecutions_reproduce_the_published_table_from_records(db):
    users = users_load(organisations_load())
    made = justice_demo_load(users)
    assert made == Prosecution.objects.count() > 150
    assert justice_demo_load(users) == 0
    s = justice_statistics(nation="england_wales", start_year=2004, end_year=2010)
    assert s.found_guilty_by_year() == FOUND_GUILTY_EW == {2004: 0, 2005: 12, 2006: 21, 2007: 23, 2008: 24,
                                                            2009: 25, 2010: 16}
    # the figures are not typed in: some defendants have several charges, decided differently
    assert Charge.objects.values("defendant").distinct().count() < Charge.objects.count()
    assert Charge.objects.filter(outcome__in=["acquitted", "discontinued", "dismissed"]).exists()
    assert all(y.proceeded_against >= 1 for y in s.years)
    assert sum(y.found_guilty for y in justice_statistics(nation="scotland").years) >= 1
