"""Someone who can write to the database, but has no audit key, cannot rewrite the audit chain:
deleting, editing or cutting off events and recomputing every hash and the head is reported."""

import pytest
from django.core.management import CommandError, call_command

from palermo.core.audit import audit_record, audit_seal, audit_verify
from palermo.core.models import AuditEvent, Scheme
from tests.core import chain_attacker as attacker

pytestmark = pytest.mark.django_db

GUESSED_KEY = b"a-key-the-attacker-guessed-0123456789abcdef"
REHASHES = {
    "sha256": dict(digest=attacker.sha256),
    "sha256 relabelled as the old scheme": dict(digest=attacker.sha256, scheme=Scheme.SHA256),
    "hmac under a guessed key": dict(digest=attacker.hmac_with(GUESSED_KEY)),
}


def _events(n=5):
    for i in range(n):
        audit_record(actor=None, action="test.event", object_type="test", object_id=i, detail={"i": i})


@pytest.mark.parametrize("how", REHASHES)
def test_a_deleted_event_with_every_hash_and_the_head_recomputed_is_reported(how):
    _events()
    audit_seal()
    moved_up = AuditEvent.objects.get(seq=4)
    AuditEvent.objects.filter(seq=3).delete()
    attacker.rehash(start=3, **REHASHES[how])
    r = audit_verify()
    assert not r.ok and r.first_bad_event_id == moved_up.pk


@pytest.mark.parametrize("how", REHASHES)
def test_an_edited_event_with_every_hash_and_the_head_recomputed_is_reported(how):
    _events()
    audit_seal()
    AuditEvent.objects.filter(seq=2).update(detail={"i": "something else"})
    attacker.rehash(start=2, **REHASHES[how])
    r = audit_verify()
    assert not r.ok and r.first_bad_event_id == AuditEvent.objects.get(seq=2).pk


def test_a_whole_chain_relabelled_as_the_old_scheme_and_rehashed_is_reported():
    """The downgrade: keyed events turned into plain SHA-256 ones that need no key."""
    _events()
    audit_seal()
    attacker.rehash(attacker.sha256, scheme=Scheme.SHA256)
    r = audit_verify()
    assert not r.ok and "no signed legacy anchor" in r.problem
    assert r.first_bad_event_id == AuditEvent.objects.get(seq=1).pk


def test_events_cut_off_after_an_anchor_are_reported():
    _events()
    call_command("audit", "seal")
    attacker.truncate(keep=3)
    r = audit_verify()
    assert not r.ok and "ends at number 3" in r.problem and "number 5" in r.problem


def test_a_chain_cut_off_and_grown_again_past_the_anchor_is_reported():
    _events()
    call_command("audit", "seal")
    attacker.truncate(keep=3)
    _events(2)
    audit_seal()  # numbers 4 and 5 again, with other events; the anchor holds number 5
    r = audit_verify()
    assert not r.ok and "differs from the one anchored" in r.problem
    assert r.first_bad_event_id == AuditEvent.objects.get(seq=5).pk


def test_the_verify_command_exits_with_an_error_naming_the_cut(capsys):
    _events()
    call_command("audit", "seal")
    attacker.truncate(keep=2)
    with pytest.raises(CommandError, match="removed from the end"):
        call_command("audit", "verify")
    assert "Anchors: 1 checked in" in capsys.readouterr().out
