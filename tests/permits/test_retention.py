"""Retention and permits: a person holding (or applying for) a permit keeps their record, the case
closing only when the last permit expires; when it is anonymised, the investigation reference
and the written explanation go, in the rows and their history, and the coded facts stay."""

from __future__ import annotations

import datetime as dt

import pytest

from palermo.permits.models import Permit, PermitApplication, PermitDecision
from palermo.retention.dates import add_years
from palermo.retention.plan import case_closed_on, units_for
from palermo.retention.services import retention_apply
from tests.permits.helpers import apply, decide, identified_case, today
from tests.retention.helpers import ADULT_YEARS, found, marked_person

pytestmark = pytest.mark.django_db


def _old_identified(world, tag: str, years_ago: int):
    received = add_years(today(), -years_ago)
    return identified_case(world, received_on=received, person=marked_person(tag))


def _closed(case_id: int) -> dt.date | None:
    rec = next(r for u in units_for(as_of=today()) for r in u.records if r.referral_id == case_id)
    return rec.closed_on


def test_an_identified_case_closes_when_its_last_permit_expires(world):
    case = _old_identified(world, "Permitheld", ADULT_YEARS + 3)
    assert _closed(case.referral_id) == case.cg_decided_on
    apply(world, case, reference="MET/2019/1")
    permit = decide(world, case).permit
    assert _closed(case.referral_id) == permit.expires_on
    assert case_closed_on(status=case.status, cg_decided_on=case.cg_decided_on, withdrawn_on=None,
                          reconsideration_deadline=None, last_step_on=None) == case.cg_decided_on


def test_an_application_awaiting_a_decision_keeps_the_case_open(world):
    case = _old_identified(world, "Permitopen", ADULT_YEARS + 3)
    apply(world, case, on=case.cg_decided_on, reference="MET/2019/2")
    assert _closed(case.referral_id) is None
    retention_apply(actor=None)
    assert ("people_person", "given_name") in found("Permitopen")


def test_a_person_with_a_recent_permit_is_not_anonymised_though_identified_long_ago(world):
    case = _old_identified(world, "Permitrecent", ADULT_YEARS + 2)
    # a permit granted long after the identification, still recent enough to hold the record
    apply(world, case, on=add_years(today(), -2), grounds=["recovery_from_harm"], reference="MET/2024/3")
    decide(world, case, reasons=["recovery_needs"])
    retention_apply(actor=None)
    assert ("people_person", "given_name") in found("Permitrecent")


def test_anonymising_erases_the_investigation_reference_and_explanation_everywhere_and_keeps_the_codes(world):
    case = _old_identified(world, "Permitgone", ADULT_YEARS + 3)
    apply(world, case, reference="PERMITGONE/77")
    decide(world, case, text="ReasonPermitgone: helping the police")
    app = PermitApplication.objects.get(case=case)
    assert app.history.count() == 2  # created, then decided
    retention_apply(actor=None)
    assert found("Permitgone") == []
    app.refresh_from_db()
    assert app.investigation_reference == "" and {h.investigation_reference for h in app.history.all()} == {""}
    decision = PermitDecision.objects.get(application=app)
    assert decision.reason_text == "" and {h.reason_text for h in decision.history.all()} == {""}
    assert (app.grounds, decision.outcome, decision.reason_codes) == (
        ["cooperation_with_investigation"], "granted", ["cooperating_with_investigation"])
    assert Permit.objects.filter(case=case).exists()
