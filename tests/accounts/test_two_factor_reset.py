"""Resetting someone's two-factor authentication (a lost phone, a locked second factor): only an
administrator of *another* organisation, never oneself, always audited; the user sets it up
again at their next sign-in, and a session verified by the old app ends."""

import pytest
from django.test import Client

from palermo.accounts import roles as R
from palermo.accounts.models import TotpDevice
from palermo.accounts.two_factor import two_factor_reset
from palermo.core.exceptions import NotAllowed
from palermo.core.models import AuditEvent
from tests.accounts.helpers import password_step, sign_in_with_code, signed_in
from tests.factories import enrol_authenticator, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(world):
    """The world's administrator (STATS) and a second one at STATS; both staff."""
    colleague = make_user("t.admin.stats2", R.ADMINISTRATOR, world.orgs["STATS"])
    for user in (world.admin, colleague):
        user.is_staff = True
        user.save()
    return world.admin, colleague


def _reset_in_admin(admin_user, user):
    c = Client()
    c.force_login(admin_user)
    return c.post("/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [str(user.pk)]},
                  follow=True)


def test_an_administrator_of_another_organisation_resets_it_in_the_admin(world, admins):
    admin, _ = admins
    enrol_authenticator(world.decider)  # SCA; the administrator is at STATS
    r = _reset_in_admin(admin, world.decider)
    assert "Two-factor authentication reset for t.decider" in r.content.decode()
    assert not TotpDevice.objects.filter(user=world.decider).exists()
    event = AuditEvent.objects.get(action="auth.otp_reset")
    assert (event.actor, event.object_id, event.detail) == (admin, str(world.decider.pk), {"devices": 1})
    # at the next sign-in they set it up again
    assert password_step(Client(), world.decider)["Location"] == "/two-factor/set-up/"


def test_an_administrator_of_the_same_organisation_is_refused_with_a_reason(world, admins):
    admin, colleague = admins
    enrol_authenticator(colleague)
    r = _reset_in_admin(admin, colleague)
    assert "You work in the same organisation as this user" in r.content.decode()
    assert TotpDevice.objects.filter(user=colleague).exists()
    assert AuditEvent.objects.get(action="auth.otp_reset_refused").detail == {"reason": "same_organisation"}
    assert not AuditEvent.objects.filter(action="auth.otp_reset").exists()


def test_nobody_resets_their_own(world, admins):
    admin, _ = admins
    enrol_authenticator(admin)
    r = _reset_in_admin(admin, admin)
    assert "You cannot reset your own two-factor authentication" in r.content.decode()
    assert TotpDevice.objects.filter(user=admin).exists()


def test_only_an_administrator_resets(world):
    enrol_authenticator(world.decider)
    with pytest.raises(NotAllowed):
        two_factor_reset(actor=world.responder, user=world.decider)
    assert AuditEvent.objects.get(action="auth.otp_reset_refused").detail == {"reason": "not_administrator"}


def test_a_reset_ends_a_session_verified_by_the_old_app(world, admins):
    c = sign_in_with_code(world.decider)
    assert c.get("/dashboard/").status_code == 200
    two_factor_reset(actor=admins[0], user=world.decider)
    assert c.get("/dashboard/").status_code == 302 and not signed_in(c)
