"""Optimistic concurrency: GET /cases/{id} gives an ETag; a change sent with an If-Match that
no longer names the case's version is refused with 412 and changes nothing."""

import pytest
from django.utils import timezone

from palermo.nrm.models import Decision
from tests.api.helpers import Api

pytestmark = pytest.mark.django_db


def rg(outcome="positive"):
    return {"kind": "reasonable_grounds", "outcome": outcome, "decided_on": timezone.localdate().isoformat(),
            "reason_codes": ["indicators_present"] if outcome == "positive" else ["no_means"]}


def test_get_case_answers_an_etag_that_changes_with_the_case(world):
    case = world.case()
    api = Api(world.decider)
    tag = api.get(f"/cases/{case.pk}").headers["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    assert api.get(f"/cases/{case.pk}").headers["ETag"] == tag
    world.rg(case)
    assert api.get(f"/cases/{case.pk}").headers["ETag"] != tag


def test_a_decision_on_the_version_read_is_recorded(world):
    case = world.case()
    api = Api(world.decider)
    tag = api.get(f"/cases/{case.pk}").headers["ETag"]
    assert api.post(f"/cases/{case.pk}/decisions", rg(), headers={"If-Match": tag}).status_code == 201


def test_a_decision_on_a_stale_version_is_412_and_records_nothing(world):
    case = world.case()
    api = Api(world.decider)
    tag = api.get(f"/cases/{case.pk}").headers["ETag"]
    # someone else changes the case in between (the elements are recorded)
    assert api.put(f"/cases/{case.pk}/elements", {"act": [], "means": [], "purpose": []}).status_code == 200
    resp = api.post(f"/cases/{case.pk}/decisions", rg(), headers={"If-Match": tag})
    assert resp.status_code == 412, resp.content
    assert resp.json()["error"]["code"] == "precondition_failed"
    assert not Decision.objects.filter(case=case).exists()


def test_a_weak_tag_never_matches_and_a_star_always_does(world):
    """RFC 9110 §13.1.1: If-Match compares strongly."""
    case = world.case()
    api = Api(world.decider)
    tag = api.get(f"/cases/{case.pk}").headers["ETag"]
    assert api.post(f"/cases/{case.pk}/decisions", rg(), headers={"If-Match": f"W/{tag}"}).status_code == 412
    assert api.post(f"/cases/{case.pk}/decisions", rg(), headers={"If-Match": "*"}).status_code == 201


def test_review_withdrawal_and_elements_refuse_a_stale_version(world):
    case = world.case()
    decision = world.rg(case, outcome="negative")
    stale = '"case-0-0"'
    rv, fr, dm = Api(world.reviewer), Api(world.responder), Api(world.decider)
    today = timezone.localdate().isoformat()
    assert rv.post(f"/cases/{case.pk}/decisions/{decision.pk}/review", {"agree": True, "reviewed_on": today},
                   headers={"If-Match": stale}).status_code == 412
    assert fr.post(f"/cases/{case.pk}/withdraw", {"reason_code": "person_withdrew", "withdrawn_on": today},
                   headers={"If-Match": stale}).status_code == 412
    assert dm.put(f"/cases/{case.pk}/elements", {"act": [], "means": [], "purpose": []},
                  headers={"If-Match": stale}).status_code == 412
    decision.refresh_from_db()
    assert decision.state == "awaiting_review"


def test_if_match_is_optional(world):
    case = world.case()
    assert Api(world.decider).post(f"/cases/{case.pk}/decisions", rg()).status_code == 201
