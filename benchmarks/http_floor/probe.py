"""Benchmark-only: where a request's time goes inside the server, to find what makes the tail
(``http_api.py --probe``). Never in Palermo's production settings: added to ``MIDDLEWARE`` by
``benchmarks.http_floor.settings`` only when ``PALERMO_BENCH_PROBE`` names a folder.

For every request, one JSON line in ``<folder>/probe-<pid>.jsonl``: the path, the wall time in
the worker (``perf_counter``), the worker's CPU time (``thread_time``: so wall − CPU is time the
worker waited: for a lock, for the disk, or for a core other processes held), the time spent in
Python's garbage collector and the generations it collected (``gc.callbacks``), the time in SQL
statements (an execute wrapper) and, of it, in statements that write (INSERT/UPDATE/DELETE:
on SQLite these take the database's one write lock, and wait for it), and the time to open the
database connection and to close it (``CONN_MAX_AGE``: per request or kept).
"""

from __future__ import annotations

import gc
import json
import os
import time
from pathlib import Path

from django.db import close_old_connections, connection

_gc = {"t0": 0.0, "seconds": 0.0, "gens": []}


def _on_gc(phase: str, info: dict) -> None:
    if phase == "start":
        _gc["t0"] = time.perf_counter()
    else:
        _gc["seconds"] += time.perf_counter() - _gc["t0"]
        _gc["gens"].append(info.get("generation"))


class ProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.folder = Path(os.environ["PALERMO_BENCH_PROBE"])
        self.folder.mkdir(parents=True, exist_ok=True)
        self.fh = None
        if _on_gc not in gc.callbacks:
            gc.callbacks.append(_on_gc)

    def __call__(self, request):
        if self.fh is None:  # opened in the worker, after the fork
            self.fh = (self.folder / f"probe-{os.getpid()}.jsonl").open("a", buffering=1)
        sql = {"seconds": 0.0, "write_seconds": 0.0, "n": 0}

        def wrapper(execute, statement, params, many, context):
            t = time.perf_counter()
            try:
                return execute(statement, params, many, context)
            finally:
                dt_ = time.perf_counter() - t
                sql["seconds"] += dt_
                sql["n"] += 1
                if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
                    sql["write_seconds"] += dt_

        _gc["seconds"], _gc["gens"] = 0.0, []
        w0, c0 = time.perf_counter(), time.thread_time()
        new = connection.connection is None
        connection.ensure_connection()  # the request would open it anyway: timed apart
        connect = time.perf_counter() - w0
        with connection.execute_wrapper(wrapper):
            response = self.get_response(request)
        t = time.perf_counter()
        close_old_connections()  # what request_finished does next anyway: timed apart
        close = time.perf_counter() - t
        wall, cpu = time.perf_counter() - w0, time.thread_time() - c0
        self.fh.write(json.dumps({"path": request.path, "wall": wall, "cpu": cpu, "gc": _gc["seconds"],
                                  "gc_gens": _gc["gens"], "sql": sql["seconds"], "sql_write": sql["write_seconds"],
                                  "queries": sql["n"], "new_connection": new, "connect": connect,
                                  "close": close, "t": time.time()}) + "\n")
        return response
