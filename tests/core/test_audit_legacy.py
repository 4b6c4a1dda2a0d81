"""A database sealed before the keyed chain: its SHA-256 events are kept as they are and still
verify, the upgrade pins their head in a signed legacy anchor, and keyed events after them
cannot be turned back into SHA-256 ones."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from palermo.core.audit import audit_record, audit_seal, audit_verify
from palermo.core.models import AuditEvent, Scheme
from tests.core import chain_attacker as attacker

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("core", "0001_initial")]


@pytest.fixture
def upgraded(audit_anchor_file):
    """Three events sealed with plain SHA-256 by the version before issue 13, then the upgrade."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    prev = attacker.GENESIS
    for i in range(1, 4):
        ev = old.get_model("core", "AuditEvent").objects.create(
            occurred_at=timezone.now(), actor_label="system", action="test.before", object_type="test",
            object_id=str(i), detail={"i": i})
        ev.seq, ev.prev_hash = i, prev
        ev.hash = prev = attacker.sha256(attacker.published_payload(ev, i, prev))
        ev.save()
    old.get_model("core", "AuditChainHead").objects.create(id=1, last_seq=3, last_hash=prev)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    for i in range(2):
        audit_record(actor=None, action="test.after", object_type="test", object_id=i)
    audit_seal()
    return audit_anchor_file


def test_old_events_keep_their_hashes_and_the_upgrade_anchors_their_head(upgraded):
    assert list(AuditEvent.objects.order_by("seq").values_list("scheme", flat=True)) == [Scheme.SHA256] * 3 + [Scheme.HMAC] * 2
    [legacy] = [json.loads(line) for line in upgraded.read_text().splitlines()]
    assert (legacy["kind"], legacy["seq"], legacy["hash"]) == ("legacy", 3, AuditEvent.objects.get(seq=3).hash)
    r = audit_verify()
    assert r.ok and r.checked == 5 and r.legacy == 3 and r.anchors_checked == 1


def test_keyed_events_relabelled_as_old_ones_are_reported(upgraded):
    attacker.rehash(attacker.sha256, start=4, scheme=Scheme.SHA256)
    r = audit_verify()
    assert not r.ok and "no signed legacy anchor covers it" in r.problem
    assert r.first_bad_event_id == AuditEvent.objects.get(seq=4).pk


def test_an_old_event_edited_and_the_old_chain_rehashed_is_reported(upgraded):
    """Before the upgrade this went unnoticed; the legacy anchor and the first keyed event pin it."""
    AuditEvent.objects.filter(seq=2).update(object_id="tampered")
    attacker.rehash(attacker.sha256, start=2)
    r = audit_verify()
    assert not r.ok and r.first_bad_event_id == AuditEvent.objects.get(seq=3).pk
    assert "differs from the one anchored" in r.problem


def test_without_the_anchor_file_from_the_upgrade_old_events_are_not_vouched_for(upgraded):
    upgraded.unlink()
    r = audit_verify()
    assert not r.ok and "pass it with --anchor" in r.problem
