"""Every kind of page reflows at 320 CSS pixels with no horizontal scrolling (WCAG 2.2 SC
1.4.10), for the role that works on it, over demo data; axe checks each page in that state.

The case list stacks its rows on a narrow screen (``.app-table--stacked``), a long status tag
wraps inside itself, and references wrap only between their parts."""

from __future__ import annotations

import pytest

from palermo.nrm import workflow
from palermo.nrm.models import Case
from tests.browser.conftest import PASSWORD

WIDTH = 320


@pytest.fixture
def demo(transactional_db):
    from palermo.demo import demo_load, organisations_load, users_load

    demo_load(cases=30)
    users = users_load(organisations_load())
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    return users


def _no_sideways_scroll(page, name: str, problems: list[str]) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > WIDTH:
        # Name the widest elements, so a failure says what to fix.
        culprits = page.evaluate(f"""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > {WIDTH} + 1)
            .slice(-3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
        problems.append(f"{name} ({page.url}): scrolls to {width}px: {culprits}")


def _visit(page, pages, name: str, path: str, problems: list[str]) -> None:
    page.goto(page.base + path)
    _no_sideways_scroll(page, name, problems)
    pages.check(page, f"reflow-320-{name}", screenshot=False)


def test_every_page_kind_reflows_at_320_css_pixels(page, pages, demo):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    problems: list[str] = []
    recovery = Case.objects.filter(status=workflow.RECOVERY_PERIOD, competent_authority__code="SCA").first()
    referred = Case.objects.filter(status=workflow.REFERRED, competent_authority__code="SCA").first()
    identified = Case.objects.filter(status=workflow.IDENTIFIED, competent_authority__code="SCA").first()
    child = Case.objects.filter(referral__under_18__in=["yes", "not_sure"],
                                referral__local_authority__code="HILLINGDON").first()

    pages.sign_in(page, demo["decider"])
    for name, path in [
        ("dashboard-decider", "/dashboard/"),
        ("case-list", "/cases/"),
        ("case-page-recovery-period", f"/cases/{recovery.pk}/"),
        ("case-page-identified", f"/cases/{identified.pk}/"),
        ("decision-form", f"/cases/{referred.pk}/decision/"),
        ("possible-matches", f"/cases/{referred.pk}/possible-matches/"),
        ("permits", "/permits/"),
        ("permit-page", f"/cases/{identified.pk}/permit/"),
        ("law", "/law/"),
    ]:
        _visit(page, pages, name, path, problems)
    pages.sign_out(page)

    pages.sign_in(page, demo["responder"])
    for name, path in [("dashboard-responder", "/dashboard/"), ("refer-start", "/refer/"),
                       ("refer-question", "/refer/organisation/")]:
        _visit(page, pages, name, path, problems)
    pages.sign_out(page)

    pages.sign_in(page, demo["children"])
    for name, path in [("children-board", "/children/"), ("children-record", f"/children/cases/{child.pk}/")]:
        _visit(page, pages, name, path, problems)
    pages.sign_out(page)

    pages.sign_in(page, demo["support"])
    _visit(page, pages, "support-caseload", "/support/", problems)
    link = page.locator("a[href^='/support/cases/']").first
    if link.count():
        _visit(page, pages, "support-record", link.get_attribute("href"), problems)
    pages.sign_out(page)

    pages.sign_in(page, demo["analyst"])
    for name, path in [("dashboard-analyst", "/dashboard/"), ("statistics", "/statistics/"),
                       ("monitoring", "/monitoring/")]:
        _visit(page, pages, name, path, problems)
    pages.sign_out(page)

    assert not problems, "\n".join(problems)
