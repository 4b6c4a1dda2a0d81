"""The pages, the API and the exports read through the same selectors: scope and roles apply on
every surface, refusals are audited, and the statistics are counts only."""

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client

from palermo.accounts.models import ApiToken
from palermo.core.models import AuditEvent
from palermo.justice.models import Charge, Prosecution

from .helpers import Justice


@pytest.fixture
def j(db):
    j = Justice()
    j.p = j.prosecute()
    j.charge = Charge.objects.get(defendant__prosecution=j.p)
    j.outcome(j.charge, disposal="immediate_custody", custody_months=30)
    return j


def _web(user):
    c = Client()
    c.force_login(user)
    return c


def _api(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)[1]}"}


def test_the_api_records_a_prosecution_and_refuses_an_offence_not_in_force_by_field(j):
    body = {"nation": "england_wales", "court_kind": "crown", "court_name": "Synthetic Crown Court",
            "charged_on": "2005-01-10", "defendants": [{"entity_id": j.people[1].pk, "charges": [
                {"offence_id": "AITCA2004_s4", "offence_on": "2004-11-30"}]}]}
    bad = Client().post("/api/v1/justice/prosecutions", json.dumps(body), content_type="application/json", **_api(j.met))
    assert bad.status_code == 422
    assert "came into force there on 1 December 2004" in json.dumps(bad.json())
    body["defendants"][0]["charges"][0]["offence_on"] = "2004-12-01"
    ok = Client().post("/api/v1/justice/prosecutions", json.dumps(body), content_type="application/json", **_api(j.met))
    assert ok.status_code == 201 and ok.json()["defendants"][0]["charges"][0]["outcome"] == "pending"
    charge_id = ok.json()["defendants"][0]["charges"][0]["id"]
    out = Client().post(f"/api/v1/justice/charges/{charge_id}/outcome", json.dumps(
        {"outcome": "convicted", "outcome_on": "2005-06-01", "disposal": "fine", "fine_pounds": 2000}),
        content_type="application/json", **_api(j.met))
    assert out.status_code == 200 and out.json()["fine_pounds"] == 2000
    refused = Client().post(f"/api/v1/justice/charges/{charge_id}/outcome", json.dumps(
        {"outcome": "acquitted", "outcome_on": "2005-06-01"}), content_type="application/json", **_api(j.met))
    assert refused.status_code == 409


def test_other_organisations_and_roles_are_refused_on_every_surface(j):
    assert _web(j.ukhtc).get(f"/justice/prosecutions/{j.p.pk}/").status_code == 403
    assert Client().get(f"/api/v1/justice/prosecutions/{j.p.pk}", **_api(j.ukhtc)).status_code == 403
    assert AuditEvent.objects.filter(actor=j.ukhtc, action="justice.prosecution_refused").count() == 2
    assert j.p.reference not in _web(j.ukhtc).get("/justice/").content.decode()
    assert j.p.reference not in _web(j.ukhtc).get("/justice/export.csv").content.decode()
    assert _web(j.met).get(f"/justice/prosecutions/{j.p.pk + 99}/").status_code == 404
    for user in (j.w.responder, j.w.analyst, j.w.monitor, j.w.admin):
        assert _web(user).get("/justice/").status_code == 403
        assert _web(user).get(f"/justice/prosecutions/{j.p.pk}/").status_code == 403
        assert Client().get("/api/v1/justice/prosecutions", **_api(user)).status_code == 403


def test_the_prosecution_page_shows_defendants_charges_outcomes_and_sentences(j):
    html = _web(j.met).get(f"/justice/prosecutions/{j.p.pk}/").content.decode()
    assert "Synthetic Defendant0" in html and "Trafficking into the UK for sexual exploitation" in html
    assert "Found guilty" in html and "Immediate custody: 30 months" in html
    assert AuditEvent.objects.filter(actor=j.met, action="justice.prosecution_view").exists()


def test_the_export_is_in_scope_formula_safe_and_has_no_names(j):
    text = _web(j.met).get("/justice/export.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["reference"], r["offence_id"], r["custody_months"]) for r in rows] == [(j.p.reference, "SOA2003_s57", "30")]
    assert "Synthetic" not in text
    assert AuditEvent.objects.filter(actor=j.met, action="justice.export").exists()


def test_statistics_for_analysts_monitors_and_officers_never_name_anyone(j):
    for user in (j.w.analyst, j.w.monitor, j.ukhtc):
        page = _web(user).get("/justice/statistics/?start_year=2009&end_year=2010")
        html = page.content.decode()
        assert page.status_code == 200 and "Synthetic" not in html and j.p.reference not in html
        api = Client().get("/api/v1/justice/statistics?start_year=2009&end_year=2010", **_api(user)).json()
        assert [(y["year"], y["proceeded_against"], y["found_guilty"]) for y in api["years"]] == [(2009, 1, 0), (2010, 0, 1)]
        assert api["years"][1]["average_custody_months"] == 30.0
    assert _web(j.w.responder).get("/justice/statistics/").status_code == 403
    assert Client().get("/api/v1/justice/statistics", **_api(j.w.admin)).status_code == 403
    bad = _web(j.w.analyst).get("/justice/statistics/?start_year=2010&end_year=2009")
    assert bad.status_code == 400 and "The last year must be the same as or after the first year" in bad.content.decode()
    csv_text = _web(j.w.analyst).get("/justice/statistics.csv?start_year=2009&end_year=2010").content.decode()
    assert "year,2010,,0,1,30.0" in csv_text


def test_the_entry_page_says_what_to_fix_then_records(j):
    c = _web(j.met)
    form = {"nation": "scotland", "court_kind": "sheriff", "court_name": "Synthetic Sheriff Court",
            "charged_on-day": "1", "charged_on-month": "6", "charged_on-year": "2009",
            "defendant_1": j.people[2].reference, "d1_charge_1_offence": "SOA2003_s57",
            "d1_charge_1_on-day": "1", "d1_charge_1_on-month": "1", "d1_charge_1_on-year": "2009"}
    page = c.post("/justice/prosecutions/new/", form)
    html = page.content.decode()
    assert page.status_code == 400 and "govuk-error-summary" in html
    assert "Sexual Offences Act 2003 s57 does not extend to Scotland" in html
    form.update({"d1_charge_1_offence": "AITCA2004_s4"})
    done = c.post("/justice/prosecutions/new/", form)
    assert done.status_code == 302
    assert Prosecution.objects.filter(nation="scotland").count() == 1
    assert dt.date(2009, 6, 1) == Prosecution.objects.get(nation="scotland").charged_on
