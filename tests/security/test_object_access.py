"""Object-level access (IDOR): every page and endpoint that takes an id checks that this user
may see *that* record; a refusal changes nothing and shows nothing of the person."""

from __future__ import annotations

import datetime as dt

import pytest

from palermo.accounts.models import ApiToken, Organisation
from palermo.core.models import AuditEvent
from palermo.linkage.models import LinkCandidate
from palermo.nrm.models import Case, Decision, Referral
from tests.security.helpers import Api, leaks_identity, person, web

pytestmark = pytest.mark.django_db

TODAY = dt.date.today().isoformat()


@pytest.fixture
def met_case(world):
    """An adult case referred by the MET, routed to the SCA."""
    return world.case(person=person())


def _case_urls(case):
    return [f"/cases/{case.pk}/", f"/cases/{case.pk}/decision/", f"/cases/{case.pk}/withdraw/",
            f"/cases/{case.pk}/elements/", f"/cases/{case.pk}/possible-matches/"]


@pytest.mark.parametrize("who", ["responder_other", "decider_ieca", "children", "support", "intel", "analyst", "monitor", "admin"])
def test_every_case_page_refuses_a_user_outside_the_case_scope_and_shows_no_identity(world, met_case, who):
    c = web(getattr(world, who))
    for url in _case_urls(met_case):
        for resp in (c.get(url), c.post(url, {"outcome": "positive", "reason_codes": ["indicators_present"],
                                                "decided_on": TODAY, "reason_code": "missing", "candidate": "1"})):
            assert resp.status_code == 403, (who, url, resp.status_code)
            assert not leaks_identity(resp.content.decode()), (who, url)
    met_case.refresh_from_db()
    assert met_case.status == "referred" and not met_case.decisions.exists()


@pytest.mark.parametrize("who", ["responder_other", "decider_ieca", "children", "support", "intel", "analyst", "monitor", "admin"])
def test_every_case_endpoint_refuses_a_token_outside_the_case_scope(world, met_case, who):
    api = Api(getattr(world, who))
    calls = [
        api.get(f"/cases/{met_case.pk}"),
        api.get(f"/cases/{met_case.pk}/link-candidates"),
        api.post(f"/cases/{met_case.pk}/decisions", {"kind": "reasonable_grounds", "outcome": "positive",
                                                    "decided_on": TODAY, "reason_codes": ["indicators_present"]}),
        api.post(f"/cases/{met_case.pk}/withdraw", {"reason_code": "missing", "withdrawn_on": TODAY}),
        api.put(f"/cases/{met_case.pk}/elements", {"act": [], "means": [], "purpose": []}),
        api.get(f"/people/{met_case.referral.person.pseudonym}/cluster"),
    ]
    for resp in calls:
        assert resp.status_code == 403, (who, resp.request["PATH_INFO"], resp.content)
        assert not leaks_identity(resp.content.decode())
    met_case.refresh_from_db()
    assert met_case.status == "referred" and met_case.elements_recorded_by is None


def test_a_decision_id_of_another_case_is_not_reviewable_through_a_case_the_reviewer_may_see(world, met_case):
    """The API review URL names a case and a decision: the decision must belong to that case,
    or a reviewer could act on a case routed to another authority through one of their own."""
    ieca_case = world.case(immigration_enforcement=True, person=person(given="Other"))
    assert ieca_case.competent_authority.code == "IECA"
    negative = world.rg(ieca_case, outcome="negative", actor=world.decider_ieca)
    resp = Api(world.reviewer).post(f"/cases/{met_case.pk}/decisions/{negative.pk}/review",
                                    {"agree": True, "reviewed_on": TODAY})
    assert resp.status_code == 404
    negative.refresh_from_db()
    assert negative.state == "awaiting_review"


def test_a_reviewer_cannot_review_a_decision_on_a_case_routed_to_another_authority(world):
    ieca_case = world.case(immigration_enforcement=True, person=person())
    negative = world.rg(ieca_case, outcome="negative", actor=world.decider_ieca)
    resp = web(world.reviewer).get(f"/reviews/{negative.pk}/")
    assert resp.status_code == 403 and not leaks_identity(resp.content.decode())
    resp = web(world.reviewer).post(f"/reviews/{negative.pk}/", {"agree": "yes", "reviewed_on-day": "1"})
    assert resp.status_code == 403
    resp = Api(world.reviewer).post(f"/cases/{ieca_case.pk}/decisions/{negative.pk}/review",
                                    {"agree": True, "reviewed_on": TODAY})
    assert resp.status_code == 403
    assert Decision.objects.get(pk=negative.pk).state == "awaiting_review"
    assert AuditEvent.objects.filter(action="case.view_refused", actor=world.reviewer, object_id=str(ieca_case.pk)).exists()


def test_childrens_services_see_their_own_local_authoritys_child_cases_only(world):
    adult = world.case(person=person())
    child = world.case(under_18="yes", consent="not_required", local_authority="HILLINGDON", age_at_exploitation="child",
                       person=person(dob="2010-01-01"))
    other_la = Organisation.objects.filter(kind="local_authority").exclude(code="HILLINGDON").first()
    elsewhere = world.case(under_18="not_sure", consent="not_required", local_authority=other_la.code, person=person())
    c, api = web(world.children), Api(world.children)
    assert c.get(f"/cases/{child.pk}/").status_code == 200
    assert api.get(f"/cases/{child.pk}").status_code == 200
    for case in (adult, elsewhere):
        assert c.get(f"/cases/{case.pk}/").status_code == 403
        assert api.get(f"/cases/{case.pk}").status_code == 403
    ids = {item["id"] for item in api.get("/cases").json()["items"]}
    assert ids == {child.pk}


def test_a_disabled_organisation_opens_nothing(world, met_case):
    met = world.orgs["MET"]
    met.disabled_on = dt.date.today()
    met.save()
    assert web(world.responder).get(f"/cases/{met_case.pk}/").status_code == 403
    api = Api(world.responder)
    assert api.get(f"/cases/{met_case.pk}").status_code == 403
    assert api.get("/cases").json()["count"] == 0
    assert web(world.responder).get("/refer/").status_code == 403


def test_a_deactivated_user_is_signed_out_of_pages_and_their_tokens_stop_working(world, met_case):
    c = web(world.responder)
    _, raw = ApiToken.issue(world.responder)
    assert c.get(f"/cases/{met_case.pk}/").status_code == 200
    assert Api(raw=raw).get(f"/cases/{met_case.pk}").status_code == 200
    world.responder.is_active = False
    world.responder.save()
    resp = c.get(f"/cases/{met_case.pk}/")
    assert resp.status_code == 302 and "/sign-in/" in resp["Location"]
    assert Api(raw=raw).get(f"/cases/{met_case.pk}").status_code == 401
    assert Api(raw=raw).get("/cases").status_code == 401


def test_a_revoked_token_is_401(world, met_case):
    token, raw = ApiToken.issue(world.responder)
    token.revoked_at = token.created_at
    token.save()
    resp = Api(raw=raw).get(f"/cases/{met_case.pk}")
    assert resp.status_code == 401 and not leaks_identity(resp.content.decode())


def test_a_web_session_is_not_an_api_credential(world, met_case):
    """The API takes bearer tokens only, so a browser's session cookie cannot be ridden (CSRF)."""
    c = web(world.decider)
    assert c.get(f"/api/v1/cases/{met_case.pk}").status_code == 401
    resp = c.post(f"/api/v1/cases/{met_case.pk}/decisions", {"kind": "reasonable_grounds", "outcome": "positive",
                  "decided_on": TODAY, "reason_codes": ["indicators_present"]}, content_type="application/json")
    assert resp.status_code == 401 and not Case.objects.get(pk=met_case.pk).decisions.exists()


@pytest.fixture
def split_pair(world):
    """A possible match where the MET responder sees one person (their referral) and not the
    other (referred by GMP)."""
    mine = world.case(person=person())
    theirs = world.case(actor=world.responder_other, person=person(given="Ksanthippa"))
    cand = LinkCandidate.objects.create(person_a=mine.referral.person, person_b=theirs.referral.person,
                                        match_probability=0.9, match_weight=5.0, model_version="t", found_by="referral")
    return mine, theirs, cand


def test_a_possible_match_needs_identity_access_to_both_people_on_every_route(world, split_pair):
    mine, theirs, cand = split_pair
    api = Api(world.responder)
    assert api.get(f"/cases/{mine.pk}/link-candidates").json() == []
    body = {"decision": "confirm", "reason_code": "same_person_account", "reason_text": "x"}
    assert api.post(f"/link-candidates/{cand.pk}/decision", body).status_code == 403
    assert api.post(f"/link-candidates/{cand.pk}/unlink", {"reason_code": "linked_in_error", "reason_text": "x"}).status_code == 403
    resp = web(world.responder).post(f"/cases/{mine.pk}/possible-matches/", {"candidate": cand.pk, f"c{cand.pk}-decision": "confirm",
                                     f"c{cand.pk}-reason_code": "same_person_account", f"c{cand.pk}-reason_text": "x"})
    assert resp.status_code == 404
    assert LinkCandidate.objects.get(pk=cand.pk).status == "pending"
    assert AuditEvent.objects.filter(action="link.view_refused", actor=world.responder).exists()


def test_a_possible_match_lists_only_the_other_persons_cases_the_user_may_see(world, split_pair):
    """The API's candidate list shows the other person's referrals: only those in the user's
    scope (as the possible-matches page does), never another organisation's case ids."""
    mine, theirs, cand = split_pair
    # The other person also has a case the decider cannot see (a referral routed to the IECA).
    hidden = world.case(immigration_enforcement=True, person=person(given="Hidden"))
    Referral.objects.filter(pk=hidden.referral_id).update(person=theirs.referral.person)
    api = Api(world.decider)
    [item] = api.get(f"/cases/{mine.pk}/link-candidates").json()
    refs = {r["reference"] for r in item["other_person"]["referrals"]}
    assert refs == {theirs.referral.reference}, refs
    decided = api.post(f"/link-candidates/{cand.pk}/decision",
                       {"decision": "confirm", "reason_code": "same_person_account", "reason_text": "x"}).json()
    shown = {r["reference"] for p in decided["people"] for r in p["referrals"]}
    assert hidden.referral.reference not in shown
