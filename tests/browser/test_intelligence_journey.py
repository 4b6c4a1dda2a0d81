"""Browser journey: an intelligence officer records a report (first with a 3x5x2 handling code on
a 5x5x5 date, which the page refuses by field), then opens an entity it mentions and sees its
neighbourhood drawn as SVG with the table of links. Every page state passes axe."""

from __future__ import annotations

import pytest

from palermo.intelligence.models import Entity

pytestmark = pytest.mark.browser


def test_record_an_intelligence_report_and_open_an_entity(page, pages, people):
    pages.sign_in(page, people.intel)
    page.goto(f"{page.base}/intelligence/")
    pages.check(page, "intel-list-empty")
    page.click("#new-report")
    page.wait_for_url("**/intelligence/reports/new/")
    pages.check(page, "intel-report-new")
    page.fill("#reported-on-day", "2")
    page.fill("#reported-on-month", "7")
    page.fill("#reported-on-year", "2008")
    page.select_option("#source-evaluation", "B")
    page.select_option("#intelligence-assessment", "2")
    page.select_option("#handling-code", "P")
    page.fill("#text", "Synthetic: a sauna advertised online moves women weekly.")
    page.select_option("#entity-1-kind", "premises")
    page.fill("#entity-1-value", "Demo Sauna, 1 Fictional Street, Exampleton")
    page.select_option("#entity-2-kind", "phone")
    page.fill("#entity-2-value", "07700 900555")
    page.select_option("#entity-3-kind", "vehicle")
    page.fill("#entity-3-value", "dm08 xyz")
    page.click("button:has-text('Record the report')")
    assert "5x5x5 scheme was in force" in page.inner_text(".govuk-error-summary")
    pages.check(page, "intel-report-new-errors")
    page.select_option("#handling-code", "1")
    page.click("button:has-text('Record the report')")
    page.wait_for_url("**/intelligence/reports/*/")
    assert "B21" in page.inner_text("#grading")
    pages.check(page, "intel-report")

    premises = Entity.objects.get(kind="premises")
    page.click(f"#report-entities a[href='/intelligence/entities/{premises.pk}/']")
    page.wait_for_url(f"**/intelligence/entities/{premises.pk}/")
    assert page.locator("svg[role='img'] line").count() == 2
    assert "DM08 XYZ" in page.inner_text("#links") or "dm08 xyz" in page.inner_text("#links")
    pages.check(page, "intel-entity")
