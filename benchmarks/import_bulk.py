"""Benchmark 4: bulk CSV import of referrals (checked, encrypted, with history and audit) against
a raw ``executemany`` floor of the same rows into the same tables, in the same run.

    .venv/bin/python benchmarks/import_bulk.py [--rows 1000000] [--sizes 10000,100000,1000000]
        [--service-rows 0] [--narrative-chars 300] [--batch-size 5000]

For each size, in a process of its own (so its peak resident set size is its own), on a fresh
SQLite database in a temporary folder (or DATABASE_URL if set — each size then shares it):

1. writes a CSV of N valid synthetic referrals (``palermo.synth.referrals``: adults who consent,
   names, dates of birth, nationalities, narratives over several lines);
2. **bulk**: ``import_referrals`` as ``palermo import referrals`` runs it — every row checked
   (pass 1), then read again and written in batches of ``--batch-size`` in one transaction:
   people (names, date of birth encrypted; blind indexes), referrals (narrative encrypted),
   exploitation types, cases with routing and target date, steps, history rows, audit events;
3. **floor**: the rows step 2 stored, read back table by table a batch at a time (untimed) and
   inserted again with ``cursor.executemany`` into the same tables (ids and unique references
   shifted, values already encrypted: no parsing, no checks, no encryption), one transaction;
   only the ``executemany`` calls and the commit are timed;
4. optionally (``--service-rows``), the per-row service path on that many rows, for comparison.

Prints referrals per second for both, the ratio (goal: bulk ≥ 30% of the floor's rate), peak
RSS, and across sizes the fitted growth exponent of the bulk time (1.0 = linear).
``run(...)`` returns the same figures as a dict.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KEYS = {
    "PALERMO_ENCRYPTION_KEYS": "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=",
    "PALERMO_BLIND_INDEX_KEY": "bench-only",
    "PALERMO_AUDIT_KEY": "bench-only-audit-key-0123456789abcdef",
}
# The tables an import writes, parents first; (table, columns made unique by the floor's shift).
TABLES = ["people_person", "people_historicalperson", "nrm_referral", "nrm_historicalreferral", "nrm_dutytonotify",
          "nrm_referralexploitationtype", "nrm_case", "nrm_historicalcase", "nrm_casetransition",
          "core_auditevent"]


def _fit(points: list[tuple[int, float]]) -> float | None:
    """The exponent b of seconds ≈ a·rows^b, least squares on logs."""
    if len(points) < 2:
        return None
    xs, ys = [math.log(n) for n, _ in points], [math.log(s) for _, s in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else None


def run(*, rows: int = 1_000_000, sizes: list[int] | None = None, service_rows: int = 0, narrative_chars: int = 300,
        batch_size: int = 5000, quiet: bool = False) -> dict:
    """Measure each size in its own process; return the figures (and print them unless ``quiet``)."""
    sizes = sizes or [rows]
    results = []
    for n in sizes:
        tmp = Path(tempfile.mkdtemp(prefix="palermo-bench-bulk-"))
        env = {k: v for k, v in os.environ.items() if k not in {"PALERMO_SQLITE_PATH"}}
        for k, v in KEYS.items():
            env.setdefault(k, v)
        env.update(PALERMO_DATA_DIR=str(tmp), PALERMO_ENV="test", DJANGO_SETTINGS_MODULE="palermo.settings")
        out = tmp / "result.json"
        args = [sys.executable, __file__, "--child", str(n), "--out", str(out), "--service-rows", str(service_rows),
                "--narrative-chars", str(narrative_chars), "--batch-size", str(batch_size)]
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=quiet, text=True)
        if done.returncode != 0:
            raise SystemExit(f"import_bulk.py: size {n:,} failed\n{(done.stderr or '')[-3000:]}")
        results.append(json.loads(out.read_text()))
    exponent = _fit([(r["rows"], r["bulk_seconds"]) for r in results])
    floor_exponent = _fit([(r["rows"], r["floor_seconds"]) for r in results])
    summary = {"benchmark": "import_bulk", "database": results[0]["database"], "sizes": results,
               "growth_exponent": exponent, "floor_growth_exponent": floor_exponent, "goal_ratio": 0.30,
               "goal_met": all(r["ratio"] >= 0.30 for r in results)}
    # the shape make bench collects (benchmarks/_common.py)
    sys.path.insert(0, str(ROOT))
    from benchmarks._common import measure

    summary["options"] = {"sizes": sizes, "service_rows": service_rows, "batch_size": batch_size}
    summary["measures"] = [
        measure(f"bulk import {r['rows']:,} rows", r["bulk_rate"], "rows/s", floor=r["floor_rate"],
                floor_name="raw executemany of the same rows", better="higher", goal="≥ 0.30 of the floor",
                met=r["ratio"] >= 0.30, cpu_ratio=r["cpu_ratio"])
        for r in results
    ]
    summary["peak_rss_mb"] = max(r["peak_rss_mb"] for r in results)
    summary["notes"] = []
    if exponent is not None:
        summary["growth_exponents"] = {"bulk": round(exponent, 2), "floor": round(floor_exponent, 2)}
    if not quiet:
        print(f"\nBulk referral import vs raw executemany floor ({summary['database']}; goal: bulk ≥ 30% of the floor)")
        print(f"{'rows':>10} {'bulk rows/s':>12} {'floor rows/s':>13} {'ratio':>7} {'CPU ratio':>10} {'bulk s':>8} "
              f"{'floor s':>8} {'peak RSS MB':>12} {'service rows/s':>15}")
        for r in results:
            service = f"{r['service_rate']:,.0f}" if r.get("service_rate") else "-"
            print(f"{r['rows']:>10,} {r['bulk_rate']:>12,.0f} {r['floor_rate']:>13,.0f} {r['ratio']:>7.2f} "
                  f"{r['cpu_ratio']:>10.2f} {r['bulk_seconds']:>8.1f} {r['floor_seconds']:>8.1f} {r['peak_rss_mb']:>12,.0f} {service:>15}")
        if exponent is not None:
            print(f"growth exponent (bulk seconds ∝ rows^b): b = {exponent:.2f}; floor: b = {floor_exponent:.2f}")
        print("| rows | bulk rows/s | floor rows/s | ratio | CPU-time ratio | peak RSS MB |\n|---:|---:|---:|---:|---:|---:|")
        for r in results:
            print(f"| {r['rows']:,} | {r['bulk_rate']:,.0f} | {r['floor_rate']:,.0f} | {r['ratio']:.2f} | "
                  f"{r['cpu_ratio']:.2f} | {r['peak_rss_mb']:,.0f} |")
    return summary


def _child(n: int, out: Path, service_rows: int, narrative_chars: int, batch_size: int) -> None:
    import resource

    import django

    django.setup()
    from django.db import connection, transaction

    from benchmarks._common import migrate
    from palermo.accounts.models import User
    from palermo.demo import organisations_load, users_load
    from palermo.nrm.importer import import_referrals
    from palermo.synth.referrals import write_referrals_csv

    migrate()
    users_load(organisations_load())
    actor = User.objects.get(username="responder")
    tmp = Path(os.environ["PALERMO_DATA_DIR"])
    path = tmp / "referrals.csv"
    t0 = time.perf_counter()
    write_referrals_csv(path=path, rows=n, narrative_chars=narrative_chars, seed=1)
    print(f"  {n:,} rows: file of {path.stat().st_size / 2**20:,.0f} MB written in {time.perf_counter() - t0:.0f} s",
          flush=True)
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        before = {}
        for table in TABLES:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}" if "historical" not in table
                        else f"SELECT COALESCE(MAX(history_id), 0) FROM {qn(table)}")
            before[table] = cur.fetchone()[0]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    t0, c0 = time.perf_counter(), time.process_time()
    result = import_referrals(actor=actor, path=path, write="bulk", batch_size=batch_size)
    bulk_s, bulk_cpu = time.perf_counter() - t0, time.process_time() - c0
    assert result.written == n and not result.errors, result.errors[:5]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"  bulk import: {n / bulk_s:,.0f} referrals/s ({bulk_s:.1f} s)", flush=True)

    floor_s, floor_cpu, floor_rows = _floor(connection, before, batch_size, transaction)
    print(f"  floor: {n / floor_s:,.0f} referrals/s ({floor_s:.1f} s, {floor_rows:,} table rows)", flush=True)

    service_rate = None
    if service_rows:
        small = tmp / "service.csv"
        write_referrals_csv(path=small, rows=service_rows, narrative_chars=narrative_chars, seed=2)
        from django.test.utils import override_settings

        t0 = time.perf_counter()
        with override_settings(PALERMO_LINK_ON_REFERRAL=False):  # as `palermo import referrals` runs it
            done = import_referrals(actor=actor, path=small, write="service")
        service_s = time.perf_counter() - t0
        assert done.written == service_rows, done.errors[:5]
        service_rate = service_rows / service_s
        print(f"  service path: {service_rate:,.0f} referrals/s ({service_s:.1f} s)", flush=True)
    out.write_text(json.dumps({
        "rows": n, "database": connection.vendor, "batch_size": batch_size, "narrative_chars": narrative_chars,
        "bulk_seconds": bulk_s, "bulk_rate": n / bulk_s, "floor_seconds": floor_s, "floor_rate": n / floor_s,
        "ratio": floor_s / bulk_s, "bulk_cpu_seconds": bulk_cpu, "floor_cpu_seconds": floor_cpu,
        "cpu_ratio": floor_cpu / bulk_cpu, "table_rows": floor_rows, "peak_rss_mb": peak / 2**20,
        "rss_before_import_mb": rss_before / 2**20, "service_rows": service_rows, "service_rate": service_rate,
        "floor": "cursor.executemany of the rows the import stored (already encrypted), same tables, one transaction",
    }))


def _floor(connection, before: dict[str, int], batch: int, transaction) -> tuple[float, float, int]:
    """Insert again, with ``executemany``, every row the import wrote, and commit; only the inserts
    and the commit timed (the rows stay, their ids a billion higher: run sizes in fresh databases)."""
    qn = connection.ops.quote_name
    timed, cpu, total = 0.0, 0.0, 0
    with connection.cursor() as cur:
        shift = {}
        for table in TABLES:
            pk = "history_id" if "historical" in table else "id"
            cur.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {qn(table)}")
            shift[table] = cur.fetchone()[0] - before[table] + 1_000_000_000
    fk_shift = {"person_id": "people_person", "referral_id": "nrm_referral", "case_id": "nrm_case"}
    unique = {"pseudonym", "reference"}
    with transaction.atomic():
        with connection.cursor() as cur:
            for table in TABLES:
                pk = "history_id" if "historical" in table else "id"
                cur.execute(f"SELECT * FROM {qn(table)} WHERE 1 = 0")
                columns = [c[0] for c in cur.description]
                history = "historical" in table
                sql = (f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "
                       f"VALUES ({', '.join(['%s'] * len(columns))})")
                lo = before[table]
                while True:
                    cur.execute(f"SELECT * FROM {qn(table)} WHERE {qn(pk)} > %s AND {qn(pk)} < %s ORDER BY {qn(pk)} "
                                f"LIMIT {batch}", [lo, 1_000_000_000])
                    fetched = cur.fetchall()
                    if not fetched:
                        break
                    lo = fetched[-1][columns.index(pk)]
                    rows = []
                    for values in fetched:
                        row = list(values)
                        for i, c in enumerate(columns):
                            if c == pk:
                                row[i] += shift[table]
                            elif c in fk_shift and row[i] is not None and not (history and c == "id"):
                                row[i] += shift[fk_shift[c]]
                            elif c == "id" and history:
                                row[i] += shift[table.replace("historical", "")]
                            elif c in unique and row[i]:
                                row[i] = "Z" + row[i][1:]
                            elif isinstance(row[i], (dict, list)):  # PostgreSQL's jsonb, read back
                                row[i] = json.dumps(row[i])
                        rows.append(row)
                    t0, c0 = time.perf_counter(), time.process_time()
                    cur.executemany(sql, rows)
                    timed, cpu = timed + time.perf_counter() - t0, cpu + time.process_time() - c0
                    total += len(rows)
        t0, c0 = time.perf_counter(), time.process_time()
    timed, cpu = timed + time.perf_counter() - t0, cpu + time.process_time() - c0  # the commit, as the import's
    return timed, cpu, total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--sizes", help="comma-separated sizes, e.g. 10000,100000,1000000 (overrides --rows)")
    ap.add_argument("--service-rows", type=int, default=0)
    ap.add_argument("--narrative-chars", type=int, default=300)
    ap.add_argument("--batch-size", type=int, default=5000)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, default=None, help="also write the result here")
    args = ap.parse_args()
    if args.child:
        return _child(args.child, args.out, args.service_rows, args.narrative_chars, args.batch_size)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    out = run(rows=args.rows, sizes=sizes, service_rows=args.service_rows, narrative_chars=args.narrative_chars,
              batch_size=args.batch_size)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
