"""Entities: exact identifiers resolve to one entity (blind index, not plaintext); people become
match proposals; links carry the reports that evidence them; an NRM victim's identity needs a
recorded lawful reason."""

import pytest
from django.db import connection
from django.test import Client
from pydantic import ValidationError

from palermo.accounts.models import ApiToken
from palermo.core.exceptions import ValidationFailed
from palermo.core.models import AuditEvent
from palermo.intelligence.models import Entity, Link, MatchProposal
from palermo.intelligence.schemas import VictimLinkIn
from palermo.intelligence.services import victim_link_record

from .helpers import Intel


@pytest.fixture
def intel(db):
    return Intel()


@pytest.mark.parametrize("kind, a, b", [
    ("phone", "07700 900123", "+44 (0)7700-900123".replace("(0)", "")),
    ("phone", "0044 7700 900123", "+447700900123"),
    ("vehicle", "ab12 cde", "AB12-CDE"),
    ("bank_account", "20-00-00 12345678", "200000 12345678"),
    ("online_account", "Example.com:Handle", "example.com:handle"),
])
def test_the_same_identifier_written_two_ways_is_one_entity(intel, kind, a, b):
    intel.report(intel.met, entities=[{"kind": kind, "value": a}])
    intel.report(intel.ukhtc, entities=[{"kind": kind, "value": b}])
    assert Entity.objects.filter(kind=kind).count() == 1


def test_identifiers_are_stored_as_ciphertext_and_a_keyed_index_only(intel):
    intel.report(intel.met, entities=[{"kind": "phone", "value": "07700 900123"}])
    with connection.cursor() as cur:
        cur.execute("SELECT label, key_index FROM intelligence_entity")
        label, key = cur.fetchone()
    assert "7700" not in label and "7700" not in key


def test_a_bad_identifier_is_refused_with_what_to_enter(intel):
    with pytest.raises(ValidationFailed) as exc:
        intel.report(intel.met, entities=[{"kind": "phone", "value": "123"}])
    assert "entities.0.value" in exc.value.fields


def test_people_are_never_merged_but_proposed_for_a_human_to_decide(intel):
    dob = {"date_of_birth": "1980-04-05"}
    intel.report(intel.met, entities=[{"kind": "person", "value": "Ardent Vellacourt", **dob}])
    intel.report(intel.ukhtc, entities=[{"kind": "person", "value": "Vellacort Ardent", **dob}])
    intel.report(intel.ukhtc, entities=[{"kind": "person", "value": "Ardent Vellacourt", "date_of_birth": "1990-01-01"}])
    assert Entity.objects.filter(kind="person").count() == 3
    proposal = MatchProposal.objects.get()
    assert proposal.state == "pending" and proposal.evidence == ["name_phonetic", "date_of_birth"]


def test_a_link_is_backed_by_each_report_that_evidences_it_with_its_grading(intel):
    ents = [{"kind": "premises", "value": "1 Synthetic Row, Testtown"}, {"kind": "phone", "value": "07700 900999"}]
    r1 = intel.report(intel.met, entities=ents, links=[(0, 1, "uses")], grading=("B", "2", "1"))
    r2 = intel.report(intel.ukhtc, entities=list(reversed(ents)), links=[(1, 0, "uses")], grading=("A", "1", "1"))
    link = Link.objects.get()
    assert set(link.reports.all()) == {r1, r2}
    premises = Entity.objects.get(kind="premises")
    c = Client()
    body = c.get(f"/api/v1/intelligence/entities/{premises.pk}",
                 HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(intel.gmp)[1]}").json()
    assert [sorted(r["grading"] for r in ln["reports"]) for ln in body["links"]] == [["A11", "B21"]]


def test_the_entity_page_draws_the_neighbourhood_as_accessible_svg_with_a_text_alternative(intel):
    ents = [{"kind": "ocg", "value": "Synthetic Group"}, {"kind": "phone", "value": "07700 900111"},
            {"kind": "vehicle", "value": "XY99 ZZZ"}]
    intel.report(intel.met, entities=ents, links=[(0, 1, "uses"), (0, 2, "owns")])
    c = Client()
    c.force_login(intel.ukhtc)
    html = c.get(f"/intelligence/entities/{Entity.objects.get(kind='ocg').pk}/").content.decode()
    assert 'role="img"' in html and 'aria-labelledby="network-title network-desc"' in html
    assert "<title id=\"network-title\">" in html and "<desc id=\"network-desc\">" in html
    assert html.count("<line ") == 2 and 'style="' not in html
    assert html.count('<tr class="govuk-table__row">') >= 3  # the links table lists both links
    assert "XY99 ZZZ" in html and "07700 900111" in html


def test_an_officer_without_a_recorded_lawful_reason_cannot_see_the_victims_identity(intel):
    w = intel.w
    person = w.refer().person
    intel.report(intel.met, entities=[{"kind": "person", "value": "Synthetic Suspect"}])
    suspect = Entity.objects.get(kind="person")
    with pytest.raises(ValidationError):
        VictimLinkIn.model_validate({"pseudonym": person.pseudonym, "lawful_reason": "curiosity", "reason_text": "x"})
    victim_link_record(actor=intel.met, entity_id=suspect.pk, data=VictimLinkIn(
        pseudonym=person.pseudonym, lawful_reason="investigation", reason_text="Synthetic: witness in Op Test"))
    assert AuditEvent.objects.filter(actor=intel.met, action="intel.victim_link").exists()
    met, ukhtc = Client(), Client()
    met.force_login(intel.met)
    ukhtc.force_login(intel.ukhtc)
    seen = met.get(f"/intelligence/entities/{suspect.pk}/").content.decode()
    assert "Quillfeather" in seen
    assert AuditEvent.objects.filter(actor=intel.met, action="intel.victim_identity_view").exists()
    other = ukhtc.get(f"/intelligence/entities/{suspect.pk}/").content.decode()
    assert "Quillfeather" not in other and person.pseudonym in other
    api = Client().get(f"/api/v1/intelligence/entities/{suspect.pk}",
                       HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(intel.ukhtc)[1]}").json()
    assert api["victims"][0]["name"] is None
    assert not AuditEvent.objects.filter(actor=intel.ukhtc, action="intel.victim_identity_view").exists()


def test_the_report_entry_page_records_a_report_and_says_what_to_fix(intel):
    c = Client()
    c.force_login(intel.met)
    bad = c.post("/intelligence/reports/new/", {"reported_on-day": "1", "reported_on-month": "3", "reported_on-year": "2008",
                                                "source_evaluation": "A", "intelligence_assessment": "1",
                                                "handling_code": "P", "text": "Synthetic"})
    assert bad.status_code == 400 and "5x5x5 scheme was in force" in bad.content.decode()
    ok = c.post("/intelligence/reports/new/", {"reported_on-day": "1", "reported_on-month": "3", "reported_on-year": "2008",
                                               "source_evaluation": "A", "intelligence_assessment": "1",
                                               "handling_code": "1", "text": "Synthetic",
                                               "entity_1_kind": "vehicle", "entity_1_value": "AB12CDE",
                                               "entity_2_kind": "phone", "entity_2_value": "07700 900123"})
    assert ok.status_code == 302
    assert Link.objects.count() == 1
    assert "AB12CDE" in c.get(ok["Location"]).content.decode()
