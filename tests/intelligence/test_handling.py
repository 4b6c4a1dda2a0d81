"""Handling codes are enforced by one selector on every surface: a report whose handling code
restricts dissemination is never shown, searched or exported outside its permitted set, and each
refusal is audited."""

import datetime as dt
import json

import pytest
from django.test import Client

from palermo.accounts.models import ApiToken
from palermo.core.models import AuditEvent
from palermo.intelligence.models import Entity

from .helpers import Intel

PLATE = {"kind": "vehicle", "value": "ab12 cde"}


@pytest.fixture
def intel(db):
    i = Intel()
    # MET, 5x5x5 handling code 4: within the originating agency only.
    i.restricted = i.report(i.met, grading=("B", "2", "4"), text="Synthetic Zephyrine-restricted", entities=[PLATE])
    # MET, 3x5x2 C naming GMP: MET and GMP, not UKHTC.
    i.conditional = i.report(i.met, on=dt.date(2020, 5, 1), grading=("A", "2", "C"), named=["GMP"],
                             conditions="Operation only", text="Synthetic Zephyrine-conditional",
                             entities=[{"kind": "phone", "value": "07700 900123"}])
    # UKHTC, handling code 1: every organisation that holds intelligence.
    i.shared = i.report(i.ukhtc, grading=("A", "1", "1"), text="Synthetic Zephyrine-shared", entities=[PLATE])
    return i


def _web(user):
    c = Client()
    c.force_login(user)
    return c


def _api(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)[1]}"}


def _refusals(user, action):
    return AuditEvent.objects.filter(actor=user, action=action).count()


def test_the_page_refuses_a_report_outside_its_handling_code_and_audits_it(intel):
    c = _web(intel.ukhtc)
    assert c.get(f"/intelligence/reports/{intel.restricted.pk}/").status_code == 403
    assert _refusals(intel.ukhtc, "intel.report_refused") == 1
    assert c.get(f"/intelligence/reports/{intel.conditional.pk}/").status_code == 403
    page = c.get(f"/intelligence/reports/{intel.shared.pk}/")
    assert page.status_code == 200 and "Zephyrine-shared" in page.content.decode()
    assert _web(intel.gmp).get(f"/intelligence/reports/{intel.conditional.pk}/").status_code == 200
    assert _web(intel.met).get(f"/intelligence/reports/{intel.restricted.pk}/").status_code == 200
    assert c.get("/intelligence/reports/999999/").status_code == 404


def test_the_list_shows_only_reports_within_their_handling_codes(intel):
    text = _web(intel.ukhtc).get("/intelligence/").content.decode()
    assert intel.shared.reference in text
    assert intel.restricted.reference not in text and intel.conditional.reference not in text


def test_the_api_refuses_outside_the_handling_code_and_lists_only_what_is_permitted(intel):
    c, h = Client(), _api(intel.ukhtc)
    assert c.get(f"/api/v1/intelligence/reports/{intel.restricted.pk}", **h).status_code == 403
    assert _refusals(intel.ukhtc, "intel.report_refused") == 1
    refs = {r["reference"] for r in c.get("/api/v1/intelligence/reports", **h).json()["items"]}
    assert refs == {intel.shared.reference}
    gmp = {r["reference"] for r in c.get("/api/v1/intelligence/reports", **_api(intel.gmp)).json()["items"]}
    assert gmp == {intel.shared.reference, intel.conditional.reference}


def test_search_finds_only_permitted_reports_and_audits_the_ones_withheld(intel):
    c, h = Client(), _api(intel.ukhtc)
    body = c.post("/api/v1/intelligence/search", json.dumps({"kind": "vehicle", "value": "AB12CDE"}),
                  content_type="application/json", **h).json()
    assert [r["reference"] for r in body["items"]] == [intel.shared.reference]
    withheld = AuditEvent.objects.get(actor=intel.ukhtc, action="intel.report_withheld")
    assert withheld.detail == {"during": "search", "withheld": 1}
    page = _web(intel.ukhtc).post("/intelligence/search/", {"kind": "phone", "value": "+44 7700 900123"})
    assert intel.conditional.reference not in page.content.decode()
    assert "0 reports found" in page.content.decode()


@pytest.mark.parametrize("path", ["/intelligence/export.csv", "/api/v1/intelligence/reports.csv"])
def test_the_export_holds_only_permitted_reports_and_audits_the_ones_withheld(intel, path):
    if path.startswith("/api"):
        body = Client().get(path, **_api(intel.ukhtc)).content.decode()
    else:
        body = _web(intel.ukhtc).get(path).content.decode()
    assert intel.shared.reference in body
    assert intel.restricted.reference not in body and intel.conditional.reference not in body
    assert "Zephyrine" not in body  # never the free text
    assert AuditEvent.objects.get(actor=intel.ukhtc, action="intel.report_withheld").detail == {
        "during": "export", "withheld": 2}
    assert AuditEvent.objects.filter(actor=intel.ukhtc, action="intel.export").exists()


def test_an_entity_known_only_from_restricted_reports_is_refused(intel):
    phone = Entity.objects.get(kind="phone")
    assert _web(intel.ukhtc).get(f"/intelligence/entities/{phone.pk}/").status_code == 403
    assert _refusals(intel.ukhtc, "intel.entity_refused") == 1
    assert _web(intel.gmp).get(f"/intelligence/entities/{phone.pk}/").status_code == 200


def test_an_entity_page_lists_only_the_permitted_reports_that_mention_it(intel):
    plate = Entity.objects.get(kind="vehicle")
    text = _web(intel.ukhtc).get(f"/intelligence/entities/{plate.pk}/").content.decode()
    assert intel.shared.reference in text and intel.restricted.reference not in text


def test_roles_without_intelligence_see_nothing(intel):
    for user in (intel.w.responder, intel.w.analyst, intel.w.decider):
        assert _web(user).get("/intelligence/").status_code == 403
        assert Client().get("/api/v1/intelligence/reports", **_api(user)).status_code == 403
