"""Decision and review pages: they call the same services as the API, so the audit trail of
an action is the same whichever interface was used."""

import pytest
from django.test import Client
from django.utils import timezone

from palermo.accounts.models import ApiToken
from palermo.core.models import AuditEvent
from palermo.nrm import workflow
from palermo.nrm.models import Case, Decision, Referral
from tests.factories import referral_payload
from tests.web.helpers import ADULT_ANSWERS, error_messages, login, walk

pytestmark = pytest.mark.django_db

ACTION_EVENTS = {"person.create", "referral.create", "duty_to_notify.create", "decision.record", "decision.review",
                 "case.withdraw"}
# Ids, dates and references differ between two runs of the same action; the rest must match.
VOLATILE = {"case_id", "rg_due", "reconsideration_deadline"}


def trail(since_id: int) -> list[tuple]:
    """The domain events written since ``since_id``: action, object type, actor, detail."""
    rows = AuditEvent.objects.filter(pk__gt=since_id, action__in=ACTION_EVENTS).order_by("id")
    return [(e.action, e.object_type, e.actor_label, {k: v for k, v in e.detail.items() if k not in VOLATILE}) for e in rows]


def last_event_id() -> int:
    last = AuditEvent.objects.order_by("-id").first()
    return last.pk if last else 0


def api(user) -> Client:
    _, raw = ApiToken.issue(user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def decide(client, case, outcome, reasons, on=None, text="Synthetic reasons."):
    on = on or timezone.localdate()
    return client.post(f"/cases/{case.pk}/decision/", {
        "outcome": outcome, "reasons": reasons, "decided_on-day": on.day, "decided_on-month": on.month,
        "decided_on-year": on.year, "reason_text": text})


def test_decision_page_states_the_standard_of_proof_in_force(client, world):
    case = world.case()
    html = login(client, world.decider).get(f"/cases/{case.pk}/decision/").content.decode()
    assert "Record a reasonable grounds decision" in html
    assert "Standard of proof on" in html and "Reasonable grounds:" in html
    assert "Nationality and Borders Act 2022 s60" in html  # the citation of the dated parameter


def test_negative_rg_waits_for_review_then_reviewer_agrees(client, world):
    case = world.case()
    login(client, world.decider)
    resp = decide(client, case, "negative", ["no_means"])
    assert resp.status_code == 302 and resp["Location"] == f"/cases/{case.pk}/"
    page = client.get(resp["Location"]).content.decode()
    assert "awaiting second review" in page and "It does not take effect until a second reviewer" in page
    decision = Decision.objects.get(case=case)
    assert decision.state == "awaiting_review"

    client.logout()
    login(client, world.reviewer)
    queue = client.get("/reviews/").content.decode()
    assert case.referral.reference in queue and f"/reviews/{decision.pk}/" in queue
    case_page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Review the negative decision" in case_page
    resp = client.post(f"/reviews/{decision.pk}/", {"agree": "yes", "reviewed_on-day": timezone.localdate().day,
                                                    "reviewed_on-month": timezone.localdate().month,
                                                    "reviewed_on-year": timezone.localdate().year})
    assert resp.status_code == 302
    decision.refresh_from_db()
    assert decision.state == "effective" and decision.reviewed_by == world.reviewer
    assert Case.objects.get(pk=case.pk).status == workflow.RG_NEGATIVE


def test_returning_a_decision_needs_a_reason(client, world):
    case = world.case()
    decision = world.rg(case, outcome="negative")
    login(client, world.reviewer)
    today = timezone.localdate()
    data = {"agree": "no", "reviewed_on-day": today.day, "reviewed_on-month": today.month, "reviewed_on-year": today.year}
    html = client.post(f"/reviews/{decision.pk}/", data).content.decode()
    assert error_messages(html) == ["Enter why you are returning the decision"]
    resp = client.post(f"/reviews/{decision.pk}/", {**data, "note": "The account was not put to the person."})
    assert resp.status_code == 302
    assert Case.objects.get(pk=case.pk).status == workflow.REFERRED


def test_decision_form_errors_use_govuk_wording(client, world):
    case = world.case()
    login(client, world.decider)
    html = client.post(f"/cases/{case.pk}/decision/", {}).content.decode()
    assert error_messages(html) == ["Select the decision", "Select at least one reason for the decision",
                                    "Enter the date of the decision", "Enter an explanation of the decision"]
    html = decide(client, case, "positive", []).content.decode()
    assert error_messages(html) == ["Select at least one reason for the decision"]
    assert 'href="#reasons"' in html and 'id="reasons"' in html
    html = decide(client, case, "positive", ["no_means"]).content.decode()
    assert error_messages(html) == ["Select only reasons that fit a positive decision"]
    early = case.referral.received_on.replace(year=case.referral.received_on.year - 1)
    html = decide(client, case, "positive", ["indicators_present"], on=early).content.decode()
    assert error_messages(html) == ["Date of the decision must be on or after the date the referral was received"]


def test_rg_then_cg_and_the_case_page_shows_only_allowed_actions(client, world):
    case = world.case()
    login(client, world.decider)
    received = case.referral.received_on
    assert decide(client, case, "positive", ["indicators_present"], on=received).status_code == 302
    case.refresh_from_db()
    assert case.status == workflow.RECOVERY_PERIOD and case.cg_earliest
    page = client.get(f"/cases/{case.pk}/").content.decode()
    # The recovery period has not ended: no button, but the day it can be recorded.
    assert "Record a conclusive grounds decision" not in page and "Withdraw the case" in page
    assert "You can record the conclusive grounds decision from" in page
    # CG before the recovery period allows it is refused by the service, shown on the date.
    html = decide(client, case, "positive", ["corroborated"], on=received).content.decode()
    assert "You can record the conclusive grounds decision from" in error_messages(html)[0]
    client.logout()
    page = login(client, world.responder).get(f"/cases/{case.pk}/").content.decode()
    assert "Record a conclusive grounds decision" not in page and "Withdraw the case" in page


@pytest.mark.parametrize("outcome", ["positive", "negative"])
def test_a_decision_leaves_the_same_audit_trail_as_the_api(client, world, outcome):
    reasons = ["indicators_present"] if outcome == "positive" else ["no_means"]
    via_api, via_page = world.case(), world.case()
    start = last_event_id()
    resp = api(world.decider).post(f"/api/v1/cases/{via_api.pk}/decisions", {
        "kind": "reasonable_grounds", "outcome": outcome, "decided_on": timezone.localdate().isoformat(),
        "reason_codes": reasons, "reason_text": "Synthetic reasons."}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    api_trail = trail(start)
    start = last_event_id()
    assert decide(login(client, world.decider), via_page, outcome, reasons).status_code == 302
    assert trail(start) == api_trail and api_trail


def test_a_review_leaves_the_same_audit_trail_as_the_api(client, world):
    d_api, d_page = world.rg(world.case(), outcome="negative"), world.rg(world.case(), outcome="negative")
    today = timezone.localdate()
    start = last_event_id()
    resp = api(world.reviewer).post(f"/api/v1/cases/{d_api.case_id}/decisions/{d_api.pk}/review",
                                    {"agree": True, "reviewed_on": today.isoformat()}, content_type="application/json")
    assert resp.status_code == 200, resp.content
    api_trail = trail(start)
    start = last_event_id()
    login(client, world.reviewer).post(f"/reviews/{d_page.pk}/", {
        "agree": "yes", "reviewed_on-day": today.day, "reviewed_on-month": today.month, "reviewed_on-year": today.year})
    assert trail(start) == api_trail and api_trail


def test_a_referral_leaves_the_same_audit_trail_as_the_api(client, world):
    payload = referral_payload(
        received_on=timezone.localdate().isoformat(), police_force_area="kent", exploitation_location="both",
        exploitation_country="ROU", indicators=["debt_bondage", "documents_withheld"],
        narrative=ADULT_ANSWERS["what-happened"]["narrative"],
        person={"given_name": "Ilinca", "family_name": "Vrabiescu", "aliases": ["Ili"], "date_of_birth": "1994-05-06",
                "dob_precision": "exact", "gender": "female", "nationalities": ["ROU"], "languages": ["Romanian"],
                "interpreter_needed": True, "contact_details": ADULT_ANSWERS["contact"]["contact_details"]})
    start = last_event_id()
    resp = api(world.responder).post("/api/v1/referrals", payload, content_type="application/json")
    assert resp.status_code == 201, resp.content
    api_trail = trail(start)
    start = last_event_id()
    login(client, world.responder)
    walk(client, ADULT_ANSWERS)
    client.post("/refer/check-your-answers/")
    assert trail(start) == api_trail and len(api_trail) == 2
    a, b = Referral.objects.order_by("id")
    fields = ["received_on", "nation", "police_force_area", "exploitation_location", "exploitation_country",
              "indicators", "flags", "narrative", "age_at_exploitation", "under_18", "consent"]
    assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]


def test_withdraw_page(client, world):
    case = world.case()
    login(client, world.responder)
    html = client.post(f"/cases/{case.pk}/withdraw/", {}).content.decode()
    assert error_messages(html) == ["Select why the case is being withdrawn", "Enter the date of withdrawal"]
    today = timezone.localdate()
    resp = client.post(f"/cases/{case.pk}/withdraw/", {"reason_code": "missing", "withdrawn_on-day": today.day,
                                                      "withdrawn_on-month": today.month, "withdrawn_on-year": today.year})
    assert resp.status_code == 302
    assert Case.objects.get(pk=case.pk).status == workflow.WITHDRAWN
