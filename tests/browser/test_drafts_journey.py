"""Saving a referral to come back to later, in a real browser with axe on every page state:
start → answer the first section → "Save and come back later" → sign out → sign in → the
draft on the dashboard → resume at the page where they stopped → finish → send."""

from __future__ import annotations

import pytest

from palermo.drafts.models import ReferralDraft
from palermo.nrm.models import Referral

pytestmark = pytest.mark.browser


def _continue(page):
    with page.expect_navigation():
        page.click("main form button:has-text('Continue')")


def test_a_first_responder_saves_a_referral_signs_out_and_comes_back_to_send_it(page, pages, people):
    pages.sign_in(page, people.responder)
    page.goto(page.base + "/refer/")
    with page.expect_navigation():
        page.click("a.govuk-button--start")
    assert "Section 1 of 5: About the referral" in page.inner_text("main")
    page.check("input[name='nation'][value='england']")
    _continue(page)
    page.check("input[name='under_18'][value='no']")
    _continue(page)
    page.check("input[name='age_at_exploitation'][value='adult']")
    _continue(page)
    assert page.url.endswith("/refer/what-happened/")
    assert "Section 2 of 5: What happened" in page.inner_text("main")
    pages.check(page, "draft-question-with-save")
    page.fill("#narrative", "Synthetic: recruited online for farm work, then held in a caravan to repay a debt.")
    with page.expect_navigation():
        page.click("button:has-text('Save and come back later')")

    draft = ReferralDraft.objects.get()
    assert page.url.endswith(f"/refer/drafts/{draft.pk}/")
    assert "Your answers have been saved" in page.inner_text(".govuk-notification-banner")
    assert "Section 2 of 5: What happened" in page.inner_text("#draft-section")
    pages.check(page, "draft-saved")
    assert Referral.objects.count() == 0

    pages.sign_out(page)
    pages.sign_in(page, people.responder)
    assert "Your saved referrals" in page.inner_text("main")
    pages.check(page, "draft-dashboard-list")
    with page.expect_navigation():
        page.click(f"a[href='/refer/drafts/{draft.pk}/']")
    pages.check(page, "draft-page")
    with page.expect_navigation():
        page.click("button:has-text('Continue this referral')")
    assert page.url.endswith("/refer/where-exploited/")  # the narrative was saved with the draft
    pages.check(page, "draft-resumed")

    page.check("input[name='exploitation_location'][value='uk']")
    _continue(page)
    page.select_option("#police-force-area", "kent")
    _continue(page)
    page.check("input[name='exploitation_types'][value='labour']")
    _continue(page)
    page.check("input[name='indicators'][value='debt_bondage']")
    _continue(page)
    _continue(page)  # no other concerns
    page.check("input[name='consent'][value='given']")
    _continue(page)
    page.check("input[name='immigration_enforcement'][value='no']")
    _continue(page)
    page.fill("#given-name", "Ilinca")
    page.fill("#family-name", "Vrabiescu")
    page.check("input[name='gender'][value='female']")
    _continue(page)
    page.check("input[name='dob_known'][value='no']")
    _continue(page)
    page.fill("#claimed-age", "30")
    _continue(page)
    page.select_option("#nationality", "ROU")
    _continue(page)
    page.check("input[name='interpreter_needed'][value='no']")
    _continue(page)
    page.fill("#contact-details", "Through the support worker at the safe house.")
    _continue(page)
    assert page.url.endswith("/refer/check-your-answers/")
    assert "held in a caravan" in page.inner_text("main")
    pages.check(page, "draft-check-your-answers")
    with page.expect_navigation():
        page.click("button:has-text('Accept and send')")
    pages.check(page, "draft-sent")
    referral = Referral.objects.get()
    assert referral.person.family_name == "Vrabiescu" and "caravan" in referral.narrative
    assert not ReferralDraft.objects.exists()
    page.goto(page.base + "/dashboard/")
    assert "Your saved referrals" not in page.inner_text("main")
