"""Browser journey: a decision maker checks a possible match between two referrals of the same
person (issue 5) and confirms it, opens the page of everyone linked to the person, then unlinks
it; axe on every page state."""

from palermo.linkage.models import LinkCandidate


def test_confirm_then_unlink_a_possible_match(page, pages, people):
    first = people.case(person={"given_name": "Thi Lan", "family_name": "Nguyễn", "date_of_birth": "1999-04-07",
                                "gender": "female", "nationalities": ["VNM"]})
    second = people.case(person={"given_name": "Thi Lan", "family_name": "Ngyuen", "date_of_birth": "1999-07-04",
                                 "gender": "female", "nationalities": ["Vietnam"]})
    assert LinkCandidate.objects.filter(status="pending").count() == 1, "scoring on referral found the match"
    pages.sign_in(page, people.decider)
    page.goto(f"{page.base}/cases/{second.pk}/")
    panel = page.locator("#possible-matches-panel")
    assert "1 possible match" in panel.inner_text()
    panel.locator("a:has-text('Check possible matches')").click()
    page.wait_for_url("**/possible-matches/")
    pages.check(page, "possible-matches")
    page.click("button:has-text('Save decision')")  # nothing chosen
    assert "Select whether these are the same person" in page.inner_text(".govuk-error-summary")
    pages.check(page, "possible-matches-errors")
    page.check("text=Yes, they are the same person")
    page.select_option("select[name$='reason_code']", index=1)
    page.fill("textarea[name$='reason_text']", "Same passport number on both referrals (synthetic).")
    page.click("button:has-text('Save decision')")
    assert "Confirmed" in page.inner_text("main")
    pages.check(page, "possible-matches-confirmed")
    assert LinkCandidate.objects.get().status == "confirmed"
    page.click("#cluster-link")
    page.wait_for_url("**/cluster/**")
    main = page.inner_text("main")
    assert "Linked records" in main and first.referral.reference in main and second.referral.reference in main
    assert "Same person" in page.inner_text("#cluster-links")  # the reason in words
    pages.check(page, "person-cluster")
    page.click("a.govuk-back-link")
    page.wait_for_url(f"**/cases/{second.pk}/")
    page.goto(f"{page.base}/cases/{first.pk}/")
    assert "Confirmed as the same person" in page.inner_text("#possible-matches-panel")
    page.click("#possible-matches-panel a:has-text('Check or unlink the confirmed matches')")
    page.click("summary:has-text('Unlink these records')")
    page.select_option("details select[name$='reason_code']", index=1)
    page.fill("details textarea[name$='reason_text']", "Linked in error: different mothers' names (synthetic).")
    page.click("button:has-text('Unlink')")
    pages.check(page, "possible-matches-unlinked")
    assert LinkCandidate.objects.get().status == "unlinked"


def test_two_equally_likely_matches_carry_a_warning(page, pages, people):
    """Two other people as likely as each other: both matches are flagged before anyone decides."""
    base = {"gender": "female", "nationalities": ["VNM"]}
    first = people.case(person={**base, "given_name": "Thi Mai", "family_name": "Pham", "date_of_birth": "1998-02-03"})
    second = people.case(person={**base, "given_name": "Thi Mai", "family_name": "Pham", "date_of_birth": "1996-11-20"})
    third = people.case(person={**base, "given_name": "Thi Mai", "family_name": "Pham"})
    LinkCandidate.objects.all().delete()  # whatever scoring found: two matches set at 80% each
    for other in (first, second):
        LinkCandidate.objects.create(person_a=other.referral.person, person_b=third.referral.person,
                                     match_probability=0.8, match_weight=2.0, model_version="test",
                                     found_by="referral")
    pages.sign_in(page, people.decider)
    page.goto(f"{page.base}/cases/{third.pk}/possible-matches/")
    warnings = page.locator(".govuk-warning-text")
    assert warnings.count() == 2
    assert "could as well be the other possible match" in warnings.first.inner_text()
    pages.check(page, "possible-matches-ambiguous")
