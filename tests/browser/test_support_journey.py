"""Victim support in a real browser, every page state checked with axe: the Salvation Army's
allocator finds a place for a woman with a positive reasonable grounds decision, sees why each
provider is or is not eligible, chooses the Poppy Project (after forgetting to choose, once); the
Poppy Project's support worker then finds her on their caseload, opens her record and records a
service (after an error). Then the waiting list and the providers' places."""

from __future__ import annotations

import pytest

from palermo.support.models import Placement, ServiceDelivery
from tests.factories import make_user
from tests.support.helpers import awaiting_case, providers_ready

pytestmark = pytest.mark.browser


def test_place_a_person_with_an_eligible_provider_and_record_a_service(page, pages, people):
    providers_ready({"SALVARMY": {"women_only": 1, "men_only": 1, "mixed": 1}})
    poppy_worker = make_user("t.support.poppy", "support_worker", people.orgs["POPPY"])
    case = awaiting_case(people, exploitation_types=["sexual"],
                         person={"given_name": "Oriane", "family_name": "Wexcombe", "gender": "female",
                                 "date_of_birth": "1996-09-10", "nationalities": ["Albania"], "languages": ["sqi"],
                                 "interpreter_needed": True})
    reference = case.referral.person.pseudonym

    pages.sign_in(page, people.support)
    pages.check(page, "support-dashboard-allocator")
    with page.expect_navigation():
        page.click(".govuk-service-navigation__link:has-text('Support')")
    pages.check(page, "support-caseload-allocator")
    assert reference in page.inner_text("#awaiting") and "Wexcombe" not in page.inner_text("main")
    with page.expect_navigation():
        page.click("#awaiting a:has-text('Find a place')")
    pages.check(page, "support-matching")
    assert "Place free" in page.inner_text("#provider-POPPY") and "Place free" in page.inner_text("#provider-SALVARMY")
    assert "Children only" in page.inner_text("#provider-HILLINGDON")
    page.click("#provider-POPPY .govuk-details__summary")
    assert "seed note §5.2" in page.inner_text("#provider-POPPY .govuk-details__text")
    pages.check(page, "support-matching-source-open")

    with page.expect_navigation():  # no place chosen
        page.click("button:has-text('Place the person')")
    assert page.title().startswith("Error: ")
    assert "Select a place" in page.inner_text(".govuk-error-summary")
    pages.check(page, "support-matching-error")
    page.check("input[name='place'][value='POPPY:women_only']")
    with page.expect_navigation():
        page.click("button:has-text('Place the person')")
    assert "Placed with Poppy Project" in page.inner_text(".govuk-notification-banner")
    pages.check(page, "support-caseload-after-placing")
    placement = Placement.objects.get(case=case)
    assert (placement.provider.code, placement.kind, placement.placed_by) == ("POPPY", "women_only", people.support)

    page.goto(page.base + "/support/waiting-list/")
    pages.check(page, "support-waiting-list")
    page.goto(page.base + "/support/providers/")
    pages.check(page, "support-providers")
    with page.expect_navigation():
        page.click("#providers a:has-text('Poppy Project')")
    pages.check(page, "support-provider-poppy")
    pages.sign_out(page)

    pages.sign_in(page, poppy_worker)
    pages.check(page, "support-dashboard-provider")
    page.goto(page.base + "/support/")
    pages.check(page, "support-caseload-provider")
    with page.expect_navigation():
        page.click(f"#placed a:has-text('{reference}')")
    pages.check(page, "support-record")
    assert "Oriane Wexcombe" in page.inner_text("h1")
    with page.expect_navigation():
        page.click("text=Record a service")
    pages.check(page, "support-service-form")
    page.fill("#delivered-on-day", "")
    with page.expect_navigation():
        page.click("button:has-text('Record the service')")
    assert "Select the service" in page.inner_text(".govuk-error-summary")
    pages.check(page, "support-service-form-error")
    page.check("input[name='service'][value='counselling']")
    today = placement.start_on
    page.fill("#delivered-on-day", str(today.day))
    page.fill("#delivered-on-month", str(today.month))
    page.fill("#delivered-on-year", str(today.year))
    with page.expect_navigation():
        page.click("button:has-text('Record the service')")
    assert "Service recorded." in page.inner_text(".govuk-notification-banner")
    assert "Counselling" in page.inner_text(f"#services-{placement.pk}")
    pages.check(page, "support-record-with-service")
    assert ServiceDelivery.objects.get().delivered_by == poppy_worker
