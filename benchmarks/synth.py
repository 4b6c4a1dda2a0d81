"""Benchmark 6: ``palermo synth`` — a synthetic caseload written through the bulk path,
against the floor measured in the same run (issue 12: 1M cases in under 2 minutes).

    .venv/bin/python benchmarks/synth.py [--cases 1000000] [--sizes 10000,100000,1000000]
                                         [--profile uk-2023] [--batch-size 50000]

For each size, on a fresh SQLite database (a copy of one migrated template):
1. ``synth_run`` — plan, names and recording errors, routing and deadlines, encryption, blind
   indexes, rows, one audit event a batch, the checkpoint — timed end to end, with cases/s;
2. the floor: the very rows it wrote (read back, already encrypted), written again with raw
   ``executemany`` into the same tables of another fresh copy, with the same PRAGMAs, batches
   and index deferral (secondary indexes dropped, built again at the end): what SQLite alone
   costs;
3. peak resident memory of the process (``ru_maxrss``) after each size;
4. CPU seconds of the writing process and of the generator processes (``synth/pipeline.py``),
   and how long the writer waited for batches (the pipeline's balance).
With several sizes it fits the growth exponent (time ∝ cases^k). ``run(sizes)`` returns the
figures as a dict for the runner (``benchmarks/results/latest.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GOAL_SECONDS = 120
TABLES = ("people_person", "nrm_referral", "nrm_referralexploitationtype", "nrm_case", "nrm_decision",
          "nrm_casetransition")


def _setup() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="palermo-bench-synth-"))
    os.environ.setdefault("PALERMO_DATA_DIR", str(tmp))
    os.environ.setdefault("PALERMO_ENV", "test")
    os.environ.setdefault("PALERMO_ENCRYPTION_KEYS", "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=")
    os.environ.setdefault("PALERMO_BLIND_INDEX_KEY", "bench-only")
    os.environ.setdefault("PALERMO_AUDIT_KEY", "bench-only-audit-key-0123456789abcdef")
    os.environ["PALERMO_SQLITE_PATH"] = str(tmp / "template.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "palermo.settings"
    import django

    django.setup()
    from django.db import connection

    from benchmarks._common import migrate

    migrate()
    from palermo.synth.bulk import staff_load

    staff_load()  # organisations and staff in the template, as a first run would make them
    connection.close()
    return tmp


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished children (the generators)."""
    own, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _use(path: Path) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = str(path)


def _floor(source: Path, target: Path, base_ids: dict, batch_size: int) -> float:
    """Raw executemany of the rows the run wrote (already generated and encrypted) into the
    same tables of a fresh copy of the template, in the same batches, with the same PRAGMAs."""
    src = sqlite3.connect(source)
    rows = {t: src.execute(f"SELECT * FROM {t} WHERE id >= ?", (base_ids[k],)).fetchall()  # noqa: S608
            for t, k in zip(TABLES, ("person", "referral", "exploitation", "case", "decision", "transition"), strict=True)}
    src.close()
    dst = sqlite3.connect(target, isolation_level=None)
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute("PRAGMA synchronous=OFF")
    dst.execute("PRAGMA cache_size=-262144")
    dst.execute("PRAGMA foreign_keys=ON")
    # batch b holds cases b·size … (b+1)·size − 1 and everything that belongs to them
    case_col = {"nrm_decision": 11, "nrm_casetransition": 8}
    batches: dict[int, dict[str, list]] = {}
    for t, part in rows.items():
        for k, row in enumerate(part):
            key = (row[case_col[t]] - base_ids["case"]) if t in case_col else k
            batches.setdefault(key // batch_size, {}).setdefault(t, []).append(row)
    # the same index deferral as synth: secondary indexes dropped, built again at the end
    indexes = dst.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE "
                          f"'CREATE UNIQUE%' AND tbl_name IN ({','.join('?' * len(TABLES))})", TABLES).fetchall()
    t0 = time.perf_counter()
    for name, _ in indexes:
        dst.execute(f'DROP INDEX "{name}"')
    for b in sorted(batches):
        dst.execute("BEGIN")
        for t in TABLES:
            part = batches[b].get(t)
            if part:
                dst.executemany(f"INSERT INTO {t} VALUES ({','.join('?' * len(part[0]))})", part)  # noqa: S608
        dst.execute("COMMIT")
    for _, sql in indexes:
        dst.execute(sql)
    took = time.perf_counter() - t0
    dst.close()
    return took


def run(sizes: list[int], *, profile: str = "uk-2023", batch_size: int = 50_000, seed: int = 1) -> dict:
    import numpy as np

    tmp = _setup()
    from palermo.synth.bulk import synth_run
    from palermo.synth.plan import plan_make
    from palermo.synth.profile import profile_load

    results = []
    for n in sizes:
        db, floor_db = tmp / f"synth-{n}.sqlite3", tmp / f"floor-{n}.sqlite3"
        shutil.copy(tmp / "template.sqlite3", db)
        shutil.copy(tmp / "template.sqlite3", floor_db)
        t0 = time.perf_counter()
        plan_make(profile_load(profile), n, seed)
        plan_s = time.perf_counter() - t0
        _use(db)
        cpu0 = _cpu()
        t0 = time.perf_counter()
        run_ = synth_run(profile=profile, cases=n, seed=seed, batch_size=batch_size, truth=tmp / f"truth-{n}.csv")
        took = time.perf_counter() - t0
        own, gen = (a - b for a, b in zip(_cpu(), cpu0, strict=True))
        _use(tmp / "template.sqlite3")
        floor = _floor(db, floor_db, run_.base_ids, batch_size)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results.append({"cases": n, "seconds": round(took, 2), "cases_per_s": round(n / took), "plan_seconds": round(plan_s, 2),
                        "floor_seconds": round(floor, 2), "floor_cases_per_s": round(n / floor),
                        "share_of_floor_rate": round(floor / took, 3), "peak_rss_mb": round(rss),
                        "generator_processes": run_.generator_processes, "cpu_writer_s": round(own, 2),
                        "cpu_generators_s": round(gen, 2), "writer_waited_s": round(run_.waited_for_batches, 2)})
        print(f"synth {profile} {n:>9,} cases: {took:8.2f} s  {n / took:>9,.0f} cases/s   "
              f"(of which plan alone {plan_s:.2f} s)   peak RSS {rss:,.0f} MB", flush=True)
        print(f"  CPU: writer {own:.2f} s, {run_.generator_processes} generator process(es) {gen:.2f} s; "
              f"the writer waited {run_.waited_for_batches:.2f} s for batches", flush=True)
        print(f"  floor: raw executemany of the same rows {floor:8.2f} s  {n / floor:>9,.0f} cases/s   "
              f"synth runs at {floor / took:.0%} of the floor's rate ({took / floor:.2f}× its time)", flush=True)
        for p in (db, floor_db):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{p}{suffix}").unlink(missing_ok=True)
    from benchmarks._common import measure, result

    measures = []
    for r in results:
        measures.append(measure(f"synth {r['cases']:,} cases", r["seconds"], "s", floor=r["floor_seconds"],
                                floor_name="raw executemany of the same rows", better="lower",
                                goal=f"< {GOAL_SECONDS} s at 1,000,000" if r["cases"] >= 1_000_000 else "",
                                met=(r["seconds"] < GOAL_SECONDS) if r["cases"] >= 1_000_000 else None))
    out = result("synth", {"sizes": sizes, "profile": profile, "batch_size": batch_size}, measures, database="sqlite",
                 profile=profile, results=results, goal=f"1,000,000 cases in under {GOAL_SECONDS} s")
    if len(results) > 1:
        x = np.log([r["cases"] for r in results])
        out["growth_exponent"] = round(float(np.polyfit(x, np.log([r["seconds"] for r in results]), 1)[0]), 2)
        out["floor_growth_exponent"] = round(float(np.polyfit(x, np.log([r["floor_seconds"] for r in results]), 1)[0]), 2)
        out["growth_exponents"] = {"synth": out["growth_exponent"], "floor": out["floor_growth_exponent"]}
        print(f"growth: time ∝ cases^{out['growth_exponent']} (floor ∝ cases^{out['floor_growth_exponent']})")
    million = next((r for r in results if r["cases"] >= 1_000_000), None)
    if million:
        out["goal_met"] = million["seconds"] < GOAL_SECONDS
        print(f"goal: {out['goal']}: {'met' if out['goal_met'] else 'not met'} ({million['seconds']:.1f} s)")
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--sizes", type=str, default="", help="comma-separated sizes, e.g. 10000,100000,1000000")
    ap.add_argument("--profile", default="uk-2023")
    ap.add_argument("--batch-size", type=int, default=50_000)
    ap.add_argument("--json", type=Path, default=None, help="also write the result here")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s] or [args.cases]
    out = run(sizes, profile=args.profile, batch_size=args.batch_size)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
