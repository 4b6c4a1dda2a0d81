"""Internal identifiers never reach what a caseworker reads.

Every demo user signs in and walks the pages their links lead to (demo data: cases in every
status, children, support, permits); on each page the visible text outside a details
disclosure must hold no dated rule id (``nrm.rg_target_working_days@2019-04-29``), no
"seed note §" citation and no raw code (``smuggling_not_trafficking``): those are for auditors,
behind "Why this date?" or "Source" (``palermo.law.explain``, the ``rule_value`` tag)."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.law.explain import RULE_ID_RE, rule_explain
from palermo.web.words import _ABBR_RE as ABBR_RE
from palermo.web.words import ABBREVIATIONS, CG_FROM, COUNT_CAP, RECONSIDERATION, RG, abbreviate, due_words

pytestmark = pytest.mark.django_db

SEED_NOTE_RE = re.compile(r"seed note\s*§", re.I)
# A code as stored: lower-case words joined by underscores (status, reason, indicator codes).
RAW_CODE_RE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
SKIP = ("/sign-out/", "/admin/", "/api/", "/statistics/files/", "/static/")
SKIP_ENDINGS = (".csv", ".xlsx", ".ods", ".pdf", ".json", ".html")
PAGES_PER_USER = 45
LAW_LIBRARY = "/law/"


class VisibleText(HTMLParser):
    """The text a person reads: not inside <details>, <script>, <style>, <head>, nor attributes.
    ``bare`` collects the text outside an ``<abbr>`` (where an abbreviation must not stand alone)."""

    HIDDEN = {"details", "script", "style", "head", "template"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.abbr = 0
        self.out: list[str] = []
        self.bare: list[str] = []
        self.spelled: set[str] = set()  # abbreviations given in an <abbr title> somewhere on the page
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1
        if tag == "abbr" and dict(attrs).get("title"):
            self.abbr += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1
        if tag == "abbr" and self.abbr:
            self.abbr -= 1

    def handle_data(self, data):
        if not self.depth:
            self.out.append(data)
            self.bare.append("" if self.abbr else data)
            if self.abbr:
                self.spelled.add(data.strip())


def bare_abbreviations(text: str, bare: str, spelled: set[str]) -> list[str]:
    """Abbreviations (SCA, IECA, UKHTC, UKBA, NRM, RG, CG…) standing alone: outside an <abbr
    title>, with neither their long form nor an <abbr title> of them anywhere on the page (so a
    reader meets the long form once: spelled out on first use, or in an <abbr>)."""
    found = []
    for m in ABBR_RE.finditer(bare):
        code = m.group(1)
        if code not in spelled and ABBREVIATIONS[code].lower() not in text.lower():
            found.append(f"bare abbreviation {code!r}")
    return found


def problems_in(html: str) -> tuple[list[str], list[str]]:
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(parser.out)
    found = [f"rule id {m.group(0)!r}" for m in RULE_ID_RE.finditer(text)]
    found += [f"citation {m.group(0)!r}" for m in SEED_NOTE_RE.finditer(text)]
    found += [f"raw code {m.group(0)!r}" for m in RAW_CODE_RE.finditer(text)]
    found += bare_abbreviations(text, " ".join(parser.bare), parser.spelled)
    return found, parser.links


def test_the_checker_finds_identifiers_outside_details_only():
    """The walk below can fail: a rule id, a citation or a code in a label is found; the same
    inside a details disclosure is not."""
    bad = "<p>Rule: nrm.rg_target_working_days@2019-04-29+holidays-0.109</p><p>Smuggling (seed note §1)</p><p>recovery_period</p>"
    found, _ = problems_in(bad)
    assert len(found) == 4  # the rule id is also a raw code
    good = "<p>Friday 4 December 2026</p><details><summary>Why</summary>nrm.rg@2019-04-29 seed note §1</details>"
    assert problems_in(good)[0] == []


def test_the_checker_finds_an_abbreviation_standing_alone():
    """An abbreviation outside <abbr title> with no long form on the page is found; in <abbr>,
    after its long form, or as part of a word it is not."""
    assert problems_in("<p>Routed to the SCA</p>")[0] == ["bare abbreviation 'SCA'"]
    assert problems_in("<p>Routed to the <abbr title='Single Competent Authority'>SCA</abbr></p>")[0] == []
    assert problems_in("<p>Single Competent Authority (SCA). The SCA decides.</p>")[0] == []
    assert problems_in("<p><abbr title='National Referral Mechanism'>NRM</abbr></p><p>An NRM case</p>")[0] == []
    assert problems_in("<p>NRM-2026-0001 SCAB</p>")[0] == []


def test_abbreviate_wraps_each_abbreviation_and_escapes_the_rest():
    html = str(abbreviate("Sent to the SCA & UKHTC <b>"))
    assert html == ('Sent to the <abbr title="Single Competent Authority">SCA</abbr> &amp; '
                    '<abbr title="UK Human Trafficking Centre">UKHTC</abbr> &lt;b&gt;')
    assert str(abbreviate("Single Competent Authority (SCA)")) == "Single Competent Authority (SCA)"
    assert str(abbreviate("NRM-2026-ABCD")) == "NRM-2026-ABCD"  # a reference is not an abbreviation
    assert problems_in(f"<p>{html}</p>")[0] == []


@pytest.fixture
def demo_users(db):
    from palermo.demo import demo_load, organisations_load, users_load

    demo_load(cases=40)
    return users_load(organisations_load())


def _walk(client, start="/dashboard/") -> dict[str, list[str]]:
    seen, queue, problems = set(), deque([start]), {}
    while queue and len(seen) < PAGES_PER_USER:
        url = queue.popleft()
        path = urlsplit(url).path
        if path in seen or path.startswith(SKIP) or path.endswith(SKIP_ENDINGS):
            continue
        seen.add(path)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        found, links = problems_in(response.content.decode())
        if path.startswith(LAW_LIBRARY):
            # The law library's pages are the law with its sources: citations are their content.
            found = [f for f in found if not f.startswith("citation")]
        if found:
            problems[url] = sorted(set(found))
        for href in links:
            href = urldefrag(href)[0]
            if href.startswith("/") and urlsplit(href).path not in seen:
                # Sorting and paging links repeat a page: keep the first of each path.
                queue.append(href)
    return problems


def test_no_internal_identifier_on_any_page_any_demo_user_reaches(client, demo_users):
    everything: dict[str, list[str]] = {}  # problem -> where (user and page), a few of each
    for name, user in demo_users.items():
        client.force_login(user)
        for url, found in _walk(client).items():
            for problem in found:
                everything.setdefault(problem, []).append(f"{name} {url}")
        client.logout()
    assert not everything, "\n".join(f"{k}: {v[:3]}" for k, v in sorted(everything.items()))


def test_a_rule_version_is_explained_in_plain_words():
    r = rule_explain("nrm.rg_target_working_days@2019-04-29+holidays-0.109", nation="england")
    assert r.sentence == ("Reasonable grounds decision target: 5 working days from the referral. In force since "
                          "29 April 2019. Working days count the bank holidays in England.")
    assert rule_explain("something.unknown@2020-01-01").in_force_from == dt.date(2020, 1, 1)
    assert rule_explain("") is None


days = st.dates(min_value=dt.date(2009, 4, 1), max_value=dt.date(2040, 12, 31))
counts = st.integers(min_value=-20000, max_value=20000)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from([RG, CG_FROM, RECONSIDERATION]), due=days, left=counts)
def test_due_words_never_show_a_count_nobody_can_act_on(kind, due, left):
    """However far the date, a count of working days is said only up to the cap; beyond it the
    sentence names the date. A conclusive grounds decision is never "overdue"; a window in the
    past is "closed"."""
    words = due_words(kind, due, left)
    numbers = [int(n) for n in re.findall(r"\b(\d+) working days?\b", words)]
    assert all(n <= COUNT_CAP for n in numbers)
    if abs(left) > COUNT_CAP:
        assert str(due.year) in words
    if kind == CG_FROM:
        assert "verdue" not in words
    if kind == RECONSIDERATION and left < 0:
        assert words.startswith("Reconsideration window closed on")
    if kind == RG and left < 0:
        assert words.startswith("Overdue")
    if left == 0:
        assert "today" in words


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(due=days, left=counts)
def test_a_closed_case_says_closed(due, left):
    assert due_words(RG, due, left, closed=True) == "Closed"
