"""Property tests of the retention date rules: when a record closed N years ago becomes due, and
the 18th birthday a child's period runs from."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.law.retention import retention_rule_at
from palermo.retention.dates import add_years, due_on, eighteenth_birthday

RULE = retention_rule_at("nrm_case_adult", dt.date(2026, 1, 1))
N = RULE.years
days = st.dates(min_value=dt.date(2009, 4, 1), max_value=dt.date(2080, 12, 31))


def years_before(day: dt.date, n: int) -> dt.date:
    """``day`` n years earlier, written independently of the code under test: 29 February goes
    back to 28 February in a common year."""
    try:
        return day.replace(year=day.year - n)
    except ValueError:
        return day.replace(year=day.year - n, day=28)


@given(as_of=st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2080, 12, 31)))
def test_closed_n_years_and_a_day_ago_is_due_and_n_years_less_a_day_ago_is_not(as_of):
    plus = years_before(as_of, N) - dt.timedelta(days=1)
    minus = years_before(as_of, N) + dt.timedelta(days=1)
    assert due_on(plus, RULE) <= as_of
    assert due_on(minus, RULE) > as_of


@given(closed=days)
def test_a_record_is_kept_for_at_least_the_whole_period(closed):
    """Due on the Nth anniversary (1 March for a 29 February in a common year), never before it."""
    due = due_on(closed, RULE)
    if (closed.month, closed.day) != (2, 29):
        assert due == dt.date(closed.year + N, closed.month, closed.day)
    else:
        assert due == (dt.date(closed.year + N, 2, 29) if calendar.isleap(closed.year + N) else dt.date(closed.year + N, 3, 1))
    assert due - closed >= dt.timedelta(days=365 * N)


@given(a=days, b=days)
def test_a_later_closure_is_never_due_earlier(a, b):
    if a <= b:
        assert due_on(a, RULE) <= due_on(b, RULE)


@given(dob=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2025, 12, 31)),
       gap=st.integers(min_value=0, max_value=20 * 366), use_assessed=st.booleans())
def test_the_18th_birthday_from_an_age_is_never_before_the_real_one(dob, gap, use_assessed):
    """Knowing only a person's age on the referral day, the 18th birthday used is the latest that
    age allows: never earlier than the real one, and exactly it when the referral fell on a birthday."""
    received = dob + dt.timedelta(days=gap)
    age = received.year - dob.year - ((received.month, received.day) < (dob.month, dob.day))
    ages = {"assessed_age": age, "claimed_age": None} if use_assessed else {"assessed_age": None, "claimed_age": age}
    estimate = eighteenth_birthday(date_of_birth=None, received_on=received, **ages)
    real = add_years(dob, 18)
    assert estimate >= real or age >= 18
    if age < 18 and (received.month, received.day) == (dob.month, dob.day):
        assert estimate == real
    assert eighteenth_birthday(date_of_birth=dob, assessed_age=age, claimed_age=None, received_on=received) == real


def test_the_18th_birthday_prefers_the_assessed_age_and_without_any_age_waits_18_years():
    received = dt.date(2020, 6, 1)
    assert eighteenth_birthday(date_of_birth=None, assessed_age=17, claimed_age=15, received_on=received) == dt.date(2021, 6, 1)
    assert eighteenth_birthday(date_of_birth=None, assessed_age=None, claimed_age=None, received_on=received) == dt.date(2038, 6, 1)


class _Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(as_of=st.dates(min_value=dt.date(2025, 6, 1), max_value=dt.date.today()))
def test_applying_on_a_date_anonymises_the_case_closed_n_years_and_a_day_before_only(world, as_of):
    """Through the services and ``retention_apply``: of two withdrawn cases, the one closed N years
    and a day before ``as_of`` is anonymised and the one closed N years less a day before is not."""
    from palermo.nrm.models import Referral
    from palermo.retention.services import retention_apply
    from tests.retention.helpers import withdrawn_case

    try:
        with transaction.atomic():
            due = withdrawn_case(world, "Plus", withdrawn_on=years_before(as_of, N) - dt.timedelta(days=1))
            kept = withdrawn_case(world, "Minus", withdrawn_on=years_before(as_of, N) + dt.timedelta(days=1))
            retention_apply(actor=None, as_of=as_of)
            assert Referral.objects.get(pk=due.referral_id).anonymised_on is not None
            assert Referral.objects.get(pk=kept.referral_id).anonymised_on is None
            raise _Rollback
    except _Rollback:
        pass
