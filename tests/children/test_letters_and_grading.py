"""Decision letters go, for a child, to the lead local authority and the named person and never to
the child; a trafficking-likelihood grading is recorded with its evidence (encrypted) and who
graded it, and changes nothing on the case."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from palermo.children.models import DecisionLetter, LetterRecipient, TraffickingGrading
from palermo.children.policy import grading_scale
from palermo.children.schemas import AgeAssessmentIn, GradingIn
from palermo.children.services import age_assessment_record, grading_record
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.nrm.models import Case, CaseTransition, Decision
from tests.children.helpers import child_case, name
from tests.security.helpers import Api, web

pytestmark = pytest.mark.django_db


def recipients(decision) -> list[tuple]:
    letter = DecisionLetter.objects.get(decision=decision)
    return sorted((r.kind, r.organisation.code if r.organisation else None, r.user.username if r.user else None,
                   r.person_id) for r in letter.recipients.all())


# --- letters ------------------------------------------------------------------------------------


def test_a_childs_decision_letter_goes_to_the_local_authority_and_the_named_person_never_the_child(kids):
    case = child_case(kids)
    name(kids, case, kids.keyworker)
    decision = kids.rg(case)
    assert recipients(decision) == [("local_authority", "HILLINGDON", None, None),
                                     ("named_person", "HILLINGDON", "t.keyworker", None)]
    assert not LetterRecipient.objects.filter(kind="person").exists()


def test_with_no_named_person_the_letter_goes_to_the_local_authority_and_says_so(kids):
    case = child_case(kids)
    decision = kids.rg(case)
    letter = DecisionLetter.objects.get(decision=decision)
    assert recipients(decision) == [("local_authority", "HILLINGDON", None, None)]
    assert letter.for_child and letter.named_person_missing


def test_an_adults_letter_goes_to_the_person(kids):
    case = kids.case()
    decision = kids.rg(case)
    assert recipients(decision) == [("person", None, None, case.referral.person_id)]


def test_a_negative_decision_has_its_letter_only_when_a_reviewer_agrees(kids):
    case = child_case(kids)
    negative = kids.rg(case, outcome="negative")
    assert not DecisionLetter.objects.filter(decision=negative).exists()
    kids.review(negative, agree=True)
    assert DecisionLetter.objects.get(decision=negative).issued_on == negative.decided_on


def test_letters_follow_the_age_assessment(kids):
    """After a child is assessed as an adult, the next letter goes to the person."""
    case = child_case(kids)
    name(kids, case, kids.keyworker)
    age_assessment_record(actor=kids.children, case=case, data=AgeAssessmentIn(
        assessed_on=timezone.localdate(), assessed_by="HILLINGDON", assessed_age=21, adult_consent="given"))
    decision = kids.rg(Case.objects.get(pk=case.pk))
    assert recipients(decision) == [("person", None, None, case.referral.person_id)]


def test_the_database_refuses_a_child_as_the_recipient_of_their_letter(kids):
    """Even code that tries (raw rows, or a recipient row claiming to be for an adult's letter)."""
    case = child_case(kids)
    letter = DecisionLetter.objects.get(decision=kids.rg(case))
    with pytest.raises(IntegrityError), transaction.atomic():
        LetterRecipient(letter=letter, kind="person", person=case.referral.person, for_child=False).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        LetterRecipient.objects.bulk_create([LetterRecipient(letter=letter, kind="person", person=case.referral.person,
                                                             for_child=True)])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"INSERT INTO {LetterRecipient._meta.db_table} (letter_id, kind, for_child, person_id) "
                    "VALUES (%s, 'person', %s, %s)", [letter.pk, True, case.referral.person_id])


def test_the_record_shows_who_each_letter_went_to(kids):
    case = child_case(kids)
    name(kids, case, kids.keyworker)
    kids.rg(case)
    html = web(kids.children).get(f"/children/cases/{case.pk}/").content.decode()
    assert "London Borough of Hillingdon" in html and "(person responsible)" in html
    data = Api(kids.decider).get(f"/children/cases/{case.pk}").json()
    assert data["decision_letters"][0]["recipients"] == [
        {"kind": "local_authority", "organisation": "HILLINGDON"},
        {"kind": "named_person", "username": "t.keyworker", "organisation": "HILLINGDON"}]


# --- grading --------------------------------------------------------------------------------------


def grade(world, case, actor=None, level=4, evidence="Synthetic evidence: met at the airport by an unknown man."):
    return grading_record(actor=actor or world.children, case=case, data=GradingIn(
        level=level, graded_on=timezone.localdate(), evidence_summary=evidence))


def test_a_grading_is_recorded_with_its_evidence_and_who_graded_it_and_changes_nothing_on_the_case(kids):
    case = child_case(kids)
    kids.rg(case)
    before = model_to_dict(Case.objects.get(pk=case.pk))
    steps, decisions, letters = CaseTransition.objects.count(), Decision.objects.count(), DecisionLetter.objects.count()
    g = grade(kids, case, level=5)
    g2 = grade(kids, case, actor=kids.decider, level=3)
    assert model_to_dict(Case.objects.get(pk=case.pk)) == before
    assert (CaseTransition.objects.count(), Decision.objects.count(), DecisionLetter.objects.count()) == (
        steps, decisions, letters)
    assert (g.level, g.graded_by, g.organisation.code, g.scale_version) == (
        5, kids.children, "HILLINGDON", "children.trafficking_likelihood_levels@2007-03-01")
    assert g2.organisation.code == "SCA"


def test_the_evidence_is_encrypted_at_rest(kids):
    case = child_case(kids)
    g = grade(kids, case, evidence="Synthetic evidence marker Quellbrook")
    with connection.cursor() as cur:
        cur.execute(f"SELECT evidence_summary FROM {TraffickingGrading._meta.db_table} WHERE id = %s", [g.pk])
        raw = cur.fetchone()[0]
    assert "Quellbrook" not in raw and TraffickingGrading.objects.get(pk=g.pk).evidence_summary.endswith("Quellbrook")


def test_only_levels_four_and_five_have_names(kids):
    levels, _ = grading_scale(timezone.localdate())
    assert [(lv.level, lv.label) for lv in levels] == [(1, None), (2, None), (3, None), (4, "high"), (5, "very high")]
    case = child_case(kids)
    html = web(kids.children).get(f"/children/cases/{case.pk}/grading/").content.decode()
    assert "Level 4 (high)" in html and "Level 5 (very high)" in html
    assert "Level 3 (" not in html and "Level 1 (" not in html


@pytest.mark.parametrize("level", [0, 6])
def test_a_level_outside_1_to_5_is_refused(kids, level):
    case = child_case(kids)
    resp = Api(kids.children).post(f"/children/cases/{case.pk}/gradings", {
        "level": level, "graded_on": timezone.localdate().isoformat(), "evidence_summary": "Synthetic"})
    assert resp.status_code == 422 and "level" in resp.json()["error"]["fields"]
    with pytest.raises(IntegrityError), transaction.atomic():
        TraffickingGrading.objects.create(case=case, level=level, evidence_summary="x", graded_on=timezone.localdate(),
                                          graded_by=kids.children, organisation=kids.orgs["HILLINGDON"], scale_version="t")


def test_a_grading_needs_its_evidence(kids):
    case = child_case(kids)
    with pytest.raises(ValidationFailed):
        grade(kids, case, evidence="   ")


@pytest.mark.parametrize("who", ["responder", "reviewer", "cardiff", "support", "intel", "analyst"])
def test_only_the_lead_local_authority_or_a_decision_maker_grades(kids, who):
    case = child_case(kids)
    with pytest.raises(NotAllowed):
        grade(kids, case, actor=getattr(kids, who))


def test_an_adults_case_is_not_graded(kids):
    adult = kids.case()
    with pytest.raises(TransitionRefused, match="adult"):
        grade(kids, adult, actor=kids.decider)
