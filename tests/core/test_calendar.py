"""Working days per UK nation (deadlines run in working days, each nation's bank holidays)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.core.calendar import (
    NATIONS,
    add_working_days,
    holiday_name,
    is_working_day,
    working_days_between,
)

nations = st.sampled_from(sorted(NATIONS))
dates = st.dates(min_value=dt.date(2009, 1, 1), max_value=dt.date(2032, 12, 31))


def test_christmas_2026_example_from_the_issue():
    """Received Wednesday 23 December 2026 with a 5-working-day target: England is due on
    Monday 4 January 2027; Scotland, whose 2 January holiday moves to the 4th, on the 5th."""
    received = dt.date(2026, 12, 23)
    assert add_working_days(received, 5, nation="england") == dt.date(2027, 1, 4)
    assert add_working_days(received, 5, nation="wales") == dt.date(2027, 1, 4)
    assert add_working_days(received, 5, nation="scotland") == dt.date(2027, 1, 5)


@pytest.mark.parametrize(
    "day,nation,working",
    [
        (dt.date(2026, 11, 30), "scotland", False),  # St Andrew's Day
        (dt.date(2026, 11, 30), "england", True),
        (dt.date(2026, 3, 17), "northern_ireland", False),  # St Patrick's Day
        (dt.date(2026, 3, 17), "wales", True),
        (dt.date(2026, 4, 6), "scotland", True),  # no Easter Monday in Scotland
        (dt.date(2026, 4, 6), "england", False),
        (dt.date(2026, 12, 28), "wales", False),  # Boxing Day (observed)
    ],
)
def test_nation_specific_bank_holidays(day, nation, working):
    assert is_working_day(day, nation=nation) is working


def test_unknown_nation_is_refused():
    with pytest.raises(ValueError, match="unknown nation"):
        add_working_days(dt.date(2026, 1, 5), 1, nation="cornwall")


@settings(max_examples=300, deadline=None)
@given(start=dates, n=st.integers(min_value=0, max_value=60), nation=nations)
def test_due_date_is_never_a_weekend_or_bank_holiday(start, n, nation):
    due = add_working_days(start, n, nation=nation)
    assert due.weekday() < 5
    assert holiday_name(due, nation=nation) is None
    assert due >= start


@settings(max_examples=300, deadline=None)
@given(a=dates, b=dates, n=st.integers(min_value=1, max_value=30), nation=nations)
def test_due_date_is_monotone_in_the_referral_date(a, b, n, nation):
    early, late = sorted((a, b))
    assert add_working_days(early, n, nation=nation) <= add_working_days(late, n, nation=nation)


@settings(max_examples=200, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=40), nation=nations)
def test_counting_working_days_inverts_adding_them(start, n, nation):
    due = add_working_days(start, n, nation=nation)
    assert working_days_between(start, due, nation=nation) == n
    assert working_days_between(due, start, nation=nation) == -n
    # one more working day strictly later
    assert add_working_days(start, n + 1, nation=nation) > due
