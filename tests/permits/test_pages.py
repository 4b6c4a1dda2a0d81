"""The permit pages without JavaScript: the record, the application, renewal and decision forms
(GOV.UK error summary and wording), the "cannot do this now" answers (409), the list, the
navigation link, the dashboard and the panel on the case page."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from palermo.core.models import AuditEvent
from palermo.permits.models import Permit, PermitApplication
from tests.permits.helpers import apply, decide, granted_permit, identified_case, today
from tests.security.helpers import web
from tests.web.helpers import error_messages

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}-day": day.day, f"{prefix}-month": day.month, f"{prefix}-year": day.year}


@pytest.fixture
def case(world):
    return identified_case(world)


def test_a_decision_maker_records_an_application_then_a_grant_on_the_pages(world, case):
    client = web(world.decider)
    page = client.get(f"/cases/{case.pk}/permit/").content.decode()
    assert "No permit" in page and f"/cases/{case.pk}/permit/apply/" in page
    form = client.get(f"/cases/{case.pk}/permit/apply/").content.decode()
    assert "Under the rules from 30 January 2023" in form and "from 1 April 2009 to 29 January 2023" in form
    resp = client.post(f"/cases/{case.pk}/permit/apply/", {
        "grounds": ["cooperation_with_investigation"], "investigation_reference": "gmp/2025/42",
        **_date("applied_on", case.cg_decided_on)})
    assert resp.status_code == 302 and resp["Location"] == f"/cases/{case.pk}/permit/"
    assert PermitApplication.objects.get().investigation_reference == "GMP/2025/42"
    page = client.get(f"/cases/{case.pk}/permit/").content.decode()
    assert "An application made on" in page and "The application checked against the rules" in page
    assert "This is information for your decision, not the decision." in page
    decision_page = client.get(f"/cases/{case.pk}/permit/decision/").content.decode()
    assert "permit-rule-path" in decision_page
    resp = client.post(f"/cases/{case.pk}/permit/decision/", {
        "outcome": "granted", "reasons": ["cooperating_with_investigation"], "reason_text": "",
        **_date("decided_on", case.cg_decided_on)})
    assert resp.status_code == 302
    permit = Permit.objects.get()
    page = client.get(f"/cases/{case.pk}/permit/").content.decode()
    assert "Permit granted: it runs from" in page  # the message after the redirect
    assert ("Permit in force" in page) == permit.in_force_on(today())
    assert 'id="permit-current"' in page and permit.months_version in page


def test_the_forms_say_what_to_do_in_govuk_words(world, case):
    client = web(world.decider)
    resp = client.post(f"/cases/{case.pk}/permit/apply/", {"investigation_reference": "Ann Smith"})
    assert resp.status_code == 200
    assert error_messages(resp.content.decode()) == [
        "Select the grounds of the application",
        "Investigation reference must only include letters, numbers, slashes (/), full stops and hyphens, and "
        "start with a letter or number",
        "Enter the date of the application",
    ]
    resp = client.post(f"/cases/{case.pk}/permit/apply/", {"grounds": ["personal_circumstances"],
                                                            **_date("applied_on", today())})
    messages = error_messages(resp.content.decode())
    assert len(messages) == 1 and messages[0].startswith("Select only grounds the rules in force on")
    apply(world, case)
    resp = client.post(f"/cases/{case.pk}/permit/decision/", {"outcome": "refused",
                                                               "reasons": ["cooperating_with_investigation"]})
    assert error_messages(resp.content.decode()) == ["Select only reasons that fit a refusal",
                                                     "Enter the date of the decision"]
    text = resp.content.decode().lower()
    assert "please" not in text and "invalid" not in text and "this field is required" not in text


def test_what_cannot_be_done_now_is_said_plainly_with_409(world, case):
    client = web(world.decider)
    not_identified = world.case()
    resp = client.get(f"/cases/{not_identified.pk}/permit/apply/")
    assert resp.status_code == 409 and "only for a person identified as a victim" in html.unescape(resp.content.decode())
    assert client.get(f"/cases/{case.pk}/permit/decision/").status_code == 409
    assert client.get(f"/cases/{case.pk}/permit/renew/").status_code == 409
    apply(world, case)
    resp = client.get(f"/cases/{case.pk}/permit/apply/")
    assert resp.status_code == 409 and "is awaiting a decision" in resp.content.decode()
    decide(world, case)
    resp = client.get(f"/cases/{case.pk}/permit/apply/")
    assert resp.status_code == 409 and "record a renewal application instead" in resp.content.decode()
    assert client.get(f"/cases/{case.pk}/permit/renew/").status_code == 200


def test_the_first_responder_sees_the_dates_only_and_cannot_record(world, case):
    apply(world, case, reference="MET/2024/313131")
    decide(world, case, text="Synthetic explanation Fizzlemarker")
    client = web(world.responder)
    page = client.get(f"/cases/{case.pk}/permit/").content.decode()
    assert "Expires" in page and "help the person renew in time" in page
    for hidden in ("313131", "Fizzlemarker", "Co-operating", "cooperating", "Record a"):
        assert hidden not in page
    assert client.get(f"/cases/{case.pk}/permit/renew/").status_code == 403
    assert client.post(f"/cases/{case.pk}/permit/decision/", {}).status_code == 403
    assert AuditEvent.objects.filter(action="permit.view", actor=world.responder).count() == 1


@pytest.mark.parametrize("who,status", [("analyst", 403), ("support", 403), ("decider_ieca", 403),
                                        ("responder_other", 403), ("reviewer", 200), ("children", 403)])
def test_who_may_open_the_permit_page(world, case, who, status):
    assert web(getattr(world, who)).get(f"/cases/{case.pk}/permit/").status_code == status


def test_the_list_shows_permits_due_for_renewal_and_applications_awaiting_a_decision(world):
    due_case = identified_case(world, received_on=today() - dt.timedelta(days=340))
    permit = granted_permit(world, due_case)
    waiting = identified_case(world)
    apply(world, waiting)
    assert permit.reminder_on <= today() <= permit.expires_on  # 340 days ago + 30: 310 days into a year
    page = web(world.decider).get("/permits/").content.decode()
    assert "Permits expiring" in page and due_case.referral.reference in page
    assert f"{(permit.expires_on - today()).days}</td>" in page
    assert waiting.referral.reference in page.split('id="awaiting"')[1]
    assert web(world.analyst).get("/permits/").status_code == 403


def test_the_navigation_and_dashboard_lead_to_the_permits(world):
    case = identified_case(world, received_on=today() - dt.timedelta(days=340))
    granted_permit(world, case)
    page = web(world.decider).get("/dashboard/").content.decode()
    assert 'href="/permits/"' in page and 'id="stat-permits-expiring">1<' in page
    assert 'id="stat-permit-applications">0<' in page
    responder = web(world.responder).get("/dashboard/").content.decode()
    assert 'id="stat-permits-expiring">1<' in responder and "stat-permit-applications" not in responder
    assert 'href="/permits/"' not in web(world.analyst).get("/dashboard/").content.decode()


def test_the_case_page_says_whether_there_is_a_permit(world, case):
    client = web(world.responder)
    assert "No permit has been granted." in client.get(f"/cases/{case.pk}/").content.decode()
    permit = granted_permit(world, case)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/permit/" in page
    assert ("Permit in force until" in page) == permit.in_force_on(today())
    assert "permit-panel" not in web(world.decider).get(f"/cases/{world.case().pk}/").content.decode()
