"""``GET /api/v1/cases/{case_id}/actions`` (listCaseActions): what the caller may do next on a
case and from when — the same list the case page offers (``nrm.actions.case_actions_for_user``),
typed, with words, the first day of an action not possible yet, and where to take each."""

from __future__ import annotations

import pytest
from django.utils import timezone

from palermo.core.models import AuditEvent
from palermo.nrm.actions import case_actions_for_user
from tests.api.helpers import Api

pytestmark = pytest.mark.django_db


def test_a_referred_case_offers_the_decision_maker_the_reasonable_grounds_decision(world):
    case = world.case()
    body = Api(world.decider).get(f"/cases/{case.pk}/actions").json()
    assert body["case_id"] == case.pk and body["status"] == "referred"
    assert body["as_of"] == timezone.localdate().isoformat()
    first = body["actions"][0]
    assert first == {"key": "decide", "label": "Record a reasonable grounds decision", "available": True,
                     "primary": True, "available_from": None, "not_yet": "", "decision_kind": "reasonable_grounds",
                     "decision_id": None, "method": "POST", "path": f"/api/v1/cases/{case.pk}/decisions"}
    page = case_actions_for_user(user=world.decider, case=case, today=timezone.localdate())
    assert [a["key"] for a in body["actions"]] == [a.key for a in page]
    assert [a["label"] for a in body["actions"]] == [a.label for a in page]
    assert AuditEvent.objects.filter(action="case.actions_view", actor=world.decider, object_id=str(case.pk)).exists()


def test_a_conclusive_grounds_decision_is_offered_from_the_end_of_the_recovery_period(world):
    case = world.case(received_on=timezone.localdate().isoformat())
    world.rg(case, on=timezone.localdate())
    case.refresh_from_db()
    assert case.cg_earliest > timezone.localdate()
    decide = Api(world.decider).get(f"/cases/{case.pk}/actions").json()["actions"][0]
    assert decide["key"] == "decide" and decide["decision_kind"] == "conclusive_grounds"
    assert decide["available"] is False and decide["primary"] is False
    assert decide["available_from"] == case.cg_earliest.isoformat()
    assert decide["not_yet"].startswith("You can record the conclusive grounds decision from ")
    assert str(case.cg_earliest.day) in decide["not_yet"]


def test_a_reviewer_is_offered_the_review_with_the_decision_to_review(world):
    case = world.case()
    decision = world.rg(case, outcome="negative")
    actions = Api(world.reviewer).get(f"/cases/{case.pk}/actions").json()["actions"]
    review = next(a for a in actions if a["key"] == "review")
    assert review["decision_id"] == decision.pk and review["available"]
    assert review["path"] == f"/api/v1/cases/{case.pk}/decisions/{decision.pk}/review"


def test_roles_that_cannot_act_get_an_empty_list_and_outside_scope_is_refused(world):
    case = world.case()
    assert [a["key"] for a in Api(world.responder).get(f"/cases/{case.pk}/actions").json()["actions"]] in (
        ["withdraw"], [])
    assert Api(world.decider_ieca).get(f"/cases/{case.pk}/actions").status_code == 403
    assert Api(world.responder_other).get(f"/cases/{case.pk}/actions").status_code == 403
    assert Api(world.decider).get("/cases/999999/actions").status_code == 404
    assert Api().get(f"/cases/{case.pk}/actions").status_code == 401


def test_the_schema_types_every_field_of_an_action(world):
    from palermo.api.api import api

    schema = api.get_openapi_schema()
    op = schema["paths"]["/api/v1/cases/{case_id}/actions"]["get"]
    assert op["operationId"] == "listCaseActions"
    props = schema["components"]["schemas"]["CaseActionOut"]["properties"]
    assert props["key"]["enum"] == ["decide", "review", "elements", "withdraw"]
    assert set(props) == {"key", "label", "available", "primary", "available_from", "not_yet", "decision_kind",
                          "decision_id", "method", "path"}
