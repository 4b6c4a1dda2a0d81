"""Browser journey: a caseworker asks which offences applied to a set of facts (issue 4)."""


def test_law_question_answered_with_reasons(page, pages, people):
    pages.sign_in(page, people.analyst)
    page.click("a.govuk-service-navigation__link:has-text('Law')")
    page.wait_for_url("**/law/")
    pages.check(page, "law-empty")
    page.click("button:has-text('Show offences')")  # nothing entered: GOV.UK errors
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Enter the date of the conduct" in page.inner_text(".govuk-error-summary")
    pages.check(page, "law-errors")
    page.fill("#day", "1")
    page.fill("#month", "3")
    page.fill("#year", "2012")
    page.select_option("#jurisdiction", "england_wales")
    page.select_option("#conduct", "arrange_travel_within")
    page.select_option("#exploitation", "labour")
    page.select_option("#offender_nationality", "british")
    page.select_option("#victim_previously_trafficked_into_uk", "yes")
    page.click("button:has-text('Show offences')")
    answer = page.inner_text("#answer")
    assert "1 offence applied" in answer
    assert "Asylum and Immigration" in answer or "AITCA2004" in answer
    pages.check(page, "law-answer")
    # The same facts, but the victim had not already been trafficked into the UK: in March 2012
    # internal labour trafficking was no offence (seed note §10).
    page.select_option("#victim_previously_trafficked_into_uk", "no")
    page.click("button:has-text('Show offences')")
    assert "0 offences applied" in page.inner_text("#answer")
    page.click("#answer a.govuk-link >> nth=0")
    page.wait_for_url("**/law/offences/**")
    assert "History" in page.inner_text("main")
    pages.check(page, "law-offence")
