"""Recording applications and decisions: the permit's dates and stored rule versions, renewals,
the refusals (no positive conclusive grounds decision, a second open application, nothing to
decide or renew), bad values, and the audit event each write leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.core.models import AuditEvent
from palermo.law.permits import add_months
from palermo.permits.models import Permit, PermitApplication, PermitDecision
from tests.factories import referral_payload
from tests.permits.helpers import apply, decide, decider_for, granted_permit, identified_case, today

pytestmark = pytest.mark.django_db


def test_a_grant_creates_a_permit_from_the_decision_date_for_the_months_in_force_with_their_versions(world):
    case = identified_case(world)
    app = apply(world, case)
    assert (app.state, app.rules_version) == ("open", "support.residence_permit_eligibility@2023-01-30")
    decision = decide(world, case, on=case.cg_decided_on + dt.timedelta(days=3), text="Synthetic: helping the police")
    permit = decision.permit
    assert permit.starts_on == decision.decided_on
    assert permit.expires_on == add_months(decision.decided_on, 12)
    assert permit.reminder_on == permit.expires_on - dt.timedelta(days=60)
    assert (permit.months_version, permit.reminder_version) == (
        "support.residence_permit_months@2023-01-30", "support.residence_permit_renewal_reminder_days@2009-04-01")
    app.refresh_from_db()
    assert app.state == "decided" and decision.decided_by == world.decider


def test_a_permit_decided_in_the_seed_note_era_follows_the_2009_rules(world):
    person = {**referral_payload()["person"], "date_of_birth": "1980-05-06"}
    case = identified_case(world, received_on=dt.date(2010, 3, 1), person=person)
    assert case.competent_authority.code in {"UKHTC", "UKBA"}
    decider = decider_for(world, case)
    app = apply(world, case, grounds=["personal_circumstances"], actor=decider)
    assert app.rules_version == "support.residence_permit_eligibility@2009-04-01"
    permit = decide(world, case, outcome="granted", reasons=["personal_circumstances"], actor=decider).permit
    assert permit.months_version == "support.residence_permit_months@2009-04-01"


def test_a_renewal_is_a_new_application_linked_to_the_permit_and_continues_from_its_expiry(world):
    case = identified_case(world, received_on=today() - dt.timedelta(days=600))
    first = granted_permit(world, case)
    on = first.expires_on - dt.timedelta(days=20)
    renewal = apply(world, case, renewal=True, on=on)
    assert renewal.renews == first
    second = decide(world, case, on=on + dt.timedelta(days=5)).permit
    assert second.starts_on == first.expires_on
    assert second.expires_on == add_months(first.expires_on, 12)
    assert list(case.permits.order_by("starts_on")) == [first, second]
    assert PermitApplication.objects.filter(case=case).count() == 2  # the history is kept


def test_no_permit_application_without_a_positive_conclusive_grounds_decision(world):
    case = world.case()
    with pytest.raises(TransitionRefused, match="only for a person identified as a victim"):
        apply(world, case, on=today())
    world.rg(case, "positive")
    case.refresh_from_db()
    with pytest.raises(TransitionRefused, match="Recovery period"):
        apply(world, case, on=today())
    assert not PermitApplication.objects.exists()


def test_a_second_open_application_is_refused(world):
    case = identified_case(world)
    apply(world, case)
    with pytest.raises(TransitionRefused, match="is awaiting a decision: record the decision on it first"):
        apply(world, case, grounds=["recovery_from_harm"])
    assert PermitApplication.objects.filter(case=case).count() == 1


def test_the_database_itself_refuses_two_open_applications_on_one_case(world):
    """The constraint behind the service's check (two requests at once)."""
    case = identified_case(world)
    first = apply(world, case)
    with pytest.raises(IntegrityError), transaction.atomic():
        PermitApplication.objects.create(case=case, grounds=first.grounds, applied_on=first.applied_on,
                                         rules_version=first.rules_version, recorded_by=world.decider)


def test_a_new_application_while_a_permit_is_in_force_is_refused_renew_it_instead(world):
    case = identified_case(world)
    permit = granted_permit(world, case)
    with pytest.raises(TransitionRefused, match="A permit is in force until"):
        apply(world, case, on=permit.starts_on + dt.timedelta(days=1))


def test_nothing_to_renew_and_nothing_to_decide_are_refused(world):
    case = identified_case(world)
    with pytest.raises(TransitionRefused, match="There is no permit to renew"):
        apply(world, case, renewal=True)
    with pytest.raises(TransitionRefused, match="no permit application awaiting a decision"):
        _decide_nothing(world, case)


def _decide_nothing(world, case):
    from palermo.permits import services
    from palermo.permits.schemas import PermitDecisionIn

    services.permit_decide(actor=world.decider, case=case, data=PermitDecisionIn(
        outcome="refused", reason_codes=["not_cooperating"], decided_on=today()))


def test_a_renewal_after_the_permit_expired_is_refused_with_a_reason(world):
    case = identified_case(world, received_on=today() - dt.timedelta(days=900))
    permit = granted_permit(world, case)
    with pytest.raises(ValidationFailed) as exc:
        apply(world, case, renewal=True, on=permit.expires_on + dt.timedelta(days=1))
    assert "on or before the day the permit expires" in exc.value.fields["applied_on"]
    # a new application then is possible
    assert apply(world, case, on=permit.expires_on + dt.timedelta(days=1)).renews is None


@pytest.mark.parametrize("grounds,on,ok", [
    (["personal_circumstances"], dt.date(2023, 1, 29), True),
    (["personal_circumstances"], dt.date(2023, 1, 30), False),
    (["recovery_from_harm"], dt.date(2023, 1, 29), False),
    (["recovery_from_harm", "seeking_compensation"], dt.date(2023, 1, 30), True),
])
def test_only_the_grounds_of_the_rules_in_force_on_the_application_date_are_accepted(world, grounds, on, ok):
    case = identified_case(world, received_on=dt.date(2022, 9, 1))
    if ok:
        assert apply(world, case, grounds=grounds, on=on).grounds == grounds
    else:
        with pytest.raises(ValidationFailed) as exc:
            apply(world, case, grounds=grounds, on=on)
        assert exc.value.fields["grounds"].startswith("Select only grounds the rules in force on")


def test_dates_before_the_identification_after_today_or_before_the_application_are_refused(world):
    case = identified_case(world)
    with pytest.raises(ValidationFailed, match="Application before identification"):
        apply(world, case, on=case.cg_decided_on - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed, match="in the future"):
        apply(world, case, on=today() + dt.timedelta(days=1))
    apply(world, case, on=case.cg_decided_on + dt.timedelta(days=2))
    with pytest.raises(ValidationFailed, match="Decision before application"):
        decide(world, case, on=case.cg_decided_on + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed, match="in the future"):
        decide(world, case, on=today() + dt.timedelta(days=1))


def test_reasons_must_be_known_and_fit_the_outcome(world):
    case = identified_case(world)
    apply(world, case)
    with pytest.raises(ValidationFailed) as exc:
        decide(world, case, outcome="refused", reasons=["cooperating_with_investigation"])
    assert exc.value.fields["reason_codes"] == "cooperating_with_investigation cannot be a reason for a refusal"
    with pytest.raises(ValidationFailed, match="Unknown reason code"):
        decide(world, case, outcome="granted", reasons=["no_such_reason"])
    decision = decide(world, case, outcome="refused", reasons=["not_cooperating"])
    assert decision.outcome == "refused" and not Permit.objects.exists()


@pytest.mark.parametrize("who", ["responder", "reviewer", "decider_ieca", "children", "support", "analyst", "admin"])
def test_only_a_decision_maker_at_the_case_s_competent_authority_records_or_decides(world, who):
    case = identified_case(world)
    with pytest.raises(NotAllowed):
        apply(world, case, actor=getattr(world, who))
    apply(world, case)
    with pytest.raises(NotAllowed):
        decide(world, case, actor=getattr(world, who))
    assert not PermitDecision.objects.exists()


def test_each_write_is_audited_with_ids_codes_and_dates_never_the_reference_or_explanation(world):
    case = identified_case(world)
    app = apply(world, case, reference="MET/2024/987654")
    permit = decide(world, case, text="Synthetic explanation Quixoticmarker").permit
    created = AuditEvent.objects.get(action="permit_application.create")
    assert created.object_id == str(app.pk) and created.actor == world.decider
    assert created.detail == {"case_id": case.pk, "grounds": ["cooperation_with_investigation"], "renewal": False,
                              "renews_permit_id": None, "rules_version": app.rules_version,
                              "investigation_reference_recorded": True}
    decided = AuditEvent.objects.get(action="permit.decide")
    assert decided.detail["permit_id"] == permit.pk and decided.detail["expires_on"] == permit.expires_on.isoformat()
    assert decided.detail["outcome"] == "granted" and decided.detail["months_version"] == permit.months_version
    text = str(created.detail) + str(decided.detail)
    assert "987654" not in text and "Quixoticmarker" not in text


def test_a_refused_write_leaves_nothing_behind(world):
    """One transaction: a refusal after the checks began writes no row and no event."""
    case = identified_case(world)
    apply(world, case)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        decide(world, case, outcome="granted", reasons=["not_cooperating"])
    assert AuditEvent.objects.count() == before and not PermitDecision.objects.exists()


def test_the_investigation_reference_and_explanation_are_encrypted_at_rest(world):
    from django.db import connection

    case = identified_case(world)
    apply(world, case, reference="MET/2024/555111")
    decide(world, case, text="Synthetic explanation Zanzibarmarker")
    with connection.cursor() as cur:
        cur.execute("SELECT investigation_reference FROM permits_permitapplication")
        assert "555111" not in cur.fetchone()[0]
        cur.execute("SELECT reason_text FROM permits_permitdecision")
        assert "Zanzibarmarker" not in cur.fetchone()[0]
    assert PermitApplication.objects.get().investigation_reference == "MET/2024/555111"


def test_once_a_renewal_is_granted_the_person_is_covered_until_its_expiry_and_no_new_application_is_taken(world):
    """The renewal starts later than today: no gap to apply into, and the record shows both."""
    from palermo.permits.selectors import permit_record_for_user

    case = identified_case(world, received_on=today() - dt.timedelta(days=360))
    first = granted_permit(world, case)
    apply(world, case, renewal=True, on=today())
    second = decide(world, case, on=today()).permit
    assert second.starts_on == first.expires_on > today()
    with pytest.raises(TransitionRefused, match="A permit is in force until"):
        apply(world, case, on=today())
    record = permit_record_for_user(user=world.decider, case=case)
    assert (record.current, record.upcoming, record.in_force) == (first, second, True)
    assert not record.can_apply and not record.can_renew and not record.due_for_renewal
