"""The possible-match endpoints: who sees what, decisions, refusals and the error shape."""

from __future__ import annotations

import pytest
from django.test import Client

from palermo.accounts.models import ApiToken
from palermo.core.models import AuditEvent
from palermo.linkage.models import LinkCandidate

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user):
        self.client = Client()
        _, raw = ApiToken.issue(user)
        self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, path):
        return self.client.get(f"/api/v1{path}", headers=self.headers)

    def post(self, path, body):
        return self.client.post(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)


def person(given, family, dob="1996-08-09"):
    return {"given_name": given, "family_name": family, "date_of_birth": dob, "dob_precision": "exact",
            "gender": "male", "nationalities": ["VNM"], "languages": [], "interpreter_needed": False}


@pytest.fixture
def setup(world):
    c1 = world.case(person=person("Tuan", "Nguyen"))
    c2 = world.case(actor=world.responder_other, person=person("Nguyen", "Tuan", dob="1996-09-08"))
    p, q = c1.referral.person, c2.referral.person
    cand = LinkCandidate.objects.create(person_a=p, person_b=q, match_probability=0.83, match_weight=5.1,
                                        model_version="test", found_by="referral")
    return world, c1, c2, cand


def error_code(resp, status):
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"error"}
    return body["error"]["code"]


def test_list_decide_unlink_and_cluster(setup):
    world, c1, c2, cand = setup
    api = Api(world.decider)
    resp = api.get(f"/cases/{c1.pk}/link-candidates")
    assert resp.status_code == 200
    [item] = resp.json()
    assert item["id"] == cand.pk and item["status"] == "pending"
    assert item["other_person"]["family_name"] == "Tuan"
    assert item["other_person"]["referrals"][0]["reference"] == c2.referral.reference
    assert AuditEvent.objects.filter(action="link.candidates_view", actor=world.decider).exists()

    resp = api.post(f"/link-candidates/{cand.pk}/decision", {"decision": "maybe", "reason_code": "x", "reason_text": ""})
    assert error_code(resp, 422) == "invalid"
    resp = api.post(f"/link-candidates/{cand.pk}/decision",
                    {"decision": "confirm", "reason_code": "different_people", "reason_text": ""})
    assert error_code(resp, 422) == "invalid"
    assert set(resp.json()["error"]["fields"]) == {"reason_code", "reason_text"}
    resp = api.post(f"/link-candidates/{cand.pk}/decision",
                    {"decision": "confirm", "reason_code": "same_person_account", "reason_text": "Same account"})
    assert resp.status_code == 200 and resp.json()["status"] == "confirmed"
    assert resp.json()["decided_by"] == world.decider.username
    resp = api.post(f"/link-candidates/{cand.pk}/decision",
                    {"decision": "reject", "reason_code": "different_people", "reason_text": "Changed my mind"})
    assert error_code(resp, 409) == "illegal_transition"

    cluster = api.get(f"/people/{c1.referral.person.pseudonym}/cluster").json()
    assert [m["pseudonym"] for m in cluster["members"]] == [c1.referral.person.pseudonym, c2.referral.person.pseudonym]
    assert cluster["members"][1]["cases"][0]["reference"] == c2.referral.reference
    assert "given_name" not in str(cluster)
    # the MET responder sees their own member of the cluster only
    mine = Api(world.responder).get(f"/people/{c1.referral.person.pseudonym}/cluster").json()
    assert [m["pseudonym"] for m in mine["members"]] == [c1.referral.person.pseudonym]

    resp = api.post(f"/link-candidates/{cand.pk}/unlink", {"reason_code": "linked_in_error", "reason_text": "Wrong file"})
    assert resp.status_code == 200 and resp.json()["status"] == "unlinked"
    resp = api.post(f"/link-candidates/{cand.pk}/unlink", {"reason_code": "linked_in_error", "reason_text": "Again"})
    assert error_code(resp, 409) == "illegal_transition"


def test_refusals(setup):
    world, c1, c2, cand = setup
    body = {"decision": "confirm", "reason_code": "same_person_account", "reason_text": "x"}
    for user in (world.analyst, world.admin, world.monitor, world.decider_ieca, world.responder):
        api = Api(user)
        assert error_code(api.post(f"/link-candidates/{cand.pk}/decision", body), 403) == "forbidden"
        assert error_code(api.post(f"/link-candidates/{cand.pk}/unlink", {"reason_code": "linked_in_error",
                                                                          "reason_text": "x"}), 403) == "forbidden"
    # the MET responder sees case 1 but not the match (it needs the identity on case 2 too)
    assert Api(world.responder).get(f"/cases/{c1.pk}/link-candidates").json() == []
    assert error_code(Api(world.responder).get(f"/cases/{c2.pk}/link-candidates"), 403) == "forbidden"
    assert error_code(Api(world.analyst).get(f"/cases/{c1.pk}/link-candidates"), 403) == "forbidden"
    assert error_code(Api(world.analyst).get(f"/people/{c1.referral.person.pseudonym}/cluster"), 403) == "forbidden"
    api = Api(world.decider)
    assert error_code(api.post("/link-candidates/999999/decision", body), 404) == "not_found"
    assert error_code(api.get("/cases/999999/link-candidates"), 404) == "not_found"
    assert error_code(api.get("/people/P-NOSUCH/cluster"), 404) == "not_found"
    cand.refresh_from_db()
    assert cand.status == "pending"
    assert AuditEvent.objects.filter(action="link.view_refused").count() >= 5


def test_pending_matches_carry_their_likelihood_among_each_other(setup):
    """The same odds share the page warns on: two matches at 0.8 are 0.4444 each; a decided
    match has none."""
    world, c1, c2, cand = setup
    c3 = world.case(actor=world.responder_other, person=person("Tuan", "Nguyen", dob="1990-01-01"))
    LinkCandidate.objects.filter(pk=cand.pk).update(match_probability=0.8)
    LinkCandidate.objects.create(person_a=c1.referral.person, person_b=c3.referral.person, match_probability=0.8,
                                 match_weight=2.0, model_version="test", found_by="referral")
    api = Api(world.decider)
    items = api.get(f"/cases/{c1.pk}/link-candidates").json()
    assert [i["likelihood_among_pending"] for i in items] == [0.4444, 0.4444]
    assert [i["likelihood_among_pending"] for i in api.get(f"/cases/{c1.pk}/link-candidates?status=pending").json()] == [0.4444, 0.4444]
    LinkCandidate.objects.filter(pk=cand.pk).update(status="rejected")
    items = {i["id"]: i for i in api.get(f"/cases/{c1.pk}/link-candidates").json()}
    assert "likelihood_among_pending" not in items[cand.pk]
    assert [i for i in items.values() if i["id"] != cand.pk][0]["likelihood_among_pending"] == 0.8
