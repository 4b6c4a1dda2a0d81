"""The second-review page shows the decision maker's free-text reasons, which are stored
encrypted because they name and describe the person; opening it is an audited read."""

from __future__ import annotations

import pytest

from palermo.core.models import AuditEvent
from palermo.nrm import services
from palermo.nrm.schemas import DecisionIn
from tests.security.helpers import NAME_GIVEN, person, web

pytestmark = pytest.mark.django_db


def test_opening_the_review_page_writes_an_audit_event_without_the_reasons(world):
    case = world.case(person=person())
    d = services.decision_record(actor=world.decider, case=case, data=DecisionIn(
        kind="reasonable_grounds", outcome="negative", decided_on=case.referral.received_on,
        reason_codes=["no_means"], reason_text=f"{NAME_GIVEN} said she was free to leave"))
    resp = web(world.reviewer).get(f"/reviews/{d.pk}/")
    assert resp.status_code == 200 and "free to leave" in resp.content.decode()
    ev = AuditEvent.objects.filter(actor=world.reviewer, object_type="nrm.decision", object_id=str(d.pk)).get()
    assert ev.action == "decision.view" and ev.detail["case_id"] == case.pk
    assert NAME_GIVEN not in str(ev.detail) and "free to leave" not in str(ev.detail)
