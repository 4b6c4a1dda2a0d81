"""Four eyes for roles that open case content: one administrator requests, a different one
approves (the membership is created then) or refuses; nobody gives themselves a role; every step
is audited. The demo loader and test factories still create memberships directly."""

import pytest
from django.test import Client

from palermo.accounts import grants
from palermo.accounts import roles as R
from palermo.accounts.models import Membership, RoleGrantRequest
from palermo.core.exceptions import NotAllowed, ValidationFailed
from palermo.core.models import AuditEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(world):
    second = make_user("t.admin.monitor", R.ADMINISTRATOR, world.orgs["RAPPORTEUR"])
    for user in (world.admin, second):
        user.is_staff = True
        user.save()
    return world.admin, second


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _request_in_admin(client, user, org, role):
    return client.post("/admin/accounts/rolegrantrequest/add/",
                       {"user": str(user.pk), "organisation": str(org.pk), "role": role})


def _decide(client, grant, action):
    return client.post("/admin/accounts/rolegrantrequest/", {"action": action, "_selected_action": [grant.pk]},
                       follow=True)


def test_case_content_roles_are_named():
    assert R.CASE_CONTENT_ROLES == {R.FIRST_RESPONDER, R.DECISION_MAKER, R.REVIEWER, R.CHILDRENS_SERVICES,
                                    R.SUPPORT_WORKER, R.INTELLIGENCE_OFFICER, R.TEAM_LEADER}
    assert R.ROLES_NEEDING_SECOND_ADMINISTRATOR == R.CASE_CONTENT_ROLES | {R.ADMINISTRATOR}


def test_a_grant_needs_a_second_administrator_and_both_steps_are_audited(world, admins):
    first, second = admins
    r = _request_in_admin(_client(first), world.analyst, world.orgs["SCA"], R.DECISION_MAKER)
    assert r.status_code == 302, r.content.decode()[:3000]
    grant = RoleGrantRequest.objects.get()
    assert (grant.state, grant.requested_by) == ("pending", first)
    assert not Membership.objects.filter(user=world.analyst, role=R.DECISION_MAKER).exists()
    requested = AuditEvent.objects.get(action="role_grant.request")
    assert requested.actor == first and requested.detail == {
        "user_id": world.analyst.pk, "organisation_id": world.orgs["SCA"].pk, "role": R.DECISION_MAKER}

    # the same administrator cannot approve their own request
    r = _decide(_client(first), grant, "approve")
    assert "You made this request. A different administrator must decide on it." in r.content.decode()
    grant.refresh_from_db()
    assert grant.state == "pending" and not Membership.objects.filter(user=world.analyst, role=R.DECISION_MAKER).exists()

    r = _decide(_client(second), grant, "approve")
    assert "approved, the role is given" in r.content.decode()
    grant.refresh_from_db()
    membership = Membership.objects.get(user=world.analyst, role=R.DECISION_MAKER)
    assert (grant.state, grant.decided_by) == ("approved", second)
    approved = AuditEvent.objects.get(action="role_grant.approve")
    assert approved.actor == second and approved.detail["requested_by_id"] == first.pk
    assert AuditEvent.objects.get(action="membership.create").object_id == str(membership.pk)
    assert not AuditEvent.objects.filter(action="role_grant.create").exists()  # one event per step


def test_a_refused_request_gives_nothing(world, admins):
    first, second = admins
    grant = grants.role_grant_request(actor=first, grant=RoleGrantRequest(
        user=world.analyst, organisation=world.orgs["SCA"], role=R.REVIEWER))
    _decide(_client(second), grant, "refuse")
    grant.refresh_from_db()
    assert grant.state == "refused" and not Membership.objects.filter(user=world.analyst, role=R.REVIEWER).exists()
    assert AuditEvent.objects.get(action="role_grant.refuse").actor == second
    with pytest.raises(NotAllowed, match="already been decided"):
        grants.role_grant_approve(actor=first, grant=grant)


def test_nobody_requests_or_approves_a_role_for_themselves(world, admins):
    first, second = admins
    r = _request_in_admin(_client(first), first, world.orgs["SCA"], R.DECISION_MAKER)
    assert r.status_code == 200 and "You cannot give yourself a role" in r.content.decode()
    grant = grants.role_grant_request(actor=second, grant=RoleGrantRequest(
        user=first, organisation=world.orgs["SCA"], role=R.DECISION_MAKER))
    with pytest.raises(NotAllowed, match="You cannot give yourself a role"):
        grants.role_grant_approve(actor=first, grant=grant)
    assert not Membership.objects.filter(user=first, role=R.DECISION_MAKER).exists()


def test_only_administrators_request_and_a_role_must_fit_the_organisation(world, admins):
    with pytest.raises(NotAllowed):
        grants.role_grant_request(actor=world.decider, grant=RoleGrantRequest(
            user=world.analyst, organisation=world.orgs["SCA"], role=R.DECISION_MAKER))
    r = _request_in_admin(_client(admins[0]), world.analyst, world.orgs["MET"], R.DECISION_MAKER)
    assert r.status_code == 200 and "cannot hold the role Decision maker" in r.content.decode()
    with pytest.raises(ValidationFailed, match="already has this role"):
        grants.role_grant_request(actor=admins[0], grant=RoleGrantRequest(
            user=world.decider, organisation=world.orgs["SCA"], role=R.DECISION_MAKER))
    assert not RoleGrantRequest.objects.exists()


def test_the_administrator_role_needs_a_second_administrator_too(world, admins):
    """Otherwise one administrator could make a second administrator account and approve their
    own requests with it."""
    c = _client(admins[0])
    m = Membership.objects.get(user=world.analyst)
    r = c.post(f"/admin/accounts/user/{world.analyst.pk}/change/", {
        "username": world.analyst.username, "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "memberships-TOTAL_FORMS": "2", "memberships-INITIAL_FORMS": "1", "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(m.pk), "memberships-0-user": str(world.analyst.pk),
        "memberships-0-organisation": str(m.organisation_id), "memberships-0-role": m.role,
        "memberships-1-user": str(world.analyst.pk), "memberships-1-organisation": str(world.orgs["STATS"].pk),
        "memberships-1-role": R.ADMINISTRATOR})
    assert r.status_code == 200 and "Administrator needs a second administrator" in r.content.decode()
    assert not Membership.objects.filter(user=world.analyst, role=R.ADMINISTRATOR).exists()


def test_role_requests_are_never_deleted(world, admins):
    grant = grants.role_grant_request(actor=admins[0], grant=RoleGrantRequest(
        user=world.analyst, organisation=world.orgs["SCA"], role=R.REVIEWER))
    _client(admins[1]).post("/admin/accounts/rolegrantrequest/", {
        "action": "delete_selected", "_selected_action": [grant.pk], "post": "yes"})
    assert RoleGrantRequest.objects.filter(pk=grant.pk).exists()
