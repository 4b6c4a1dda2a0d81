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
millisecond. It is done (after one ``gc.collect()``, so no garbage is frozen) once the worker
has served its first request (the lazily built schemas and resolvers exist by then) and again
after ``FREEZE_AFTER[-1]`` requests (what the first requests to other endpoints built), each
time after the response was sent (``request_finished``). Nothing is turned off: the collector
still runs and still frees cycles made by requests; a frozen object that later becomes garbage
is still freed by reference counting, and only a frozen *cycle* would stay (the objects frozen
are the application's own, which live as long as the process).

Installed by ``palermo/wsgi.py`` (the server's entry point), not by settings: commands and
tests keep the collector as it is. ``PALERMO_GC_FREEZE=0`` leaves it out.
"""

from __future__ import annotations

import gc
import os

from django.core.signals import request_finished

FREEZE_AFTER = (1, 200)

_served = 0


def _after_request(sender, **kwargs) -> None:
    global _served
    _served += 1
    if _served in FREEZE_AFTER:
        gc.collect()
        gc.freeze()
    if _served >= FREEZE_AFTER[-1]:
        request_finished.disconnect(dispatch_uid="palermo.core.gc_freeze")


def install() -> bool:
    """Freeze after the first requests of this process; False when ``PALERMO_GC_FREEZE=0``."""
    if os.environ.get("PALERMO_GC_FREEZE", "1") == "0":
        return False
    request_finished.connect(_after_request, dispatch_uid="palermo.core.gc_freeze")
    return True
