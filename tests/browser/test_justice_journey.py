"""Browser journey: an intelligence officer records a prosecution (first with an offence dated
before it came into force, which the page refuses by field with the date it began), records the
outcome of the charge with a custodial sentence, and sees it counted on the statistics page.
Every page state passes axe."""

from __future__ import annotations

import pytest

from palermo.intelligence.models import Entity
from palermo.intelligence.schemas import ReportIn
from palermo.intelligence.services import report_create

pytestmark = pytest.mark.browser


def test_record_a_prosecution_and_an_outcome_then_see_the_statistics(page, pages, people):
    report_create(actor=people.intel, data=ReportIn.model_validate({
        "reported_on": "2004-02-01", "source_evaluation": "B", "intelligence_assessment": "2", "handling_code": "1",
        "text": "Synthetic suspect", "entities": [{"kind": "person", "value": "Journey Demosuspect"}]}))
    suspect = Entity.objects.get(kind="person")
    pages.sign_in(page, people.intel)
    page.goto(f"{page.base}/justice/")
    pages.check(page, "justice-list-empty")
    page.click("#new-prosecution")
    page.wait_for_url("**/justice/prosecutions/new/")
    pages.check(page, "justice-new")
    page.check("input[name='nation'][value='england_wales']")
    page.select_option("#court-kind", "crown")
    page.fill("#court-name", "Synthetic Crown Court, Demotown")
    page.fill("#charged-on-day", "1")
    page.fill("#charged-on-month", "9")
    page.fill("#charged-on-year", "2004")
    page.fill("#defendant-1", suspect.reference)
    page.select_option("#d1-charge-1-offence", "SOA2003_s57")
    page.fill("#d1-charge-1-on-day", "1")
    page.fill("#d1-charge-1-on-month", "3")
    page.fill("#d1-charge-1-on-year", "2004")
    page.click("button:has-text('Record the prosecution')")
    summary = page.inner_text(".govuk-error-summary")
    assert "was not in force in England and Wales on 1 March 2004: it came into force there on 1 May 2004" in summary
    pages.check(page, "justice-new-errors")
    page.fill("#d1-charge-1-on-month", "6")
    page.click("button:has-text('Record the prosecution')")
    page.wait_for_url("**/justice/prosecutions/*/")
    assert "Journey Demosuspect" in page.inner_text("#defendant-1")
    pages.check(page, "justice-prosecution")

    page.click("a:has-text('Record the outcome')")
    page.wait_for_url("**/justice/charges/*/outcome/")
    pages.check(page, "justice-outcome")
    page.check("input[name='outcome'][value='convicted']")
    page.fill("#outcome-on-day", "3")
    page.fill("#outcome-on-month", "5")
    page.fill("#outcome-on-year", "2005")
    page.select_option("#disposal", "immediate_custody")
    page.fill("#custody-months", "54")
    page.click("button:has-text('Record the outcome')")
    page.wait_for_url("**/justice/prosecutions/*/")
    assert "Immediate custody: 54 months" in page.inner_text("#charges-1")
    pages.check(page, "justice-prosecution-decided")

    page.goto(f"{page.base}/justice/statistics/?start_year=2004&end_year=2005")
    years = page.inner_text("#years")
    assert "2004\t1\t-" in years and "2005\t0\t1\t1\t54.0" in years
    assert "Trafficking into the UK for sexual exploitation" in page.inner_text("#principal-offences")
    pages.check(page, "justice-statistics")
