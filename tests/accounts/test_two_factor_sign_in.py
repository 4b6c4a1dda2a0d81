"""Signing in with a second factor: password, then a 6-digit code or a recovery code. Nothing is
open half-way, codes cannot be guessed or replayed, and every step is audited."""

import pytest
from django.test import Client, override_settings

from palermo.accounts import two_factor
from palermo.accounts.models import Membership
from palermo.core.models import AuditEvent
from tests.accounts.helpers import error_messages, password_step, sign_in_with_code, signed_in, wrong
from tests.factories import enrol_authenticator, totp_code

pytestmark = pytest.mark.django_db

HALF_WAY_URLS = ["/dashboard/", "/cases/", "/reviews/", "/law/", "/two-factor/", "/admin/", "/admin/accounts/user/",
                 "/refer/", "/duty-to-notify/"]


def test_a_decision_maker_is_not_signed_in_by_the_password_alone(world):
    enrol_authenticator(world.decider)
    c = Client()
    r = password_step(c, world.decider)
    assert r.status_code == 302 and r["Location"] == "/sign-in/code/"
    assert not signed_in(c)
    for url in HALF_WAY_URLS:
        r = c.get(url, follow=True)
        assert r.redirect_chain and r.redirect_chain[-1][0].startswith("/sign-in/?next="), url
        assert "Sign in to Palermo" in r.content.decode()
    assert AuditEvent.objects.filter(action="auth.password_accepted", actor=world.decider).exists()
    assert not AuditEvent.objects.filter(action="auth.sign_in").exists()


def test_the_right_code_signs_in_and_every_step_is_audited(world):
    c = sign_in_with_code(world.decider)
    assert signed_in(c)
    assert c.get("/dashboard/").status_code == 200
    actions = list(AuditEvent.objects.filter(actor=world.decider).order_by("id").values_list("action", flat=True))
    assert actions[:3] == ["auth.password_accepted", "auth.otp_verified", "auth.sign_in"]
    assert AuditEvent.objects.get(action="auth.sign_in").detail == {"second_factor": "totp"}


def test_the_code_step_keeps_next_from_the_sign_in_page(world):
    device = enrol_authenticator(world.decider)
    c = Client()
    password_step(c, world.decider, next_url="/cases/")
    r = c.post("/sign-in/code/", {"code": totp_code(device)})
    assert r["Location"] == "/cases/"


def test_a_wrong_code_is_refused_with_govuk_wording_and_audited(world):
    device = enrol_authenticator(world.decider)
    c = Client()
    password_step(c, world.decider)
    r = c.post("/sign-in/code/", {"code": ""})
    assert error_messages(r.content.decode()) == ["Enter the 6-digit code"]
    r = c.post("/sign-in/code/", {"code": "12ab56"})
    assert error_messages(r.content.decode()) == ["Enter the 6-digit code shown in your authenticator app"]
    r = c.post("/sign-in/code/", {"code": wrong(totp_code(device))})
    html = r.content.decode()
    assert error_messages(html) == ["The code is not right or has already been used. Enter the code your authenticator app shows now"]
    assert "<title>Error: " in html and "please" not in html.lower() and "invalid" not in html.lower()
    assert not signed_in(c)
    failed = AuditEvent.objects.get(action="auth.otp_failed")
    assert failed.detail == {"user_id": world.decider.pk, "method": "totp", "in_a_row": 1}


def test_a_code_is_accepted_only_once(world):
    device = enrol_authenticator(world.decider)
    c = Client()
    password_step(c, world.decider)
    code = totp_code(device)
    assert c.post("/sign-in/code/", {"code": code}).status_code == 302
    other = Client()
    password_step(other, world.decider)
    r = other.post("/sign-in/code/", {"code": code})  # the same code, seen over a shoulder
    assert r.status_code == 200 and not signed_in(other)


@override_settings(PALERMO_SIGNIN_MAX_FAILURES=3)
def test_wrong_codes_lock_the_code_step_like_the_password(world):
    device = enrol_authenticator(world.decider)
    c = Client()
    password_step(c, world.decider)
    for _ in range(3):
        c.post("/sign-in/code/", {"code": wrong(totp_code(device))})
    r = c.post("/sign-in/code/", {"code": totp_code(device)})  # right, but locked
    assert error_messages(r.content.decode()) == ["You have entered a wrong code too many times. Wait 15 minutes and try again"]
    assert not signed_in(c)
    assert AuditEvent.objects.filter(action="auth.otp_failed", detail__refused="wait").count() == 1


@override_settings(PALERMO_SIGNIN_MAX_FAILURES=1000, PALERMO_OTP_MAX_FAILURES=4)
def test_wrong_codes_in_a_row_lock_the_second_factor_until_an_administrator_resets_it(world):
    """The brute-force bound: at most PALERMO_OTP_MAX_FAILURES guesses, ever, without a reset."""
    device = enrol_authenticator(world.decider)
    codes = two_factor._recovery_codes_issue(device)
    c = Client()
    password_step(c, world.decider)
    for _ in range(4):
        c.post("/sign-in/code/", {"code": wrong(totp_code(device))})
    assert AuditEvent.objects.filter(action="auth.otp_locked").count() == 1
    r = c.post("/sign-in/code/", {"code": totp_code(device)})
    assert error_messages(r.content.decode()) == [
        "You have entered a wrong code too many times. Ask an administrator from another organisation to reset "
        "your two-factor authentication"]
    assert not signed_in(c)
    # a fresh sign-in, and a recovery code, are refused too
    c2 = Client()
    password_step(c2, world.decider)
    assert c2.post("/sign-in/code/", {"code": totp_code(device)}).status_code == 200 and not signed_in(c2)
    assert c2.post("/sign-in/recovery-code/", {"code": codes[0]}).status_code == 200 and not signed_in(c2)


def test_the_locked_count_starts_again_after_a_right_code(world, settings):
    settings.PALERMO_OTP_MAX_FAILURES = 3
    device = enrol_authenticator(world.decider)
    c = Client()
    password_step(c, world.decider)
    for _ in range(2):
        c.post("/sign-in/code/", {"code": wrong(totp_code(device))})
    assert c.post("/sign-in/code/", {"code": totp_code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.failure_count == 0


def test_a_recovery_code_signs_in_once(world):
    device = enrol_authenticator(world.decider)
    codes = two_factor._recovery_codes_issue(device)
    c = Client()
    password_step(c, world.decider)
    r = c.post("/sign-in/recovery-code/", {"code": codes[0].lower()})  # any case, with or without hyphens
    assert r.status_code == 302 and signed_in(c)
    assert "9 recovery codes left" in c.get("/dashboard/").content.decode()
    assert AuditEvent.objects.get(action="auth.recovery_code_used").detail == {"user_id": world.decider.pk, "left": 9}
    assert AuditEvent.objects.get(action="auth.sign_in").detail == {"second_factor": "recovery_code"}
    again = Client()
    password_step(again, world.decider)
    r = again.post("/sign-in/recovery-code/", {"code": codes[0]})
    assert error_messages(r.content.decode()) == [
        "The recovery code is not right or has already been used. Enter a recovery code you have not used"]
    assert not signed_in(again)
    assert AuditEvent.objects.filter(action="auth.otp_failed", detail__method="recovery_code").count() == 1


def test_the_code_step_needs_a_fresh_right_password(world, settings):
    device = enrol_authenticator(world.decider)
    assert Client().get("/sign-in/code/")["Location"] == "/sign-in/"  # no password yet
    c = Client()
    password_step(c, world.decider)
    world.decider.set_password("a-new-password-456")
    world.decider.save()
    r = c.post("/sign-in/code/", {"code": totp_code(device)})  # the password changed meanwhile
    assert r["Location"] == "/sign-in/" and not signed_in(c)
    settings.PALERMO_SIGNIN_PENDING_SECONDS = -1
    c = Client()
    password_step(c, world.decider, password="a-new-password-456")
    r = c.post("/sign-in/code/", {"code": totp_code(device)})  # too long since the password
    assert r["Location"] == "/sign-in/" and not signed_in(c)


def test_a_user_who_turned_two_factor_on_needs_the_code_too(world):
    """Roles without the requirement may turn it on; then their sign-in asks for it as well."""
    assert Client().post("/sign-in/", {"username": world.responder.username, "password": "test-password-123"})[
        "Location"] == "/"
    enrol_authenticator(world.responder)
    c = Client()
    assert password_step(c, world.responder)["Location"] == "/sign-in/code/"
    assert not signed_in(c)


def test_a_session_that_skipped_the_second_factor_is_ended(world):
    """The middleware: a session signed in any other way (here Django's plain force_login) is
    signed out at its next request, audited."""
    enrol_authenticator(world.decider)
    c = Client()
    c.force_login_password_only(world.decider)
    r = c.get("/cases/")
    assert r.status_code == 302 and r["Location"] == "/sign-in/?next=/cases/"
    assert not signed_in(c)
    assert AuditEvent.objects.filter(action="auth.session_unverified", actor=world.decider).count() == 1


def test_a_role_that_needs_two_factor_given_during_a_session_ends_it(world):
    c = Client()
    c.post("/sign-in/", {"username": world.analyst.username, "password": "test-password-123"})
    assert c.get("/dashboard/").status_code == 200
    Membership.objects.create(user=world.analyst, organisation=world.orgs["SCA"], role="decision_maker")
    r = c.get("/dashboard/")
    assert r.status_code == 302 and not signed_in(c)
    r = password_step(Client(), world.analyst)
    assert r["Location"] == "/two-factor/set-up/"  # and at the next sign-in they set it up


def test_force_login_in_tests_passes_the_second_factor(world, client):
    """The test shortcut (tests/conftest.py) signs in completely; see the test above for the
    plain one."""
    client.force_login(world.decider)
    assert client.get("/dashboard/").status_code == 200
