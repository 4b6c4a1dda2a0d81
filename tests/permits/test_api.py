"""The ``permits`` API: the record (whole for the deciding competent authority, dates for the
referring first responder), writes through the services with the API's error shape (403, 404,
409, 422), the lists, the pseudonymous audited CSV export, and the operations in the schema."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from palermo.core.models import AuditEvent
from palermo.permits.export import EXPORT_COLUMNS
from tests.permits.helpers import apply, decide, granted_permit, identified_case, today
from tests.security.helpers import Api, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return identified_case(world, person=person())


def test_the_operations_are_in_the_openapi_schema_under_their_own_tag():
    schema = Client().get("/api/v1/openapi.json").json()
    ops = {(m.upper(), p) for p, methods in schema["paths"].items() for m, op in methods.items()
           if "Residence permits" in op.get("tags", [])}
    assert ops == {("GET", "/api/v1/cases/{case_id}/permit"), ("POST", "/api/v1/cases/{case_id}/permit/applications"),
                   ("POST", "/api/v1/cases/{case_id}/permit/decision"), ("GET", "/api/v1/permits"),
                   ("GET", "/api/v1/permits/applications"), ("GET", "/api/v1/permits.csv")}


def test_a_decision_maker_applies_and_grants_through_the_api(world, case):
    api = Api(world.decider)
    resp = api.post(f"/cases/{case.pk}/permit/applications", {
        "grounds": ["cooperation_with_investigation"], "investigation_reference": "met/2025/000123",
        "applied_on": case.cg_decided_on.isoformat()})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["application_awaiting_decision"] and body["allowed_actions"] == ["decide"]
    assert body["applications"][0]["investigation_reference"] == "MET/2025/000123"  # normalised
    assert body["eligibility"]["outcome"] == "met" and body["eligibility"]["rule_path"]
    assert body["eligibility"]["reasons"][-1] == "This is information for the decision maker, not the decision."
    resp = api.post(f"/cases/{case.pk}/permit/decision", {
        "outcome": "granted", "reason_codes": ["cooperating_with_investigation"],
        "decided_on": case.cg_decided_on.isoformat()})
    assert resp.status_code == 201, resp.content
    current = resp.json()["current_permit"]
    assert current["starts_on"] == case.cg_decided_on.isoformat() and current["months"] == 12
    assert current["rules"]["months"] == "support.residence_permit_months@2023-01-30"


def test_refusals_have_the_api_s_error_shape(world, case):
    api = Api(world.decider)
    not_identified = world.case()
    body = {"grounds": ["recovery_from_harm"], "applied_on": today().isoformat()}
    resp = api.post(f"/cases/{not_identified.pk}/permit/applications", body)
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "illegal_transition"
    assert api.post(f"/cases/{case.pk}/permit/decision", {
        "outcome": "refused", "reason_codes": ["not_cooperating"], "decided_on": today().isoformat()}).status_code == 409
    assert api.post(f"/cases/{case.pk}/permit/applications", body).status_code == 201
    second = api.post(f"/cases/{case.pk}/permit/applications", body)
    assert second.status_code == 409 and "awaiting a decision" in second.json()["error"]["message"]
    bad = api.post(f"/cases/{case.pk}/permit/decision", {"outcome": "granted", "reason_codes": ["not_cooperating"],
                                                         "decided_on": today().isoformat()})
    assert bad.status_code == 422 and "reason_codes" in bad.json()["error"]["fields"]
    assert Api(world.responder).post(f"/cases/{case.pk}/permit/applications", body).status_code == 403
    assert api.get("/cases/999999/permit").status_code == 404


@pytest.mark.parametrize("reference", ["Ann Smith", "=HYPERLINK(1)", "MET\x00/1", "A" * 41, "/MET/1"])
def test_an_investigation_reference_is_a_reference_never_free_text(world, case, reference):
    resp = Api(world.decider).post(f"/cases/{case.pk}/permit/applications", {
        "grounds": ["cooperation_with_investigation"], "investigation_reference": reference,
        "applied_on": case.cg_decided_on.isoformat()})
    assert resp.status_code == 422, resp.content
    assert "investigation_reference" in resp.json()["error"]["fields"]


def test_the_referring_first_responder_sees_the_dates_and_nothing_about_why(world, case):
    apply(world, case, reference="MET/2024/777001")
    decide(world, case, text="Synthetic explanation Wobblemarker")
    body = Api(world.responder).get(f"/cases/{case.pk}/permit").json()
    assert body["view"] == "dates" and body["current_permit"]["expires_on"]
    assert "eligibility" not in body and "rules_today" not in body
    app = body["applications"][0]
    assert set(app) == {"application_id", "applied_on", "renewal", "renews_permit_id", "state", "outcome",
                        "decided_on", "permit_id"}
    text = str(body)
    for hidden in ("777001", "Wobblemarker", "cooperation", "t.decider"):
        assert hidden not in text
    assert AuditEvent.objects.filter(action="permit.view", actor=world.responder, detail__shown="dates").exists()


@pytest.mark.parametrize("who,status", [("reviewer", 200), ("decider_ieca", 403), ("responder_other", 403),
                                        ("support", 403), ("intel", 403), ("analyst", 403), ("monitor", 403),
                                        ("admin", 403)])
def test_who_may_read_a_case_s_permit_record(world, case, who, status):
    resp = Api(getattr(world, who)).get(f"/cases/{case.pk}/permit")
    assert resp.status_code == status
    if status == 200:
        assert resp.json()["view"] == "full" and resp.json()["allowed_actions"] == []


def test_the_lists_are_paged_scoped_and_refuse_unknown_parameters(world, case):
    permit = granted_permit(world, case)
    api = Api(world.decider)
    body = api.get("/permits").json()
    assert body["count"] == 1 and body["items"][0]["permit_id"] == permit.pk
    assert body["items"][0]["person_reference"] == case.referral.person.pseudonym
    expiring = api.get("/permits?expiring=true").json()
    assert expiring["count"] == (1 if permit.reminder_on <= today() <= permit.expires_on else 0)
    assert api.get("/permits?soon=1").status_code == 422
    assert Api(world.analyst).get("/permits").json()["count"] == 0
    assert Api(world.decider_ieca).get("/permits").json()["count"] == 0
    apply(world, case, renewal=True, on=min(today(), permit.expires_on))
    assert api.get("/permits/applications").json()["items"][0]["renewal"] is True


def test_the_export_is_pseudonymous_formula_safe_scoped_and_audited(world, case):
    apply(world, case, reference="MET/2024/424242")
    decide(world, case, text="=HYPERLINK(\"x\") Synthetic Quibblemarker")
    resp = Api(world.decider).get("/permits.csv")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.content.decode())))
    assert list(rows[0]) == EXPORT_COLUMNS and len(rows) == 1
    assert rows[0]["person_reference"] == case.referral.person.pseudonym
    assert rows[0]["grounds"] == "cooperation_with_investigation" and rows[0]["outcome"] == "granted"
    text = resp.content.decode()
    for hidden in ("424242", "Quibblemarker", "Xanthippa", "Vorobyeva"):
        assert hidden not in text
    event = AuditEvent.objects.get(action="permit.export", actor=world.decider)
    assert event.detail == {"format": "csv", "rows": 1}
    responder = list(csv.DictReader(io.StringIO(Api(world.responder).get("/permits.csv").content.decode())))
    assert responder[0]["expires_on"] and responder[0]["grounds"] == "" and responder[0]["reason_codes"] == ""
    assert Api(world.decider_ieca).get("/permits.csv").content.decode().strip() == ",".join(EXPORT_COLUMNS)


def test_the_export_command_writes_the_same_file_and_audits_it(world, case, tmp_path):
    from django.core.management import call_command

    granted_permit(world, case)
    out = tmp_path / "permits.csv"
    call_command("export", "permits", "--as", world.decider.username, "--output", str(out), stderr=io.StringIO())
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 1 and rows[0]["case_reference"] == case.referral.reference
    assert AuditEvent.objects.filter(action="permit.export", detail__via="command").exists()


def test_the_renewal_starts_when_the_permit_expires(world):
    case = identified_case(world, received_on=today() - dt.timedelta(days=500))
    permit = granted_permit(world, case)
    api = Api(world.decider)
    on = min(today(), permit.expires_on).isoformat()
    assert api.post(f"/cases/{case.pk}/permit/applications", {"grounds": ["recovery_from_harm"], "applied_on": on,
                                                               "renewal": True}).status_code == 201
    body = api.post(f"/cases/{case.pk}/permit/decision", {"outcome": "granted", "reason_codes": ["recovery_needs"],
                                                          "decided_on": on}).json()
    assert body["current_permit"]["starts_on"] == permit.expires_on.isoformat()
    assert [a["renewal"] for a in body["applications"]] == [False, True]
