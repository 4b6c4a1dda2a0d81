"""The Content-Security-Policy in a real browser (issue 13, item 6): the browser enforces it,
the journeys' violation listener (tests/browser/conftest.py) sees what it refuses, and the pages
Palermo does not draw itself (the Django admin, the Swagger docs) work under it too. Every other
journey fails on any violation through the same listener."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client


def _violations_after_round_trips(page, until=lambda found: bool(found)) -> list:
    """The violations reported so far (the listener's events and Chromium's console reports),
    after round trips to the page until ``until(found)`` or 20 of them: reports are events that
    arrive a moment after the page acts, never a timer."""
    for _ in range(20):
        page.evaluate("0")
        if until(page.csp_violations):
            break
    return list(page.csp_violations)


def test_the_browser_refuses_inline_script_and_style_and_the_journeys_see_it(page, people):
    """What injected markup would try: an inline script and an inline style attribute. Neither
    applies; each is reported to the listener every journey relies on."""
    page.goto(page.base + "/sign-in/")
    page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = true';
        document.body.append(s);
        document.querySelector('h1').setAttribute('style', 'color: rgb(255, 0, 0)');
    }""")
    expected = {"script-src-elem", "style-src-attr"}
    found = _violations_after_round_trips(page, lambda f: expected <= {v.get("directive") for v in f})
    assert page.evaluate("window.__injected === undefined")
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") != "rgb(255, 0, 0)"
    assert expected <= {v.get("directive") for v in found}, found
    page.csp_violations.clear()  # expected here; any other journey fails on them


def _signed_in_admin(page, people) -> None:
    """The administrator's session cookie, made by Django's test client: this test is about the
    admin's pages under the policy, not about signing in."""
    admin = people.admin
    admin.is_staff = True
    admin.save()
    client = Client()
    client.force_login(admin)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.base}])


@pytest.mark.parametrize("path", [
    "/admin/", "/admin/accounts/organisation/", "/admin/accounts/organisation/{org}/change/",
    "/admin/accounts/organisation/{org}/history/", "/admin/accounts/user/{user}/change/", "/admin/core/auditevent/",
])
def test_the_admin_works_under_the_policy(page, people, path):
    _signed_in_admin(page, people)
    url = path.format(org=people.orgs["SCA"].pk, user=people.responder.pk)
    response = page.goto(page.base + url)
    assert response.status == 200 and page.url == page.base + url, (url, page.url)  # not the admin's sign-in
    assert page.locator("#site-name").inner_text() == "Palermo administration"
    # The admin's own stylesheet and scripts (its light/dark theme switch, the sidebar) ran.
    assert page.evaluate("getComputedStyle(document.querySelector('#header')).display") == "flex"
    assert not _violations_after_round_trips(page)


def test_the_swagger_docs_render_every_operation_under_the_policy(page, people):
    page.goto(page.base + "/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 15
    page.locator(".opblock-summary").first.click()  # expanding an operation draws its icons
    page.locator(".opblock-body").first.wait_for()
    assert not _violations_after_round_trips(page)
