"""On PostgreSQL, writing audit events takes no global lock: two transactions record events at
the same time, and sealing happens in its own step."""

import threading

import pytest
from django.db import connection, transaction

from palermo.core.audit import audit_record, audit_seal, audit_verify
from palermo.core.models import AuditEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite allows one writer at a time by design; this checks PostgreSQL (make test runs both)",
    ),
]


def test_two_open_transactions_both_record_events():
    a_recorded, b_done = threading.Event(), threading.Event()
    errors = []

    def writer_a():
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.a")
                a_recorded.set()
                # Hold the transaction open until B has recorded and committed its own event.
                if not b_done.wait(timeout=30):
                    errors.append("B never finished while A held its transaction open")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    def writer_b():
        try:
            a_recorded.wait(timeout=30)
            with transaction.atomic():
                audit_record(actor=None, action="test.b")
            b_done.set()
        except Exception as exc:  # pragma: no cover
            errors.append(repr(exc))
        finally:
            connection.close()

    ta, tb = threading.Thread(target=writer_a), threading.Thread(target=writer_b)
    ta.start(), tb.start()
    ta.join(60), tb.join(60)
    assert errors == []
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {"test.a", "test.b"}


def test_sealing_skips_uncommitted_events_and_picks_them_up_later():
    audit_record(actor=None, action="test.before")
    opened, sealed = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.slow")
                opened.set()
                sealed.wait(timeout=30)
        finally:
            connection.close()

    t = threading.Thread(target=slow_writer)
    t.start()
    opened.wait(timeout=30)
    assert audit_seal() == 1  # only the committed event
    sealed.set()
    t.join(60)
    assert audit_seal() == 1  # the slow one, once committed
    r = audit_verify()
    assert r.ok and r.checked == 2
