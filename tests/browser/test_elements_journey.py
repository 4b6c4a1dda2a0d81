"""Browser journey: a decision maker records act, means and purpose and sees the assessment."""


def test_record_act_means_and_purpose(page, pages, people):
    case = people.case(indicators=["deception", "threats_to_family"], exploitation_types=["labour"])
    pages.sign_in(page, people.decider)
    page.goto(f"{page.base}/cases/{case.pk}/")
    page.click("a:has-text('Record act, means and purpose')")
    page.wait_for_url("**/elements/")
    assert page.locator("text=Suggested by the referral").count() >= 2
    pages.check(page, "elements-form")
    page.check("label:has-text('Recruitment')")
    page.check("label:has-text('Deception')")
    page.check("label:has-text('Forced labour or services')")
    page.click("button:has-text('Save')")
    card = page.inner_text("#palermo-elements")
    assert card.count("Recorded") >= 3 and "Not recorded" not in card
    pages.check(page, "elements-recorded")
