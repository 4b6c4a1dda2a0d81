"""The renewal reminder: a permit is "expiring" from its reminder date (60 days before expiry, from
the dated parameter) to its expiry, until a renewal is applied for; the selector takes the date,
so every boundary can be asked about. Also the dashboard counts and the scope of the lists."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.nrm.dashboard import dashboard_for_user
from palermo.permits.selectors import (
    permit_applications_awaiting_for_user,
    permit_counts_for_user,
    permits_expiring_for_user,
)
from tests.permits.helpers import apply, granted_permit, identified_case, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(world):
    case = identified_case(world, received_on=today() - dt.timedelta(days=400))
    return granted_permit(world, case)


def _expiring(user, on):
    return list(permits_expiring_for_user(user=user, on=on))


def test_the_reminder_starts_exactly_60_days_before_expiry_and_ends_on_the_expiry_date(world, permit):
    assert permit.reminder_on == permit.expires_on - dt.timedelta(days=60)
    assert _expiring(world.decider, permit.reminder_on - dt.timedelta(days=1)) == []
    assert _expiring(world.decider, permit.reminder_on) == [permit]
    assert _expiring(world.decider, permit.expires_on) == [permit]
    assert _expiring(world.decider, permit.expires_on + dt.timedelta(days=1)) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(-400, 400))
def test_expiring_on_any_day_is_exactly_the_reminder_window(world, permit, offset):
    on = permit.expires_on + dt.timedelta(days=offset)
    listed = _expiring(world.decider, on) == [permit]
    assert listed == (permit.reminder_on <= on <= permit.expires_on)


def test_a_renewal_application_takes_the_permit_off_the_list_and_onto_the_awaiting_list(world, permit):
    on = permit.reminder_on + dt.timedelta(days=1)
    apply(world, permit.case, renewal=True, on=min(on, today()))
    assert _expiring(world.decider, on) == []
    assert [a.renews for a in permit_applications_awaiting_for_user(user=world.decider)] == [permit]


def test_the_lists_are_scoped_like_cases(world, permit):
    on = permit.reminder_on
    assert _expiring(world.responder, on) == [permit]  # the referring police force
    for other in (world.responder_other, world.decider_ieca, world.children, world.support, world.intel,
                  world.analyst, world.monitor, world.admin):
        assert _expiring(other, on) == [], other.username


def test_the_dashboard_counts_expiring_permits_for_those_who_see_them_and_open_applications_for_decision_makers(
        world, permit):
    on = permit.reminder_on
    counts = permit_counts_for_user(user=world.decider, on=on)
    assert (counts.expiring, counts.awaiting_decision) == (1, 0)
    assert permit_counts_for_user(user=world.responder, on=on).awaiting_decision is None
    assert permit_counts_for_user(user=world.responder, on=on).expiring == 1
    assert permit_counts_for_user(user=world.analyst, on=on).expiring is None
    dash = dashboard_for_user(user=world.decider, today=on)
    assert (dash.permits_expiring, dash.permit_applications_awaiting) == (1, 0)
    assert dashboard_for_user(user=world.decider, today=permit.reminder_on - dt.timedelta(days=1)).permits_expiring == 0
