"""Every workflow step and every refusal, through the services."""

import datetime as dt

import pytest
from django.utils import timezone

from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.core.models import AuditEvent
from palermo.nrm import services, workflow
from palermo.nrm.models import Case, CaseTransition, DutyToNotify, Referral
from palermo.nrm.schemas import DecisionIn, ReferralIn, WithdrawIn
from tests.factories import referral_payload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def old_case(world, days_ago=120, **kw):
    return world.case(received_on=(TODAY() - dt.timedelta(days=days_ago)).isoformat(), **kw)


def cg(world, case, outcome="positive", on=None, actor=None):
    return services.decision_record(
        actor=actor or world.decider, case=case,
        data=DecisionIn(kind="conclusive_grounds", outcome=outcome, decided_on=on or case.cg_earliest,
                        reason_codes=["credible_account"] if outcome == "positive" else ["credibility"]),
    )


def reconsider(world, case, outcome, on=None):
    return services.decision_record(
        actor=world.decider, case=case,
        data=DecisionIn(kind="reconsideration", outcome=outcome, decided_on=on or TODAY(),
                        reason_codes=["new_evidence"] if outcome == "positive" else ["no_grounds"]),
    )


def test_adult_referral_with_consent_opens_a_case_routed_and_due(world):
    referral = world.refer()
    case = referral.case
    assert case.status == workflow.REFERRED
    assert case.competent_authority.code == "SCA"
    assert case.rg_due > referral.received_on
    assert case.rg_due_version.startswith("nrm.rg_target_working_days@")
    assert referral.person.nationalities == ["VNM"]
    assert AuditEvent.objects.filter(action="referral.create", object_id=str(referral.pk)).exists()


def test_child_needs_no_consent_but_a_local_authority(world):
    with pytest.raises(ValidationFailed) as err:
        world.refer(under_18="yes", consent="not_required", age_at_exploitation="child")
    assert "local_authority" in err.value.fields
    case = world.case(under_18="not_sure", consent="not_required", local_authority="HILLINGDON")
    assert case.referral.is_child


def test_a_child_cannot_refuse_consent(world):
    with pytest.raises(ValidationFailed) as err:
        world.refer(under_18="yes", consent="refused", local_authority="HILLINGDON")
    assert "consent" in err.value.fields


def test_adult_without_consent_gives_an_anonymous_duty_to_notify_not_a_case(world):
    referral = world.refer(consent="refused", anonymous=True, person=None)
    assert not Case.objects.filter(referral=referral).exists()
    dtn = DutyToNotify.objects.get(referral=referral)
    assert dtn.anonymous and referral.person is None
    assert dtn.reference.startswith("DTN-")


def test_adult_must_consent_or_be_a_duty_to_notify(world):
    with pytest.raises(ValidationFailed) as err:
        world.refer(consent="not_required")
    assert "consent" in err.value.fields


def test_only_first_responders_refer(world):
    for user in (world.decider, world.analyst, world.admin, world.support, world.children):
        with pytest.raises(NotAllowed):
            world.refer(actor=user)
    assert Referral.objects.count() == 0


def test_referral_rules_report_every_field_and_write_nothing(world):
    future = (TODAY() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as err:
        world.refer(received_on=future, exploitation_types=["juggling"], exploitation_location="overseas",
                    police_force_area="atlantis")
    assert set(err.value.fields) >= {"received_on", "exploitation_types", "exploitation_country", "police_force_area"}
    assert Referral.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_unknown_nationality_is_named():
    with pytest.raises(ValueError, match="Narnia"):
        ReferralIn.model_validate(referral_payload(person={"family_name": "X", "nationalities": ["Narnia"]}))


def test_positive_rg_opens_the_recovery_period_with_dated_rules(world):
    case = old_case(world)
    world.rg(case)
    case.refresh_from_db()
    assert case.status == workflow.RECOVERY_PERIOD
    assert case.recovery_period_min_end - case.recovery_period_start >= dt.timedelta(days=30)
    assert case.cg_earliest and case.cg_earliest_version.startswith("nrm.cg_earliest_days_after_rg@")


def test_cg_is_refused_before_the_recovery_period_allows(world):
    case = old_case(world, days_ago=10)
    world.rg(case)
    case.refresh_from_db()
    with pytest.raises(TransitionRefused, match="recovery period"):
        cg(world, case, on=TODAY())
    case.refresh_from_db()
    assert case.status == workflow.RECOVERY_PERIOD


def test_full_positive_path_to_identified(world):
    case = old_case(world)
    world.rg(case)
    case.refresh_from_db()
    cg(world, case)
    case.refresh_from_db()
    assert case.status == workflow.IDENTIFIED and case.cg_decided_on == case.cg_earliest
    actions = list(CaseTransition.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["refer", "rg_positive", "cg_positive"]


def test_negative_rg_waits_for_a_second_person(world):
    case = old_case(world)
    decision = world.rg(case, "negative")
    case.refresh_from_db()
    assert case.status == workflow.RG_REVIEW and decision.state == "awaiting_review"
    with pytest.raises(TransitionRefused, match="your own decision"):
        _self_review(world, decision)
    world.review(decision, agree=True)
    case.refresh_from_db()
    assert case.status == workflow.RG_NEGATIVE and case.reconsideration_deadline


def _self_review(world, decision):
    # A decision maker who also holds the reviewer role still cannot review their own decision.
    from palermo.accounts.models import Membership

    Membership.objects.create(user=world.decider, organisation=world.orgs["SCA"], role="reviewer")
    world.decider._palermo_roles = None
    return world.review(decision, actor=world.decider)


def test_reviewer_can_return_a_negative_decision_with_a_reason(world):
    case = old_case(world)
    decision = world.rg(case, "negative")
    with pytest.raises(ValidationFailed):
        world.review(decision, agree=False, note=" ")
    world.review(decision, agree=False, note="Indicators not considered")
    case.refresh_from_db()
    decision.refresh_from_db()
    assert case.status == workflow.REFERRED and decision.state == "returned"
    world.rg(case, "positive")  # a fresh decision can now be made


def test_only_a_reviewer_at_the_routed_authority_reviews(world):
    case = old_case(world)
    decision = world.rg(case, "negative")
    for user in (world.decider2, world.responder, world.decider_ieca):
        with pytest.raises(NotAllowed):
            world.review(decision, actor=user)


def test_a_decision_cannot_be_reviewed_twice(world):
    case = old_case(world)
    decision = world.rg(case, "negative")
    world.review(decision)
    with pytest.raises(TransitionRefused):
        world.review(decision)


def test_negative_cg_then_review_then_reconsideration_reopens(world):
    case = old_case(world)
    world.rg(case)
    case.refresh_from_db()
    d = cg(world, case, "negative")
    case.refresh_from_db()
    assert case.status == workflow.CG_REVIEW
    world.review(d, on=case.cg_earliest + dt.timedelta(days=1))
    case.refresh_from_db()
    assert case.status == workflow.NOT_IDENTIFIED
    reconsider(world, case, "negative")
    case.refresh_from_db()
    assert case.status == workflow.NOT_IDENTIFIED
    reconsider(world, case, "positive")
    case.refresh_from_db()
    assert case.status == workflow.RECOVERY_PERIOD


def test_reconsideration_refused_outside_its_window(world):
    case = old_case(world, days_ago=400)
    d = world.rg(case, "negative")
    world.review(d)
    case.refresh_from_db()
    late = case.reconsideration_deadline + dt.timedelta(days=1)
    assert late <= TODAY()
    with pytest.raises(TransitionRefused, match="window closed"):
        reconsider(world, case, "positive", on=late)


def test_reconsideration_only_of_a_negative_outcome(world):
    case = old_case(world)
    with pytest.raises(TransitionRefused, match="reconsideration"):
        reconsider(world, case, "positive")


@pytest.mark.parametrize("status_path", ["identified", "withdrawn"])
def test_closed_cases_refuse_every_decision(world, status_path):
    case = old_case(world)
    if status_path == "identified":
        world.rg(case)
        case.refresh_from_db()
        cg(world, case)
    else:
        services.case_withdraw(actor=world.responder, case=case, data=WithdrawIn(reason_code="missing", withdrawn_on=TODAY()))
    case.refresh_from_db()
    before = (case.status, CaseTransition.objects.filter(case=case).count())
    for kind in ("reasonable_grounds", "conclusive_grounds"):
        with pytest.raises(TransitionRefused):
            services.decision_record(actor=world.decider, case=case, data=DecisionIn(
                kind=kind, outcome="positive", decided_on=TODAY(), reason_codes=["credible_account"]))
    with pytest.raises(TransitionRefused):
        services.case_withdraw(actor=world.decider, case=case, data=WithdrawIn(reason_code="missing", withdrawn_on=TODAY()))
    case.refresh_from_db()
    assert (case.status, CaseTransition.objects.filter(case=case).count()) == before


def test_rg_twice_is_refused_with_a_reason(world):
    case = old_case(world)
    world.rg(case)
    case.refresh_from_db()
    with pytest.raises(TransitionRefused, match="recovery period"):
        world.rg(case)


def test_decision_dates_are_checked(world):
    case = old_case(world, days_ago=5)
    with pytest.raises(ValidationFailed):
        world.rg(case, on=TODAY() + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        world.rg(case, on=case.referral.received_on - dt.timedelta(days=1))


def test_reasons_must_be_known_and_fit_the_outcome(world):
    case = old_case(world)
    with pytest.raises(ValidationFailed, match="Unknown"):
        services.decision_record(actor=world.decider, case=case, data=DecisionIn(
            kind="reasonable_grounds", outcome="positive", decided_on=TODAY(), reason_codes=["vibes"]))
    with pytest.raises(ValidationFailed, match="fit"):
        services.decision_record(actor=world.decider, case=case, data=DecisionIn(
            kind="reasonable_grounds", outcome="positive", decided_on=TODAY(), reason_codes=["no_means"]))


def test_only_the_routed_authority_decides(world):
    case = old_case(world)
    for user in (world.decider_ieca, world.responder, world.reviewer, world.children, world.admin):
        with pytest.raises(NotAllowed):
            world.rg(case, actor=user)


def test_withdrawal_by_the_referring_organisation_only(world):
    case = old_case(world)
    with pytest.raises(NotAllowed):
        services.case_withdraw(actor=world.responder_other, case=case, data=WithdrawIn(reason_code="missing", withdrawn_on=TODAY()))
    with pytest.raises(ValidationFailed):
        services.case_withdraw(actor=world.responder, case=case, data=WithdrawIn(reason_code="bored", withdrawn_on=TODAY()))
    services.case_withdraw(actor=world.responder, case=case, data=WithdrawIn(reason_code="left_uk", withdrawn_on=TODAY()))
    case.refresh_from_db()
    assert case.status == workflow.WITHDRAWN and case.withdrawal_reason == "left_uk"


def test_a_refused_step_writes_no_audit_event(world):
    case = old_case(world)
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionRefused):
        cg(world, case, on=TODAY())
    assert AuditEvent.objects.count() == before


def test_every_transition_in_the_table_is_reachable_by_a_service():
    """The workflow table names only actions the services implement."""
    implemented = {"rg_positive", "rg_negative", "cg_positive", "cg_negative", "review_agree", "review_return",
                   "reconsider_accept", "reconsider_refuse", "withdraw"}
    assert {a for (_, a) in workflow.TRANSITIONS} == implemented
    for status, _ in workflow.STATUS_CHOICES:
        for action in implemented:
            if (status, action) not in workflow.TRANSITIONS:
                with pytest.raises(TransitionRefused):
                    workflow.next_status(status, action)


def test_a_withdrawal_note_is_kept_encrypted_and_shown_only_with_identity(world):
    from django.db import connection
    from django.test import Client

    case = old_case(world)
    services.case_withdraw(actor=world.responder, case=case, data=WithdrawIn(
        reason_code="person_withdrew", withdrawn_on=TODAY(), note="Moved to a cousin's house in Leeds (synthetic)"))
    t = CaseTransition.objects.get(case=case, action="withdraw")
    assert t.note.startswith("Moved to a cousin")
    with connection.cursor() as cur:
        cur.execute("SELECT note FROM nrm_casetransition WHERE id = %s", [t.pk])
        assert "Leeds" not in cur.fetchone()[0]
    c = Client()
    c.force_login(world.responder)
    assert "Moved to a cousin" in c.get(f"/cases/{case.pk}/").content.decode()


def test_a_child_by_date_of_birth_cannot_be_referred_as_an_adult(world):
    """Safeguarding: consent and local-authority rules must not be skipped for a child."""
    young = (TODAY() - dt.timedelta(days=365 * 16)).isoformat()
    with pytest.raises(ValidationFailed) as err:
        world.refer(person={"given_name": "Ada", "family_name": "Younger", "date_of_birth": young})
    assert "under_18" in err.value.fields
    # A disputed age the other way (adult date of birth, treated as a child) is allowed.
    case = world.case(under_18="not_sure", consent="not_required", local_authority="HILLINGDON")
    assert case.referral.is_child


def test_the_decision_maker_sees_why_a_reviewer_returned_the_decision(world):
    from django.test import Client

    case = old_case(world)
    d = world.rg(case, "negative")
    world.review(d, agree=False, note="The debt bondage indicator was not weighed (synthetic)")
    c = Client()
    c.force_login(world.decider)
    assert "debt bondage indicator was not weighed" in c.get(f"/cases/{case.pk}/").content.decode()
    assert "debt bondage indicator was not weighed" in c.get(f"/cases/{case.pk}/decision/").content.decode()
    other = Client()
    other.force_login(world.analyst)
    assert other.get(f"/cases/{case.pk}/").status_code == 403


def test_a_child_only_reason_is_refused_for_an_adult_and_an_impossible_birth_year_is_refused(world):
    case = old_case(world)
    with pytest.raises(ValidationFailed, match="only to a child"):
        services.decision_record(actor=world.decider, case=case, data=DecisionIn(
            kind="reasonable_grounds", outcome="positive", decided_on=TODAY(), reason_codes=["child_no_means_needed"]))
    with pytest.raises(ValidationFailed) as err:
        world.refer(person={"family_name": "Old", "date_of_birth": "1800-01-01"})
    assert "person.date_of_birth" in err.value.fields
