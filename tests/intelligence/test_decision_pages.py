"""The pages where an intelligence officer decides a match proposal and records a link to an NRM
potential victim (issue 10). A person decides; the pages only call the services."""

from __future__ import annotations

import pytest
from django.test import Client

from palermo.core.models import AuditEvent
from palermo.intelligence.models import Entity, MatchProposal, VictimLink

from .helpers import Intel

DOB = {"date_of_birth": "1980-04-05"}


@pytest.fixture
def intel(db):
    return Intel()


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _proposal(intel, *, actor=None, grading=("B", "2", "1"), names=("Ardent Vellacourt", "Vellacort Ardent")):
    actor = actor or intel.met
    intel.report(actor, grading=grading, entities=[{"kind": "person", "value": names[0], **DOB}])
    intel.report(actor, grading=grading, entities=[{"kind": "person", "value": names[1], **DOB}])
    return MatchProposal.objects.order_by("-id").first()


def test_the_proposal_list_shows_the_evidence_in_words_and_is_audited(intel):
    p = _proposal(intel)
    page = _client(intel.ukhtc).get("/intelligence/matches/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'id="match-{p.pk}"' in text and "Ardent Vellacourt" in text and "Vellacort Ardent" in text
    # as the casework's possible matches put it: which fields agree, which differ
    assert "Agree: Name as it sounds, date of birth. Differ: Name as written." in text
    event = AuditEvent.objects.get(actor=intel.ukhtc, action="intel.match_list")
    assert event.detail["proposals"] == [p.pk]


def test_the_same_name_in_another_order_agrees_as_written(intel):
    _proposal(intel, names=("Ardent Vellacourt", "VELLACOURT  Ardent"))
    text = _client(intel.met).get("/intelligence/matches/").content.decode()
    assert "Agree: Name as it sounds, name as written, date of birth." in text


def test_a_proposal_about_someone_in_a_withheld_report_is_not_listed(intel):
    """The Metropolitan Police keep both reports to themselves (handling code 4): the UKHTC
    officer is not shown the proposal, and may not decide it (403, the refusal audited)."""
    p = _proposal(intel, grading=("B", "2", "4"))
    assert f'id="match-{p.pk}"' in _client(intel.met).get("/intelligence/matches/").content.decode()
    ukhtc = _client(intel.ukhtc)
    text = ukhtc.get("/intelligence/matches/").content.decode()
    assert f'id="match-{p.pk}"' not in text and "Vellacourt" not in text
    assert ukhtc.post(f"/intelligence/matches/{p.pk}/", {"decision": "same"}).status_code == 403
    assert AuditEvent.objects.filter(actor=intel.ukhtc, action="intel.entity_refused").exists()
    p.refresh_from_db()
    assert p.state == "pending"


def test_confirm_and_reject_call_the_service_and_leave_the_queue(intel):
    first = _proposal(intel)
    second = _proposal(intel, names=("Corvin Ashdale", "Corvyn Ashdale"))
    assert first.pk != second.pk
    c = _client(intel.ukhtc)
    done = c.post(f"/intelligence/matches/{first.pk}/", {"decision": "same"})
    assert done.status_code == 302 and done["Location"] == "/intelligence/matches/"
    assert c.post(f"/intelligence/matches/{second.pk}/", {"decision": "different"}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.decided_by) == ("confirmed", intel.ukhtc)
    assert (second.state, second.decided_by) == ("rejected", intel.ukhtc)
    assert list(AuditEvent.objects.filter(action="intel.match_decide").values_list("detail__state", flat=True)
                .order_by("id")) == ["confirmed", "rejected"]
    text = c.get("/intelligence/matches/").content.decode()
    assert f'id="match-{first.pk}"' not in text and "There are no match proposals waiting" in text
    # nothing is merged: both people stay
    assert Entity.objects.filter(pk__in=[first.a_id, first.b_id]).count() == 2


def test_no_decision_or_a_decided_proposal_is_said_in_an_error_summary(intel):
    p = _proposal(intel)
    c = _client(intel.met)
    blank = c.post(f"/intelligence/matches/{p.pk}/", {})
    assert blank.status_code == 400
    assert f'<a href="#match-{p.pk}">Select whether they are the same person</a>' in blank.content.decode()
    c.post(f"/intelligence/matches/{p.pk}/", {"decision": "different"})
    again = _client(intel.ukhtc).post(f"/intelligence/matches/{p.pk}/", {"decision": "same"})
    assert again.status_code == 409 and "already been decided" in again.content.decode()
    assert c.post("/intelligence/matches/999999/", {"decision": "same"}).status_code == 404


def test_only_intelligence_officers_use_the_pages(intel):
    p = _proposal(intel)
    suspect = p.a
    c = _client(intel.w.responder)
    assert c.get("/intelligence/matches/").status_code == 403
    assert c.post(f"/intelligence/matches/{p.pk}/", {"decision": "same"}).status_code == 403
    assert c.get(f"/intelligence/entities/{suspect.pk}/victim-links/").status_code == 403
    assert Client().get("/intelligence/matches/").status_code == 302


def test_a_victim_link_needs_a_lawful_reason_and_an_nrm_reference(intel):
    person = intel.w.refer().person
    intel.report(intel.met, entities=[{"kind": "person", "value": "Synthetic Suspect"}])
    suspect = Entity.objects.get(kind="person")
    c = _client(intel.met)
    url = f"/intelligence/entities/{suspect.pk}/victim-links/"
    assert "No link to an NRM potential victim" in c.get(url).content.decode()
    bad = c.post(url, {"pseudonym": "P-NOSUCH", "reason_text": ""})
    text = bad.content.decode()
    assert bad.status_code == 400 and "There is a problem" in text
    assert "Select the lawful reason for the link" in text and "Enter why the link is lawful and necessary" in text
    unknown = c.post(url, {"pseudonym": "P-NOSUCH", "lawful_reason": "safeguarding", "reason_text": "Synthetic reason"})
    assert unknown.status_code == 400 and "Enter the reference of an NRM person" in unknown.content.decode()
    assert not VictimLink.objects.exists()
    ok = c.post(url, {"pseudonym": person.pseudonym.lower(), "lawful_reason": "safeguarding",
                      "reason_text": "Synthetic: the victim is at risk from this suspect"})
    assert ok.status_code == 302 and ok["Location"] == url
    link = VictimLink.objects.get()
    assert (link.person, link.lawful_reason, link.organisation.code) == (person, "safeguarding", "MET")
    assert AuditEvent.objects.filter(actor=intel.met, action="intel.victim_link").exists()
    again = c.post(url, {"pseudonym": person.pseudonym, "lawful_reason": "investigation", "reason_text": "Again"})
    assert again.status_code == 400 and "already recorded this link" in again.content.decode()


def test_the_victims_identity_shows_only_to_the_recording_organisation_and_is_audited(intel):
    person = intel.w.refer().person
    intel.report(intel.met, entities=[{"kind": "person", "value": "Synthetic Suspect"}])
    suspect = Entity.objects.get(kind="person")
    url = f"/intelligence/entities/{suspect.pk}/victim-links/"
    _client(intel.met).post(url, {"pseudonym": person.pseudonym, "lawful_reason": "investigation",
                                  "reason_text": "Synthetic: witness in Op Test"})
    mine = _client(intel.met).get(url).content.decode()
    assert "Quillfeather" in mine and "witness in Op Test" in mine
    assert AuditEvent.objects.filter(actor=intel.met, action="intel.victim_identity_view").exists()
    other = _client(intel.ukhtc).get(url).content.decode()
    assert person.pseudonym in other and "Quillfeather" not in other and "witness in Op Test" not in other
    assert not AuditEvent.objects.filter(actor=intel.ukhtc, action="intel.victim_identity_view").exists()


def test_only_a_person_has_victim_links_and_withheld_people_are_refused(intel):
    intel.report(intel.met, grading=("B", "2", "4"), entities=[{"kind": "person", "value": "Synthetic Hidden"},
                                                               {"kind": "vehicle", "value": "DM08 ZZZ"}])
    hidden, vehicle = Entity.objects.get(kind="person"), Entity.objects.get(kind="vehicle")
    assert _client(intel.met).get(f"/intelligence/entities/{vehicle.pk}/victim-links/").status_code == 404
    assert _client(intel.met).get("/intelligence/entities/999999/victim-links/").status_code == 404
    ukhtc = _client(intel.ukhtc)
    assert ukhtc.get(f"/intelligence/entities/{hidden.pk}/victim-links/").status_code == 403
    assert AuditEvent.objects.filter(actor=intel.ukhtc, action="intel.entity_refused").exists()
