"""The admin's own sign-in page is not a way round Palermo's sign-in: it leads to the same
password step, lockout, audit and second factor as /sign-in/."""

import pytest
from django.test import Client, override_settings

from palermo.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _admin(world):
    world.admin.is_staff = True
    world.admin.save()
    return world.admin


@override_settings(PALERMO_SIGNIN_MAX_FAILURES=3)
def test_wrong_passwords_at_the_admin_sign_in_lock_the_username_and_are_audited(world):
    admin = _admin(world)
    c = Client()
    for _ in range(3):
        c.post("/admin/login/?next=/admin/", {"username": admin.username, "password": "wrong-password-123"}, follow=True)
    assert AuditEvent.objects.filter(action="auth.sign_in_failed").count() == 3
    r = c.post("/sign-in/", {"username": admin.username, "password": "test-password-123"})
    assert "tried to sign in too many times" in r.content.decode()


def test_the_right_password_at_the_admin_sign_in_gives_no_admin_session_without_the_second_factor(world):
    admin = _admin(world)
    c = Client()
    c.post("/admin/login/?next=/admin/", {"username": admin.username, "password": "test-password-123"}, follow=True)
    r = c.get("/admin/")
    assert r.status_code == 302
    assert "_auth_user_id" not in c.session


def test_a_get_of_the_admin_sign_in_goes_to_palermos_sign_in(world):
    r = Client().get("/admin/login/?next=/admin/accounts/user/")
    assert r.status_code == 302 and r["Location"] == "/sign-in/?next=/admin/accounts/user/"


def test_the_admin_sign_in_leads_to_the_code_step_and_then_the_admin(world):
    from tests.factories import enrol_authenticator, totp_code

    admin = _admin(world)
    device = enrol_authenticator(admin)
    c = Client()
    r = c.post("/admin/login/", {"username": admin.username, "password": "test-password-123", "next": "/admin/"})
    assert r["Location"] == "/sign-in/code/"
    assert c.post("/sign-in/code/", {"code": totp_code(device)})["Location"] == "/admin/"
    assert c.get("/admin/").status_code == 200


def test_someone_signed_in_without_the_administrator_role_is_refused_not_looped(world, client):
    client.force_login(world.decider)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_the_admin_itself_refuses_a_session_without_the_second_factor(world, settings):
    """Defence in depth: even without the middleware that ends such sessions, the admin site
    opens only to a session verified by the second factor."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("SecondFactorMiddleware")]
    admin = _admin(world)
    c = Client()
    c.force_login_password_only(admin)
    assert c.get("/admin/").status_code == 302
    c.force_login(admin)
    assert c.get("/admin/").status_code == 200


def test_next_never_leads_off_site_after_the_code(world):
    from tests.factories import enrol_authenticator, totp_code

    device = enrol_authenticator(world.decider)
    c = Client()
    c.post("/sign-in/", {"username": world.decider.username, "password": "test-password-123",
                         "next": "https://attacker.example/"})
    assert c.post("/sign-in/code/", {"code": totp_code(device)})["Location"] == "/"


def test_the_remembered_next_is_checked_again_when_it_is_used(rf):
    """The sign-in page only remembers a safe ``next``; the code step checks it again anyway."""
    from django.contrib.sessions.backends.db import SessionStore

    from palermo.web.pending import KEY, pending_next

    request = rf.get("/sign-in/code/")
    request.session = SessionStore()
    request.session[KEY] = {"next": "https://attacker.example/"}
    assert pending_next(request) == "/"
    request.session[KEY] = {"next": "/cases/"}
    assert pending_next(request) == "/cases/"
