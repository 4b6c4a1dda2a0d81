"""Benchmark 1b (issue 12): the CPU cost of one ``GET /api/v1/cases`` (a page of 50 with filters)
against the bare 50-row Django JSON view, in one process, with no server and no clients.

    .venv/bin/python benchmarks/http_cpu.py [--cases 10000] [--requests 300] [--profile]

``http_api.py`` measures rates under load, which on a shared machine depend on whatever else the
machine is doing. This one is load-independent: each request goes through the whole WSGI stack
(every middleware, the URL resolver, token authentication, the rate limit, scope, the
presenters, django-ninja's validation and JSON) with Django's test client, and the figure is
the **CPU time of this process** per request (``time.process_time``: work done, not time
waited), beside the same for the floor view ``GET /bench/floor/cases``
(``benchmarks/http_floor``) in the same run. It also counts the queries of one request of each
(an execute wrapper). ``--profile`` prints the functions that cost the API request most
(cProfile, cumulative).

The database is a fresh SQLite one in a temporary folder (synth writes SQLite only) filled by
``palermo synth --profile uk-2023 --cases N --seed 1``; the reader is a decision maker of the
Single Competent Authority (``synth.sca.decider0``) with an API token. Goal (issue 12's rate
goal read as cost): the case list at most 2.5 × the floor's CPU per request (≥ 40 % of its
rate when CPU is what limits both).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._common import TEST_ENV, cli, measure, result  # noqa: E402

READ_FILTERS = [{"status": "referred"}, {"nation": "england"}, {"age_group": "adult"}, {"status": "recovery_period"},
                {"age_group": "child", "nation": "england"}, {}]


def setup(cases: int) -> tuple[str, str]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks._common import migrate
    from palermo.accounts.models import ApiToken, User

    migrate()
    call_command("synth", "--profile", "uk-2023", "--cases", str(cases), "--seed", "1", "--no-progress", verbosity=0)
    _, token = ApiToken.issue(User.objects.get(username="synth.sca.decider0"))
    return token, connection.vendor


def cpu_per_request(client, paths: list[tuple[str, dict]], headers: dict, *, requests: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) per request over ``requests`` requests cycling through
    ``paths``, after a warm-up of 20."""
    for i in range(20):
        path, params = paths[i % len(paths)]
        assert client.get(path, params, headers=headers).status_code == 200
    c0, w0 = time.process_time(), time.perf_counter()
    for i in range(requests):
        path, params = paths[i % len(paths)]
        resp = client.get(path, params, headers=headers)
        if resp.status_code != 200:
            raise SystemExit(f"{path} {params}: {resp.status_code} {resp.content[:300]!r}")
    return (time.process_time() - c0) / requests, (time.perf_counter() - w0) / requests


def queries_of(fn) -> list[str]:
    """The SQL of every query ``fn`` runs (an execute wrapper: the test client's request_started
    signal resets ``connection.queries``, so CaptureQueriesContext would see none)."""
    from django.db import connection

    seen: list[str] = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        fn()
    return seen


def run(*, cases: int = 10_000, requests: int = 300, profile: bool = False) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="palermo-bench-cpu-"))
    for k, v in TEST_ENV.items():
        os.environ.setdefault(k, v)
    os.environ.pop("DATABASE_URL", None)  # synth writes SQLite only
    # as the server runs it: development settings with DEBUG off
    os.environ.update(PALERMO_ENV="development", PALERMO_DEBUG="0")
    os.environ.setdefault("PALERMO_DATA_DIR", str(tmp))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.http_floor.settings"
    token, vendor = setup(cases)

    from django.test import Client
    from django.test.utils import override_settings

    client = Client(HTTP_HOST="localhost")
    auth = {"Authorization": f"Bearer {token}"}
    api_paths = [("/api/v1/cases", {**f, "page": p, "page_size": 50}) for f in READ_FILTERS for p in (1, 2, 3)]
    floor_paths = [("/bench/floor/cases", {})]
    # The rate limit is counted as always (its write is part of the cost), but never reached.
    with override_settings(PALERMO_API_RATE_LIMIT=10**9):
        api_cpu, api_wall = cpu_per_request(client, api_paths, auth, requests=requests)
        floor_cpu, floor_wall = cpu_per_request(client, floor_paths, {}, requests=requests)
        api_q = queries_of(lambda: client.get("/api/v1/cases", {"status": "referred", "page": 2, "page_size": 50},
                                              headers=auth))
        floor_q = queries_of(lambda: client.get("/bench/floor/cases"))
        if profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            for i in range(50):
                path, params = api_paths[i % len(api_paths)]
                client.get(path, params, headers=auth)
            prof.disable()
            pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
            pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(30)
            for sql in api_q:
                print(f"    {sql[:400]}", file=sys.stderr)
    ratio = api_cpu / floor_cpu
    print(f"  GET /api/v1/cases (50, filters): {api_cpu * 1000:.2f} ms CPU/request ({len(api_q)} queries), "
          f"floor {floor_cpu * 1000:.2f} ms CPU/request ({len(floor_q)} queries): {ratio:.2f} × the floor, "
          f"{1 / ratio:.0%} of its rate when CPU-bound", flush=True)
    measures = [
        measure("read GET /api/v1/cases (50, filters): CPU per request", api_cpu, "s", floor=floor_cpu,
                floor_name="bare Django JSON view", better="lower", goal="≤ 2.5 × the floor (≥ 40 % of its rate)",
                met=ratio <= 2.5),
        measure("read GET /api/v1/cases (50, filters): wall time per request, one client", api_wall, "s",
                floor=floor_wall, better="lower"),
        measure("read GET /api/v1/cases (50, filters): queries per request", len(api_q), "queries",
                floor=len(floor_q), better="lower"),
    ]
    return result("http_cpu", {"cases": cases, "requests": requests}, measures, database=vendor)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--profile", action="store_true", help="print a cProfile of the API request and its queries")
    cli(run, ap)


if __name__ == "__main__":
    main()
