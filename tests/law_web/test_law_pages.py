"""The Law pages: a caseworker enters facts and sees which offences applied, with reasons."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

FACTS = {"day": "1", "month": "3", "year": "2012", "jurisdiction": "england_wales", "conduct": "arrange_arrival",
         "exploitation": "sexual", "offender_nationality": "foreign", "victim_previously_trafficked_into_uk": "unknown",
         "third_party_exploitative_conduct_for_gain": "unknown"}


def signed_in(user):
    c = Client()
    c.force_login(user)
    return c


def test_law_pages_need_sign_in(client):
    for url in ("/law/", "/law/offences/", "/law/offences/SOA2003_s57/", "/law/definitions/"):
        r = client.get(url)
        assert r.status_code == 302 and "/sign-in/" in r["Location"]


def test_facts_give_the_offence_with_its_reasons(world):
    r = signed_in(world.analyst).get("/law/", FACTS)
    assert r.status_code == 200
    html = r.content.decode()
    assert "SOA2003_s57" in html or "trafficking into the UK for sexual exploitation" in html.lower()
    assert "14 years" in html
    assert "did not apply" in html


def test_before_2003_no_specific_offence(world):
    html = signed_in(world.analyst).get("/law/", {**FACTS, "year": "2002"}).content.decode()
    assert "0 offences applied" in html


def test_missing_and_impossible_dates_use_govuk_wording(world):
    html = signed_in(world.analyst).get("/law/", {**FACTS, "day": "", "jurisdiction": ""}).content.decode()
    assert "There is a problem" in html and "Enter the date of the conduct" in html
    assert "Select where the conduct took place" in html
    assert "This field is required" not in html
    html = signed_in(world.analyst).get("/law/", {**FACTS, "day": "31", "month": "2"}).content.decode()
    assert "must be a real date" in html


def test_offence_pages(world):
    c = signed_in(world.responder)
    assert "AITCA2004_s4" in c.get("/law/offences/").content.decode()
    html = c.get("/law/offences/AITCA2004_s4/").content.decode()
    assert "seed note" in html.lower() and "History" in html
    assert c.get("/law/offences/NOPE2099_s1/").status_code == 404
    assert "Palermo Protocol" in c.get("/law/definitions/").content.decode() or "trafficking" in c.get("/law/definitions/").content.decode().lower()
