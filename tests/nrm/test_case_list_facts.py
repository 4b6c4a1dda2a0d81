"""A case keeps a copy of its referral's nation and child flag (``Case.nation``, ``Case.child``)
for the lists to filter and count on: every way a case is made writes the referral's values,
the lists' nation and age-group filters give exactly the cases the referral says, and the
migration that added the copies filled them in for the cases already there."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q

from palermo.nrm.models import CHILD_UNDER_18, Case
from palermo.nrm.selectors import CaseFilters, case_list_for_user

KINDS = {  # (nation, under 18): the referral's overrides
    ("england", "no"): {},
    ("england", "yes"): {"under_18": "yes", "consent": "not_required", "local_authority": "HILLINGDON",
                         "age_at_exploitation": "child"},
    ("wales", "yes"): {"nation": "wales", "under_18": "yes", "consent": "not_required", "local_authority": "CARDIFF",
                       "age_at_exploitation": "child", "police_force_area": ""},
    ("scotland", "not_sure"): {"nation": "scotland", "under_18": "not_sure", "consent": "not_required",
                               "local_authority": "GLASGOW", "age_at_exploitation": "child", "police_force_area": ""},
    ("northern_ireland", "no"): {"nation": "northern_ireland", "police_force_area": ""},
}


def assert_copies(cases) -> None:
    for case in cases:
        ref = case.referral
        assert (case.nation, case.child) == (ref.nation, ref.under_18 in CHILD_UNDER_18), case.pk


@pytest.mark.django_db
def test_the_service_copies_the_referrals_facts_onto_the_case(world):
    made = [world.case(**overrides) for overrides in KINDS.values()]
    assert [(c.nation, c.child) for c in Case.objects.filter(pk__in=[c.pk for c in made]).order_by("pk")] == [
        ("england", False), ("england", True), ("wales", True), ("scotland", True), ("northern_ireland", False)]
    assert_copies(Case.objects.select_related("referral"))


@pytest.mark.django_db
def test_the_lists_nation_and_age_filters_give_the_cases_the_referral_says(world):
    for overrides in KINDS.values():
        world.case(**overrides)
        world.case(**overrides)
    for user in (world.decider, world.responder, world.children):
        every = case_list_for_user(user=user)
        assert every.exists()
        for nation in ("england", "wales", "scotland", "northern_ireland"):
            for age, by_referral in (("", Q()), ("child", Q(referral__under_18__in=sorted(CHILD_UNDER_18))),
                                     ("adult", Q(referral__under_18="no"))):
                listed = case_list_for_user(user=user, filters=CaseFilters(nation=nation, age_group=age or None))
                expected = every.filter(by_referral, referral__nation=nation)
                assert sorted(listed.values_list("pk", flat=True)) == sorted(expected.values_list("pk", flat=True))
                assert listed.count() == expected.count()


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_copies_of_cases_made_before_it(world):
    made = [world.case(**overrides) for overrides in KINDS.values()]
    executor = MigrationExecutor(connection)
    executor.migrate([("nrm", "0006_case_overdue_index")])
    columns = {c.name for c in connection.introspection.get_table_description(connection.cursor(), "nrm_case")}
    assert "nation" not in columns and "child" not in columns
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    cases = list(Case.objects.select_related("referral").filter(pk__in=[c.pk for c in made]))
    assert {(c.nation, c.child) for c in cases} == {("england", False), ("england", True), ("wales", True),
                                                   ("scotland", True), ("northern_ireland", False)}
    assert_copies(cases)
    history = Case.history.filter(id__in=[c.pk for c in made])
    assert history.exists() and all((h.nation, h.child) == (h.referral.nation, h.referral.is_child) for h in history)
