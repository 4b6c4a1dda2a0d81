"""Act, means and purpose on a case: suggested from the referral, recorded by a decision maker,
assessed by the law library — information for the decision, never a decision (issue 4)."""

import pytest
from django.test import Client

from palermo.accounts.models import ApiToken
from palermo.core.exceptions import NotAllowed, ValidationFailed
from palermo.core.models import AuditEvent
from palermo.nrm import services, workflow
from palermo.nrm.elements import case_elements_assessment, elements_suggested
from palermo.nrm.schemas import ElementsIn

pytestmark = pytest.mark.django_db


def test_referral_codes_suggest_elements(world):
    case = world.case(exploitation_types=["sexual", "domestic_servitude"], indicators=["deception", "debt_bondage"])
    s = elements_suggested(case.referral)
    assert s["purpose"] == ["servitude", "sexual_exploitation"]
    assert s["means"] == ["deception", "other_coercion"]


def test_nothing_recorded_means_every_element_missing_and_no_decision_is_made(world):
    case = world.case()
    info = case_elements_assessment(case)
    assert [e["status"] for e in info["assessment"]["elements"]] == ["missing", "missing", "missing"]
    assert "not a decision" in info["assessment"]["not_a_decision"]
    case.refresh_from_db()
    assert case.status == workflow.REFERRED


def test_for_a_child_the_means_are_not_needed(world):
    case = world.case(under_18="yes", consent="not_required", local_authority="HILLINGDON", age_at_exploitation="child")
    services.case_elements_record(actor=world.decider, case=case, data=ElementsIn(act=["recruitment"], purpose=["servitude"]))
    case.refresh_from_db()
    statuses = {e["element"]: e["status"] for e in case_elements_assessment(case)["assessment"]["elements"]}
    assert statuses == {"act": "evidenced", "means": "not_required", "purpose": "evidenced"}


def test_recording_is_for_the_routed_decision_maker_and_is_audited(world):
    case = world.case()
    for user in (world.responder, world.reviewer, world.decider_ieca, world.admin):
        with pytest.raises(NotAllowed):
            services.case_elements_record(actor=user, case=case, data=ElementsIn(act=["recruitment"]))
    with pytest.raises(ValidationFailed) as err:
        services.case_elements_record(actor=world.decider, case=case, data=ElementsIn(means=["magic"]))
    assert "means" in err.value.fields
    services.case_elements_record(actor=world.decider, case=case,
                                  data=ElementsIn(act=["transportation"], means=["deception"], purpose=["forced_labour_or_services"]))
    case.refresh_from_db()
    assert case.elements_means == ["deception"] and case.elements_recorded_by == world.decider
    assert AuditEvent.objects.filter(action="case.elements_record", object_id=str(case.pk)).exists()
    assert case.history.count() >= 2  # field history kept


def test_api_put_elements(world):
    case = world.case()
    _, raw = ApiToken.issue(world.decider)
    h = {"Authorization": f"Bearer {raw}"}
    r = Client().put(f"/api/v1/cases/{case.pk}/elements", {"act": ["receipt"], "means": [], "purpose": ["servitude"]},
                     content_type="application/json", headers=h)
    assert r.status_code == 200 and r.json()["assessment"]["missing"] == ["means"]
    r = Client().put(f"/api/v1/cases/{case.pk}/elements", {"act": ["teleport"]}, content_type="application/json", headers=h)
    assert r.status_code == 422 and "act" in r.json()["error"]["fields"]
    _, raw = ApiToken.issue(world.responder)
    r = Client().put(f"/api/v1/cases/{case.pk}/elements", {"act": ["receipt"]}, content_type="application/json",
                     headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 403
    detail = Client().get(f"/api/v1/cases/{case.pk}", headers={"Authorization": f"Bearer {raw}"}).json()
    assert detail["palermo_elements"]["recorded"]["act"] == ["receipt"]


def test_web_page_records_elements_and_refuses_others(world):
    case = world.case(indicators=["deception"])
    c = Client()
    c.force_login(world.decider)
    page = c.get(f"/cases/{case.pk}/elements/").content.decode()
    assert "Suggested by the referral" in page and "Elements of the Palermo definition" in page
    r = c.post(f"/cases/{case.pk}/elements/", {"act": ["recruitment"], "means": ["deception"], "purpose": ["servitude"]})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.elements_act == ["recruitment"]
    assert "Record act, means and purpose" in c.get(f"/cases/{case.pk}/").content.decode()
    other = Client()
    other.force_login(world.responder)
    assert other.get(f"/cases/{case.pk}/elements/").status_code == 403
    assert "Record act, means and purpose" not in other.get(f"/cases/{case.pk}/").content.decode()
