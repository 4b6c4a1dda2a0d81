"""Benchmark 1 (issue 12): the HTTP API under load, against a bare Django JSON view served by the
same server in the same run (these machines are shared and noisy: compare ratios).

    .venv/bin/python benchmarks/http_api.py [--cases 10000] [--seconds 15] [--rounds 1] [--clients 8] [--workers 2]
    .venv/bin/python benchmarks/http_api.py --postgres …   # on a throwaway PostgreSQL (needs root)
    sh scripts/with_postgres.sh .venv/bin/python benchmarks/http_api.py …   # the same

(Named ``http_api.py``, not ``http.py``: a script's folder comes first on ``sys.path``, so a
``benchmarks/http.py`` would shadow the standard library's ``http`` for every benchmark.)

On a fresh database (SQLite in a temporary folder, or ``DATABASE_URL``) it loads up to 500
synthetic cases through the services (``palermo.demo.cases_load``: referrals walked through
real decisions), copies them up to ``--cases`` (``cases_multiply``), issues API tokens to a decision maker (reads) and a first responder (writes),
then starts ``palermo serve`` (Gunicorn, ``--workers``) with the benchmark-only URLconf
``benchmarks.http_floor`` (Palermo's URLs plus the floor views) and drives it with ``--clients``
concurrent clients (asyncio + httpx, keep-alive), each sending its next request as soon as the
last one answers, for ``--seconds`` per measure:

1. read: ``GET /api/v1/cases`` (a page of 50, filters rotating over status, nation and age
   group, pages 1–3) beside the floor ``GET /bench/floor/cases`` (50 rows of first-class columns);
2. write: ``POST /api/v1/referrals`` (a synthetic referral: validation, encryption, routing,
   deadline, history, audit) beside the floor ``POST /bench/floor/referrals`` (one bare row),
   twice: with linkage scoring on commit (``PALERMO_LINK_ON_REFERRAL=1``, today's default) and
   without it (where the background job takes it off the request).

Reports requests/s, p50 and p99 for each, and the ratio of the rates. Goals (issue 12): read
≥ 40% and write ≥ 25% of the floor's rate, p99 < 100 ms. ``--compare-servers`` also runs the read
pair on Granian (when installed) with the same workers, the measurement behind choosing Gunicorn.

``--probe`` adds ``benchmarks/http_floor/probe.py`` to the server's middleware: each request's
time inside the worker split into CPU, garbage collection, SQL (and writing SQL), opening and
closing the connection, and waiting; printed for the median request and the slowest 1 %, with
the clients' own CPU per request (they share the machine's cores: when the floor's server time
is far below its latency, the clients or the machine's load, not the server, set its rate).
``--postgres`` runs everything on a throwaway PostgreSQL cluster (``scripts/with_postgres.sh``).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import signal
import socket
import subprocess
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(xs: list[float], q: float) -> float | None:
    """None when nothing finished in the window (JSON has no NaN)."""
    xs = sorted(xs)
    if not xs:
        return None
    k = min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))
    return xs[k]


class Server:
    """``palermo serve`` (or Granian, for the comparison) in a subprocess on a free port."""

    def __init__(self, env: dict, workdir: Path, *, workers: int, threads: int, server: str = "gunicorn",
                 link_on_referral: bool = True, probe: Path | None = None):
        self.port = free_port()
        self.env = {**env, "DJANGO_SETTINGS_MODULE": "benchmarks.http_floor.settings",
                    "PALERMO_LINK_ON_REFERRAL": "1" if link_on_referral else "0",
                    "PYTHONPATH": str(ROOT)}
        if probe:
            self.env["PALERMO_BENCH_PROBE"] = str(probe)
        self.log = workdir / f"server-{self.port}.log"
        bind = f"127.0.0.1:{self.port}"
        if server == "gunicorn":
            self.argv = [sys.executable, "-m", "palermo", "serve", "--bind", bind, "--workers", str(workers),
                         "--threads", str(threads), "--no-collectstatic"]
        else:
            self.argv = [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
                         "--port", str(self.port), "--workers", str(workers), "--blocking-threads", str(threads),
                         "--no-ws", "palermo.wsgi:application"]
        self.proc: subprocess.Popen | None = None
        self.base = f"http://{bind}"

    def __enter__(self) -> Server:
        self.fh = self.log.open("w")
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=self.fh, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        import httpx

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server stopped:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.base}/bench/floor/cases", timeout=5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"the server did not answer in 90 s:\n{self.log.read_text()[-3000:]}")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: the master and its workers
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.fh.close()


async def _drive(base: str, make_request, *, clients: int, seconds: float, warmup: float) -> dict:
    """``clients`` concurrent loops, each sending its next request when the last one answers.
    Latencies of requests started after ``warmup`` and finished before the end are counted."""
    import httpx

    latencies: list[float] = []
    errors: dict[int, int] = {}
    sent = [0]
    start = time.perf_counter()
    t_count, t_end = start + warmup, start + warmup + seconds

    async def one(i: int) -> None:
        rng = random.Random(i)
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            while (now := time.perf_counter()) < t_end:
                method, url, kwargs = make_request(rng)
                resp = await client.request(method, url, **kwargs)
                done = time.perf_counter()
                sent[0] += 1
                if resp.status_code >= 400:
                    errors[resp.status_code] = errors.get(resp.status_code, 0) + 1
                    if errors[resp.status_code] == 1:
                        print(f"    {method} {url}: {resp.status_code} {resp.text[:300]}", file=sys.stderr)
                elif now >= t_count and done <= t_end:
                    latencies.append(done - now)

    cpu0 = time.process_time()
    await asyncio.gather(*(one(i) for i in range(clients)))
    # the clients' own CPU (they share the machine's cores with the server): per request sent
    client_cpu = (time.process_time() - cpu0) / max(1, sent[0])
    # the same window in wall-clock time, to pick the server's probe lines (``--probe``)
    window = (time.time() - (time.perf_counter() - t_count), time.time() - (time.perf_counter() - t_end))
    return {"requests": len(latencies), "rate": len(latencies) / seconds, "p50": percentile(latencies, 0.5),
            "p99": percentile(latencies, 0.99), "errors": errors, "window": window, "client_cpu": client_cpu,
            "seconds": seconds, "latencies": latencies}


def pooled(runs: list[dict]) -> dict:
    """Several measures of one side as one: requests over the summed time, percentiles over every
    latency, errors added up, the window from the first start to the last end."""
    if len(runs) == 1:
        return runs[0]
    latencies = [x for r in runs for x in r["latencies"]]
    errors: dict[int, int] = {}
    for r in runs:
        for code, n in r["errors"].items():
            errors[code] = errors.get(code, 0) + n
    sent = sum(r["requests"] for r in runs)
    return {"requests": sent, "rate": sent / sum(r["seconds"] for r in runs), "p50": percentile(latencies, 0.5),
            "p99": percentile(latencies, 0.99), "errors": errors,
            "window": (min(r["window"][0] for r in runs), max(r["window"][1] for r in runs)),
            "client_cpu": sum(r["client_cpu"] * r["requests"] for r in runs) / max(1, sent),
            "seconds": sum(r["seconds"] for r in runs), "latencies": latencies,
            "rounds": [{"rate": r["rate"], "p50": r["p50"], "p99": r["p99"]} for r in runs]}


def drive(base: str, make_request, *, clients: int, seconds: float, warmup: float = 2.0) -> dict:
    return asyncio.run(_drive(base, make_request, clients=clients, seconds=seconds, warmup=warmup))


def probe_summary(folder: Path, path: str, window: tuple[float, float]) -> dict | None:
    """From the server's probe lines (``benchmarks/http_floor/probe.py``) of requests to ``path``
    that ended in the measured window: the server-side wall time (p50, p99), and what the
    slowest 1% spent it on beside the median request: CPU, garbage collection, SQL (and writes),
    opening and closing the connection, and waiting (wall − CPU: a lock, the disk, or a core
    held by another process)."""
    import json

    rows = []
    for f in folder.glob("probe-*.jsonl"):
        for line in f.read_text().splitlines():
            r = json.loads(line)
            if r["path"] == path and window[0] <= r["t"] <= window[1]:
                rows.append(r)
    if not rows:
        return None
    rows.sort(key=lambda r: r["wall"])
    tail = rows[max(0, int(len(rows) * 0.99) - 1):] if len(rows) >= 100 else rows[-1:]
    mid = rows[len(rows) // 2 - 2: len(rows) // 2 + 3] or rows

    def mean(rs, key):
        return sum(r[key] if key != "wait" else r["wall"] - r["cpu"] for r in rs) / len(rs)

    keys = ("wall", "cpu", "wait", "gc", "sql", "sql_write", "connect", "close")
    return {"requests": len(rows), "wall_p50": percentile([r["wall"] for r in rows], 0.5),
            "wall_p99": percentile([r["wall"] for r in rows], 0.99),
            "median": {k: mean(mid, k) for k in keys}, "slowest_1pct": {k: mean(tail, k) for k in keys},
            "gc_full_share": sum(1 for r in rows if 2 in r["gc_gens"]) / len(rows),
            "gc_mean": mean(rows, "gc"), "new_connection_share": sum(r["new_connection"] for r in rows) / len(rows)}


def format_probe(p: dict | None) -> str:
    if not p:
        return "no probe lines"
    def ms(x):
        return f"{x * 1000:.1f}"

    parts = " ".join(f"{k} {ms(p['median'][k])}/{ms(p['slowest_1pct'][k])}" for k in p["median"])
    return (f"server p50 {ms(p['wall_p50'])} p99 {ms(p['wall_p99'])} ms; median/slowest 1% (ms): {parts}; "
            f"full GC in {p['gc_full_share']:.1%} of requests, GC {ms(p['gc_mean'])} ms a request; "
            f"new connection {p['new_connection_share']:.0%}")


def cases_multiply(target: int) -> int:
    """Copy the cases there are (person, referral, exploitation types, case: their stored values,
    ciphertext included, with new ids, references and pseudonyms) until there are ``target``.
    Loading 10,000 cases one by one through the services takes a quarter of an hour on this
    machine; the copies read exactly like the originals, which went through the services."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from palermo.nrm.models import Case, Referral, ReferralExploitationType
    from palermo.people.models import Person

    order = [(Person, {}), (Referral, {"person_id": Person}), (ReferralExploitationType, {"referral_id": Referral}),
             (Case, {"referral_id": Referral})]
    with connection.cursor() as cur:
        base = {}
        for model, _ in order:
            cur.execute(f"SELECT * FROM {model._meta.db_table} ORDER BY id")
            cols = [d[0] for d in cur.description]
            base[model] = (cols, cur.fetchall())
    have = len(base[Case][1])
    if have == 0:
        return 0
    span = {model: max(r[cols.index("id")] for r in rows) if rows else 0 for model, (cols, rows) in base.items()}
    round_ = 0
    while have < target:
        round_ += 1
        take = min(len(base[Case][1]), target - have)
        keep_referrals = {r[base[Case][0].index("referral_id")] for r in base[Case][1][:take]}
        keep_people = {r[base[Referral][0].index("person_id")] for r in base[Referral][1]
                       if r[base[Referral][0].index("id")] in keep_referrals}
        with transaction.atomic(), connection.cursor() as cur:
            for model, fks in order:
                cols, rows = base[model]
                idx = {c: i for i, c in enumerate(cols)}
                out = []
                for row in rows:
                    row = list(row)
                    if model is Person and row[idx["id"]] not in keep_people:
                        continue
                    if model is Referral and row[idx["id"]] not in keep_referrals:
                        continue
                    if model in (ReferralExploitationType, Case) and row[idx["referral_id"]] not in keep_referrals:
                        continue
                    new_id = row[idx["id"]] + round_ * span[model]
                    row[idx["id"]] = new_id
                    for col, target_model in fks.items():
                        if row[idx[col]] is not None:
                            row[idx[col]] += round_ * span[target_model]
                    if model is Person:
                        row[idx["pseudonym"]] = f"P-C{new_id:09d}"
                    if model is Referral:
                        row[idx["reference"]] = f"NRM-C{new_id:010d}"
                        row[idx["external_reference"]] = ""
                    out.append(row)
                marks = ", ".join(["%s"] * len(cols))
                cur.executemany(f"INSERT INTO {model._meta.db_table} ({', '.join(cols)}) VALUES ({marks})", out)
        have += take
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), [m for m, _ in order]):
            cur.execute(sql)
    return have


def setup_database(cases: int, service_cases: int = 500) -> tuple[dict, str]:
    """Migrate, load organisations, users and cases (up to 500 through the services, then copies
    of them up to ``cases``); tokens for the reader and writer."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import override_settings

    from benchmarks._common import migrate
    from palermo.accounts.models import ApiToken, User
    from palermo.core.audit import audit_seal
    from palermo.demo import cases_load, organisations_load, users_load
    from palermo.nrm.models import Case

    migrate()
    users = users_load(organisations_load())
    t0 = time.perf_counter()
    base = min(cases, service_cases)
    made = Case.objects.count()  # a database kept from an earlier run (PALERMO_DATA_DIR) is reused
    if made < base:
        with override_settings(PALERMO_LINK_ON_REFERRAL=False):
            made += cases_load(users, count=base - made, seed=2012 + made)
    through_services = time.perf_counter() - t0
    if cases > made:
        made = cases_multiply(cases)
    loaded = time.perf_counter() - t0
    # What autovacuum does within a minute of a bulk load, and palermo import does itself: without
    # it PostgreSQL planned the case list from the empty tables (18 ms a page instead of < 2).
    from palermo.core.planner import planner_statistics_refresh
    from palermo.nrm.models import Referral, ReferralExploitationType
    from palermo.people.models import Person

    planner_statistics_refresh([Person, Referral, ReferralExploitationType, Case])
    if connection.vendor == "postgresql":
        # and autovacuum's vacuum of a table that grew (PostgreSQL 13+ vacuums after inserts too):
        # the visibility map lets the list's COUNT(*) read the index alone, as in a server that
        # has been running
        with connection.cursor() as cur:
            for model in (Person, Referral, ReferralExploitationType, Case):
                cur.execute(f"VACUUM {connection.ops.quote_name(model._meta.db_table)}")
    audit_seal()
    _, read_token = ApiToken.issue(User.objects.get(username="decider"))
    _, write_token = ApiToken.issue(User.objects.get(username="responder"))
    print(f"  {made:,} cases: {base:,} through the services ({through_services:.0f} s), the rest copies "
          f"of them ({loaded - through_services:.0f} s) ({connection.vendor})", flush=True)
    return {"read": read_token, "write": write_token, "load_seconds": loaded}, connection.vendor


def run(*, cases: int = 10_000, seconds: float = 15, clients: int = 8, workers: int = 2, threads: int = 1,
        compare_servers: bool = False, skip_link: bool = False, service_cases: int = 500, probe: bool = False,
        postgres: bool = False, rounds: int = 1) -> dict:
    """``postgres`` only says the run was asked for on PostgreSQL (``main`` re-runs the script under
    scripts/with_postgres.sh): the database is whatever DATABASE_URL names."""
    tmp = Path(tempfile.mkdtemp(prefix="palermo-bench-http-"))
    for k, v in TEST_ENV.items():
        os.environ.setdefault(k, v)
    # The server as in production but on plain HTTP: development settings with DEBUG off
    # (test settings would allow any host; production would redirect to HTTPS).
    os.environ.update(PALERMO_ENV="development", PALERMO_DEBUG="0")
    os.environ.setdefault("PALERMO_DATA_DIR", str(tmp))
    os.environ["DJANGO_SETTINGS_MODULE"] = "palermo.settings"
    # 8 clients send far more than a token's 600 requests a minute: the limiter still counts every
    # request (its one UPDATE stays in the measured cost) but never refuses one, or the rate would
    # count 429s (seen: 793 of them in a 15 s read measure once the read path got faster).
    os.environ["PALERMO_API_RATE_LIMIT"] = str(10**9)
    tokens, vendor = setup_database(cases, service_cases)
    env = dict(os.environ)

    from palermo.demo import _synthetic_referral

    def read_api(rng):
        params = {**rng.choice(READ_FILTERS), "page": rng.randint(1, 3), "page_size": 50}
        return "GET", "/api/v1/cases", {"params": params, "headers": {"Authorization": f"Bearer {tokens['read']}"}}

    def read_floor(rng):
        return "GET", "/bench/floor/cases", {}

    today = dt.date.today()

    def payload(rng) -> str:
        data = _synthetic_referral(rng, today - dt.timedelta(days=rng.randint(0, 30)))
        return data.model_dump_json()

    def write_api(rng):
        return "POST", "/api/v1/referrals", {"content": payload(rng), "headers": {
            "Authorization": f"Bearer {tokens['write']}", "Content-Type": "application/json"}}

    def write_floor(rng):
        return "POST", "/bench/floor/referrals", {"content": payload(rng), "headers": {"Content-Type": "application/json"}}

    measures, notes = [], []
    runs: dict[str, dict] = {}

    probe_dir = tmp / "probe" if probe else None

    def pair(label: str, api_fn, floor_fn, base: str, goal_share: float, key: str, warmup: float = 2.0) -> None:
        # --rounds N: N measures of each side, alternating which goes first (floor-API, API-floor,
        # …), pooled; a machine whose speed drifts during the run then weighs on both sides alike.
        floors, ourss = [], []
        for r in range(rounds):
            sides = [("floor", floor_fn), ("api", api_fn)]
            for side, fn in (sides if r % 2 == 0 else sides[::-1]):
                res = drive(base, fn, clients=clients, seconds=seconds,
                            warmup=warmup if side == "api" and not ourss else 2.0)
                (floors if side == "floor" else ourss).append(res)
        floor, ours = pooled(floors), pooled(ourss)
        if rounds > 1:
            shares = ", ".join(f"{o['rate'] / f['rate']:.0%}" for o, f in zip(ourss, floors, strict=True) if f["rate"])
            print(f"    {label}, each round's share of the floor's rate: {shares}", flush=True)
        for side in (floor, ours):
            side.pop("latencies", None)
        runs[key] = {"api": ours, "floor": floor}
        if probe_dir:
            rng = random.Random(0)
            for side, fn, res in (("api", api_fn, ours), ("floor", floor_fn, floor)):
                res["probe"] = probe_summary(probe_dir, fn(rng)[1], res["window"])
                print(f"    probe {side}: {format_probe(res['probe'])}; the clients' CPU "
                      f"{res['client_cpu'] * 1000:.1f} ms a request", flush=True)
        share = ours["rate"] / floor["rate"] if floor["rate"] else 0
        def ms(x):
            return "–" if x is None else f"{x * 1000:.0f} ms"

        print(f"  {label}: {ours['rate']:.1f} req/s (p50 {ms(ours['p50'])}, p99 {ms(ours['p99'])}) "
              f"vs floor {floor['rate']:.1f} req/s (p50 {ms(floor['p50'])}, p99 {ms(floor['p99'])}) = {share:.0%}",
              flush=True)
        measures.append(measure(f"{label}: rate", ours["rate"], "req/s", floor=floor["rate"], floor_name="bare Django JSON view",
                                better="higher", goal=f"≥ {goal_share:.2f} of the floor", met=share >= goal_share))
        measures.append(measure(f"{label}: p50", ours["p50"], "s", floor=floor["p50"], better="lower"))
        measures.append(measure(f"{label}: p99", ours["p99"], "s", floor=floor["p99"], better="lower",
                                goal="< 100 ms", met=ours["p99"] is not None and ours["p99"] < 0.1))
        if ours["errors"] or floor["errors"]:
            notes.append(f"{label}: errors {ours['errors']} (floor {floor['errors']})")

    print(f"  serving with {workers} workers × {threads} threads, {clients} clients, {seconds:g} s a measure, on "
          f"{vendor}; load average {os.getloadavg()[0]:.1f}", flush=True)
    with Server(env, tmp, workers=workers, threads=threads, link_on_referral=False, probe=probe_dir) as srv:
        pair("read GET /api/v1/cases (50, filters)", read_api, read_floor, srv.base, 0.40, "read")
        pair("write POST /api/v1/referrals, no linkage on the request", write_api, write_floor, srv.base, 0.25,
             "write_nolink")
    if not skip_link:
        with Server(env, tmp, workers=workers, threads=threads, link_on_referral=True, probe=probe_dir) as srv:
            # the first scoring in each worker decrypts everyone known (the cache): not counted
            pair("write POST /api/v1/referrals, linkage scored on commit", write_api, write_floor, srv.base, 0.25,
                 "write_link", warmup=max(20.0, seconds))
    if compare_servers:
        for name in ("gunicorn", "granian"):
            try:
                with Server(env, tmp, workers=workers, threads=threads, server=name, link_on_referral=False) as srv:
                    floor = drive(srv.base, read_floor, clients=clients, seconds=seconds)
                    ours = drive(srv.base, read_api, clients=clients, seconds=seconds)
            except SystemExit as exc:
                notes.append(f"{name}: could not start ({str(exc)[:200]})")
                continue
            for side in (floor, ours):
                side.pop("latencies", None)
            runs[f"server_{name}"] = {"api": ours, "floor": floor}
            print(f"  {name}: read {ours['rate']:.1f} req/s p50 {ours['p50']} s p99 {ours['p99']} s; "
                  f"floor {floor['rate']:.1f} req/s p50 {floor['p50']} s p99 {floor['p99']} s", flush=True)
            measures.append(measure(f"server comparison, {name}: read rate", ours["rate"], "req/s",
                                    floor=floor["rate"], better="higher"))
            measures.append(measure(f"server comparison, {name}: floor rate", floor["rate"], "req/s", better="higher"))
    options = {"cases": cases, "seconds": seconds, "clients": clients, "workers": workers, "threads": threads,
               "service_cases": service_cases, "probe": probe, "rounds": rounds}
    return result("http_api", options, measures, database=vendor, notes=notes, runs=runs,
                  setup={"cases_load_seconds": tokens["load_seconds"], "load_average_end": os.getloadavg()})


def main() -> None:
    if "--postgres" in sys.argv[1:]:
        # The same run on a throwaway PostgreSQL cluster (scripts/with_postgres.sh sets DATABASE_URL
        # and removes the cluster afterwards; needs root, as `make test-pg`).
        argv = [a for a in sys.argv[1:] if a != "--postgres"]
        if not os.environ.get("DATABASE_URL"):
            os.execvp("sh", ["sh", str(ROOT / "scripts" / "with_postgres.sh"), sys.executable, str(Path(__file__).resolve()),
                             *argv])
        sys.argv[1:] = argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=1,
                    help="measure each side this many times, alternating which goes first, and pool them "
                         "(a noisy machine: e.g. --rounds 4 --seconds 8)")
    ap.add_argument("--compare-servers", action="store_true", help="also the read pair on Gunicorn and Granian")
    ap.add_argument("--skip-link", action="store_true", help="leave out the write with linkage scored on commit")
    ap.add_argument("--service-cases", type=int, default=500,
                    help="cases loaded through the services; the rest up to --cases are copies of them")
    ap.add_argument("--postgres", action="store_true",
                    help="run on a throwaway PostgreSQL cluster (scripts/with_postgres.sh; needs root)")
    ap.add_argument("--probe", action="store_true",
                    help="time each request inside the server (CPU, GC, SQL, writes, connection; "
                         "benchmarks/http_floor/probe.py) and print what the slowest 1%% spent it on")
    cli(run, ap)


if __name__ == "__main__":
    main()
