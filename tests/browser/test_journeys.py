"""End-to-end journeys in a real browser (Debian chromium), each page checked with axe-core.

* the full referral journey as a first responder, by keyboard only, with an error on the way;
* a reasonable grounds then conclusive grounds decision, the negative one agreed by a reviewer;
* filtering and sorting the caseload;
* a first responder refused another organisation's case;
* the dashboards and Duty to Notify list other roles see.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from palermo.core.models import AuditEvent
from palermo.nrm import workflow
from palermo.nrm.models import Case, Decision, Referral
from tests.browser import keyboard as kb

pytestmark = pytest.mark.browser


def test_referral_journey_keyboard_only(page, pages, people):
    """A first responder refers a potential victim using only the keyboard, from signing in
    to the reference number; every page passes axe."""
    page.goto(page.base + "/sign-in/")
    pages.check(page, "sign-in")
    page.keyboard.press("Tab")
    assert kb.active_matches(page, "a.govuk-skip-link"), "the first Tab must reach the skip link"
    kb.type_into(page, "#username", people.responder.username)
    kb.type_into(page, "#password", "test-password-123")
    kb.continue_(page)
    assert page.url.endswith("/dashboard/")
    pages.check(page, "dashboard-first-responder")
    assert "First responder, Metropolitan Police Service" in page.inner_text("#signed-in-as")

    page.goto(page.base + "/refer/")
    pages.check(page, "refer-start")
    kb.tab_to(page, "a.govuk-button--start")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Where: first try to continue without answering, to see the error summary.
    kb.continue_(page)
    assert page.inner_text(".govuk-error-summary").count("Select where in the UK you are making this referral") == 1
    assert page.title().startswith("Error: ")
    pages.check(page, "refer-where-error")
    # The error summary link takes focus to the field.
    page.keyboard.press("Tab")  # GOV.UK JS focuses the summary on load; Tab reaches its link
    kb.tab_to(page, ".govuk-error-summary a")
    page.keyboard.press("Enter")
    assert kb.active_matches(page, "input[name='nation']")
    kb.choose_radio(page, "nation", "england")
    kb.continue_(page)

    pages.check(page, "refer-under-18")
    kb.choose_radio(page, "under_18", "no")
    kb.continue_(page)
    kb.choose_radio(page, "age_at_exploitation", "adult")
    kb.continue_(page)
    pages.check(page, "refer-what-happened")
    kb.type_into(page, "#narrative", "Synthetic: recruited online for farm work, then held in a caravan to repay a debt.")
    kb.continue_(page)
    pages.check(page, "refer-where-exploited")
    kb.choose_radio(page, "exploitation_location", "both")
    kb.continue_(page)
    pages.check(page, "refer-uk-area")
    kb.select_option(page, "#police-force-area", "kent")
    kb.continue_(page)
    kb.select_option(page, "#exploitation-country", "ROU")
    kb.continue_(page)
    pages.check(page, "refer-exploitation-types")
    kb.tick(page, "exploitation_types", "labour")
    kb.continue_(page)
    kb.tick(page, "indicators", "debt_bondage")
    kb.tick(page, "indicators", "documents_withheld")
    kb.continue_(page)
    kb.continue_(page)  # no other concerns
    pages.check(page, "refer-consent")
    kb.choose_radio(page, "consent", "given")
    kb.continue_(page)
    kb.choose_radio(page, "immigration_enforcement", "no")
    kb.continue_(page)
    pages.check(page, "refer-person")
    kb.type_into(page, "#given-name", "Ilinca")
    kb.type_into(page, "#family-name", "Vrabiescu")
    kb.choose_radio(page, "gender", "female")
    kb.continue_(page)
    kb.choose_radio(page, "dob_known", "yes")
    kb.continue_(page)
    pages.check(page, "refer-date-of-birth")
    kb.type_into(page, "#date-of-birth-day", "6")
    kb.type_into(page, "#date-of-birth-month", "5")
    kb.type_into(page, "#date-of-birth-year", "1994")
    kb.continue_(page)
    kb.select_option(page, "#nationality", "ROU")
    kb.continue_(page)
    kb.choose_radio(page, "interpreter_needed", "yes")
    kb.continue_(page)
    kb.type_into(page, "#language", "Romanian")
    kb.continue_(page)
    pages.check(page, "refer-contact")
    kb.type_into(page, "#contact-details", "Through the support worker at the safe house.")
    kb.continue_(page)

    # Check your answers; go back to change one answer, and the others survive.
    assert page.url.endswith("/refer/check-your-answers/")
    pages.check(page, "refer-check-your-answers")
    assert "Ilinca Vrabiescu" in page.inner_text("main") and "Kent" in page.inner_text("main")
    assert Referral.objects.count() == 0
    kb.tab_to(page, "a[href='/refer/interpreter-language/?change=1']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.input_value("#language") == "Romanian"
    page.fill("#language", "")
    kb.type_into(page, "#language", "Romanian (Moldovan)")
    kb.continue_(page)
    assert page.url.endswith("/refer/check-your-answers/")
    assert "Romanian (Moldovan)" in page.inner_text("main")

    start_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    kb.tab_to(page, "main form button.govuk-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    pages.check(page, "refer-confirmation")
    reference = page.inner_text("#reference-number").strip()
    referral = Referral.objects.get(reference=reference)
    assert re.fullmatch(r"NRM-\d{4}-[0-9A-F]{8}", reference)
    assert referral.person.languages == ["Romanian (Moldovan)"] and referral.case.status == workflow.REFERRED
    actions = list(AuditEvent.objects.filter(pk__gt=start_id, action__in=["person.create", "referral.create"])
                   .values_list("action", flat=True))
    assert actions == ["person.create", "referral.create"]

    with page.expect_navigation():
        page.click("text=View the case")
    pages.check(page, "case-page-first-responder")
    assert "Ilinca Vrabiescu" in page.inner_text("#case-person")


def _date(page, prefix: str, day: dt.date) -> None:
    page.fill(f"#{prefix}-day", str(day.day))
    page.fill(f"#{prefix}-month", str(day.month))
    page.fill(f"#{prefix}-year", str(day.year))


def test_rg_then_cg_decision_with_second_review(page, pages, people):
    """A decision maker records a positive reasonable grounds decision, then a negative
    conclusive grounds decision, which waits for a reviewer; the reviewer agrees."""
    today = timezone.localdate()
    received = today - dt.timedelta(days=120)
    case = people.case(received_on=received.isoformat())
    rg_day = received + dt.timedelta(days=3)

    pages.sign_in(page, people.decider)
    pages.check(page, "dashboard-decision-maker")
    page.goto(f"{page.base}/cases/{case.pk}/")
    pages.check(page, "case-page-referred")
    with page.expect_navigation():
        page.click("text=Record a reasonable grounds decision")
    assert "Standard of proof on" in page.inner_text("#standard-of-proof")
    pages.check(page, "decision-rg")
    page.check("#outcome")  # positive
    page.check("input[name='reasons'][value='indicators_present']")
    _date(page, "decided-on", rg_day)
    page.fill("#reason-text", "Synthetic: consistent account with several indicators.")
    with page.expect_navigation():
        page.click("button:has-text('Record the decision')")
    banner = page.inner_text(".govuk-notification-banner")
    assert "Positive reasonable grounds decision recorded." in banner and "A conclusive grounds decision can be made from" in banner
    # The decision maker's written explanation, on the case for those who decide it (audited).
    assert "Synthetic: consistent account with several indicators." in page.inner_text("#case-timeline")
    pages.check(page, "case-page-recovery-period")
    case.refresh_from_db()
    assert case.status == workflow.RECOVERY_PERIOD

    with page.expect_navigation():
        page.click("text=Record a conclusive grounds decision")
    pages.check(page, "decision-cg")
    page.check("#outcome-2")  # negative
    page.check("input[name='reasons'][value='credibility']")
    _date(page, "decided-on", today)
    page.fill("#reason-text", "Synthetic: material inconsistencies.")
    with page.expect_navigation():
        page.click("button:has-text('Record the decision')")
    banner = page.inner_text(".govuk-notification-banner")
    assert "Negative conclusive grounds decision recorded." in banner and "until a second reviewer" in banner
    assert "awaiting second review" in page.inner_text("#case-status")
    pages.check(page, "case-page-cg-review")
    pages.sign_out(page)

    pages.sign_in(page, people.reviewer)
    page.goto(page.base + "/reviews/")
    pages.check(page, "review-queue")
    with page.expect_navigation():
        page.click("#review-queue a[href^='/reviews/']")
    pages.check(page, "review-form")
    page.check("#agree")
    _date(page, "reviewed-on", today)
    with page.expect_navigation():
        page.click("button:has-text('Record the review')")
    pages.check(page, "case-page-not-identified")
    case.refresh_from_db()
    assert case.status == workflow.NOT_IDENTIFIED
    assert Decision.objects.get(case=case, kind="conclusive_grounds").reviewed_by == people.reviewer
    timeline = page.inner_text("#case-timeline")
    assert "Reviewer agreed with the negative decision" in timeline
    assert "Positive reasonable grounds decision" in timeline


def test_caseload_filter_and_sort(page, pages, people):
    today = timezone.localdate()
    overdue = people.case(received_on=(today - dt.timedelta(days=30)).isoformat())
    child = people.case(under_18="yes", consent="not_required", local_authority="HILLINGDON", age_at_exploitation="child")
    decided = people.case()
    people.rg(decided)
    pages.sign_in(page, people.decider)
    page.goto(page.base + "/cases/")
    pages.check(page, "caseload")
    assert page.locator("#caseload tbody tr").count() == 3
    page.select_option("#due", "overdue")
    with page.expect_navigation():
        page.click("button:has-text('Apply filters')")
    pages.check(page, "caseload-overdue")
    rows = page.locator("#caseload tbody tr")
    assert rows.count() == 1 and overdue.reference in rows.first.inner_text()
    assert "Overdue" in rows.first.inner_text()
    page.select_option("#due", "")
    page.select_option("#age-group", "child")
    with page.expect_navigation():
        page.click("button:has-text('Apply filters')")
    assert page.locator("#caseload tbody tr").count() == 1 and child.reference in page.inner_text("#caseload")
    with page.expect_navigation():
        page.click("text=Clear filters")
    with page.expect_navigation():
        page.click("#caseload thead a:has-text('Status')")
    assert page.get_attribute("#caseload thead th[aria-sort]", "aria-sort") == "ascending"
    pages.check(page, "caseload-sorted")


def test_first_responder_cannot_open_another_organisations_case(page, pages, people):
    case = people.case()  # referred by the Metropolitan Police
    pages.sign_in(page, people.responder_other)  # Greater Manchester Police
    response = page.goto(f"{page.base}/cases/{case.pk}/")
    assert response.status == 403
    assert "You do not have access to this page" in page.inner_text("h1")
    assert "Zorbina" not in page.content()
    pages.check(page, "refused-403")
    response = page.goto(f"{page.base}/cases/999999/")
    assert response.status == 404
    pages.check(page, "not-found-404")
    assert Case.objects.count() == 1


def test_other_roles_dashboards_and_duty_to_notify(page, pages, people):
    people.case()
    people.refer(consent="refused", anonymous=True, person=None)
    pages.sign_in(page, people.reviewer)
    pages.check(page, "dashboard-reviewer")
    page.goto(page.base + "/duty-to-notify/")
    pages.check(page, "duty-to-notify-authority")
    assert page.locator("#dtn-table tbody tr").count() == 1
    pages.sign_out(page)
    pages.check(page, "signed-out")
    pages.sign_in(page, people.analyst)
    assert "National figures" in page.inner_text("main")
    pages.check(page, "dashboard-analyst")
