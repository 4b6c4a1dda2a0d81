"""Every change made in the admin is an audit event naming the changed fields (never a value of
a secret): additions, changes, deletions and password sets, on every registered model."""

import pytest
from django.contrib import admin
from django.test import Client

from palermo.accounts.admin import AuditedAdmin
from palermo.accounts.models import Membership, Organisation, User
from palermo.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brindle-quartz-lantern-88"


@pytest.fixture
def admin_client(world):
    world.admin.is_staff = True
    world.admin.save()
    c = Client()
    c.force_login(world.admin)
    return c


def _org_form(org, **changes):
    data = {"name": org.name, "code": org.code, "kind": org.kind, "nation": org.nation,
            "is_designated_first_responder": "on" if org.is_designated_first_responder else "",
            "source": org.source, "disabled_on": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""} | {"disabled_on": ""}


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


def test_every_model_in_the_admin_is_audited():
    """A model registered later without the audit mixin fails here."""
    assert admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedAdmin), model


def test_removing_a_first_responder_designation_is_audited_with_the_field(world, admin_client):
    met = world.orgs["MET"]
    data = _org_form(met)
    data.pop("is_designated_first_responder")
    r = admin_client.post(f"/admin/accounts/organisation/{met.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    met.refresh_from_db()
    assert not met.is_designated_first_responder
    [event] = _events("organisation.change")
    assert (event.actor, event.object_id, event.detail) == (world.admin, str(met.pk),
                                                            {"fields": ["is_designated_first_responder"]})


def test_adding_and_deleting_are_audited(world, admin_client):
    r = admin_client.post("/admin/accounts/organisation/add/", {
        "name": "Synthetic Outreach Trust", "code": "SYNTH", "kind": "ngo", "nation": "wales", "source": "test",
        "disabled_on": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    org = Organisation.objects.get(code="SYNTH")
    [added] = _events("organisation.create")
    assert added.object_id == str(org.pk) and "code" in added.detail["fields"]
    r = admin_client.post("/admin/accounts/organisation/", {"action": "delete_selected", "_selected_action": [org.pk],
                                                            "post": "yes"})
    assert r.status_code == 302 and not Organisation.objects.filter(code="SYNTH").exists()
    [deleted] = _events("organisation.delete")
    assert deleted.object_id == str(org.pk) and deleted.actor == world.admin


def test_setting_someone_elses_password_in_the_admin_is_audited_without_the_password(world, admin_client):
    url = f"/admin/accounts/user/{world.responder.pk}/password/"
    r = admin_client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert r.status_code == 302, r.content.decode()[:3000]
    world.responder.refresh_from_db()
    assert world.responder.check_password(NEW_PASSWORD)
    [event] = _events("user.password_set")
    assert (event.actor, event.object_id, event.detail) == (world.admin, str(world.responder.pk), {"usable": True})
    assert NEW_PASSWORD not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_adding_a_user_and_removing_a_role_are_audited(world, admin_client):
    r = admin_client.post("/admin/accounts/user/add/", {
        "username": "t.newcomer", "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0", "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000"})
    assert r.status_code == 302, r.content.decode()[:3000]
    new = User.objects.get(username="t.newcomer")
    [created] = _events("user.create")
    assert created.object_id == str(new.pk) and set(created.detail["fields"]) >= {"username", "password1"}
    assert NEW_PASSWORD not in str(created.detail)

    membership = Membership.objects.get(user=world.monitor)
    r = admin_client.post(f"/admin/accounts/user/{world.monitor.pk}/change/", {
        "username": world.monitor.username, "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1", "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000", "memberships-0-id": str(membership.pk),
        "memberships-0-user": str(world.monitor.pk), "memberships-0-organisation": str(membership.organisation_id),
        "memberships-0-role": membership.role, "memberships-0-DELETE": "on"})
    assert r.status_code == 302, r.content.decode()[:3000]
    assert not Membership.objects.filter(user=world.monitor).exists()
    [removed] = _events("membership.delete")
    assert removed.detail == {"user_id": world.monitor.pk, "organisation_id": membership.organisation_id,
                              "role": "monitor"}
    assert _events("user.change")[0].object_id == str(world.monitor.pk)


def test_an_administrator_changing_their_own_password_is_audited(world, admin_client):
    r = admin_client.post("/admin/password_change/", {"old_password": "test-password-123",
                                                      "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302
    [event] = _events("user.password_change")
    assert event.actor == world.admin and NEW_PASSWORD not in str(event.detail)


def test_every_admin_page_opens(world, admin_client):
    """The list, add and change pages of every model (where the admin offers them)."""
    from palermo.accounts.models import ApiToken, RoleGrantRequest
    from palermo.core.audit import audit_record

    ApiToken.issue(world.responder)
    RoleGrantRequest.objects.create(user=world.analyst, organisation=world.orgs["SCA"], role="reviewer",
                                    requested_by=world.admin)
    audit_record(actor=world.admin, action="test.event")
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert admin_client.get(base).status_code == 200, base
        if model_admin.has_add_permission(type("R", (), {"user": world.admin})()):
            assert admin_client.get(base + "add/").status_code == 200, base
        obj = model.objects.first()
        assert admin_client.get(f"{base}{obj.pk}/change/").status_code == 200, base
