"""Browser journey: a decision maker records a residence permit application for an identified
victim, grants it (on a date eleven months ago, so the permit is now due for renewal), finds it
in "Permits expiring" from the dashboard, and renews it. Every page state passes axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from palermo.permits.models import Permit
from tests.permits.helpers import identified_case

pytestmark = pytest.mark.browser


def _fill_date(page, prefix: str, day: dt.date) -> None:
    page.fill(f"#{prefix}-day", str(day.day))
    page.fill(f"#{prefix}-month", str(day.month))
    page.fill(f"#{prefix}-year", str(day.year))


def test_record_grant_see_expiring_and_renew_a_residence_permit(page, pages, people):
    today = timezone.localdate()
    case = identified_case(people, received_on=today - dt.timedelta(days=360))
    granted_on = case.cg_decided_on  # about eleven months ago
    pages.sign_in(page, people.decider)

    page.goto(f"{page.base}/cases/{case.pk}/")
    page.click("#permit-panel a:has-text('See the residence permit record')")
    page.wait_for_url(f"**/cases/{case.pk}/permit/")
    assert "No permit" in page.inner_text("#permit-status")
    pages.check(page, "permit-none")

    page.click("a:has-text('Record a new application')")
    page.wait_for_url("**/permit/apply/")
    pages.check(page, "permit-apply")
    page.click("button:has-text('Record the application')")
    assert "Select the grounds of the application" in page.inner_text(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    pages.check(page, "permit-apply-error")
    page.check("label:has-text('Cooperating with the authorities')")
    page.fill("#investigation-reference", "met/2025/004711")
    _fill_date(page, "applied-on", granted_on)
    page.click("button:has-text('Record the application')")
    page.wait_for_url(f"**/cases/{case.pk}/permit/")
    assert "is awaiting a decision" in page.inner_text("#permit-awaiting")
    assert "MET/2025/004711" in page.inner_text("main")
    pages.check(page, "permit-awaiting-decision")

    page.click("a:has-text('Record the decision')")
    page.wait_for_url("**/permit/decision/")
    path = page.inner_text("#permit-rule-path")
    assert "identified as a victim" in path.lower() and "length if granted on this date" in path.lower()
    pages.check(page, "permit-decision-form")
    page.check("input[name='outcome'][value='granted']")
    page.check("label:has-text('Co-operating with a criminal investigation')")
    _fill_date(page, "decided-on", granted_on)
    page.click("button:has-text('Record the decision')")
    page.wait_for_url(f"**/cases/{case.pk}/permit/")
    permit = Permit.objects.get(case=case)
    assert permit.reminder_on <= today <= permit.expires_on  # granted long enough ago to be due now
    assert "no renewal has been applied for" in page.inner_text("#permit-renewal-due")
    pages.check(page, "permit-granted-due-for-renewal")

    page.goto(f"{page.base}/dashboard/")
    assert page.inner_text("#stat-permits-expiring") == "1"
    page.click("a:has-text('residence permits due for renewal')")
    page.wait_for_url("**/permits/#expiring")
    assert case.referral.reference in page.inner_text("#permits-expiring")
    pages.check(page, "permits-expiring")

    page.click(f"#permits-expiring a:has-text('{case.referral.reference}')")
    page.wait_for_url(f"**/cases/{case.pk}/permit/")
    page.click("a:has-text('Record a renewal application')")
    page.wait_for_url("**/permit/renew/")
    assert "the new permit starts on the day this one expires" in page.inner_text("#renewal-of")
    pages.check(page, "permit-renew")
    page.check("label:has-text('Recovering from physical or psychological harm')")
    _fill_date(page, "applied-on", today)
    page.click("button:has-text('Record the renewal application')")
    page.wait_for_url(f"**/cases/{case.pk}/permit/")
    assert "A renewal application made on" in page.inner_text("#permit-awaiting")

    page.goto(f"{page.base}/permits/")
    assert page.locator("#permits-expiring-none").count() == 1  # renewal applied for: off the reminder list
    assert case.referral.reference in page.inner_text("#permits-awaiting")
    pages.check(page, "permits-renewal-awaiting")

    page.goto(f"{page.base}/cases/{case.pk}/permit/decision/")
    page.check("input[name='outcome'][value='granted']")
    page.check("label:has-text('Needs to stay to recover')")
    _fill_date(page, "decided-on", today)
    page.click("button:has-text('Record the decision')")
    page.wait_for_url(f"**/cases/{case.pk}/permit/")
    renewed = Permit.objects.filter(case=case).order_by("starts_on").last()
    assert renewed.starts_on == permit.expires_on
    assert "Permit in force" in page.inner_text("#permit-status")
    pages.check(page, "permit-renewed")
