"""Two decision makers deciding the same case at the same moment: exactly one decision is
recorded, the other is refused with a reason (the case row is locked while it is decided)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from palermo.core.exceptions import TransitionRefused
from palermo.nrm import services, workflow
from palermo.nrm.models import Case, CaseTransition, Decision
from palermo.nrm.schemas import DecisionIn

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are a PostgreSQL matter; SQLite takes its single write lock at BEGIN IMMEDIATE",
    ),
]


def test_simultaneous_decisions_on_one_case_record_exactly_one(world):
    case = world.case()
    start = threading.Barrier(2)
    results: list[str] = []

    def decide(user, outcome):
        try:
            start.wait(timeout=30)
            services.decision_record(actor=user, case=Case.objects.get(pk=case.pk), data=DecisionIn(
                kind="reasonable_grounds", outcome=outcome, decided_on=timezone.localdate(),
                reason_codes=["indicators_present"] if outcome == "positive" else ["no_means"]))
            results.append("recorded")
        except TransitionRefused:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(world.decider, "positive")),
               threading.Thread(target=decide, args=(world.decider2, "negative"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == ["recorded", "refused"]
    assert Decision.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert case.status in {workflow.RECOVERY_PERIOD, workflow.RG_REVIEW}
    assert CaseTransition.objects.filter(case=case).count() == 2
