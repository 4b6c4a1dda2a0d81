"""Decision letters (issue 14): one per decision that has taken effect, to the referring first
responder and, for a child, the lead local authority; words from the template for the kind of
decision, with the case's dates and no internal ids; a real PDF; encrypted at rest; readable
only by those allowed; every download audited."""

from __future__ import annotations

import base64
import re

import pytest
from django.db import connection

from palermo.children.models import DecisionLetter
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.core.models import AuditEvent
from palermo.letters import services
from palermo.letters.models import LetterDocument
from tests.children.helpers import CHILD_FAMILY, child_case
from tests.security.helpers import Api, web

pytestmark = pytest.mark.django_db

PERSON = {"given_name": "Quenby", "family_name": "Starlingford", "date_of_birth": "1989-11-04", "dob_precision": "exact",
          "gender": "male", "nationalities": ["ALB"], "languages": [], "interpreter_needed": False}


def document(world, case, recipient="first_responder", user=None):
    letter = DecisionLetter.objects.filter(case=case).order_by("-id").first()
    got = services.letter_get(user=user or world.decider, case=case, letter_id=letter.pk, recipient=recipient)
    return services.letter_document_get(user=user or world.decider, letter=got, recipient=recipient)


def test_a_positive_reasonable_grounds_letter_says_the_outcome_and_dates_and_no_internal_ids(world):
    case = world.case(person=PERSON)
    decision = world.rg(case)
    case.refresh_from_db()
    doc = document(world, case)
    html = doc.html
    assert "Reasonable grounds decision: positive" in html
    assert "Starlingford" in html and "4 November 1989" in html and case.referral.reference in html
    assert case.recovery_period_min_end.strftime("%-d %B %Y") in html
    assert case.cg_earliest.strftime("%-d %B %Y") in html
    assert "To: Metropolitan Police Service" in html or "To: " + case.referral.first_responder_org.name in html
    assert not re.search(r"@\d{4}-\d\d-\d\d", html)  # no rule versions
    for internal in ("seed note", f"decision {decision.pk}", case.rg_due_version, "holidays-"):
        assert internal not in html
    assert doc.template == "reasonable_grounds_positive.html"


def test_a_negative_letter_names_the_reconsideration_deadline(world):
    case = world.case(person=PERSON)
    world.review(world.rg(case, outcome="negative"), agree=True)
    case.refresh_from_db()
    html = document(world, case).html
    assert "Reasonable grounds decision: negative" in html
    assert case.reconsideration_deadline.strftime("%-d %B %Y") in html


def test_a_conclusive_grounds_letter_uses_its_own_template(world):
    import datetime as dt

    from palermo.nrm.schemas import DecisionIn
    from palermo.nrm.services import decision_record

    case = world.case(person=PERSON, received_on=(dt.date.today() - dt.timedelta(days=120)).isoformat())
    world.rg(case)
    case.refresh_from_db()
    decision_record(actor=world.decider, case=case, data=DecisionIn(
        kind="conclusive_grounds", outcome="positive", decided_on=case.cg_earliest, reason_codes=["indicators_present"]))
    html = document(world, case).html
    assert "Conclusive grounds decision: positive" in html and "balance of probabilities" in html


def test_the_letter_is_a_pdf(world):
    case = world.case(person=PERSON)
    world.rg(case)
    pdf = services.pdf_bytes(document(world, case))
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]


def test_the_letter_is_encrypted_at_rest(world):
    case = world.case(person=PERSON)
    world.rg(case)
    doc = document(world, case)
    with connection.cursor() as cur:
        cur.execute("SELECT html, pdf FROM letters_letterdocument WHERE id = %s", [doc.pk])
        raw_html, raw_pdf = cur.fetchone()
    assert "Starlingford" not in raw_html and "Reasonable grounds" not in raw_html
    assert base64.b64decode(doc.pdf).startswith(b"%PDF")  # what Python sees
    assert base64.b64encode(b"%PDF").decode()[:6] not in raw_pdf  # what the database holds


def test_the_document_is_made_once_and_every_download_is_audited(world):
    case = world.case(person=PERSON)
    world.rg(case)
    first = document(world, case)
    second = document(world, case)
    assert first.pk == second.pk and LetterDocument.objects.count() == 1
    details = [e.detail["generated"] for e in AuditEvent.objects.filter(action="letter.download").order_by("id")]
    assert details == [True, False]


def test_a_childs_letter_goes_to_the_lead_local_authority_too_and_each_reads_only_its_own(world):
    case = child_case(world)
    world.rg(case)
    rows = services.letters_for_case(user=world.decider, case=case)
    assert sorted(r["recipient"] for r in rows) == ["first_responder", "local_authority"]
    assert [r["recipient"] for r in services.letters_for_case(user=world.children, case=case)] == ["local_authority"]
    assert [r["recipient"] for r in services.letters_for_case(user=world.responder, case=case)] == ["first_responder"]
    html = document(world, case, "local_authority", user=world.children).html
    assert "child's case" in html and CHILD_FAMILY in html
    letter = DecisionLetter.objects.get(case=case)
    with pytest.raises(NotAllowed):
        services.letter_get(user=world.children, case=case, letter_id=letter.pk, recipient="first_responder")
    assert AuditEvent.objects.filter(action="letter.download_refused").count() == 1


def test_an_adults_case_has_no_local_authority_letter_and_no_letter_before_the_decision_takes_effect(world):
    case = world.case(person=PERSON)
    assert services.letters_for_case(user=world.decider, case=case) == []
    world.rg(case, outcome="negative")  # awaiting review: not in effect
    assert services.letters_for_case(user=world.decider, case=case) == []


def test_people_outside_the_case_cannot_download(world):
    case = world.case(person=PERSON)
    world.rg(case)
    letter = DecisionLetter.objects.get(case=case)
    url = f"/cases/{case.pk}/letters/{letter.pk}/first_responder.pdf"
    assert web(world.decider_ieca).get(url).status_code == 403
    assert web(world.responder_other).get(url).status_code == 403
    assert web(world.analyst).get(url).status_code == 403
    assert web(world.decider).get(f"/cases/{case.pk}/letters/{letter.pk}/local_authority.pdf").status_code == 404
    r = web(world.responder).get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    listing = Api(world.responder).get(f"/cases/{case.pk}/letters").json()
    assert [x["recipient"] for x in listing] == ["first_responder"]
    assert Api(world.responder).get(listing[0]["pdf"].removeprefix("/api/v1")).status_code == 200


def test_the_case_page_lists_the_letters(world):
    case = world.case(person=PERSON)
    world.rg(case)
    page = web(world.responder).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="decision-letters"' in page and "Reasonable grounds decision: positive" in page


def test_a_competent_authority_can_change_the_words_without_code(world, settings, tmp_path):
    for f in services.DEFAULT_TEMPLATES.iterdir():
        (tmp_path / f.name).write_text(f.read_text())
    (tmp_path / "reasonable_grounds_positive.html").write_text(
        '{% extends "_letter.html" %}{% block heading %}Our new heading{% endblock %}')
    settings.PALERMO_LETTER_TEMPLATES_DIR = str(tmp_path)
    case = world.case(person=PERSON)
    world.rg(case)
    assert "Our new heading" in document(world, case).html


def test_a_letter_whose_identity_was_removed_is_not_made(world):
    case = world.case(person=PERSON)
    world.rg(case)
    from django.utils import timezone

    case.referral.anonymised_on = timezone.localdate()
    case.referral.save()
    with pytest.raises(NotFound):
        document(world, case)
