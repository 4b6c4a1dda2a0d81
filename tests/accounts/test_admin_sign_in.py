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
