"""Deadlines come from dated, cited parameters and store the version used."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.law.parameters import ParameterError
from palermo.nrm import deadlines
from palermo.nrm.routing import route


def test_rg_due_uses_the_parameter_and_calendar_versions():
    d = deadlines.rg_due(received_on=dt.date(2026, 12, 23), nation="scotland")
    assert d.due == dt.date(2027, 1, 5)
    assert d.version.startswith("nrm.rg_target_working_days@2019-04-29+holidays-")


def test_seed_era_recovery_period_is_45_days():
    """Seed note §5.1: a 45 day reflection and recovery period."""
    d = deadlines.recovery_period_min_end(rg_decided_on=dt.date(2011, 3, 1))
    assert d.due == dt.date(2011, 4, 15)
    assert d.version == "nrm.minimum_recovery_period_days@2009-04-01"
    assert "seed note §5.1" in d.citation


def test_no_nrm_rule_before_the_nrm_began():
    with pytest.raises(ParameterError, match="no value in force"):
        deadlines.rg_due(received_on=dt.date(2008, 12, 1), nation="england")


@pytest.mark.parametrize(
    "on,nats,ie,expected",
    [
        (dt.date(2010, 6, 1), ["POL"], False, "UKHTC"),  # EEA national, seed era
        (dt.date(2010, 6, 1), ["GBR"], False, "UKHTC"),
        (dt.date(2010, 6, 1), ["VNM"], False, "UKBA"),
        (dt.date(2012, 6, 1), ["HRV"], False, "UKBA"),  # Croatia not yet in the EU
        (dt.date(2014, 6, 1), ["HRV"], False, "UKHTC"),
        (dt.date(2019, 4, 28), ["VNM"], False, "UKBA"),
        (dt.date(2019, 4, 29), ["VNM"], False, "SCA"),
        (dt.date(2021, 10, 31), ["ALB"], True, "SCA"),
        (dt.date(2021, 11, 1), ["ALB"], True, "IECA"),
        (dt.date(2026, 1, 5), ["ALB"], False, "SCA"),
    ],
)
def test_routing_follows_the_dated_rule(on, nats, ie, expected):
    assert route(on=on, nationalities=nats, immigration_enforcement=ie).authority_code == expected


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=dt.date(2009, 4, 1), max_value=dt.date(2030, 12, 31)))
def test_cg_never_possible_before_the_minimum_recovery_period_ends(day):
    assert deadlines.cg_earliest(rg_decided_on=day).due >= deadlines.recovery_period_min_end(rg_decided_on=day).due - dt.timedelta(days=0)
