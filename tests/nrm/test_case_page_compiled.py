"""The API's case list runs SQL compiled once per shape (``palermo.core.compiled``; issue 12's
read benchmark). Scope is least privilege's first line, so the compiled page must answer
exactly what the ORM answers: the same cases, page by page, and the same count, for every user
and every combination of the filters it takes, and the ORM itself for the filters it does not.
The compiler's refusals are tested too: it never substitutes a value the ORM would have changed."""

import itertools

import pytest
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.accounts.models import Membership, User
from palermo.core import compiled
from palermo.nrm import presenters
from palermo.nrm.models import Case
from palermo.nrm.presenters import case_page_for_user, case_summaries
from palermo.nrm.selectors import CaseFilters, case_list_for_user
from tests.factories import referral_payload

pytestmark = pytest.mark.django_db


def _population(world):
    child = {"under_18": "yes", "age_at_exploitation": "child", "local_authority": "HILLINGDON", "consent": "not_required"}
    world.case(exploitation_types=["labour", "sexual"])
    world.case(nation="scotland", police_force_area="police_scotland", exploitation_types=["sexual"])
    world.case(immigration_enforcement=True, exploitation_types=["criminal", "labour"])
    world.case(**child, exploitation_types=["criminal"])
    world.case(world.responder_other, **child, nation="wales", police_force_area="south_wales")
    world.case(world.responder_other, under_18="not_sure", age_at_exploitation="child", local_authority="HILLINGDON",
               consent="not_required")
    world.rg(world.case(exploitation_types=["domestic_servitude"]))
    world.rg(world.case(world.responder_other, person={**referral_payload()["person"], "date_of_birth": None,
                                                        "dob_precision": "unknown", "claimed_age": 30}), outcome="negative")
    world.rg(world.case(immigration_enforcement=True), actor=world.decider_ieca)
    # a user with several roles in several organisations: every part of the scope at once
    many = User.objects.create_user(username="t.many", password="test-password-123")
    for role, org in ((R.FIRST_RESPONDER, "GMP"), (R.DECISION_MAKER, "IECA"), (R.REVIEWER, "SCA"),
                      (R.CHILDRENS_SERVICES, "HILLINGDON")):
        Membership.objects.create(user=many, organisation=world.orgs[org], role=role)
    assert Case.objects.count() == 9
    return [world.decider, world.decider_ieca, world.responder, world.responder_other, world.children, many,
            world.analyst]


FILTERS = {
    "status": [None, "referred", "recovery_period", "rg_negative"],
    "nation": [None, "england", "scotland"],
    "age_group": [None, "child", "adult"],
    "exploitation_type": [None, "labour", "criminal"],
    "competent_authority": [None, "SCA", "IECA"],
}


def _orm(user, filters, start, stop):
    qs = case_list_for_user(user=user, filters=filters)
    return case_summaries(qs, timezone.localdate(), start=start, stop=stop), qs.count()


def test_the_compiled_page_answers_what_the_orm_answers_for_every_user_and_filter(world, monkeypatch):
    users = _population(world)
    used = []
    real = compiled.compiled_values
    monkeypatch.setattr(presenters, "compiled_values", lambda *a, **k: used.append(r := real(*a, **k)) or r)
    seen_cases = set()
    for user in users:
        for combo in itertools.product(*FILTERS.values()):
            filters = CaseFilters(**dict(zip(FILTERS, combo, strict=True)))
            for start, stop in ((0, 50), (1, 3), (8, 20)):
                fast = case_page_for_user(user=user, filters=filters, start=start, stop=stop)
                assert fast == _orm(user, filters, start, stop), (user.username, filters, start, stop)
                seen_cases |= {item["id"] for item in fast[0]}
    assert len(seen_cases) == 9  # every case was listed to someone
    # every user with a scope took the compiled path, for the page and its count; the analyst,
    # who sees no case (an empty query), the ORM
    combos = len(list(itertools.product(*FILTERS.values())))
    assert sum(c is not None for c in used) == 6 * combos * 3 * 2
    assert sum(c is None for c in used) == 1 * combos * 3 * 2


def test_other_filters_go_through_the_orm_and_answer_the_same(world):
    users = _population(world)
    some = Case.objects.order_by("id").first().referral.reference
    for user in users:
        for filters in (CaseFilters(reference=some[-8:]), CaseFilters(due="overdue"), CaseFilters(due="soon"),
                        CaseFilters(external_reference="X-1"), CaseFilters(reference=some, status="referred")):
            assert case_page_for_user(user=user, filters=filters, start=0, stop=50) == _orm(user, filters, 0, 50)


def test_a_name_search_is_audited_once_and_answers_the_same(world):
    from palermo.core.models import AuditEvent

    _population(world)
    before = AuditEvent.objects.filter(action="person.search").count()
    page, count = case_page_for_user(user=world.decider, filters=CaseFilters(name="Zorbina Quillfeather"), start=0, stop=50)
    assert count == len(page) > 0
    assert AuditEvent.objects.filter(action="person.search").count() == before + 1


def test_a_membership_removed_narrows_the_next_page(world):
    """The compiled SQL is per shape; the organisations are each request's own values."""
    _population(world)
    user = User.objects.get(username="t.many")
    first, n = case_page_for_user(user=user, filters=CaseFilters(), start=0, stop=50)
    Membership.objects.filter(user=user, role=R.REVIEWER).delete()
    user = User.objects.get(pk=user.pk)
    after, m = case_page_for_user(user=user, filters=CaseFilters(), start=0, stop=50)
    assert m < n and {i["id"] for i in after} < {i["id"] for i in first}
    assert (after, m) == _orm(user, CaseFilters(), 0, 50)


def test_a_value_the_orm_changes_is_refused(world):
    """``icontains`` wraps its value in ``%``: a placeholder would not be found, so no SQL."""
    def build(v):
        return Case.objects.filter(referral__reference__icontains=v["ref"]).values("id")

    assert compiled.compiled_values("t_icontains", (), {"ref": "ABCD"}, build) is None
    assert compiled.compiled_values("t_exact", (), {"ref": "ABCD"}, lambda v: Case.objects.filter(
        referral__reference=v["ref"]).values("id")) is not None


def test_an_empty_query_and_a_boolean_are_refused(world):
    assert compiled.compiled_values("t_empty", (), {"ids": ()}, lambda v: Case.objects.filter(
        pk__in=list(v["ids"])).values("id")) is None
    with pytest.raises(TypeError):
        compiled.compiled_values("t_bool", (), {"child": True}, lambda v: Case.objects.filter(child=v["child"]).values("id"))


def test_shapes_are_compiled_once_and_bounded(world, monkeypatch):
    builds = []

    def build(v):
        builds.append(v)
        return Case.objects.filter(status=v["status"]).values("id", "status")

    for status in ("referred", "recovery_period", "referred"):
        c = compiled.compiled_values("t_once", (), {"status": status}, build)
        assert c.count({"status": status}) == Case.objects.filter(status=status).count()
    assert len(builds) == 1
    monkeypatch.setattr(compiled, "MAX_SHAPES", 0)
    assert compiled.compiled_values("t_full", (), {"status": "x"}, build) is None
