"""Browser journey: an intelligence officer records an operation, then a premises visit — first
without its kind and outside the operation's dates, which the page refuses with an error summary —
and sees it counted in the operation's report. An analyst sees the same report. Every page state
passes axe."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_record_an_operation_and_a_premises_visit_then_see_the_report(page, pages, people):
    pages.sign_in(page, people.intel)
    page.goto(f"{page.base}/operations/")
    pages.check(page, "operations-empty")
    page.click("#new-operation")
    page.wait_for_url("**/operations/new/")
    pages.check(page, "operation-new")
    page.fill("#name", "Synthetic Operation Journey")
    page.fill("#starts-on-day", "3")
    page.fill("#starts-on-month", "10")
    page.fill("#starts-on-year", "2007")
    page.fill("#ends-on-day", "2")
    page.fill("#ends-on-month", "7")
    page.fill("#ends-on-year", "2008")
    page.check("input[name='aims'][value='recover_victims']")
    page.click("button:has-text('Record the operation')")
    page.wait_for_url("**/operations/*/")
    pages.check(page, "operation")

    page.click("#record-premises")
    page.wait_for_url("**/record/premises/")
    pages.check(page, "operation-premises-new")
    page.fill("#visited-on-day", "1")
    page.fill("#visited-on-month", "9")
    page.fill("#visited-on-year", "2008")
    page.check("input[name='nation'][value='england_wales']")
    page.click("#record")
    summary = page.inner_text(".govuk-error-summary")
    assert "Select the kind of premises" in summary
    pages.check(page, "operation-premises-errors")
    page.check("input[name='kind'][value='sauna']")
    page.click("#record")
    assert "must be during the operation" in page.inner_text(".govuk-error-summary")
    page.fill("#visited-on-month", "11")
    page.fill("#visited-on-year", "2007")
    page.click("#record")
    page.wait_for_url("**/operations/*/")
    assert "Sauna" in page.inner_text("#premises")

    page.click("#see-report")
    page.wait_for_url("**/report/")
    assert "1 premises visited" in page.inner_text("#r-premises")
    assert page.inner_text("#group-massage_sauna") == "1"
    pages.check(page, "operation-report")
    report_url = page.url

    pages.sign_out(page)
    pages.sign_in(page, people.analyst)
    page.goto(report_url)
    assert "1 premises visited" in page.inner_text("#r-premises")
    pages.check(page, "operation-report-analyst")
