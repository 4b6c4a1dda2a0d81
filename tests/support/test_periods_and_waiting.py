"""When support ends after the conclusive grounds decision (move-on and exit, from dated
parameters and each nation's working days), and the waiting list's order and time waited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.core.calendar import add_working_days, is_working_day
from palermo.nrm.schemas import DecisionIn, WithdrawIn
from palermo.nrm.services import case_withdraw, decision_record
from palermo.support import services
from palermo.support.models import WaitingListEntry
from palermo.support.periods import exit_end, move_on_end, support_period_for_case
from palermo.support.selectors import waiting_list_for_user
from tests.support.helpers import awaiting_case, place, providers_ready

NATIONS = ["england", "wales", "scotland", "northern_ireland"]


# --- move-on and exit ------------------------------------------------------------------------


def test_move_on_is_45_calendar_days_today_and_14_under_the_2011_contract():
    today = move_on_end(decided_on=dt.date(2026, 12, 2))
    assert (today.ends_on, today.days, today.version) == (dt.date(2027, 1, 16), 45,
                                                          "support.move_on_days_after_positive_cg@2019-04-29")
    assert any("30 November 2020" in s.citation for s in today.sources)
    early = move_on_end(decided_on=dt.date(2015, 3, 2))
    assert (early.ends_on, early.days) == (dt.date(2015, 3, 16), 14)
    assert not any(s.verified for s in early.sources)  # the 14 days rest on an unchecked copy


def test_no_period_before_the_adult_victim_care_contract():
    answer = move_on_end(decided_on=dt.date(2010, 6, 1))
    assert answer.ends_on is None and "No move-on period" in answer.why


@pytest.mark.parametrize("nation,ends", [
    # A negative decision taking effect on Wednesday 23 December 2026: 9 working days.
    ("england", dt.date(2027, 1, 8)),            # 25, 28 Dec and 1 Jan are bank holidays
    ("wales", dt.date(2027, 1, 8)),
    ("scotland", dt.date(2027, 1, 11)),          # also 4 Jan (2 January's holiday, on a Saturday)
    ("northern_ireland", dt.date(2027, 1, 8)),
])
def test_exit_is_nine_working_days_of_the_nation_where_the_person_was_referred(nation, ends):
    answer = exit_end(effective_on=dt.date(2026, 12, 23), nation=nation)
    assert answer.ends_on == ends and answer.days == 9
    assert answer.version.startswith("support.exit_working_days_after_negative_cg@2019-04-29+holidays-")
    assert "working days in" in answer.why


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(2011, 7, 1), max_value=dt.date(2035, 12, 31)), st.sampled_from(NATIONS))
def test_exit_ends_on_a_working_day_of_the_nation_counted_from_the_parameter_of_that_day(effective_on, nation):
    answer = exit_end(effective_on=effective_on, nation=nation)
    days = 9 if effective_on >= dt.date(2019, 4, 29) else 2
    assert answer.days == days
    assert answer.ends_on == add_working_days(effective_on, days, nation=nation)
    assert is_working_day(answer.ends_on, nation=nation) and answer.ends_on > effective_on


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(2011, 7, 1), max_value=dt.date(2035, 12, 31)))
def test_move_on_never_ends_before_the_decision_and_counts_calendar_days(decided_on):
    answer = move_on_end(decided_on=decided_on)
    assert (answer.ends_on - decided_on).days == (45 if decided_on >= dt.date(2019, 4, 29) else 14)


@pytest.mark.django_db
def test_the_support_record_shows_move_on_after_a_positive_decision_and_exit_after_a_negative_one(world):
    """From the case: a positive decision's day; a negative one's day it took effect (the reviewer
    agreed), in the referral's nation."""
    providers_ready()
    today = timezone.localdate()
    received = today - dt.timedelta(days=80)
    positive = awaiting_case(world, received_on=received, rg_on=received)
    assert support_period_for_case(positive) is None
    decision_record(actor=world.decider, case=positive, data=DecisionIn(
        kind="conclusive_grounds", outcome="positive", decided_on=today, reason_codes=["credible_account"]))
    positive.refresh_from_db()
    assert support_period_for_case(positive).ends_on == today + dt.timedelta(days=45)

    negative = awaiting_case(world, received_on=received, rg_on=received, nation="scotland",
                             police_force_area="police_scotland")
    d = decision_record(actor=world.decider, case=negative, data=DecisionIn(
        kind="conclusive_grounds", outcome="negative", decided_on=today - dt.timedelta(days=2), reason_codes=["credibility"]))
    negative.refresh_from_db()
    assert support_period_for_case(negative) is None  # awaiting its second review: not in effect
    world.review(d, on=today - dt.timedelta(days=1))
    negative.refresh_from_db()
    period = support_period_for_case(negative)
    assert period.kind == "exit" and period.starts_on == today - dt.timedelta(days=1)
    assert period.ends_on == add_working_days(today - dt.timedelta(days=1), 9, nation="scotland")


# --- the waiting list -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_waiting_list_is_in_the_order_people_joined_with_the_days_each_has_waited(world):
    providers_ready({"SALVARMY": {"women_only": 0, "men_only": 0, "mixed": 0}})
    today = timezone.localdate()
    joined = [today - dt.timedelta(days=n) for n in (3, 12, 12, 0)]
    cases = [awaiting_case(world, received_on=today - dt.timedelta(days=20), rg_on=today - dt.timedelta(days=20))
             for _ in joined]
    for case, on in zip(cases, joined, strict=True):
        services.waiting_list_join(actor=world.support, case=case,
                                   data=services.WaitingListIn(joined_on=on))
    rows = waiting_list_for_user(user=world.support, today=today)
    # 12 days ago (the one recorded first, then the second), 3 days ago, today
    assert [r.entry.case for r in rows] == [cases[1], cases[2], cases[0], cases[3]]
    assert [r.position for r in rows] == [1, 2, 3, 4]
    assert [r.days_waited for r in rows] == [12, 12, 3, 0]
    assert waiting_list_for_user(user=world.support, today=today + dt.timedelta(days=5))[0].days_waited == 17


@pytest.mark.django_db
def test_the_waiting_list_by_nation_and_provider_and_who_leaves_it(world):
    today = timezone.localdate()
    providers_ready({"SALVARMY": {"women_only": 0, "men_only": 0, "mixed": 0}})
    providers_ready({"POPPY": {"women_only": 0}}, since=today)  # after the cited figures, a full house
    wales = awaiting_case(world, nation="wales", police_force_area="south_wales", exploitation_types=["sexual"])
    england = awaiting_case(world)
    for case in (wales, england):
        services.waiting_list_join(actor=world.support, case=case)
    assert [r.entry.case for r in waiting_list_for_user(user=world.support, nation="wales")] == [wales]
    # only the woman sexually exploited is eligible for the Poppy Project
    assert [r.entry.case for r in waiting_list_for_user(user=world.support, provider="POPPY")] == [wales]
    # a person whose case was withdrawn is no longer waiting
    case_withdraw(actor=world.decider, case=england, data=WithdrawIn(reason_code="missing", withdrawn_on=today))
    assert [r.entry.case for r in waiting_list_for_user(user=world.support)] == [wales]
    assert waiting_list_for_user(user=world.responder) == []  # not an allocator: nothing
    assert WaitingListEntry.objects.filter(left_on__isnull=True).count() == 2


@pytest.mark.django_db
def test_a_person_can_join_the_waiting_list_once(world):
    providers_ready({"SALVARMY": {"women_only": 0, "men_only": 0, "mixed": 0}})
    case = awaiting_case(world)
    services.waiting_list_join(actor=world.support, case=case)
    with pytest.raises(services.TransitionRefused, match="on the waiting list since"):
        services.waiting_list_join(actor=world.support, case=case)


@pytest.mark.django_db
def test_placed_people_leave_the_list_and_the_rest_move_up(world):
    providers_ready({"SALVARMY": {"women_only": 0, "men_only": 0, "mixed": 0}})
    today = timezone.localdate()
    a, b = awaiting_case(world), awaiting_case(world)
    services.waiting_list_join(actor=world.support, case=a, data=services.WaitingListIn(joined_on=today - dt.timedelta(days=1)))
    services.waiting_list_join(actor=world.support, case=b)
    providers_ready({"SALVARMY": {"women_only": 1}}, since=today)
    place(world, a, start_on=today)
    rows = waiting_list_for_user(user=world.support)
    assert [(r.position, r.entry.case) for r in rows] == [(1, b)]
