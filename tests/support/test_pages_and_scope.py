"""The support pages and API as each role sees them: a support worker sees only the people placed
with their organisation, and only what support needs; every identity read is audited; the export
is pseudonymous; the pages speak GOV.UK."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from palermo.core.models import AuditEvent
from palermo.nrm.schemas import DecisionIn
from palermo.nrm.services import decision_record
from palermo.support import services
from palermo.support.models import Capacity, Placement, ProviderProfile, ServiceDelivery
from palermo.support.schemas import PlacementEndIn
from tests.factories import make_user
from tests.security.helpers import Api, web
from tests.support.helpers import awaiting_case, place, providers_ready

pytestmark = pytest.mark.django_db

NARRATIVE = "Synthetic: worked in a car wash to repay a travel debt."
REASONS = "Synthetic reasons: the account was consistent with the indicators."


@pytest.fixture
def scene(world):
    """A person placed with the Salvation Army (the decision's written reasons recorded), a person
    placed with the Poppy Project, a person awaiting a place; a Poppy support worker."""
    providers_ready({"SALVARMY": {"women_only": 2, "men_only": 2, "mixed": 1}, "POPPY": {"women_only": 2}})
    world.poppy = make_user("t.support.poppy", "support_worker", world.orgs["POPPY"])
    at_salvarmy = world.case(person={"given_name": "Aurelie", "family_name": "Saltmarsh", "gender": "female",
                                     "date_of_birth": "1993-07-08", "nationalities": ["Albania"],
                                     "languages": ["sqi"], "interpreter_needed": True,
                                     "contact_details": "Synthetic flat 4, the address the trafficker used"})
    decision_record(actor=world.decider, case=at_salvarmy, data=DecisionIn(
        kind="reasonable_grounds", outcome="positive", decided_on=at_salvarmy.referral.received_on,
        reason_codes=["indicators_present"], reason_text=REASONS))
    at_salvarmy.refresh_from_db()
    world.placed = place(world, at_salvarmy)
    world.at_poppy = awaiting_case(world, exploitation_types=["sexual"],
                                   person={"given_name": "Berenike", "family_name": "Pollardine", "gender": "female",
                                           "date_of_birth": "1990-01-02", "nationalities": ["Romania"]})
    world.poppy_placement = place(world, world.at_poppy, provider="POPPY")
    world.awaiting = awaiting_case(world, person={"given_name": "Cosima", "family_name": "Thornquist",
                                                  "gender": "female", "date_of_birth": "1989-03-04",
                                                  "nationalities": ["Nigeria"]})
    return world


def test_the_provider_sees_the_name_and_what_support_needs_and_nothing_else(scene):
    case = scene.placed.case
    resp = web(scene.support).get(f"/support/cases/{case.pk}/")
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "Aurelie Saltmarsh" in body and "8 July 1993" in body and "Albanian" in body
    for never in (NARRATIVE, REASONS, "Synthetic flat 4"):
        assert never not in body
    event = AuditEvent.objects.get(action="person.view")
    assert event.detail == {"case_id": case.pk, "purpose": "support"} and event.actor == scene.support
    api = Api(scene.support).get(f"/support/cases/{case.pk}").json()
    assert api["identity"]["family_name"] == "Saltmarsh"
    assert NARRATIVE not in str(api) and REASONS not in str(api) and "Synthetic flat 4" not in str(api)


def test_a_support_worker_cannot_see_a_person_placed_elsewhere_and_the_refusal_is_audited(scene):
    poppy_case = scene.at_poppy
    for user, case in ((scene.support, poppy_case), (scene.poppy, scene.placed.case)):
        resp = web(user).get(f"/support/cases/{case.pk}/")
        assert resp.status_code == 403 and "Pollardine" not in resp.content.decode()
        assert Api(user).get(f"/support/cases/{case.pk}").status_code == 403
        assert web(user).get(f"/support/cases/{case.pk}/services/").status_code == 403
    assert AuditEvent.objects.filter(action="support.view_refused").count() == 6  # 3 looks by each
    assert web(scene.poppy).get(f"/support/placements/{scene.placed.pk}/end/").status_code == 403
    assert web(scene.support).get("/support/cases/999999/").status_code == 404


def test_nor_the_nrm_case_its_reasons_or_its_history(scene):
    case = scene.placed.case
    assert web(scene.support).get(f"/cases/{case.pk}/").status_code == 403
    assert Api(scene.support).get(f"/cases/{case.pk}").status_code == 403
    assert Api(scene.support).get(f"/cases/{case.pk}/history").status_code == 403


def test_the_allocator_sees_a_person_awaiting_a_place_by_reference_only(scene):
    case = scene.awaiting
    body = web(scene.support).get(f"/support/cases/{case.pk}/").content.decode()
    assert case.referral.person.pseudonym in body and "Thornquist" not in body and "Cosima" not in body
    assert "You see this person by reference only" in body
    assert not AuditEvent.objects.filter(action="person.view").exists()
    caseload = web(scene.support).get("/support/").content.decode()
    assert case.referral.person.pseudonym in caseload  # awaiting a place
    # the Poppy Project's support workers do not allocate: they see only their own placements
    assert web(scene.poppy).get(f"/support/cases/{case.pk}/").status_code == 403
    assert case.referral.person.pseudonym not in web(scene.poppy).get("/support/").content.decode()


def test_after_the_placement_ends_the_provider_no_longer_sees_the_person(scene):
    services.placement_end(actor=scene.poppy, placement=scene.poppy_placement,
                           data=PlacementEndIn(end_on=timezone.localdate(), exit_reason="moved_to_another_provider"))
    assert web(scene.poppy).get(f"/support/cases/{scene.at_poppy.pk}/").status_code == 403
    # back with the allocator, who may place the person again (by reference)
    assert web(scene.support).get(f"/support/cases/{scene.at_poppy.pk}/matching/").status_code == 200


def test_other_roles_see_no_support_record_and_analysts_see_counts(scene):
    case = scene.placed.case
    for user in (scene.responder, scene.decider, scene.reviewer, scene.children, scene.intel, scene.analyst,
                 scene.monitor, scene.admin):
        assert web(user).get(f"/support/cases/{case.pk}/").status_code == 403
        assert web(user).get("/support/").status_code == 403
    for user in (scene.analyst, scene.monitor, scene.support, scene.poppy):
        body = web(user).get("/support/providers/").content.decode()
        assert "The Salvation Army" in body and "Saltmarsh" not in body
    assert web(scene.decider).get("/support/providers/").status_code == 403


def test_the_export_is_the_providers_placements_without_names_formula_safe_and_audited(scene):
    ServiceDelivery.objects.create(placement=scene.placed, service="=HYPERLINK(\"x\")", delivered_on=timezone.localdate(),
                                   delivered_by=scene.support, organisation=scene.orgs["SALVARMY"])
    resp = Api(scene.support).get("/support/placements.csv")
    text = b"".join(resp.streaming_content).decode() if resp.streaming else resp.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["person_reference"] for r in rows] == [scene.placed.case.referral.person.pseudonym]
    assert "Saltmarsh" not in text and "Aurelie" not in text and "Pollardine" not in text
    event = AuditEvent.objects.get(action="support.export")
    assert event.detail == {"format": "csv", "rows": 1}
    assert Api(scene.analyst).get("/support/placements.csv").status_code == 403


def test_a_person_whose_identity_retention_removed_shows_no_name(scene):
    person = scene.placed.case.referral.person
    type(person).objects.filter(pk=person.pk).update(anonymised_on=timezone.localdate(), given_name="", family_name="")
    body = web(scene.support).get(f"/support/cases/{scene.placed.case_id}/").content.decode()
    assert "identity was removed under a retention rule" in body
    assert not AuditEvent.objects.filter(action="person.view").exists()


# --- the pages --------------------------------------------------------------------------------


def test_matching_shows_each_providers_rule_path_and_sources_and_asks_the_caseworker_to_choose(scene):
    case = scene.awaiting
    body = web(scene.support).get(f"/support/cases/{case.pk}/matching/").content.decode()
    assert "Choose a place" in body and 'value="SALVARMY:women_only"' in body
    assert "How Palermo got there" in body and "Source" in body and "seed note §5.2" in body
    assert "Women only" in body or "covers sexual exploitation" in body  # why the Poppy Project does not
    resp = web(scene.support).post(f"/support/cases/{case.pk}/matching/", {"start_on-day": "", "start_on-month": "",
                                                                          "start_on-year": ""})
    body = resp.content.decode()
    assert resp.status_code == 200 and "There is a problem" in body
    assert "Select a place" in body and "Enter the start date" in body and not Placement.objects.filter(case=case).exists()
    today = timezone.localdate()
    resp = web(scene.support).post(f"/support/cases/{case.pk}/matching/", {
        "place": "SALVARMY:mixed", "start_on-day": today.day, "start_on-month": today.month, "start_on-year": today.year})
    assert resp.status_code == 302 and resp["Location"] == f"/support/cases/{case.pk}/"
    assert Placement.objects.get(case=case, end_on__isnull=True).kind == "mixed"


def test_when_no_place_is_free_matching_offers_the_waiting_list(scene):
    for profile in ProviderProfile.objects.all():
        Capacity.objects.filter(provider=profile).update(places=0)
    case = scene.awaiting
    body = web(scene.support).get(f"/support/cases/{case.pk}/matching/").content.decode()
    assert "No suitable place is free" in body and "Add to the waiting list" in body
    assert web(scene.support).get(f"/support/cases/{case.pk}/waiting-list/").status_code == 200
    resp = web(scene.support).post(f"/support/cases/{case.pk}/waiting-list/")
    assert resp.status_code == 302 and resp["Location"] == "/support/waiting-list/"
    listed = web(scene.support).get("/support/waiting-list/").content.decode()
    assert case.referral.person.pseudonym in listed and "Less than a day" in listed
    assert web(scene.support).get(f"/support/cases/{case.pk}/waiting-list/").status_code == 409


def test_recording_a_service_speaks_govuk(scene):
    case = scene.placed.case
    resp = web(scene.support).post(f"/support/cases/{case.pk}/services/", {})
    body = resp.content.decode()
    assert "Select the service" in body and "Enter the date of the service" in body
    future = timezone.localdate() + dt.timedelta(days=3)
    body = web(scene.support).post(f"/support/cases/{case.pk}/services/", {
        "service": "counselling", "delivered_on-day": future.day, "delivered_on-month": future.month,
        "delivered_on-year": future.year}).content.decode()
    assert "Date of the service must be today or in the past" in body
    today = timezone.localdate()
    resp = web(scene.support).post(f"/support/cases/{case.pk}/services/", {
        "service": "counselling", "delivered_on-day": today.day, "delivered_on-month": today.month,
        "delivered_on-year": today.year})
    assert resp.status_code == 302
    record = web(scene.support).get(f"/support/cases/{case.pk}/").content.decode()
    assert "Counselling" in record and scene.support.username in record
    assert ServiceDelivery.objects.get().service == "counselling"


def test_ending_a_placement_asks_why(scene):
    resp = web(scene.support).post(f"/support/placements/{scene.placed.pk}/end/", {})
    body = resp.content.decode()
    assert "Select why the placement ended" in body and "Enter the date the placement ended" in body
    today = timezone.localdate()
    resp = web(scene.support).post(f"/support/placements/{scene.placed.pk}/end/", {
        "exit_reason": "chose_to_leave", "end_on-day": today.day, "end_on-month": today.month, "end_on-year": today.year})
    assert resp.status_code == 302
    again = web(scene.support).get(f"/support/placements/{scene.placed.pk}/end/")
    assert again.status_code == 409 and "The placement ended on" in again.content.decode()


def test_the_support_record_says_why_support_ends_when_it_does(scene):
    case = scene.placed.case
    today = timezone.localdate()
    case.cg_earliest = today
    case.save(update_fields=["cg_earliest"])
    decision_record(actor=scene.decider, case=case, data=DecisionIn(
        kind="conclusive_grounds", outcome="positive", decided_on=today, reason_codes=["credible_account"]))
    body = web(scene.support).get(f"/support/cases/{case.pk}/").content.decode()
    assert "Move-on support until at least" in body and "Why this date?" in body
    assert "plus at least 45 calendar days of move-on support" in body


def test_a_provider_below_its_warning_level_is_flagged(scene):
    profile = ProviderProfile.objects.get(organisation__code="SALVARMY")
    body = web(scene.analyst).get("/support/providers/").content.decode()
    # 5 places, 1 taken: 4 free, above the Salvation Army's level of 3
    assert 'id="low-SALVARMY"' not in body
    Capacity.objects.filter(provider=profile, kind__in=["women_only", "men_only"]).update(places=1)
    body = web(scene.analyst).get("/support/providers/").content.decode()
    assert 'id="low-SALVARMY"' in body and "has 2 places free (the warning level is 3)" in body
    detail = web(scene.analyst).get("/support/providers/SALVARMY/").content.decode()
    assert "below the warning level of 3" in detail and "seed note §5.2" in detail
    assert "Warning" in web(scene.support).get("/dashboard/").content.decode()


def test_the_dashboard_and_navigation_give_support_workers_their_counts_and_pages(scene):
    body = web(scene.support).get("/dashboard/").content.decode()
    assert 'id="stat-placed">1<' in body and 'id="stat-awaiting"' in body and 'id="stat-waiting"' in body
    assert 'href="/support/"' in body and 'href="/support/waiting-list/"' in body and 'href="/support/providers/"' in body
    poppy = web(scene.poppy).get("/dashboard/").content.decode()
    assert 'id="stat-placed">1<' in poppy and 'id="stat-awaiting"' not in poppy and 'href="/support/waiting-list/"' not in poppy
    analyst = web(scene.analyst).get("/dashboard/").content.decode()
    assert 'href="/support/providers/"' in analyst and 'href="/support/"' not in analyst
    responder = web(scene.responder).get("/dashboard/").content.decode()
    assert "/support/" not in responder
