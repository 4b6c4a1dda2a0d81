"""API tokens: revocation is one-way and audited; a token for a role that needs two-factor
authentication is issued only once the user has set it up."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from palermo.accounts.models import ApiToken
from palermo.core.models import AuditEvent
from tests.factories import enrol_authenticator

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world):
    world.admin.is_staff = True
    world.admin.save()
    c = Client()
    c.force_login(world.admin)
    return c


def _works(raw: str) -> bool:
    return Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_revoking_in_the_admin_is_audited_and_cannot_be_undone(world, admin_client):
    token, raw = ApiToken.issue(world.responder)
    assert _works(raw)
    r = admin_client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and not _works(raw)
    [event] = AuditEvent.objects.filter(action="api_token.revoke")
    assert (event.actor, event.object_id, event.detail) == (world.admin, str(token.pk), {"user_id": world.responder.pk})
    # the change form cannot clear revoked_at (it is read-only) ...
    revoked_at = token.revoked_at
    admin_client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"revoked_at_0": "", "revoked_at_1": ""})
    token.refresh_from_db()
    assert token.revoked_at == revoked_at and not _works(raw)
    # ... nor can code
    token.revoked_at = None
    with pytest.raises(ValidationError):
        token.save()
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at
    # revoking again changes nothing and writes nothing
    admin_client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_tokens_are_not_deleted_in_the_admin(world, admin_client):
    token, _ = ApiToken.issue(world.responder)
    admin_client.post("/admin/accounts/apitoken/", {"action": "delete_selected", "_selected_action": [token.pk],
                                                    "post": "yes"})
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_createtoken_for_a_two_factor_role_needs_a_confirmed_app(world, capsys):
    with pytest.raises(CommandError, match="needs two-factor authentication"):
        call_command("createtoken", world.decider.username)
    assert not ApiToken.objects.filter(user=world.decider).exists()
    enrol_authenticator(world.decider)
    call_command("createtoken", world.decider.username)
    assert _works(capsys.readouterr().out.strip())
    assert AuditEvent.objects.filter(action="api_token.issue").count() == 1
