"""The JSON API: every endpoint, its refusals and its one error shape."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from palermo.accounts.models import ApiToken
from palermo.core.models import AuditEvent
from palermo.nrm.models import Case, Referral
from tests.factories import referral_payload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


class Api:
    def __init__(self, user=None, raw_token=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, raw_token = ApiToken.issue(user)
        if raw_token:
            self.headers["Authorization"] = f"Bearer {raw_token}"

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path, body):
        return self.client.post(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)


def assert_error(resp, status, code=None, field=None):
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"])
    if code:
        assert body["error"]["code"] == code
    if field:
        assert field in body["error"]["fields"], body["error"]["fields"]
    return body["error"]


def old_received(days=120):
    return (TODAY() - dt.timedelta(days=days)).isoformat()


def test_openapi_and_docs_are_published(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    for p in ("/api/v1/referrals", "/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/decisions",
              "/api/v1/deadlines"):
        assert p in paths
    assert client.get("/api/v1/docs").status_code == 200


def test_no_token_or_a_bad_token_is_401(world):
    assert_error(Api().get("/cases"), 401, "unauthenticated")
    assert_error(Api(raw_token="plm_not-a-real-token").get("/cases"), 401)
    token, raw = ApiToken.issue(world.responder)
    token.revoked_at = timezone.now()
    token.save()
    assert_error(Api(raw_token=raw).get("/cases"), 401)


def test_first_responder_refers_and_decision_maker_decides_end_to_end(world):
    """The issue's 'done when': refer through the API, RG decision, recovery period and due
    dates on the case, a negative decision waits for review, an illegal step is 409."""
    fr, dm, rv = Api(world.responder), Api(world.decider), Api(world.reviewer)
    r = fr.post("/referrals", referral_payload(received_on=old_received()))
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["kind"] == "nrm_case" and created["competent_authority"] == "SCA"
    case_id = created["case_id"]

    r = dm.post(f"/cases/{case_id}/decisions", {"kind": "reasonable_grounds", "outcome": "positive",
                                                 "decided_on": old_received(118), "reason_codes": ["indicators_present"]})
    assert r.status_code == 201, r.content
    case = r.json()["case"]
    assert case["status"] == "recovery_period"
    assert case["due_dates"]["recovery_period_minimum_end"] and case["due_dates"]["conclusive_grounds_earliest"]

    # Illegal step: a second RG decision is refused with 409 and changes nothing.
    err = assert_error(dm.post(f"/cases/{case_id}/decisions", {"kind": "reasonable_grounds", "outcome": "positive",
                                                                "decided_on": old_received(117), "reason_codes": ["indicators_present"]}), 409, "illegal_transition")
    assert "recovery period" in err["message"]

    # CG before the recovery period allows: 409.
    assert_error(dm.post(f"/cases/{case_id}/decisions", {"kind": "conclusive_grounds", "outcome": "negative",
                                                          "decided_on": old_received(110), "reason_codes": ["credibility"]}), 409)
    # Negative CG waits for a reviewer.
    earliest = case["due_dates"]["conclusive_grounds_earliest"]
    r = dm.post(f"/cases/{case_id}/decisions", {"kind": "conclusive_grounds", "outcome": "negative",
                                                 "decided_on": earliest, "reason_codes": ["credibility"]})
    assert r.status_code == 201 and r.json()["state"] == "awaiting_review"
    assert r.json()["case"]["status"] == "cg_review"
    decision_id = r.json()["decision_id"]
    queue = rv.get("/reviews").json()
    assert [q["decision_id"] for q in queue] == [decision_id]
    # the decision maker cannot review it
    assert_error(dm.post(f"/cases/{case_id}/decisions/{decision_id}/review", {"agree": True, "reviewed_on": earliest}), 403)
    r = rv.post(f"/cases/{case_id}/decisions/{decision_id}/review", {"agree": True, "reviewed_on": earliest})
    assert r.status_code == 200 and r.json()["case"]["status"] == "not_identified"
    assert_error(rv.post(f"/cases/{case_id}/decisions/{decision_id}/review", {"agree": True, "reviewed_on": earliest}), 409)

    detail = fr.get(f"/cases/{case_id}").json()
    assert [h["action"] for h in detail["history"]] == ["refer", "rg_positive", "cg_negative", "review_agree"]
    assert detail["person"]["identity"]["family_name"] == "Quillfeather"


def test_invalid_referral_is_422_naming_the_fields(world):
    api = Api(world.responder)
    e = assert_error(api.post("/referrals", referral_payload(nation="atlantis")), 422, "invalid", "nation")
    assert e["message"]
    e = assert_error(api.post("/referrals", referral_payload(exploitation_types=["juggling"])), 422, field="exploitation_types")
    e = assert_error(api.post("/referrals", referral_payload(person={"family_name": "X", "nationalities": ["Narnia"]})), 422)
    assert "person.nationalities" in e["fields"]
    assert_error(api.post("/referrals", referral_payload(unexpected="x")), 422, field="unexpected")
    assert Referral.objects.count() == 0


def test_malformed_json_is_400_or_422(world):
    r = Api(world.responder).client.post("/api/v1/referrals", "{not json", content_type="application/json",
                                          headers={"Authorization": Api(world.responder).headers["Authorization"]})
    assert r.status_code in (400, 422)
    assert "error" in r.json()


def test_non_first_responder_cannot_refer(world):
    assert_error(Api(world.decider).post("/referrals", referral_payload()), 403, "forbidden")


def test_case_outside_scope_is_403_and_missing_is_404(world):
    case = world.case()
    assert_error(Api(world.responder_other).get(f"/cases/{case.pk}"), 403)
    assert_error(Api(world.decider_ieca).get(f"/cases/{case.pk}"), 403)
    assert_error(Api(world.responder).get("/cases/999999"), 404, "not_found")
    assert_error(Api(world.responder_other).post(f"/cases/{case.pk}/decisions", {"kind": "reasonable_grounds", "outcome": "positive",
                 "decided_on": TODAY().isoformat(), "reason_codes": ["indicators_present"]}), 403)
    assert AuditEvent.objects.filter(action="case.view_refused", object_id=str(case.pk)).exists()


def test_first_responder_cannot_decide_own_case(world):
    case = world.case()
    assert_error(Api(world.responder).post(f"/cases/{case.pk}/decisions", {"kind": "reasonable_grounds", "outcome": "positive",
                 "decided_on": TODAY().isoformat(), "reason_codes": ["indicators_present"]}), 403)


def test_decision_validation_is_422(world):
    case = world.case()
    dm = Api(world.decider)
    assert_error(dm.post(f"/cases/{case.pk}/decisions", {"kind": "hunch", "outcome": "positive",
                 "decided_on": TODAY().isoformat(), "reason_codes": ["x"]}), 422, field="kind")
    assert_error(dm.post(f"/cases/{case.pk}/decisions", {"kind": "reasonable_grounds", "outcome": "positive",
                 "decided_on": "2026-02-30", "reason_codes": ["indicators_present"]}), 422, field="decided_on")
    assert_error(dm.post(f"/cases/{case.pk}/decisions", {"kind": "reasonable_grounds", "outcome": "positive",
                 "decided_on": TODAY().isoformat(), "reason_codes": []}), 422, field="reason_codes")


def test_review_of_unknown_decision_is_404(world):
    case = world.case()
    assert_error(Api(world.reviewer).post(f"/cases/{case.pk}/decisions/424242/review", {"agree": True, "reviewed_on": TODAY().isoformat()}), 404)


def test_withdraw_endpoint(world):
    case = world.case()
    r = Api(world.responder).post(f"/cases/{case.pk}/withdraw", {"reason_code": "missing", "withdrawn_on": TODAY().isoformat()})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert_error(Api(world.responder).post(f"/cases/{case.pk}/withdraw", {"reason_code": "missing", "withdrawn_on": TODAY().isoformat()}), 409)
    assert_error(Api(world.responder_other).post(f"/cases/{case.pk}/withdraw", {"reason_code": "missing", "withdrawn_on": TODAY().isoformat()}), 403)


def test_case_list_is_scoped_filtered_and_paged(world):
    mine = [world.case(exploitation_types=["sexual"]) for _ in range(3)] + [world.case(nation="scotland", police_force_area="police_scotland")]
    world.case(actor=world.responder_other)
    api = Api(world.responder)
    body = api.get("/cases").json()
    assert body["count"] == 4 and {i["id"] for i in body["items"]} == {c.pk for c in mine}
    assert api.get("/cases", exploitation_type="sexual").json()["count"] == 3
    assert api.get("/cases", nation="scotland").json()["count"] == 1
    page = api.get("/cases", page=2, page_size=3).json()
    assert page["count"] == 4 and len(page["items"]) == 1
    assert Api(world.decider).get("/cases").json()["count"] == 5
    assert Api(world.decider_ieca).get("/cases").json()["count"] == 0
    assert Api(world.analyst).get("/cases").json()["count"] == 0


def test_name_search_uses_the_blind_index_and_is_audited(world):
    world.case()
    world.case(person={"given_name": "Other", "family_name": "Personne", "nationalities": ["FRA"]})
    api = Api(world.decider)
    assert api.post("/cases/search", {"name": "zorbina quillfeather"}).json()["count"] == 1
    assert api.post("/cases/search", {"name": "QUILLFEATHER"}).json()["count"] == 1
    assert api.post("/cases/search", {"name": "Quillfeather Zorbina"}).json()["count"] == 1
    assert api.post("/cases/search", {"name": "Nobody"}).json()["count"] == 0
    assert AuditEvent.objects.filter(action="person.search").count() == 4
    # A name never goes in a URL (server logs): the GET list refuses it.
    assert_error(api.get("/cases", name="Quillfeather"), 422, field="name")
    assert Api(world.responder_other).post("/cases/search", {"name": "Quillfeather"}).json()["count"] == 0


def test_deadlines_lists_overdue_and_due_soon_in_scope(world):
    overdue = world.case(received_on=old_received(30))
    fresh = world.case(received_on=TODAY().isoformat())
    body = Api(world.decider).get("/deadlines", within_working_days=10).json()
    assert body["count"] == 2 and body["page"] == 1
    items = body["items"]
    by_id = {i["case_id"]: i for i in items}
    assert by_id[overdue.pk]["overdue"] is True and by_id[overdue.pk]["working_days_left"] < 0
    assert by_id[fresh.pk]["overdue"] is False
    assert Api(world.decider_ieca).get("/deadlines").json()["count"] == 0
    assert len(Api(world.decider).get("/deadlines", within_working_days=10, page_size=1).json()["items"]) == 1
    overdue_only = Api(world.decider).get("/cases", due="overdue").json()
    assert [i["id"] for i in overdue_only["items"]] == [overdue.pk]


def test_duty_to_notify_list(world):
    world.refer(consent="refused", anonymous=True, person=None)
    assert len(Api(world.responder).get("/duty-to-notify").json()) == 1
    assert len(Api(world.decider).get("/duty-to-notify").json()) == 1
    assert Api(world.responder_other).get("/duty-to-notify").json() == []


def test_export_csv_is_scoped_pseudonymous_and_audited(world):
    world.case()
    world.case(actor=world.responder_other)
    r = Api(world.responder).get("/cases.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = r.content.decode()
    assert len(text.strip().splitlines()) == 2
    assert "Quillfeather" not in text and "Zorbina" not in text
    assert AuditEvent.objects.filter(action="case.export").exists()


def test_reading_a_case_with_identity_is_audited_and_without_identity_is_pseudonymous(world):
    case = world.case(under_18="yes", consent="not_required", local_authority="HILLINGDON", age_at_exploitation="child")
    body = Api(world.children).get(f"/cases/{case.pk}").json()
    assert body["person"]["identity"]["given_name"] == "Zorbina"
    assert AuditEvent.objects.filter(action="person.view", object_id=str(case.referral.person_id), actor=world.children).exists()
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_misspelt_or_repeated_filter_is_refused_not_ignored(world):
    world.case()
    api = Api(world.decider)
    assert_error(api.get("/cases", stauts="referred"), 422, field="stauts")
    r = api.client.get("/api/v1/cases?status=referred&status=identified", headers=api.headers)
    assert_error(r, 422, field="status")
    assert_error(api.get("/cases.csv", natoin="wales"), 422, field="natoin")


def test_field_history_of_a_case_shows_changes_but_never_encrypted_values(world):
    case = world.case(received_on=old_received(120))
    dm = Api(world.decider)
    dm.post(f"/cases/{case.pk}/decisions", {"kind": "reasonable_grounds", "outcome": "positive",
                                             "decided_on": old_received(118), "reason_codes": ["indicators_present"]})
    history = dm.get(f"/cases/{case.pk}/history").json()
    assert history[0]["change"] == "created"
    changed = {f["field"]: f for item in history for f in item["fields"]}
    assert changed["status"]["old"] == "referred" and changed["status"]["new"] == "recovery_period"
    assert any(item["by"] == world.decider.username for item in history if item["change"] == "updated")
    assert "Synthetic: worked" not in str(history)
    assert AuditEvent.objects.filter(action="case.history_view", object_id=str(case.pk)).exists()
    assert_error(Api(world.responder_other).get(f"/cases/{case.pk}/history"), 403)
