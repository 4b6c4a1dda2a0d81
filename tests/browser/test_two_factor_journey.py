"""Two-factor authentication in a real browser: an administrator with no authenticator app signs
in, sets one up (QR code, code, recovery codes), signs out, signs in with a code, then with a
recovery code. axe checks every page state, errors included."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import hotp

from palermo.accounts.models import TotpDevice
from palermo.core.models import AuditEvent
from tests.factories import totp_code

pytestmark = pytest.mark.browser

PASSWORD = "test-password-123"


def _code_for(secret: str, step_offset: int = 0) -> str:
    """What an authenticator app holding ``secret`` shows (the test reads the secret from the
    page as a person who cannot scan the QR code would)."""
    return f"{hotp(base64.b32decode(secret), int(time.time()) // 30 + step_offset):06d}"


def _password(page, user):
    page.goto(page.base + "/sign-in/")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")


def test_an_administrator_sets_up_two_factor_and_signs_in_with_a_code_and_a_recovery_code(page, pages, people):
    admin = people.admin
    admin.is_staff = True
    admin.save()

    # 1. The password alone leads to setting up an app, before any other page.
    _password(page, admin)
    page.wait_for_url("**/two-factor/set-up/")
    assert page.locator("svg[role='img'] title").text_content() == "QR code for your authenticator app"
    pages.check(page, "two-factor-set-up")
    page.goto(page.base + "/dashboard/")
    assert "/sign-in/" in page.url  # not signed in half-way
    page.goto(page.base + "/two-factor/set-up/")

    # 2. A wrong code, then the right one from the secret shown as text.
    secret = page.inner_text("#secret-key").replace(" ", "")
    assert secret == TotpDevice.objects.get(user=admin).key
    page.fill("#code", f"{(int(_code_for(secret)) + 1) % 1_000_000:06d}")
    page.click("button:has-text('Continue')")
    assert "The code is not right" in page.inner_text(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    pages.check(page, "two-factor-set-up-error")
    page.fill("#code", _code_for(secret))
    page.click("button:has-text('Continue')")
    page.wait_for_selector("#recovery-codes")
    codes = page.locator(".app-recovery-code").all_inner_texts()
    assert len(codes) == 10
    pages.check(page, "two-factor-recovery-codes")
    page.click("a:has-text('I have saved my recovery codes')")
    page.wait_for_url("**/dashboard/")
    page.goto(page.base + "/two-factor/")
    assert "Two-factor authentication is on" in page.inner_text("main")
    pages.check(page, "two-factor-on")
    page.goto(page.base + "/admin/")
    assert page.title().startswith("Site administration")
    pages.sign_out(page)

    # 3. Sign in with a code (a wrong one first).
    _password(page, admin)
    page.wait_for_url("**/sign-in/code/")
    pages.check(page, "sign-in-code")
    page.fill("#code", "000000" if _code_for(secret) != "000000" else "111111")
    page.click("button:has-text('Continue')")
    assert "The code is not right" in page.inner_text(".govuk-error-summary")
    pages.check(page, "sign-in-code-error")
    page.fill("#code", totp_code(TotpDevice.objects.get(user=admin)))
    page.click("button:has-text('Continue')")
    page.wait_for_url("**/dashboard/")
    pages.sign_out(page)

    # 4. Sign in with a recovery code instead.
    _password(page, admin)
    page.wait_for_url("**/sign-in/code/")
    page.click("a:has-text('Use a recovery code instead')")
    page.wait_for_url("**/sign-in/recovery-code/")
    pages.check(page, "sign-in-recovery-code")
    page.click("button:has-text('Continue')")
    assert "Enter a recovery code" in page.inner_text(".govuk-error-summary")
    pages.check(page, "sign-in-recovery-code-error")
    page.fill("#code", codes[0])
    page.click("button:has-text('Continue')")
    page.wait_for_url("**/dashboard/")
    assert re.search(r"You have 9 recovery codes left", page.inner_text("main"))
    pages.check(page, "dashboard-after-recovery-code")

    actions = set(AuditEvent.objects.filter(actor=admin).values_list("action", flat=True))
    assert {"auth.otp_enrolment_started", "auth.otp_enrolled", "auth.otp_failed", "auth.otp_verified",
            "auth.recovery_code_used", "auth.sign_in"} <= actions


def test_pages_sign_in_passes_the_second_factor_twice_in_a_row(page, pages, people):
    """The helper other journeys use: a decision maker signs in, out and in again at once (the
    second sign-in cannot reuse the first code)."""
    pages.sign_in(page, people.decider)
    pages.sign_out(page)
    pages.sign_in(page, people.decider)
    assert page.url.endswith("/dashboard/")
