"""Keep Python's full garbage collections off the request path of a server worker.

A worker holds about 250,000 long-lived objects once it has served its first request (Django,
the URL resolver, django-ninja and pydantic's schemas, the rules, the law data). CPython's
collector runs a *full* collection whenever the objects promoted to its oldest generation grow
by a quarter, and a full collection walks every one of those objects: about 250 ms of CPU on
the development machine, paid by whichever request happens to trigger it. Under issue 12's
read benchmark that was 1 % of requests: exactly the 99th percentile (the slowest 1 % of
``GET /api/v1/cases`` spent 645 ms of their 1,262 ms in the collector; ``benchmarks/http_api.py
--probe``).

``gc.freeze()`` moves every object tracked at that moment into a permanent generation the
collector never walks, so later collections look at the objects made since: fractions of a
millisecond. A worker builds much of its state lazily, on the first request to each endpoint
(the URL resolver, django-ninja's and pydantic's schemas), so it freezes (after one
``gc.collect()``, so no garbage is frozen) after its 1st, 2nd, 4th, 8th … request up to the
``FREEZE_UNTIL``-th: fifteen times in its life, each after the response was sent
(``request_finished``), each collection walking only what was made since the last. (Freezing
once after the first request left what the first API request built, a few tens of thousands of
objects, to be walked: 40 ms in the slowest 1 % of reads.) Nothing is turned off: the collector
still runs and still frees cycles made by requests; a frozen object that later becomes garbage
is still freed by reference counting, and only a cycle alive at one of those fifteen moments
would stay.

Installed by ``palermo/wsgi.py`` (the server's entry point), not by settings: commands and
tests keep the collector as it is. ``PALERMO_GC_FREEZE=0`` leaves it out.
"""

from __future__ import annotations

import gc
import os

from django.core.signals import request_finished

FREEZE_UNTIL = 2**14

_served = 0


def _after_request(sender, **kwargs) -> None:
    global _served
    _served += 1
    if _served & (_served - 1) == 0:  # a power of two
        gc.collect()
        gc.freeze()
    if _served >= FREEZE_UNTIL:
        request_finished.disconnect(dispatch_uid="palermo.core.gc_freeze")


def install() -> bool:
    """Freeze after the first requests of this process; False when ``PALERMO_GC_FREEZE=0``."""
    if os.environ.get("PALERMO_GC_FREEZE", "1") == "0":
        return False
    request_finished.connect(_after_request, dispatch_uid="palermo.core.gc_freeze")
    return True
