"""Differentially private counts: the privacy budget of each year's referrals is spent by each
release and refuses one it cannot pay for; every release is recorded with its epsilon, its query
and its noisy result; every key of a public key set is released."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.core.models import AuditEvent
from palermo.nrm import workflow
from palermo.releases import services
from palermo.releases.dp import DIMENSIONS, NoisyTable, rows_per_person
from palermo.releases.models import PrivacyBudget, PrivateRelease

from .helpers import facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def quick_noise(monkeypatch):
    """The budget accounting without OpenDP's second or so a release: a stand-in table (the
    real mechanism is tested below)."""
    def table(facts, dim, *, epsilon):
        return NoisyTable(rows=[{"key": k, "label": str(v), "count": 0} for k, v in dim.keys()],
                          scale=dim.contributions / epsilon, accuracy=1.0, mechanism="stand-in")

    monkeypatch.setattr(services, "noisy_counts", table)


def _release(user, eps, year=2010, dimension="status"):
    return services.private_release_create(actor=user, year=year, dimension=dimension, epsilon=eps)


def test_releases_spend_the_budget_exactly_and_one_it_cannot_pay_for_is_refused(world, quick_noise):
    """2.0 a year: 0.5 + 0.5 + 0.7 leaves 0.3 (exactly: decimals, not floats); 0.5 is then
    refused and audited, nothing recorded; 0.3 spends the rest; then nothing more."""
    world.case()  # a case this year; 2010 has none, which is still a dataset
    for eps in ("0.5", "0.5", "0.7"):
        _release(world.analyst, eps)
    budget = PrivacyBudget.objects.get(year=2010)
    assert budget.spent_epsilon == Decimal("1.7") and budget.remaining_epsilon == Decimal("0.3")
    with pytest.raises(TransitionRefused, match="0.3 of 2 is left and it needs 0.5"):
        _release(world.analyst, "0.5")
    assert PrivateRelease.objects.count() == 3
    refused = AuditEvent.objects.get(action="release.private_refused")
    assert refused.detail == {"dataset": "nrm_referrals_2010", "dimension": "status", "epsilon": "0.5000",
                              "remaining": "0.3000"}
    _release(world.analyst, "0.3")
    budget.refresh_from_db()
    assert budget.spent_epsilon == budget.total_epsilon == Decimal("2.0")
    with pytest.raises(TransitionRefused):
        _release(world.analyst, "0.01")
    assert AuditEvent.objects.filter(action="release.private").count() == 4


def test_each_year_has_a_budget_of_its_own(world, quick_noise):
    _release(world.analyst, "1.0", year=2010)
    _release(world.analyst, "1.0", year=2010)
    _release(world.analyst, "1.0", year=2011)
    assert {b.year: b.spent_epsilon for b in PrivacyBudget.objects.all()} == {2010: Decimal("2.0"), 2011: Decimal("1.0")}


def test_a_release_records_its_epsilon_query_and_noisy_result_for_every_public_key(world):
    world.case()
    release = _release(world.analyst, "0.5", year=dt.date.today().year)
    keys = [k for k, _ in workflow.STATUS_CHOICES]
    assert [r["key"] for r in release.result] == keys == release.query["keys"]  # categories with no case too
    assert all(isinstance(r["count"], int) for r in release.result)
    assert release.epsilon == Decimal("0.5") and release.query["privacy_unit"] == "person"
    # integer Laplace with scale = rows one person may add / epsilon
    assert release.query["scale"] == pytest.approx(DIMENSIONS["status"].contributions / 0.5)
    assert release.query["mechanism"] == "Integer Laplace" and release.accuracy > 0


def test_only_analysts_make_releases_and_epsilon_is_bounded(world, quick_noise):
    for user in (world.monitor, world.decider, world.responder, world.admin):
        with pytest.raises(NotAllowed):
            _release(user, "0.5")
    for bad in ("0", "1.5", "-1", "lots", "NaN"):
        with pytest.raises(ValidationFailed):
            _release(world.analyst, bad)
    with pytest.raises(ValidationFailed):
        _release(world.analyst, "0.5", dimension="name")
    with pytest.raises(ValidationFailed):
        _release(world.analyst, "0.5", year=2008)
    assert not PrivacyBudget.objects.filter(spent_epsilon__gt=0).exists()


def test_the_database_refuses_a_spend_beyond_the_total(world):
    budget = services.privacy_budget_open(year=2010)
    with pytest.raises(IntegrityError), transaction.atomic():
        PrivacyBudget.objects.filter(pk=budget.pk).update(spent_epsilon=Decimal("2.0001"))


def test_a_stale_read_of_the_budget_cannot_overspend_it(world, monkeypatch, quick_noise):
    """If the ledger row were read without its lock while another release spent the budget,
    the conditional update still refuses the second spend."""
    budget = services.privacy_budget_open(year=2010)
    stale = PrivacyBudget.objects.get(pk=budget.pk)
    PrivacyBudget.objects.filter(pk=budget.pk).update(spent_epsilon=Decimal("1.8"))

    class Stale:
        def get(self, **kw):
            return stale

    monkeypatch.setattr(PrivacyBudget.objects, "select_for_update", lambda: Stale())
    with pytest.raises(TransitionRefused):
        _release(world.analyst, "0.5")
    budget.refresh_from_db()
    assert budget.spent_epsilon == Decimal("1.8") and PrivateRelease.objects.count() == 0


def test_each_person_adds_at_most_the_bound_of_rows():
    """A person referred three times in the year counts at most twice in a table of statuses
    (their earliest referrals), so the noise covers everything one person can change."""
    three = facts(3, person_start=0)
    for f in three:
        f.person_id = 42
    others = facts(2, start=10)
    assert len(rows_per_person(three + others, DIMENSIONS["status"])) == 2 + 2
    many_types = facts(1, types=("labour", "sexual", "criminal", "domestic_servitude", "organ_harvesting"))
    assert len(rows_per_person(many_types, DIMENSIONS["exploitation_type"])) == DIMENSIONS["exploitation_type"].contributions


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="row locks are a PostgreSQL matter; SQLite takes its single write lock at BEGIN IMMEDIATE")
def test_simultaneous_releases_cannot_overspend_and_wait_for_the_ledger_row(world, quick_noise):
    """Six analysts' releases of 0.5 at the same moment on a budget of 2.0: exactly four are
    made, and the two refused ones saw the budget already spent (they waited for the lock
    rather than reading it stale)."""
    budget = services.privacy_budget_open(year=2010)
    start = threading.Barrier(6)
    outcomes: list[str] = []

    def release():
        try:
            start.wait(timeout=30)
            _release(world.analyst, "0.5")
            outcomes.append("made")
        except TransitionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=release) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(outcomes) == ["made"] * 4 + ["refused"] * 2
    budget.refresh_from_db()
    assert budget.spent_epsilon == Decimal("2.0") and PrivateRelease.objects.count() == 4
    refused = AuditEvent.objects.filter(action="release.private_refused")
    assert [e.detail["remaining"] for e in refused] == ["0.0000", "0.0000"]
