"""Property test of the NRM workflow through the services: any sequence of attempted steps, by
any of the people involved, keeps the case in a state the table allows; a refused step changes
nothing; a negative decision never takes effect without a second person."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.nrm import services, workflow
from palermo.nrm.models import Case, CaseTransition, Decision
from palermo.nrm.schemas import DecisionIn, ReviewIn, WithdrawIn

pytestmark = pytest.mark.django_db

STEPS = ["rg_positive", "rg_negative", "cg_positive", "cg_negative", "review_agree", "review_return",
         "reconsider_accept", "reconsider_refuse", "withdraw"]
ACTORS = ["decider", "decider2", "reviewer", "responder", "responder_other"]


class _Rollback(Exception):
    pass


def _attempt(world, case, step, actor, today):
    user = getattr(world, actor)
    if step.startswith(("rg_", "cg_")):
        kind = "reasonable_grounds" if step.startswith("rg") else "conclusive_grounds"
        outcome = step.split("_")[1]
        on = max(case.cg_earliest or case.referral.received_on, case.referral.received_on)
        on = min(on, today)
        reasons = ["credible_account"] if outcome == "positive" else ["credibility"]
        return services.decision_record(actor=user, case=case, data=DecisionIn(
            kind=kind, outcome=outcome, decided_on=on, reason_codes=reasons))
    if step.startswith("reconsider_"):
        outcome = "positive" if step.endswith("accept") else "negative"
        return services.decision_record(actor=user, case=case, data=DecisionIn(
            kind="reconsideration", outcome=outcome, decided_on=today,
            reason_codes=["new_evidence"] if outcome == "positive" else ["no_grounds"]))
    if step.startswith("review_"):
        pending = case.decisions.filter(state="awaiting_review").first()
        if pending is None:
            raise TransitionRefused("nothing to review")
        return services.decision_review(actor=user, decision=pending, data=ReviewIn(
            agree=step.endswith("agree"), reviewed_on=today, note="" if step.endswith("agree") else "Look again"))
    return services.case_withdraw(actor=user, case=case, data=WithdrawIn(reason_code="missing", withdrawn_on=today))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(attempts=st.lists(st.tuples(st.sampled_from(STEPS), st.sampled_from(ACTORS)), min_size=1, max_size=10))
def test_any_sequence_of_steps_keeps_the_case_consistent(world, attempts):
    today = timezone.localdate()
    try:
        with transaction.atomic():
            case = world.case(received_on=(today - dt.timedelta(days=200)).isoformat())
            for step, actor in attempts:
                case = Case.objects.get(pk=case.pk)
                before = (case.status, CaseTransition.objects.filter(case=case).count(),
                          Decision.objects.filter(case=case).count())
                try:
                    _attempt(world, case, step, actor, today)
                except (TransitionRefused, NotAllowed, ValidationFailed):
                    case = Case.objects.get(pk=case.pk)
                    after = (case.status, CaseTransition.objects.filter(case=case).count(),
                             Decision.objects.filter(case=case).count())
                    assert after == before, f"refused {step} by {actor} changed the case"
                    continue
                case = Case.objects.get(pk=case.pk)
                assert case.status in workflow.STATUS_LABELS
            # Every recorded transition is one the table allows, chained from 'referred'.
            status = ""
            for t in CaseTransition.objects.filter(case=case).order_by("id"):
                assert t.from_status == status
                if t.action != "refer":
                    assert workflow.TRANSITIONS[(t.from_status, t.action)] == t.to_status
                status = t.to_status
            assert status == case.status
            # A negative decision in effect was agreed by someone other than its maker.
            for d in Decision.objects.filter(case=case, outcome="negative", state="effective").exclude(kind="reconsideration"):
                assert d.reviewed_by_id and d.reviewed_by_id != d.decided_by_id
            # Only the routed authority's decision makers decided; only its reviewers reviewed.
            assert set(Decision.objects.filter(case=case).values_list("decided_by__username", flat=True)) <= {
                world.decider.username, world.decider2.username}
            raise _Rollback
    except _Rollback:
        pass
