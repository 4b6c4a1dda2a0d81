"""Possible matches where caseworkers look (issue 14): a count on the dashboard, a tag in the
case list and a filter, each only for matches the user may see (both people's identities)."""

from __future__ import annotations

import pytest

from palermo.casework.selectors import possible_match_count_for_user
from palermo.linkage.models import LinkCandidate
from palermo.nrm.selectors import CaseFilters, case_list_for_user
from tests.security.helpers import web

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world):
    a = world.case()
    b = world.case(actor=world.responder_other)  # GMP: the MET's first responder cannot see it
    pa, pb = sorted([a.referral.person, b.referral.person], key=lambda p: p.pk)
    LinkCandidate.objects.create(person_a=pa, person_b=pb, match_probability=0.999, match_weight=9.0,
                                 model_version="t", found_by="referral")
    lone = world.case()
    return a, b, lone


def test_the_filter_and_the_count_show_cases_with_a_match_the_user_may_see(world, pair):
    a, b, lone = pair
    got = case_list_for_user(user=world.decider, filters=CaseFilters(possible_matches=True))
    assert sorted(c.pk for c in got) == sorted([a.pk, b.pk])
    assert possible_match_count_for_user(user=world.decider) == 2


def test_nobody_sees_a_match_whose_other_person_they_cannot_see(world, pair):
    assert list(case_list_for_user(user=world.responder, filters=CaseFilters(possible_matches=True))) == []
    assert possible_match_count_for_user(user=world.responder) == 0


def test_a_decided_match_is_no_longer_counted(world, pair):
    LinkCandidate.objects.update(status="rejected")
    assert possible_match_count_for_user(user=world.decider) == 0


def test_the_case_list_tags_the_cases_and_the_dashboard_counts_them(world, pair):
    a, b, lone = pair
    page = web(world.decider).get("/cases/?possible_matches=on").content.decode()
    assert a.referral.reference in page and lone.referral.reference not in page
    assert page.count("app-tag--match") == 2
    dash = web(world.decider).get("/dashboard/").content.decode()
    assert 'id="stat-possible-matches">2<' in dash
    assert 'id="stat-possible-matches">0<' in web(world.responder).get("/dashboard/").content.decode()
