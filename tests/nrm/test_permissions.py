"""What each role may and may not see and do, down to the single case (least privilege)."""

import pytest

from palermo.nrm.models import Case
from palermo.nrm.selectors import case_list_for_user, deadlines_for_user, dtn_list_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world):
    return {
        "met_adult": world.case(),
        "gmp_adult": world.case(actor=world.responder_other),
        "met_child_hillingdon": world.case(under_18="yes", consent="not_required", local_authority="HILLINGDON",
                                           age_at_exploitation="child"),
        "gmp_child_cardiff": world.case(actor=world.responder_other, under_18="not_sure", consent="not_required",
                                        local_authority="CARDIFF", nation="wales", police_force_area="south_wales"),
        "ieca_case": world.case(immigration_enforcement=True),
    }


# role attribute on World -> case keys the role may see
MATRIX = {
    "responder": {"met_adult", "met_child_hillingdon", "ieca_case"},
    "responder_other": {"gmp_adult", "gmp_child_cardiff"},
    "decider": {"met_adult", "gmp_adult", "met_child_hillingdon", "gmp_child_cardiff"},
    "reviewer": {"met_adult", "gmp_adult", "met_child_hillingdon", "gmp_child_cardiff"},
    "decider_ieca": {"ieca_case"},
    "children": {"met_child_hillingdon"},
    "support": set(),
    "intel": set(),
    "analyst": set(),
    "monitor": set(),
    "admin": set(),
}


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_case_list_scope_per_role(world, cases, role):
    user = getattr(world, role)
    visible = set(case_list_for_user(user=user).values_list("pk", flat=True))
    assert visible == {cases[k].pk for k in MATRIX[role]}


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_single_case_permission_per_role(world, cases, role):
    user = getattr(world, role)
    for key, case in cases.items():
        assert user.has_perm("nrm.view_case", case) is (key in MATRIX[role]), (role, key)


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_identity_only_for_identity_roles_in_scope(world, cases, role):
    user = getattr(world, role)
    for key, case in cases.items():
        expected = key in MATRIX[role]
        assert user.has_perm("people.view_identity", case) is expected, (role, key)


def test_decide_review_and_withdraw_permissions(world, cases):
    c = cases["met_adult"]
    assert world.decider.has_perm("nrm.decide_case", c)
    assert not world.reviewer.has_perm("nrm.decide_case", c)
    assert world.reviewer.has_perm("nrm.review_decision", c)
    assert not world.decider.has_perm("nrm.review_decision", c)
    assert not world.decider_ieca.has_perm("nrm.decide_case", c)
    assert world.responder.has_perm("nrm.withdraw_case", c)
    assert not world.responder_other.has_perm("nrm.withdraw_case", c)
    assert not world.children.has_perm("nrm.decide_case", cases["met_child_hillingdon"])
    for role in ("analyst", "monitor", "admin", "intel", "support"):
        assert not getattr(world, role).has_perm("nrm.decide_case", c)


def test_a_deactivated_user_sees_nothing(world, cases):
    world.decider.is_active = False
    world.decider.save()
    assert not case_list_for_user(user=world.decider).exists()


def test_superuser_flag_does_not_open_case_content(world, cases):
    """Administrators manage users and organisations; the admin flag gives no case content."""
    world.admin.is_superuser = True
    world.admin.save()
    assert not case_list_for_user(user=world.admin).exists()
    assert deadlines_for_user(user=world.admin) == []
    for case in cases.values():
        for perm in ("nrm.view_case", "nrm.decide_case", "people.view_identity", "nrm.withdraw_case"):
            assert not world.admin.has_perm(perm, case)
    assert not world.admin.has_perm("nrm.create_referral")


def test_membership_in_a_disabled_organisation_grants_nothing(world, cases):
    import datetime as dt

    met = world.orgs["MET"]
    met.disabled_on = dt.date(2026, 1, 1)
    met.save()
    world.responder._palermo_roles = None
    assert not case_list_for_user(user=world.responder).exists()


def test_dtn_scope(world):
    world.refer(consent="refused", anonymous=True, person=None)
    assert dtn_list_for_user(user=world.responder).count() == 1
    assert dtn_list_for_user(user=world.responder_other).count() == 0
    assert dtn_list_for_user(user=world.decider).count() == 1
    assert dtn_list_for_user(user=world.analyst).count() == 0
    assert Case.objects.count() == 0
