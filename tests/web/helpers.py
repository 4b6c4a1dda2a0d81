"""Helpers for the page tests: post a referral journey page by page, as a browser without
JavaScript would."""

from __future__ import annotations

import html as html_lib
import re

from django.test import Client

# A complete adult referral with consent, page by page (slug → form data).
ADULT_ANSWERS = {
    "where": {"nation": "england"},
    "under-18": {"under_18": "no"},
    "age-at-exploitation": {"age_at_exploitation": "adult"},
    "what-happened": {"narrative": "Synthetic: recruited online for farm work, then held in a caravan to repay a debt."},
    "where-exploited": {"exploitation_location": "both"},
    "uk-area": {"police_force_area": "kent"},
    "country": {"exploitation_country": "ROU"},
    "exploitation-types": {"exploitation_types": ["labour"]},
    "indicators": {"indicators": ["debt_bondage", "documents_withheld"]},
    "concerns": {"flags": []},
    "consent": {"consent": "given"},
    "immigration": {"immigration_enforcement": "no"},
    "person": {"given_name": "Ilinca", "family_name": "Vrabiescu", "aliases": "Ili\n", "gender": "female"},
    "date-of-birth-known": {"dob_known": "yes"},
    "date-of-birth": {"date_of_birth-day": "6", "date_of_birth-month": "5", "date_of_birth-year": "1994"},
    "nationality": {"nationality": "ROU"},
    "interpreter": {"interpreter_needed": "yes"},
    "interpreter-language": {"language": "Romanian"},
    "contact": {"contact_details": "Through the support worker at the safe house."},
}


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def walk(client: Client, answers: dict, start: str = "/refer/") -> list[str]:
    """Post each page the journey asks for, following redirects; returns the slugs visited.
    Fails if the journey asks a page with no answer in ``answers``."""
    visited = []
    resp = client.get(start)
    url = re.search(r'href="(/refer/[a-z0-9-]+/)"', resp.content.decode()).group(1)
    for _ in range(40):
        slug = url.strip("/").split("/")[-1].split("?")[0]
        if slug == "check-your-answers":
            return visited
        assert slug in answers, f"the journey asked {slug!r}, which this test did not expect"
        resp = client.post(url, answers[slug])
        assert resp.status_code == 302, (slug, resp.content.decode()[:3000])
        visited.append(slug)
        url = resp["Location"]
    raise AssertionError("the journey did not reach check your answers")


def error_messages(html: str) -> list[str]:
    """The messages in the page's error summary."""
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    found = re.findall(r'<a href="[^"]*">([^<]+)</a>', summary.group(1)) if summary else []
    return [html_lib.unescape(m) for m in found]
