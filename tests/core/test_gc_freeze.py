"""palermo/core/gc_freeze.py: a server worker freezes its long-lived objects out of full garbage
collections after its first requests, and only then (issue 12's read p99). The receiver is
called directly: sending ``request_finished`` would also run Django's other receivers
(closing connections), which touch the database."""

from __future__ import annotations

import gc

import pytest
from django.core.signals import request_finished

from palermo.core import gc_freeze


def _listening() -> bool:
    return any(r[0][0] == "palermo.core.gc_freeze" for r in request_finished.receivers)


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(gc_freeze, "_served", 0)
    request_finished.disconnect(dispatch_uid="palermo.core.gc_freeze")  # if palermo.wsgi was imported
    yield
    request_finished.disconnect(dispatch_uid="palermo.core.gc_freeze")
    gc.unfreeze()


def test_freezes_after_the_1st_2nd_4th_request_and_so_on_then_stops_listening(fresh, monkeypatch):
    monkeypatch.delenv("PALERMO_GC_FREEZE", raising=False)
    monkeypatch.setattr(gc_freeze, "FREEZE_UNTIL", 8)
    gc.unfreeze()
    assert gc_freeze.install() is True
    assert gc.get_freeze_count() == 0
    gc_freeze._after_request(sender=None)
    first = gc.get_freeze_count()
    assert first > 0  # the application's objects, out of the collector's walks
    gc_freeze._after_request(sender=None)  # the 2nd
    second = gc.get_freeze_count()
    gc_freeze._after_request(sender=None)  # the 3rd: nothing
    kept = [[i] for i in range(1000)]  # built by a later request
    # nothing frozen: the count cannot grow (it can fall: a frozen object is still freed by
    # reference counting, as CI saw once)
    assert gc.get_freeze_count() <= second
    gc_freeze._after_request(sender=None)  # the 4th takes what was built since
    assert gc.get_freeze_count() > second + len(kept) // 2
    assert _listening()
    for _ in range(4):  # 5th to 8th
        gc_freeze._after_request(sender=None)
    assert not _listening()  # done: no cost on later requests


def test_collector_still_frees_cycles_made_after_the_freeze(fresh, monkeypatch):
    monkeypatch.setattr(gc_freeze, "FREEZE_UNTIL", 1)
    gc_freeze.install()
    gc_freeze._after_request(sender=None)

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    del a, b
    assert gc.collect() >= 2


def test_turned_off_by_the_environment(fresh, monkeypatch):
    monkeypatch.setenv("PALERMO_GC_FREEZE", "0")
    gc.unfreeze()
    assert gc_freeze.install() is False
    assert not _listening()


def test_the_wsgi_entry_point_installs_it(fresh, monkeypatch):
    import importlib

    import palermo.wsgi  # the server's entry point

    monkeypatch.delenv("PALERMO_GC_FREEZE", raising=False)
    request_finished.disconnect(dispatch_uid="palermo.core.gc_freeze")
    importlib.reload(palermo.wsgi)
    assert _listening()  # (the fixture disconnects it: the test process keeps its collector as it is)
