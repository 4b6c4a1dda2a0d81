"""Operation pages and API: who sees what (intelligence officers their organisation's operations
and records; analysts and monitors the aggregate report only; nobody else anything), a victim's
identity only with a lawful reason recorded in intelligence, forms with GOV.UK errors, and the CSV
export in scope."""

import csv
import io
import json

import pytest
from django.test import Client

from palermo.accounts.models import ApiToken
from palermo.core.models import AuditEvent
from palermo.intelligence.schemas import VictimLinkIn
from palermo.intelligence.services import victim_link_record

from .helpers import Ops

pytestmark = pytest.mark.django_db


@pytest.fixture
def o():
    o = Ops()
    o.op = o.operation(name="Synthetic Operation Kestrel", taking_part=("MET",))
    o.visit(o.op, kind="sauna")
    o.ref = o.referral()
    o.victim(o.op, o.ref)
    return o


def _web(user):
    c = Client()
    c.force_login(user)
    return c


def _api(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)[1]}"}


def test_an_intelligence_officer_sees_the_operation_and_its_records_by_kind(o):
    page = _web(o.ukhtc).get(f"/operations/{o.op.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "Synthetic Operation Kestrel" in text and "Sauna" in text
    assert o.ref.person.pseudonym in text and "Quillfeather" not in text
    assert AuditEvent.objects.filter(actor=o.ukhtc, action="operation.view").exists()


def test_a_victims_name_is_shown_only_to_the_organisation_that_recorded_a_lawful_reason(o):
    """The intelligence app's rule: the NRM victim's identity only with a recorded lawful reason,
    only to that organisation, and the read is audited."""
    assert "Quillfeather" not in _web(o.ukhtc).get(f"/operations/{o.op.pk}/").content.decode()
    report = o.report(o.ukhtc, entities=[{"kind": "person", "value": "Synthetic Suspect Person"}])
    victim_link_record(actor=o.ukhtc, entity_id=report.mentions.get().entity_id, data=VictimLinkIn(
        pseudonym=o.ref.person.pseudonym, lawful_reason="investigation", reason_text="Synthetic reason"))
    assert "Quillfeather" in _web(o.ukhtc).get(f"/operations/{o.op.pk}/").content.decode()
    assert AuditEvent.objects.filter(actor=o.ukhtc, action="intel.victim_identity_view").count() == 1
    assert "Quillfeather" not in _web(o.met).get(f"/operations/{o.op.pk}/").content.decode()
    body = json.loads(Client().get(f"/api/v1/operations/{o.op.pk}", **_api(o.met)).content)
    assert body["victims"][0]["name"] is None and body["victims"][0]["person_reference"] == o.ref.person.pseudonym


@pytest.mark.parametrize("who", ["analyst", "monitor"])
def test_analysts_and_monitors_see_the_report_but_never_the_records(o, who):
    user = getattr(o, who)
    c = _web(user)
    assert c.get("/operations/").status_code == 200
    report = c.get(f"/operations/{o.op.pk}/report/")
    assert report.status_code == 200 and "1 victim identified" in report.content.decode()
    assert o.ref.person.pseudonym not in report.content.decode()
    assert c.get(f"/operations/{o.op.pk}/").status_code == 403
    assert c.get(f"/operations/{o.op.pk}/record/premises/").status_code == 403
    assert Client().get(f"/api/v1/operations/{o.op.pk}", **_api(user)).status_code == 403
    assert Client().get(f"/api/v1/operations/{o.op.pk}/report", **_api(user)).status_code == 200


@pytest.mark.parametrize("who", ["responder", "sca"])
def test_other_roles_see_no_operations(o, who):
    c = _web(getattr(o, who))
    for url in ("/operations/", f"/operations/{o.op.pk}/", f"/operations/{o.op.pk}/report/",
                f"/operations/{o.op.pk}/report.csv"):
        assert c.get(url).status_code == 403, url


def test_an_organisation_not_taking_part_is_refused_with_an_audit_and_a_missing_one_is_404(o):
    c = _web(o.gmp)
    assert c.get(f"/operations/{o.op.pk}/").status_code == 403
    assert c.get(f"/operations/{o.op.pk}/report/").status_code == 403
    assert c.get(f"/operations/{o.op.pk}/record/premises/").status_code == 403
    assert AuditEvent.objects.filter(actor=o.gmp, action="operation.refused").count() == 3
    assert "Kestrel" not in c.get("/operations/").content.decode()
    assert c.get("/operations/999999/").status_code == 404
    assert _web(o.ukhtc).get(f"/operations/{o.op.pk}/record/nothing/").status_code == 404


def test_a_record_form_shows_gov_uk_errors_and_then_records(o):
    c = _web(o.met)
    bad = c.post(f"/operations/{o.op.pk}/record/premises/", {"visited_on-day": "1", "visited_on-month": "7",
                                                            "visited_on-year": "2010", "nation": "england_wales"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "govuk-error-summary" in text and "Select the kind of premises" in text
    bad = c.post(f"/operations/{o.op.pk}/record/premises/", {"visited_on-day": "1", "visited_on-month": "7",
                                                            "visited_on-year": "2010", "nation": "england_wales",
                                                            "kind": "sauna"})
    assert bad.status_code == 400 and "must be during the operation" in bad.content.decode()
    ok = c.post(f"/operations/{o.op.pk}/record/premises/", {"visited_on-day": "1", "visited_on-month": "3",
                                                           "visited_on-year": "2010", "nation": "england_wales",
                                                           "kind": "massage_parlour"})
    assert ok.status_code == 302


def test_a_charge_form_refuses_an_offence_not_in_force_with_the_engines_reason(o):
    arrest = o.arrest(o.op)
    c = _web(o.ukhtc)
    data = {"arrest": arrest.reference, "offence_id": "MSA2015_s2", "counts": "1",
            "offence_on-day": "20", "offence_on-month": "2", "offence_on-year": "2010",
            "charged_on-day": "3", "charged_on-month": "3", "charged_on-year": "2010"}
    bad = c.post(f"/operations/{o.op.pk}/record/charge/", data)
    assert bad.status_code == 400 and "not yet in force" in bad.content.decode()
    assert c.post(f"/operations/{o.op.pk}/record/charge/", {**data, "offence_id": "SOA2003_s57"}).status_code == 302


def test_the_report_csv_is_in_scope_audited_and_formula_safe(o):
    o.op.name = "=HYPERLINK(\"x\")"
    o.op.save()
    resp = _web(o.analyst).get(f"/operations/{o.op.pk}/report.csv")
    rows = list(csv.DictReader(io.StringIO(resp.content.decode())))
    assert rows[0]["name"].startswith("'=")
    values = {r["measure"]: r["value"] for r in rows}
    assert values["victims_identified"] == "1" and values["premises_massage_sauna"] == "1"
    assert AuditEvent.objects.filter(actor=o.analyst, action="operation.report_export").exists()
    api = Client().get(f"/api/v1/operations/{o.op.pk}/report.csv", **_api(o.monitor))
    assert api.status_code == 200 and "victims_identified" in api.content.decode()


def test_the_api_lists_records_and_reports(o):
    h = _api(o.ukhtc)
    c = Client()
    assert json.loads(c.get("/api/v1/operations", **h).content)["count"] == 1
    made = c.post(f"/api/v1/operations/{o.op.pk}/premises-visits", json.dumps(
        {"visited_on": "2010-03-02", "kind": "residential_flat", "nation": "england_wales"}),
        content_type="application/json", **h)
    assert made.status_code == 201
    report = json.loads(c.get(f"/api/v1/operations/{o.op.pk}/report", **h).content)
    assert report["premises_visited"] == 2 and report["premises_by_group"]["residential"] == 1
    refused = c.post(f"/api/v1/operations/{o.op.pk}/premises-visits", json.dumps(
        {"visited_on": "2010-03-02", "kind": "castle", "nation": "england_wales"}), content_type="application/json", **h)
    assert refused.status_code == 422
    assert c.get("/api/v1/operations", **_api(o.gmp)).json()["count"] == 0
    assert c.post(f"/api/v1/operations/{o.op.pk}/premises-visits", json.dumps(
        {"visited_on": "2010-03-02", "kind": "sauna", "nation": "england_wales"}), content_type="application/json",
        **_api(o.gmp)).status_code == 403
