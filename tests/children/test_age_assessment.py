"""Age assessments: the case follows the assessed age from the assessment's date — who leads it
(the local authority's scope), whether consent is needed, who the letters go to, and the
competent authority the dated routing rule names — with the history kept, and refusals with a
reason where following would be unsafe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from palermo.children.models import AgeAssessment, NamedPerson
from palermo.children.schemas import AgeAssessmentIn
from palermo.children.services import _youngest_age_at, age_assessment_record
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.law.parameters import ParameterValue
from palermo.nrm import workflow
from palermo.nrm.models import Case, CaseTransition, Referral
from palermo.nrm.rules import case_scope_q
from palermo.nrm.selectors import case_list_for_user
from tests.children.helpers import bring_back, child_case, name, place, report
from tests.security.helpers import Api, web

pytestmark = pytest.mark.django_db


def assess(world, case, actor=None, **data):
    body = {"assessed_on": timezone.localdate(), "assessed_by": "HILLINGDON", "assessed_age": 19, **data}
    return age_assessment_record(actor=actor or world.children, case=case, data=AgeAssessmentIn(**body))


def fresh(case) -> Case:
    return Case.objects.select_related("referral").get(pk=case.pk)


def in_scope(user, case) -> bool:
    return Case.objects.filter(case_scope_q(user), pk=case.pk).exists()


# --- a child assessed as an adult --------------------------------------------------------------


def test_a_child_assessed_as_an_adult_who_consents_becomes_an_adults_case_and_the_local_authority_loses_it(kids):
    case = child_case(kids)
    name(kids, case, kids.keyworker)
    assert in_scope(kids.children, case) and kids.children.has_perm("children.view_record", case)
    a = assess(kids, case, claimed_age=16, assessed_age=19, adult_consent="given")
    case = fresh(case)
    ref = case.referral
    assert (ref.under_18, ref.consent, ref.is_child) == ("no", "given", False)
    assert case.status == workflow.REFERRED, "the case carries on"
    # routing and permissions follow: the local authority's children's services lose the case
    assert not in_scope(kids.children, case) and not kids.children.has_perm("nrm.view_case", case)
    assert not kids.children.has_perm("children.view_record", case)
    assert in_scope(kids.decider, case) and kids.decider.has_perm("children.view_record", case)
    assert case.pk not in list(case_list_for_user(user=kids.keyworker).values_list("pk", flat=True))
    # the named person's appointment ends on the assessment date
    np = NamedPerson.objects.get(case=case)
    assert (np.ended_on, np.end_reason) == (a.assessed_on, "assessed_adult")
    # history: the assessment row and the referral's own history keep what was before
    assert (a.outcome, a.under_18_before, a.under_18_after, a.consent_before, a.consent_after) == (
        "adult", "yes", "no", "not_required", "given")
    assert a.local_authority_before.code == "HILLINGDON" and a.rule_version == "children.age_of_majority@1991-10-14"
    assert list(Referral.history.filter(id=ref.pk).order_by("history_date").values_list("under_18", flat=True)) == [
        "yes", "no"]


def test_a_child_assessed_as_an_adult_who_does_not_consent_has_the_case_withdrawn(kids):
    case = child_case(kids)
    assess(kids, case, adult_consent="refused")
    case = fresh(case)
    assert case.status == workflow.WITHDRAWN and case.withdrawal_reason == "adult_no_consent"
    assert case.referral.consent == "refused"
    step = CaseTransition.objects.filter(case=case).last()
    assert (step.action, step.from_status, step.to_status, step.reason_code) == (
        "withdraw", workflow.REFERRED, workflow.WITHDRAWN, "adult_no_consent")


def test_an_open_case_cannot_become_an_adults_without_the_consent_answer(kids):
    case = child_case(kids)
    with pytest.raises(ValidationFailed) as exc:
        assess(kids, case)
    assert "adult_consent" in exc.value.fields
    assert fresh(case).referral.under_18 == "yes" and not AgeAssessment.objects.exists()


def test_a_closed_case_needs_no_consent_answer(kids):
    """Nothing is left to consent to once the case is closed: the assessment is recorded as it is."""
    case = child_case(kids)
    Case.objects.filter(pk=case.pk).update(status=workflow.IDENTIFIED)
    a = assess(kids, fresh(case))
    assert a.adult_consent == "" and fresh(case).referral.under_18 == "no" and fresh(case).status == workflow.IDENTIFIED


def test_an_adult_outcome_is_refused_while_the_child_is_missing(kids):
    case = child_case(kids)
    episode, _ = report(kids, case)
    with pytest.raises(TransitionRefused, match="reported missing: record their return first"):
        assess(kids, case, adult_consent="given")
    bring_back(kids, case, episode)
    assess(kids, case, adult_consent="given")
    assert not fresh(case).referral.is_child


def test_an_adult_outcome_is_refused_while_the_child_is_in_a_care_placement(kids):
    case = child_case(kids)
    place(kids, case)
    with pytest.raises(TransitionRefused, match="care placement: end the placement first"):
        assess(kids, case, adult_consent="given")
    assert fresh(case).referral.is_child


def test_an_adult_outcome_is_refused_when_an_exact_date_of_birth_says_under_18(kids):
    dob = (timezone.localdate() - dt.timedelta(days=16 * 366)).isoformat()
    case = child_case(kids, date_of_birth=dob, dob_precision="exact")
    with pytest.raises(TransitionRefused, match="date of birth"):
        assess(kids, case, adult_consent="given")


def test_an_age_not_sure_assessed_as_a_child_is_settled_as_a_child(kids):
    case = child_case(kids, under_18="not_sure")
    a = assess(kids, case, assessed_age=15)
    case = fresh(case)
    assert (a.outcome, case.referral.under_18, case.referral.consent) == ("child", "yes", "not_required")
    assert in_scope(kids.children, case)


# --- an adult assessed as a child --------------------------------------------------------------


def test_an_adult_assessed_as_a_child_needs_a_local_authority_and_then_it_leads(kids):
    case = kids.case()  # an adult who consented
    assert not in_scope(kids.children, case)
    with pytest.raises(NotAllowed):  # the local authority cannot see an adult's case
        assess(kids, case, assessed_age=16)
    with pytest.raises(ValidationFailed) as exc:
        assess(kids, case, actor=kids.decider, assessed_age=16)
    assert "local_authority" in exc.value.fields
    a = assess(kids, case, actor=kids.decider, assessed_age=16, local_authority="HILLINGDON")
    case = fresh(case)
    assert (case.referral.under_18, case.referral.consent, case.referral.local_authority.code) == (
        "yes", "not_required", "HILLINGDON")
    assert in_scope(kids.children, case) and kids.children.has_perm("children.keep_record", case)
    assert not in_scope(kids.cardiff, case)
    assert (a.outcome, a.consent_before, a.consent_after, a.local_authority_before) == ("child", "given", "not_required", None)


def test_reasons_for_children_only_follow_the_assessed_age(kids):
    """A reason that applies only to a child is refused on an adult's case and accepted once it is a child's."""
    case = kids.case()
    from palermo.nrm.schemas import DecisionIn
    from palermo.nrm.services import decision_record

    with pytest.raises(ValidationFailed):
        decision_record(actor=kids.decider, case=case, data=DecisionIn(
            kind="reasonable_grounds", outcome="positive", decided_on=case.referral.received_on,
            reason_codes=["child_no_means_needed"]))
    assess(kids, case, actor=kids.decider, assessed_age=15, local_authority="HILLINGDON")
    decision_record(actor=kids.decider, case=fresh(case), data=DecisionIn(
        kind="reasonable_grounds", outcome="positive", decided_on=case.referral.received_on,
        reason_codes=["child_no_means_needed"]))


# --- routing follows ---------------------------------------------------------------------------


def test_the_competent_authority_stays_when_no_dated_rule_routes_by_age(kids):
    case = child_case(kids)
    a = assess(kids, case, adult_consent="given")
    assert fresh(case).competent_authority.code == "SCA"
    assert a.competent_authority_before == a.competent_authority_after


def test_an_open_case_is_re_routed_when_the_dated_rule_routes_by_age(kids, monkeypatch):
    """A rule in force on the referral date that sends adults to the IECA: an open child's case
    assessed as an adult moves there (and the IECA's decision maker now decides it)."""
    from palermo.nrm import routing

    real = routing.parameter_at

    def rule(pid, on, **kw):
        if pid == "nrm.routing":
            return ParameterValue(pid, {"rules": [{"if": "adult", "authority": "IECA"}], "default": "SCA"},
                                  dt.date(2021, 11, 1), None, (), "routing")
        return real(pid, on, **kw)

    case = child_case(kids)
    monkeypatch.setattr(routing, "parameter_at", rule)
    a = assess(kids, case, adult_consent="given")
    case = fresh(case)
    assert case.competent_authority.code == "IECA" and case.routing_version == "nrm.routing@2021-11-01:adult"
    assert (a.competent_authority_before.code, a.competent_authority_after.code) == ("SCA", "IECA")
    assert kids.decider_ieca.has_perm("nrm.decide_case", case) and not kids.decider.has_perm("nrm.decide_case", case)


# --- order, dates and who may assess -----------------------------------------------------------


def test_assessments_are_recorded_in_date_order_and_never_in_the_future_or_before_the_referral(kids):
    case = child_case(kids)
    today = timezone.localdate()
    assess(kids, case, assessed_age=15, assessed_on=today - dt.timedelta(days=1))
    with pytest.raises(TransitionRefused, match="in the order"):
        assess(kids, case, assessed_age=15, assessed_on=today - dt.timedelta(days=2))
    with pytest.raises(ValidationFailed):
        assess(kids, case, assessed_age=15, assessed_on=today + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        assess(kids, case, assessed_age=15, assessed_on=case.referral.received_on - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        assess(kids, case, assessed_age=15, assessed_by="MET")  # a police force does not assess age


@pytest.mark.parametrize("who", ["responder", "reviewer", "cardiff", "support", "intel", "analyst", "monitor", "admin"])
def test_only_the_lead_local_authority_or_the_deciding_authority_records_an_assessment(kids, who):
    case = child_case(kids)
    with pytest.raises(NotAllowed):
        assess(kids, case, actor=getattr(kids, who), assessed_age=15)


def test_the_api_and_the_page_record_the_same_assessment(kids):
    case = child_case(kids)
    resp = Api(kids.children).post(f"/children/cases/{case.pk}/age-assessments", {
        "assessed_on": timezone.localdate().isoformat(), "assessed_by": "HILLINGDON", "assessed_age": 20,
        "adult_consent": "given"})
    assert resp.status_code == 201, resp.content
    assert resp.json() == {"case_id": case.pk, "child": False, "status": workflow.REFERRED}  # no longer theirs to see
    adult = kids.case()
    today = timezone.localdate()
    page = web(kids.decider).post(f"/children/cases/{adult.pk}/age-assessment/", {
        "assessed_on-day": today.day, "assessed_on-month": today.month, "assessed_on-year": today.year,
        "assessed_by": "HILLINGDON", "claimed_age": "", "assessed_age": "14", "local_authority": "HILLINGDON"})
    assert page.status_code == 302 and page["Location"] == f"/children/cases/{adult.pk}/"
    assert fresh(adult).referral.is_child


def test_the_page_says_what_is_missing_in_govuk_words(kids):
    case = child_case(kids)
    today = timezone.localdate()
    page = web(kids.children).post(f"/children/cases/{case.pk}/age-assessment/", {
        "assessed_on-day": today.day, "assessed_on-month": today.month, "assessed_on-year": today.year,
        "assessed_by": "HILLINGDON", "assessed_age": "19"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Select whether the person consents to stay in the NRM" in html and "govuk-error-summary" in html


def test_the_persons_assessed_age_is_stored_as_their_youngest_possible_age_on_the_referral_date(kids):
    """Retention keeps a child's record until they are 18, counted from the age on the referral
    date: the assessment must never make them older than they could have been."""
    case = child_case(kids)
    Referral.objects.filter(pk=case.referral_id).update(received_on=timezone.localdate() - dt.timedelta(days=400))
    assess(kids, fresh(case), assessed_age=16, claimed_age=15)
    person = fresh(case).referral.person
    assert (person.assessed_age, person.claimed_age) == (14, 13)


@given(born=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2020, 12, 31)),
       gap=st.integers(min_value=0, max_value=3000), lag=st.integers(min_value=0, max_value=3000))
def test_youngest_age_at_the_referral_never_exceeds_the_true_age(born, gap, lag):
    """For anyone born on ``born``, referred ``gap`` days later and assessed ``lag`` days after
    that at their true age, the stored age is never more than their true age on the referral date,
    and at most one year less."""
    referred = born + dt.timedelta(days=gap)
    assessed = referred + dt.timedelta(days=lag)

    def age(on):
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    stored = _youngest_age_at(age=age(assessed), on=assessed, at=referred)
    assert age(referred) - 1 <= stored <= age(referred)
