"""Sign-in throttling and separation of duties in the admin."""

import pytest
from django.test import Client, override_settings

from palermo.accounts.models import Membership
from palermo.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _try(client, username, password):
    return client.post("/sign-in/", {"username": username, "password": password})


@override_settings(PALERMO_SIGNIN_MAX_FAILURES=3)
def test_repeated_failures_lock_the_username_then_success_is_refused(world):
    c = Client()
    for _ in range(3):
        r = _try(c, world.responder.username, "wrong-password-123")
        assert "Enter a correct username and password" in r.content.decode()
    r = _try(c, world.responder.username, "test-password-123")  # the right password, but locked
    assert "tried to sign in too many times" in r.content.decode()
    assert "_auth_user_id" not in c.session
    assert AuditEvent.objects.filter(action="auth.sign_in_failed").count() == 3
    assert AuditEvent.objects.filter(action="auth.sign_in_locked").count() == 1  # the refused attempt too
    assert world.responder.username not in str(list(AuditEvent.objects.values_list("detail", flat=True)))
    # another user is not affected
    r = _try(Client(), world.decider.username, "test-password-123")
    assert r.status_code == 302


def test_a_successful_sign_in_is_audited_and_clears_failures(world):
    c = Client()
    _try(c, world.responder.username, "wrong-password-123")
    r = _try(c, world.responder.username, "test-password-123")
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action="auth.sign_in", actor=world.responder).exists()


def _admin_client(world):
    world.admin.is_staff = True
    world.admin.save()
    c = Client()
    c.force_login(world.admin)
    return c


def _user_form(user, memberships):
    data = {
        "username": user.username, "first_name": "", "last_name": "", "email": "", "is_active": "on",
        "is_staff": "on" if user.is_staff else "", "last_login_0": "", "last_login_1": "",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "memberships-TOTAL_FORMS": str(len(memberships)), "memberships-INITIAL_FORMS": str(
            sum(1 for m in memberships if m.get("id"))),
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(memberships):
        for k, v in m.items():
            data[f"memberships-{i}-{k}"] = v
        data[f"memberships-{i}-user"] = str(user.pk)
    return data


def test_an_administrator_cannot_give_themselves_a_role(world):
    c = _admin_client(world)
    existing = Membership.objects.get(user=world.admin)
    data = _user_form(world.admin, [
        {"id": str(existing.pk), "organisation": str(existing.organisation_id), "role": existing.role},
        {"organisation": str(world.orgs["SCA"].pk), "role": "decision_maker"},
    ])
    r = c.post(f"/admin/accounts/user/{world.admin.pk}/change/", data)
    assert r.status_code == 200 and "You cannot give yourself a role" in r.content.decode()
    assert not Membership.objects.filter(user=world.admin, role="decision_maker").exists()


def test_an_administrator_can_give_someone_else_a_role_without_case_content_and_it_is_audited(world):
    c = _admin_client(world)
    m = Membership.objects.get(user=world.analyst)
    data = _user_form(world.analyst, [
        {"id": str(m.pk), "organisation": str(m.organisation_id), "role": m.role},
        {"organisation": str(world.orgs["RAPPORTEUR"].pk), "role": "monitor"},
    ])
    r = c.post(f"/admin/accounts/user/{world.analyst.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    added = Membership.objects.get(user=world.analyst, role="monitor")
    event = AuditEvent.objects.get(action="membership.create", object_id=str(added.pk))
    assert event.detail == {"user_id": world.analyst.pk, "organisation_id": world.orgs["RAPPORTEUR"].pk, "role": "monitor"}


def test_a_role_that_opens_case_content_cannot_be_given_by_one_administrator(world):
    """It needs a role request and a second administrator (tests/accounts/test_role_grants.py)."""
    c = _admin_client(world)
    m = Membership.objects.get(user=world.analyst)
    data = _user_form(world.analyst, [
        {"id": str(m.pk), "organisation": str(m.organisation_id), "role": m.role},
        {"organisation": str(world.orgs["SCA"].pk), "role": "reviewer"},
    ])
    r = c.post(f"/admin/accounts/user/{world.analyst.pk}/change/", data)
    assert r.status_code == 200 and "Reviewer needs a second administrator" in r.content.decode()
    assert not Membership.objects.filter(user=world.analyst, role="reviewer").exists()
    assert not AuditEvent.objects.filter(action="membership.create").exists()
