"""Browser journeys (issue 14): a decision maker finds a case by the last 8 characters of its
reference from the search box in the header, and by name, with help when nothing matches; a team
leader allocates it and sees the workload; the decision maker sees it in My cases; a first
responder downloads the decision letter. Every page state passes axe."""

from __future__ import annotations

import pytest

from palermo.accounts import roles as R
from tests.factories import make_user

pytestmark = pytest.mark.browser

PERSON = {"given_name": "Ilinca", "family_name": "Brâncoveanu", "date_of_birth": "1992-08-14", "dob_precision": "exact",
          "gender": "female", "nationalities": ["ROU"], "languages": [], "interpreter_needed": False}


def test_search_allocate_and_my_cases(page, pages, people):
    case = people.case(person=PERSON)
    ref = case.referral.reference
    lead = make_user("t.lead", R.TEAM_LEADER, people.orgs["SCA"])

    pages.sign_in(page, people.decider)
    page.fill("#header-search", ref[-8:].lower())
    page.click(".app-search button")
    page.wait_for_url("**/search/")
    assert ref in page.inner_text("#search-results-table")
    pages.check(page, "search-results")
    page.fill("#search-q", "brancoveanu ilinca")  # another order, no accent
    page.click("main button:has-text('Search')")
    assert ref in page.inner_text("#search-results-table")
    page.fill("#search-q", "Nobody Atall")
    page.click("main button:has-text('Search')")
    assert "There are no cases in your scope that match" in page.inner_text("#no-results")
    pages.check(page, "search-no-results")
    page.fill("#search-q", "")
    page.click("main button:has-text('Search')")
    assert "Enter a reference, name, person reference or date of birth" in page.inner_text(".govuk-error-summary")
    pages.check(page, "search-error")
    page.goto(f"{page.base}/my-cases/")
    assert "No open cases are allocated to you" in page.inner_text("main")
    pages.check(page, "my-cases-empty")
    pages.sign_out(page)

    pages.sign_in(page, lead)
    page.goto(f"{page.base}/cases/{case.pk}/")
    page.click("#allocation-panel a:has-text('Allocate the case')")
    page.wait_for_url(f"**/cases/{case.pk}/allocate/")
    pages.check(page, "allocate")
    page.click("button:has-text('Allocate')")
    assert "Select a decision maker" in page.inner_text(".govuk-error-summary")
    pages.check(page, "allocate-error")
    page.check(f"input[name='to_user'][value='{people.decider.pk}']")
    page.click("button:has-text('Allocate')")
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "Allocated to" in page.inner_text("#allocated-to")
    pages.check(page, "case-allocated")
    page.click("nav a:has-text('Workload')")
    page.wait_for_url("**/workload/")
    pages.check(page, "workload")
    pages.sign_out(page)

    pages.sign_in(page, people.decider)
    page.click("nav a:has-text('My cases')")
    page.wait_for_url("**/my-cases/")
    assert ref in page.inner_text("#my-cases")
    pages.check(page, "my-cases")


def test_a_first_responder_downloads_the_decision_letter(page, pages, people):
    case = people.case(person=PERSON)
    people.rg(case)
    pages.sign_in(page, people.responder)
    page.goto(f"{page.base}/cases/{case.pk}/")
    assert "Reasonable grounds decision: positive" in page.inner_text("#decision-letters")
    pages.check(page, "case-letters")
    with page.expect_download() as info:
        page.click("#decision-letters a")
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
