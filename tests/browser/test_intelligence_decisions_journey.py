"""Browser journey: an intelligence officer works the match proposals — confirms one, rejects
another — then records that a suspect is also an NRM potential victim, first without a lawful
reason (the error summary says what to enter), then with one. Every page state passes axe."""

from __future__ import annotations

import pytest

from palermo.intelligence.models import Entity, MatchProposal, VictimLink
from palermo.intelligence.schemas import ReportIn
from palermo.intelligence.services import report_create

pytestmark = pytest.mark.browser


def _report(actor, *people):
    return report_create(actor=actor, data=ReportIn.model_validate({
        "reported_on": "2008-03-01", "source_evaluation": "B", "intelligence_assessment": "2", "handling_code": "1",
        "text": "Synthetic journey report",
        "entities": [{"kind": "person", "value": n, "date_of_birth": "1979-02-03"} for n in people]}))


def test_decide_match_proposals_and_record_a_victim_link(page, pages, people):
    intel = people.intel
    _report(intel, "Ardent Vellacourt")
    _report(intel, "Vellacourt Ardent")
    _report(intel, "Corvin Ashdale")
    _report(intel, "Corvyn Ashdale")
    first, second = MatchProposal.objects.order_by("id")
    victim = people.refer().person

    pages.sign_in(page, intel)
    page.goto(f"{page.base}/intelligence/")
    page.click("#matches-link")
    page.wait_for_url("**/intelligence/matches/")
    assert "Agree: Name as it sounds, name as written, date of birth." in page.inner_text(f"#match-{first.pk}")
    assert "Differ: Name as written." in page.inner_text(f"#match-{second.pk}")
    pages.check(page, "intel-matches")
    page.click(f"#match-{first.pk}-confirm")
    page.wait_for_url("**/intelligence/matches/")
    assert "are the same person" in page.inner_text(".govuk-notification-banner")
    pages.check(page, "intel-matches-confirmed")
    page.click(f"#match-{second.pk}-reject")
    page.wait_for_url("**/intelligence/matches/")
    assert "are different people" in page.inner_text(".govuk-notification-banner")
    assert page.locator("#no-matches").is_visible()
    pages.check(page, "intel-matches-empty")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("confirmed", "rejected")

    suspect = Entity.objects.get(pk=first.a_id)
    page.goto(f"{page.base}/intelligence/entities/{suspect.pk}/")
    page.click("#victim-links-link")
    page.wait_for_url(f"**/intelligence/entities/{suspect.pk}/victim-links/")
    pages.check(page, "intel-victim-links")
    page.fill("#pseudonym", victim.pseudonym)
    page.click("button:has-text('Record the link')")
    summary = page.inner_text(".govuk-error-summary")
    assert "Select the lawful reason for the link" in summary and "Enter why the link is lawful" in summary
    pages.check(page, "intel-victim-links-errors")
    page.check("#lawful-reason")
    page.fill("#reason-text", "Synthetic: the suspect controlled this victim; needed for the investigation.")
    page.click("button:has-text('Record the link')")
    page.wait_for_url(f"**/intelligence/entities/{suspect.pk}/victim-links/")
    assert "Quillfeather" in page.inner_text("#victim-links")
    pages.check(page, "intel-victim-links-recorded")
    assert VictimLink.objects.get().lawful_reason == "investigation"
