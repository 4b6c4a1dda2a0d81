"""The password rules (length 12, not a common password, not all digits, not like the
username) hold wherever a password is set: the admin's add-user and password pages, an
administrator's own password page, and the createsuperuser, changepassword commands and the user
manager they use."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from palermo.accounts.models import User

pytestmark = pytest.mark.django_db

COMMON = "password1234"  # long enough, but on Django's common-password list
SHORT = "Zq8-wv"
GOOD = "Brindle-quartz-lantern-88"


@pytest.fixture
def admin_client(world):
    world.admin.is_staff = True
    world.admin.save()
    c = Client()
    c.force_login(world.admin)
    return c


def _add(client, password):
    return client.post("/admin/accounts/user/add/", {
        "username": "t.newcomer", "usable_password": "true", "password1": password, "password2": password,
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0", "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000"})


@pytest.mark.parametrize(("password", "message"), [(COMMON, "This password is too common."),
                                                   (SHORT, "This password is too short.")])
def test_admin_add_user_refuses_a_weak_password(world, admin_client, password, message):
    r = _add(admin_client, password)
    assert r.status_code == 200 and message in r.content.decode()
    assert not User.objects.filter(username="t.newcomer").exists()


@pytest.mark.parametrize(("password", "message"), [(COMMON, "This password is too common."),
                                                   (SHORT, "This password is too short.")])
def test_admin_password_page_refuses_a_weak_password(world, admin_client, password, message):
    r = admin_client.post(f"/admin/accounts/user/{world.responder.pk}/password/",
                          {"password1": password, "password2": password, "usable_password": "true"})
    assert r.status_code == 200 and message in r.content.decode()
    world.responder.refresh_from_db()
    assert world.responder.check_password("test-password-123")


@pytest.mark.parametrize(("password", "message"), [(COMMON, "This password is too common."),
                                                   (SHORT, "This password is too short.")])
def test_an_administrators_own_password_page_refuses_a_weak_password(world, admin_client, password, message):
    r = admin_client.post("/admin/password_change/", {"old_password": "test-password-123",
                                                      "new_password1": password, "new_password2": password})
    assert r.status_code == 200 and message in r.content.decode()


@pytest.mark.parametrize("password", [COMMON, SHORT])
def test_createsuperuser_refuses_a_weak_password(db, monkeypatch, password):
    """Django's createsuperuser does not check the password with --noinput (and lets the
    interactive prompt bypass the check); Palermo's user manager checks it either way."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    with pytest.raises(CommandError, match="too"):
        call_command("createsuperuser", "--noinput", "--username", "t.root", "--email", "")
    assert not User.objects.filter(username="t.root").exists()
    with pytest.raises(ValidationError):
        User.objects.create_superuser("t.root", password=password)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD)
    call_command("createsuperuser", "--noinput", "--username", "t.root", "--email", "")
    assert User.objects.get(username="t.root").check_password(GOOD)


def test_changepassword_refuses_a_weak_password(world, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": COMMON)
    with pytest.raises(CommandError):
        call_command("changepassword", world.responder.username)
    world.responder.refresh_from_db()
    assert world.responder.check_password("test-password-123")
