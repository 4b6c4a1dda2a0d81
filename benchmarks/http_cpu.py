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
    from palermo.demo import organisations_load, users_load

    users_load(organisations_load())  # the demo's ``responder`` at MET, whom the floor's write names too
    _, token = ApiToken.issue(User.objects.get(username="synth.sca.decider0"))
    _, write_token = ApiToken.issue(User.objects.get(username="responder"))
    return token, write_token, connection.vendor


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


def payloads(count: int, seed: int = 0) -> list[str]:
    """``count`` synthetic referrals as JSON bodies (the demo's generator, as ``http_api.py`` sends)."""
    import datetime as dt
    import random

    from palermo.demo import _synthetic_referral

    rng, today = random.Random(seed), dt.date.today()
    return [_synthetic_referral(rng, today - dt.timedelta(days=rng.randint(0, 30))).model_dump_json()
            for _ in range(count)]


def cpu_per_post(client, path: str, bodies: list[str], headers: dict) -> tuple[float, float]:
    """(CPU seconds, wall seconds) per ``POST path`` of each body in turn, after a warm-up of 10
    (bodies made beforehand, so their making is not counted)."""
    for body in bodies[:10]:
        assert client.post(path, body, content_type="application/json", headers=headers).status_code == 201
    timed = bodies[10:]
    c0, w0 = time.process_time(), time.perf_counter()
    for body in timed:
        resp = client.post(path, body, content_type="application/json", headers=headers)
        if resp.status_code != 201:
            raise SystemExit(f"POST {path}: {resp.status_code} {resp.content[:300]!r}")
    return (time.process_time() - c0) / len(timed), (time.perf_counter() - w0) / len(timed)


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


def run(*, cases: int = 10_000, requests: int = 300, writes: int = 200, profile: bool = False) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="palermo-bench-cpu-"))
    for k, v in TEST_ENV.items():
        os.environ.setdefault(k, v)
    os.environ.pop("DATABASE_URL", None)  # synth writes SQLite only
    # as the server runs it: development settings with DEBUG off
    os.environ.update(PALERMO_ENV="development", PALERMO_DEBUG="0")
    os.environ.setdefault("PALERMO_DATA_DIR", str(tmp))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.http_floor.settings"
    token, write_token, vendor = setup(cases)

    from django.test import Client
    from django.test.utils import override_settings

    client = Client(HTTP_HOST="localhost")
    auth = {"Authorization": f"Bearer {token}"}
    api_paths = [("/api/v1/cases", {**f, "page": p, "page_size": 50}) for f in READ_FILTERS for p in (1, 2, 3)]
    floor_paths = [("/bench/floor/cases", {})]
    # The rate limit is counted as always (its write is part of the cost), but never reached.
    # Linkage is scored off the request (PALERMO_LINK_ON_REFERRAL off), as http_api.py's write pair.
    wauth = {"Authorization": f"Bearer {write_token}"}
    bodies = payloads(10 + writes, seed=1) if writes else []
    floor_bodies = payloads(10 + writes, seed=2) if writes else []
    with override_settings(PALERMO_API_RATE_LIMIT=10**9, PALERMO_LINK_ON_REFERRAL=False):
        api_cpu, api_wall = cpu_per_request(client, api_paths, auth, requests=requests)
        floor_cpu, floor_wall = cpu_per_request(client, floor_paths, {}, requests=requests)
        api_q = queries_of(lambda: client.get("/api/v1/cases", {"status": "referred", "page": 2, "page_size": 50},
                                              headers=auth))
        floor_q = queries_of(lambda: client.get("/bench/floor/cases"))
        if writes:
            w_cpu, w_wall = cpu_per_post(client, "/api/v1/referrals", bodies, wauth)
            wf_cpu, wf_wall = cpu_per_post(client, "/bench/floor/referrals", floor_bodies, {})
            extra = payloads(2, seed=3)
            w_q = queries_of(lambda: client.post("/api/v1/referrals", extra[0], content_type="application/json",
                                                 headers=wauth))
            wf_q = queries_of(lambda: client.post("/bench/floor/referrals", extra[1], content_type="application/json"))
        if profile:
            import cProfile
            import pstats

            def show(prof, queries, what):
                print(f"\n=== {what} ===", file=sys.stderr)
                pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
                pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(30)
                for sql in queries:
                    print(f"    {sql[:400]}", file=sys.stderr)

            prof = cProfile.Profile(time.process_time)
            prof.enable()
            for i in range(50):
                path, params = api_paths[i % len(api_paths)]
                client.get(path, params, headers=auth)
            prof.disable()
            show(prof, api_q, "GET /api/v1/cases")
            if writes:
                more = payloads(50, seed=4)
                prof = cProfile.Profile(time.process_time)
                prof.enable()
                for body in more:
                    client.post("/api/v1/referrals", body, content_type="application/json", headers=wauth)
                prof.disable()
                show(prof, w_q, "POST /api/v1/referrals")
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
    if writes:
        w_ratio = w_cpu / wf_cpu
        print(f"  POST /api/v1/referrals: {w_cpu * 1000:.2f} ms CPU/request ({len(w_q)} queries), "
              f"floor {wf_cpu * 1000:.2f} ms CPU/request ({len(wf_q)} queries): {w_ratio:.2f} × the floor, "
              f"{1 / w_ratio:.0%} of its rate when CPU-bound", flush=True)
        measures += [
            measure("write POST /api/v1/referrals: CPU per request", w_cpu, "s", floor=wf_cpu,
                    floor_name="bare Django JSON insert", better="lower", goal="≤ 4 × the floor (≥ 25 % of its rate)",
                    met=w_ratio <= 4),
            measure("write POST /api/v1/referrals: wall time per request, one client", w_wall, "s", floor=wf_wall,
                    better="lower"),
            measure("write POST /api/v1/referrals: queries per request", len(w_q), "queries", floor=len(wf_q),
                    better="lower"),
        ]
    return result("http_cpu", {"cases": cases, "requests": requests, "writes": writes}, measures, database=vendor)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--writes", type=int, default=200, help="referrals posted for the write measure (0: none)")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of the API requests and their queries")
    cli(run, ap)


if __name__ == "__main__":
    main()
