"""Browser tests: Playwright (Python) driving Debian's chromium against pytest-django's live
server, with axe-core from npm checking every page at WCAG 2.2 A/AA.

Never a downloaded browser: ``/usr/bin/chromium`` comes from apt (``scripts/ensure_chromium.sh``,
run by ``make test``). When chromium, axe-core or the compiled stylesheet is missing the tests
fail with a message saying how to install them, rather than skipping silently.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests make
# between page actions are ordinary synchronous code, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("PALERMO_ENV", "test")
os.environ.setdefault("PALERMO_ENCRYPTION_KEYS", "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=")
os.environ.setdefault("PALERMO_BLIND_INDEX_KEY", "test-blind-index-key-not-a-secret")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CSS = ROOT / "palermo" / "web" / "static" / "app.min.css"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--disable-quic"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "test-password-123"  # tests/factories.make_user


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser (Debian chromium) through Playwright")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _missing() -> list[str]:
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is missing: run `sh scripts/ensure_chromium.sh` (apt-get install chromium)")
    if not AXE.exists():
        problems.append(f"{AXE.relative_to(ROOT)} is missing: run `npm ci`")
    if not CSS.exists():
        problems.append(f"{CSS.relative_to(ROOT)} is missing: run `.venv/bin/python scripts/build_assets.py`")
    return problems


@pytest.fixture(scope="session")
def browser():
    problems = _missing()
    if problems:
        pytest.fail("Browser tests cannot run:\n  " + "\n  ".join(problems) + "\n(`make test` installs all of these)",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def people(transactional_db):
    """Demo organisations and one user per role (tests/factories.World), committed so the live
    server's thread sees them."""
    from tests.factories import World

    return World.create()


# Runs in every document before the page's own scripts (through the DevTools protocol, which the
# page's Content-Security-Policy does not govern): each violation of the policy is reported to
# the test, so a journey fails when the policy blocked anything, however harmless it looked.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => window.__palermoCspViolation({
  directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber,
  sample: e.sample, page: document.location.pathname}));
"""


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh browser context. The test fails at teardown on a JavaScript error, a
    failed load, or any Content-Security-Policy violation (``page.csp_violations``): the policy
    is never weakened for tests (no ``bypass_csp``)."""
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    violations: list = []
    context.expose_binding("__palermoCspViolation", lambda source, v: violations.append(v))
    context.add_init_script(script=CSP_LISTENER)
    page = context.new_page()
    page.base = live_server.url
    page.csp_violations = violations
    errors = []
    # Chromium also logs what the policy refused (counted as violations), and any part of the
    # Permissions-Policy header it could not understand (an error).
    page.on("console", lambda m: None if m.type != "error" else
            violations.append({"console": m.text}) if "Content Security Policy" in m.text else
            errors.append(f"console: {m.text}") if "Permissions-Policy" in m.text else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A stylesheet, script or image that fails to load is an error; a page that is meant to
    # answer 403 or 404 is not.
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document" else None)
    # A request the browser itself abandoned because the page moved on (net::ERR_ABORTED, e.g.
    # the favicon of a page left at once) is not a failure of Palermo's; any other failure is.
    page.on("requestfailed", lambda r: None if "ERR_ABORTED" in (r.failure or "") else errors.append(f"failed {r.url}: {r.failure}"))
    yield page
    if not page.is_closed():
        page.evaluate("0")  # a round trip, so a violation reported just now has arrived
    context.close()
    assert not errors, f"JavaScript errors or failed loads in the browser: {errors}"
    assert not violations, f"Content-Security-Policy violations in the browser: {violations}"


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


class Pages:
    """Small helpers the journeys share."""

    @staticmethod
    def sign_in(page, user):
        page.goto(page.base + "/sign-in/")
        page.fill("#username", user.username)
        page.fill("#password", PASSWORD)
        page.click("button:has-text('Sign in')")
        page.wait_for_url("**/dashboard/")

    @staticmethod
    def sign_out(page):
        page.goto(page.base + "/sign-out/")
        page.click("form button:has-text('Sign out')")
        page.wait_for_url("**/sign-in/")

    @staticmethod
    def check(page, name: str, *, screenshot: bool = True) -> None:
        """axe-core at WCAG 2.2 A/AA on the page as it is now: zero violations allowed. Also
        checks the stylesheet loaded (colour contrast needs it), GOV.UK Frontend's JavaScript
        started, the Content-Security-Policy refused nothing so far, and saves a screenshot."""
        font = page.evaluate("getComputedStyle(document.querySelector('.govuk-footer')).fontFamily")
        assert font.lower().startswith("arial"), f"{name}: the stylesheet did not load (footer font-family {font!r})"
        assert "govuk-frontend-supported" in page.evaluate("document.body.className"), f"{name}: GOV.UK JS did not start"
        # initAll() ran (palermo/govuk-init.js): each component it starts is marked data-<module>-init.
        assert page.locator(".govuk-skip-link[data-govuk-skip-link-init]").count() == 1, f"{name}: GOV.UK initAll() did not run"
        assert not page.csp_violations, f"{name}: Content-Security-Policy violations: {page.csp_violations}"
        # axe goes in through the DevTools protocol, which the page's policy does not govern (a
        # <script> tag would be refused: the policy allows no inline script).
        page.evaluate("() => {\n" + _axe_source() + "\n}")
        result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        violations = result["violations"]
        if screenshot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        if violations:
            detail = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                       "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations]
            pytest.fail(f"axe found {len(violations)} WCAG 2.2 A/AA violation(s) on {name} ({page.url}):\n"
                        + json.dumps(detail, indent=2), pytrace=False)
        Pages.checked.append(name)

    checked: list[str] = []


@pytest.fixture
def pages():
    return Pages
