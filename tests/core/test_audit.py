"""The audit chain: every change and access is recorded; tampering is detected and named."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from palermo.core.audit import audit_record, audit_seal, audit_verify
from palermo.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events(n=5):
    for i in range(n):
        audit_record(actor=None, action="test.event", object_type="test", object_id=i, detail={"i": i})


def test_sealed_chain_verifies():
    _events()
    assert audit_seal() == 5
    result = audit_verify()
    assert result.ok and result.checked == 5 and result.unsealed == 0


def test_events_written_after_sealing_wait_for_the_next_seal():
    _events(3)
    audit_seal()
    _events(2)
    r = audit_verify()
    assert r.ok and r.checked == 3 and r.unsealed == 2
    audit_seal()
    assert audit_verify().checked == 5


def test_an_edited_event_is_detected_and_named():
    _events()
    audit_seal()
    victim = AuditEvent.objects.order_by("seq")[2]
    AuditEvent.objects.filter(pk=victim.pk).update(action="test.innocent")
    r = audit_verify()
    assert not r.ok and r.first_bad_event_id == victim.pk and "edited" in r.problem


def test_a_deleted_event_is_detected():
    _events()
    audit_seal()
    AuditEvent.objects.filter(seq=3).delete()
    r = audit_verify()
    assert not r.ok and "gap" in r.problem


def test_removing_the_last_events_is_detected_by_the_head():
    _events()
    audit_seal()
    AuditEvent.objects.filter(seq=5).delete()
    r = audit_verify()
    assert not r.ok and "head" in r.problem


def test_a_rewritten_chain_with_recomputed_hash_still_breaks_the_next_link():
    from palermo.core.audit import event_digest

    _events()
    audit_seal()
    ev = AuditEvent.objects.get(seq=2)
    ev.detail = {"i": 99}
    ev.hash = event_digest(ev, ev.prev_hash, ev.seq)
    ev.save()
    r = audit_verify()
    assert not r.ok and r.first_bad_event_id == AuditEvent.objects.get(seq=3).pk


def test_audit_verify_command_names_the_first_bad_event():
    _events()
    call_command("audit", "seal")
    bad = AuditEvent.objects.get(seq=4)
    AuditEvent.objects.filter(pk=bad.pk).update(object_id="tampered")
    with pytest.raises(CommandError, match=f"event {bad.pk}"):
        call_command("audit", "verify")


def test_an_event_rolls_back_with_the_change_it_describes():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
