"""Setting up an authenticator app: required before anything else for the roles that need it,
voluntary for the others. A QR code (SVG, no script), the secret as text, a code to confirm,
then recovery codes shown once and stored only as hashes."""

import base64
import re

import pytest
from django.db import connection
from django.test import Client

from palermo.accounts import two_factor
from palermo.accounts.models import RecoveryCode, TotpDevice
from palermo.core.exceptions import NotAllowed
from palermo.core.models import AuditEvent
from tests.accounts.helpers import error_messages, password_step, signed_in, wrong
from tests.factories import enrol_authenticator, totp_code

pytestmark = pytest.mark.django_db


def _setup_page(client, user):
    r = password_step(client, user)
    assert r["Location"] == "/two-factor/set-up/"
    page = client.get("/two-factor/set-up/")
    assert page.status_code == 200
    return page


def _secret(html: str) -> str:
    return re.search(r'id="secret-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")


def test_a_decision_maker_without_an_app_sets_one_up_before_anything_else(world):
    c = Client()
    page = _setup_page(c, world.decider)
    html = page.content.decode()
    assert not signed_in(c)
    assert c.get("/dashboard/", follow=True).redirect_chain[-1][0].startswith("/sign-in/")
    # a QR code as server-rendered SVG markup, and the same secret as text
    assert '<svg role="img"' in html and "<title>QR code for your authenticator app</title>" in html
    device = TotpDevice.objects.get(user=world.decider)
    assert not device.confirmed and _secret(html) == device.key
    assert "no-store" in page["Cache-Control"]
    main = html[html.index('id="main-content"'):html.index("</main>")]
    assert "<script" not in main and "style=" not in main
    # reloading the page shows the same secret (the app already scanned still works)
    assert _secret(c.get("/two-factor/set-up/").content.decode()) == device.key
    assert AuditEvent.objects.filter(action="auth.otp_enrolment_started").count() == 1


def test_a_wrong_code_does_not_confirm_the_app(world):
    c = Client()
    _setup_page(c, world.decider)
    device = TotpDevice.objects.get(user=world.decider)
    r = c.post("/two-factor/set-up/", {"code": wrong(totp_code(device))})
    assert error_messages(r.content.decode()) == [
        "The code is not right or has already been used. Enter the code your authenticator app shows now"]
    device.refresh_from_db()
    assert not device.confirmed and not signed_in(c)
    assert AuditEvent.objects.get(action="auth.otp_failed").detail["method"] == "enrolment"


def test_the_right_code_confirms_the_app_signs_in_and_shows_recovery_codes_once(world):
    c = Client()
    _setup_page(c, world.decider)
    device = TotpDevice.objects.get(user=world.decider)
    r = c.post("/two-factor/set-up/", {"code": totp_code(device)})
    html = r.content.decode()
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    codes = re.findall(r'class="app-recovery-code">([A-Z2-9-]+)<', html)
    assert len(codes) == 10 and all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code) for code in codes)
    device.refresh_from_db()
    assert device.confirmed and signed_in(c)
    assert c.get("/dashboard/").status_code == 200
    assert RecoveryCode.objects.filter(device=device).count() == 10
    enrolled = AuditEvent.objects.get(action="auth.otp_enrolled")
    assert enrolled.detail == {"user_id": world.decider.pk, "recovery_codes": 10}
    assert AuditEvent.objects.get(action="auth.sign_in").detail == {"second_factor": "enrolment"}
    # shown once: the page cannot be had again, and neither codes nor the secret are stored in plaintext
    assert c.get("/two-factor/set-up/")["Location"] == "/two-factor/"
    assert not any(code in text or code.replace("-", "") in text for code in codes for _, text in _all_text())
    raw_secret = device.key
    assert not any(raw_secret in text for _, text in _all_text())
    assert base64.b32decode(raw_secret)  # (the secret is a real base32 key)


def test_an_app_cannot_be_replaced_without_a_reset(world):
    """A stolen password alone cannot swap the victim's app for the thief's."""
    enrol_authenticator(world.decider)
    with pytest.raises(NotAllowed):
        two_factor.enrolment_start(actor=world.decider)
    c = Client()
    password_step(c, world.decider)
    assert c.get("/two-factor/set-up/")["Location"] == "/sign-in/code/"


def test_other_roles_may_turn_two_factor_on(world):
    c = Client()
    c.post("/sign-in/", {"username": world.responder.username, "password": "test-password-123"})
    assert 'href="/two-factor/"' in c.get("/dashboard/").content.decode()
    page = c.get("/two-factor/").content.decode()
    assert "Two-factor authentication is off" in page and 'href="/two-factor/set-up/"' in page
    c.get("/two-factor/set-up/")
    device = TotpDevice.objects.get(user=world.responder)
    r = c.post("/two-factor/set-up/", {"code": totp_code(device)})
    assert "Save your recovery codes" in r.content.decode()
    assert c.get("/dashboard/").status_code == 200  # this session is verified by the new app
    assert "Two-factor authentication is on" in c.get("/two-factor/").content.decode()


def _all_text() -> list[tuple[str, str]]:
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — table names from introspection
            for row in cur.fetchall():
                out.extend((table, str(cell)) for cell in row if isinstance(cell, str))
    return out
