"""Browser journeys for the release pages (issue 11): a monitor opens the monitoring report and
the private releases; an analyst makes a private release, is refused one the budget cannot pay
for, and opens the microdata page. axe on every page state."""

from __future__ import annotations

import pytest
from django.utils import timezone


@pytest.fixture
def demo_cases(people):
    """Synthetic cases and a few private releases, through the demo's own loaders."""
    from palermo.demo import cases_load, organisations_load, private_releases_load, users_load

    users = users_load(organisations_load())
    cases_load(users, count=80, seed=11)
    private_releases_load(users)
    return users


def test_a_monitor_opens_the_monitoring_report(page, pages, people, demo_cases):
    pages.sign_in(page, people.monitor)
    page.click("a.govuk-service-navigation__link:has-text('Monitoring')")
    page.wait_for_url("**/monitoring/")
    assert "cases in the report" in page.inner_text("#report-scope")
    assert page.locator("table:has(caption:has-text('Median')) tbody tr").count() >= 1
    assert page.locator("table[id^='rates-']").count() >= 1
    pages.check(page, "monitoring-report")
    # A period that ends before it starts: a GOV.UK error summary, nothing computed.
    page.fill("#received-from-day", "1")
    page.fill("#received-from-month", "7")
    page.fill("#received-from-year", "2011")
    page.fill("#received-to-day", "1")
    page.fill("#received-to-month", "4")
    page.fill("#received-to-year", "2009")
    page.click("button:has-text('Show the report')")
    assert "The end of the period must be on or after its start" in page.inner_text(".govuk-error-summary")
    assert page.title().startswith("Error:")
    pages.check(page, "monitoring-report-errors")
    page.fill("#received-to-year", str(timezone.localdate().year))
    page.click("button:has-text('Show the report')")
    assert "Referrals received from Friday 1 July 2011" in page.inner_text("#report-scope")
    pages.check(page, "monitoring-report-period")
    # Monitors read the private releases made, and the budget left, but make none.
    page.click("a.govuk-service-navigation__link:has-text('Private releases')")
    page.wait_for_url("**/statistics/private-releases/")
    assert "Type of exploitation" in page.inner_text("main")
    assert page.locator("button:has-text('Make the release')").count() == 0
    pages.check(page, "private-releases-monitor")


def test_an_analyst_makes_a_private_release_until_the_budget_is_spent(page, pages, people, demo_cases):
    year = timezone.localdate().year
    pages.sign_in(page, people.analyst)
    page.click("a.govuk-service-navigation__link:has-text('Private releases')")
    page.wait_for_url("**/statistics/private-releases/")
    left_before = page.inner_text(f"#left-{year}")
    pages.check(page, "private-releases")
    page.click("button:has-text('Make the release')")  # nothing chosen: GOV.UK errors
    assert "Select the year" in page.inner_text(".govuk-error-summary")
    pages.check(page, "private-releases-errors")
    page.select_option("#year", str(year))
    page.check("input[name='dimension'][value='nation']")
    page.fill("#epsilon", "1")
    page.click("button:has-text('Make the release')")
    page.wait_for_url("**/statistics/private-releases/")
    assert "Release made" in page.inner_text(".govuk-notification-banner")
    assert page.inner_text(f"#left-{year}") != left_before
    pages.check(page, "private-releases-made")
    # The demo spent 0.25 of this year's 2.0, this release 1: 0.75 is left, so 1 more is refused.
    page.select_option("#year", str(year))
    page.check("input[name='dimension'][value='status']")
    page.fill("#epsilon", "1")
    page.click("button:has-text('Make the release')")
    assert "cannot pay for this release" in page.inner_text(".govuk-error-summary")
    pages.check(page, "private-releases-refused")
    page.click("a.govuk-service-navigation__link:has-text('Microdata')")
    page.wait_for_url("**/statistics/microdata/")
    assert page.locator("a.govuk-button:has-text('Download the microdata (CSV)')").is_visible()
    pages.check(page, "microdata")
