"""The monitoring report: decision times by competent authority, positive-decision rates by
group with Wilson intervals, flags by Fisher's exact test adjusted by Holm's method, small cells
suppressed; EEA membership read on the referral date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palermo.releases.dataset import nationality_group
from palermo.releases.monitoring import Group, _rates, _suppress, _times, holm, wilson

from .helpers import facts


def test_the_wilson_interval_is_the_textbook_one():
    low, high = wilson(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4) and high == pytest.approx(0.7634, abs=1e-4)
    low, high = wilson(0, 20)
    assert low == 0 and high == pytest.approx(0.1611, abs=1e-4)


def test_holm_adjusts_step_down_and_keeps_the_order():
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=30))
def test_holm_never_lowers_a_p_value_nor_passes_one(ps):
    adjusted = holm(ps)
    assert all(p <= a <= 1 for p, a in zip(ps, adjusted, strict=True))
    order = sorted(range(len(ps)), key=lambda i: ps[i])
    assert all(adjusted[a] <= adjusted[b] for a, b in zip(order, order[1:], strict=False))


def test_eea_membership_is_read_on_the_referral_date():
    """Croatia joined on 1 July 2013 (reference.eea_states)."""
    assert nationality_group(["HRV"], dt.date(2012, 6, 1)) == "other"
    assert nationality_group(["HRV"], dt.date(2014, 6, 1)) == "eea"
    assert nationality_group(["GBR", "ROU"], dt.date(2010, 6, 1)) == "uk"
    assert nationality_group([], dt.date(2010, 6, 1)) == "unknown"


@pytest.mark.django_db
def test_a_group_decided_differently_is_flagged_and_a_small_one_suppressed(world):
    """UK nationals: 90 of 100 conclusive decisions positive; other nationals 30 of 100; EEA
    nationals: 4 decisions (suppressed, and so the next smallest group too, or the total would
    give them back)."""
    population = (facts(90, nationality="GBR") + facts(10, start=100, nationality="GBR", status="not_identified",
                                                         cg="negative")
                  + facts(30, start=200, nationality="NGA") + facts(70, start=300, nationality="NGA",
                                                                     status="not_identified", cg="negative")
                  + facts(4, start=400, nationality="ROU"))
    breakdowns = _rates(population, 10)
    cg = next(b for b in breakdowns if b.stage == "conclusive_grounds" and b.dimension == "nationality_group")
    groups = {g.key: g for g in cg.groups}
    assert groups["eea"].suppressed and groups["eea"].rate is None and groups["eea"].p_value is None
    assert cg.total.n == 204 and cg.total.positive == 124
    uk, other = groups["uk"], groups["other"]
    assert not uk.suppressed or not other.suppressed
    shown = uk if not uk.suppressed else other
    assert shown.flag and shown.p_adjusted < 0.05 and shown.ci_low < shown.rate < shown.ci_high
    rg = next(b for b in breakdowns if b.stage == "reasonable_grounds" and b.dimension == "nationality_group")
    assert not any(g.flag for g in rg.groups)  # every reasonable grounds decision was positive
    public = [g.public() for g in cg.groups]
    assert all("n" not in g and "rate" not in g for g in public if g["suppressed"])


def test_complementary_suppression_hides_a_second_group_only_when_one_is_hidden():
    groups = [Group("a", "A", n=50), Group("b", "B", n=12), Group("c", "C", n=3), Group("d", "D", n=0)]
    _suppress(groups, 10)
    assert [g.suppressed for g in groups] == [False, True, True, True]
    groups = [Group("a", "A", n=50), Group("b", "B", n=12), Group("c", "C", n=3), Group("e", "E", n=4)]
    _suppress(groups, 10)
    assert [g.suppressed for g in groups] == [False, False, True, True]


@pytest.mark.django_db
def test_decision_times_are_by_competent_authority_and_suppressed_when_few(world):
    population = facts(12, authority="UKHTC") + facts(3, start=50, authority="UKBA")
    times = {t["competent_authority"]: t for t in _times(population, 10)}
    rg = times["UKHTC"]["reasonable_grounds_working_days"]
    # received Tuesday 1 June 2010, decided Friday 4 June: 3 working days in England
    assert rg == {"n": 12, "suppressed": False, "median": 3, "lower_quartile": 3, "upper_quartile": 3}
    assert times["UKHTC"]["conclusive_grounds_days_after_reasonable_grounds"]["median"] == 57
    assert times["UKBA"]["reasonable_grounds_working_days"] == {"n": 3, "suppressed": True}
