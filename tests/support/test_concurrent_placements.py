"""Two caseworkers place two people into a provider's last free place at the same moment: exactly
one is placed, the other is refused, and the provider is never over capacity.

Two real transactions on PostgreSQL (two threads, two connections). Each caseworker's transaction
is held, after it has counted the places taken and before it inserts, until the other has counted
too (``services._after_capacity_check``, a seam that does nothing in Palermo). Without the lock on
the provider's row both count one free place and both insert; with it the second waits at the lock
until the first commits, then counts the place taken and is refused. The wait for the other is
bounded (the barrier gives up after a few seconds), so with the lock the test finishes: nothing here
asserts how long anything took."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from palermo.core.exceptions import TransitionRefused
from palermo.support import services
from palermo.support.models import Placement
from palermo.support.schemas import PlacementIn
from tests.factories import make_user
from tests.support.helpers import awaiting_case, providers_ready

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are a PostgreSQL matter; SQLite takes its single write lock at BEGIN IMMEDIATE",
    ),
]


def test_two_caseworkers_placing_the_last_bed_at_once_place_exactly_one(world, monkeypatch):
    providers_ready({"SALVARMY": {"women_only": 1, "men_only": 0, "mixed": 0}})
    second_caseworker = make_user("t.support.2", "support_worker", world.orgs["SALVARMY"])
    first, second = awaiting_case(world), awaiting_case(world)
    both_counted = threading.Barrier(2, timeout=5)

    def hold_until_the_other_has_counted(provider_id, kind):
        try:
            both_counted.wait()
        except threading.BrokenBarrierError:
            pass  # the other is waiting at the provider's lock: it cannot count until we commit

    monkeypatch.setattr(services, "_after_capacity_check", hold_until_the_other_has_counted)
    start = threading.Barrier(2, timeout=30)
    results: list[str] = []

    def place(actor, case):
        try:
            start.wait()
            services.placement_create(actor=actor, case=case, data=PlacementIn(
                provider="SALVARMY", kind="women_only", start_on=timezone.localdate()))
            results.append("placed")
        except TransitionRefused:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=place, args=(world.support, first)),
               threading.Thread(target=place, args=(second_caseworker, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == ["placed", "refused"]
    assert Placement.objects.filter(provider__code="SALVARMY", kind="women_only", end_on__isnull=True).count() == 1
