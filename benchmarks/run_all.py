"""Run the benchmark suite (``make bench``): every benchmark at one size, each in a process of its
own, then write ``benchmarks/results/latest.json`` (every figure) and ``latest.md`` (a short
table, also printed). The results folder is git-ignored: figures belong to a machine and a day.

    .venv/bin/python benchmarks/run_all.py [--size tiny|small|full] [--only http_api,overdue] [--postgres]

Each benchmark module exposes ``run(**options) -> dict`` (``benchmarks/_common.py`` describes the
result) and is run as ``python benchmarks/NAME.py ARGS --json FILE``; its peak memory is the
process's own (``wait4``). Where a size lists several runs of one benchmark (10k → 100k → 1M), the
growth of each measure is fitted as time ∝ size^k and reported.

``--postgres`` also runs the benchmarks that use a database (``ON_DATABASE``) against a throwaway
PostgreSQL cluster (``scripts/with_postgres.sh``; needs root).

To add a benchmark: give its module ``run(...) -> dict`` and ``main()`` with ``_common.cli``, then
add one entry to ``BENCHMARKS`` below: ``"name": {"tiny": [[args]], "small": [[args]], "full":
[[args], [args], …]}`` (several lists = a growth series, with ``GROWTH[name]`` naming the option
that holds the size).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import fitted_exponent, format_value  # noqa: E402

# name → size → one or more argument lists (one process each)
BENCHMARKS: dict[str, dict[str, list[list[str]]]] = {
    "http_api": {
        "tiny": [["--cases", "30", "--seconds", "1", "--clients", "2", "--skip-link"]],
        "small": [["--cases", "1000", "--seconds", "10"]],
        "full": [["--cases", "10000", "--seconds", "20"]],
    },
    "http_cpu": {
        "tiny": [["--cases", "200", "--requests", "20", "--writes", "20"]],
        "small": [["--cases", "10000", "--requests", "300"]],
        "full": [["--cases", "10000", "--requests", "1000", "--writes", "1000"]],
    },
    "stats": {
        "tiny": [["--referrals", "3000", "--repeat", "1"]],
        "small": [["--referrals", "100000"]],
        "full": [["--referrals", "10000"], ["--referrals", "100000"], ["--referrals", "1000000"]],
    },
    "overdue": {
        "tiny": [["--sizes", "2000", "--repeat", "1"]],
        "small": [["--sizes", "10000,100000"]],
        "full": [["--sizes", "10000,100000,1000000"]],
    },
    "linkage": {
        "tiny": [["--sizes", "2000", "--methods", "palermo,exact,ceiling", "--no-strata",
                  "--model", "benchmarks/data/linkage_model_calibrated.json",
                  "--classifier", "benchmarks/data/linkage_classifier.json"]],
        "small": [["--sizes", "10000", "--methods", "palermo,exact,ceiling"]],
        # issue 12's accuracy goal is measured with the calibrated model and the pair classifier
        "full": [["--sizes", "10000,100000,1000000", "--methods", "palermo,exact,ceiling",
                  "--model", "benchmarks/data/linkage_model_calibrated.json",
                  "--classifier", "benchmarks/data/linkage_classifier.json"]],
    },
    "nrm": {
        "tiny": [["--cases", "60", "--repeat", "1"]],
        "small": [["--cases", "500"]],
        "full": [["--cases", "2000"]],
    },
    "audit_chain": {
        "tiny": [["--events", "200", "--repeat", "1"]],
        "small": [["--events", "20000"]],
        "full": [["--events", "10000"], ["--events", "100000"], ["--events", "1000000"]],
    },
    "linkage_incremental": {
        "tiny": [["--cases", "40", "--referrals", "4"]],
        "small": [["--cases", "300"]],
        "full": [["--cases", "1000"]],
    },
    "import_memory": {
        "tiny": [["--megabytes", "0.5"]],
        "small": [["--megabytes", "16"]],
        "full": [["--megabytes", "1024"]],
    },
    "import_decisions": {
        "tiny": [["--rows", "300", "--service-rows", "30"]],
        "small": [["--rows", "20000", "--service-rows", "500"]],
        "full": [["--rows", "10000"], ["--rows", "100000"], ["--rows", "1000000", "--service-rows", "2000"]],
    },
    "import_bulk": {
        "tiny": [["--sizes", "200,400", "--service-rows", "20"]],
        "small": [["--sizes", "10000,100000", "--service-rows", "500"]],
        "full": [["--sizes", "10000,100000,1000000", "--service-rows", "2000"]],
    },
    "network": {
        "tiny": [["--entities", "300", "--links", "900", "--queries", "3"]],
        "small": [["--entities", "20000", "--links", "100000"]],
        "full": [["--entities", "100000", "--links", "500000"]],
    },
    "synth": {
        "tiny": [["--sizes", "300,600", "--batch-size", "250"]],
        "small": [["--sizes", "10000,100000"]],
        "full": [["--sizes", "10000,100000,1000000"]],
    },
}
# the option that holds the size, for benchmarks whose full size is a growth series
GROWTH = {"stats": "--referrals", "audit_chain": "--events", "import_decisions": "--rows"}
# benchmarks that use Palermo's database (also run on PostgreSQL with --postgres)
ON_DATABASE = {"network", "import_bulk", "http_api", "overdue", "nrm", "audit_chain", "linkage_incremental", "import_decisions", "import_memory"}


def run_one(name: str, args: list[str], *, postgres: bool, workdir: Path) -> dict:
    """One benchmark process; its result with the process's peak memory and exit status."""
    out = workdir / f"{name}-{abs(hash(tuple(args)))}-{'pg' if postgres else 'default'}.json"
    cmd = [sys.executable, str(HERE / f"{name}.py"), *args, "--json", str(out)]
    if postgres:
        cmd = ["sh", str(ROOT / "scripts" / "with_postgres.sh"), *cmd]
    env = {k: v for k, v in os.environ.items() if not (postgres and k == "DATABASE_URL")}
    env.pop("PALERMO_DATA_DIR", None)  # each benchmark makes a fresh folder of its own
    print(f"\n=== {name} {' '.join(args)}{' (PostgreSQL)' if postgres else ''} ===", flush=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    res = json.loads(out.read_text()) if out.exists() else {"benchmark": name, "measures": [], "notes": []}
    res.update(args=args, exit_code=code, seconds=round(seconds, 1),
               process_peak_rss_mb=round(usage.ru_maxrss / 1024, 1))
    if postgres:
        res["database"] = res.get("database") or "postgresql"
    return res


def size_of(name: str, args: list[str]) -> float | None:
    flag = GROWTH.get(name)
    if flag and flag in args:
        return float(args[args.index(flag) + 1])
    return None


def growth(name: str, runs: list[dict]) -> dict[str, float]:
    """Per measure name, the fitted exponent over the runs of one benchmark at several sizes."""
    sizes = [size_of(name, r["args"]) for r in runs]
    if len(runs) < 2 or any(s is None for s in sizes):
        return {}
    out = {}
    for m in runs[0]["measures"]:
        values = [next((x["value"] for x in r["measures"] if x["name"] == m["name"]), None) for r in runs]
        if m["unit"] == "s" and all(v for v in values):
            k = fitted_exponent(sizes, values)
            if k is not None:
                out[m["name"]] = round(k, 2)
    return out


def markdown(results: list[dict], size: str) -> str:
    lines = [f"# Benchmarks ({size}, {dt.datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, "
             f"{os.cpu_count()} cores)", "",
             "| benchmark | db | measure | value | floor | ratio | goal | peak MB |",
             "|---|---|---|---:|---:|---:|---|---:|"]
    for r in results:
        db = r.get("database", "")
        status = "" if r.get("exit_code", 0) == 0 else f" (exit {r['exit_code']})"
        if not r["measures"]:
            lines.append(f"| {r['benchmark']}{status} | {db} | – | | | | | {r.get('process_peak_rss_mb', 0):,.0f} |")
        for m in r["measures"]:
            ratio = f"{m['ratio']:.2f}" if m.get("ratio") is not None else ""
            goal = m.get("goal") or ""
            if m.get("met") is not None:
                goal += " ✔" if m["met"] else " ✘"
            lines.append(f"| {r['benchmark']}{status} | {db} | {m['name']} | {format_value(m['value'], m['unit'])} | "
                         f"{format_value(m.get('floor'), m['unit']) if m.get('floor') else ''} | {ratio} | {goal} | "
                         f"{r.get('process_peak_rss_mb', 0):,.0f} |")
        for k, v in (r.get("growth_exponents") or {}).items():
            lines.append(f"| {r['benchmark']} | {db} | growth: {k} | size^{v} | | | | |")
        for note in r.get("notes", []):
            if note.startswith("growth"):
                lines.append(f"| {r['benchmark']} | {db} | {note} | | | | | |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=["tiny", "small", "full"], default="small")
    ap.add_argument("--only", default="", help="comma-separated benchmark names (default: all)")
    ap.add_argument("--postgres", action="store_true", help="also run the database benchmarks on PostgreSQL")
    ap.add_argument("--out", type=Path, default=HERE / "results", help="folder for latest.json and latest.md")
    args = ap.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        ap.error(f"unknown benchmark(s) {unknown}; known: {', '.join(BENCHMARKS)}")
    workdir = Path(tempfile.mkdtemp(prefix="palermo-bench-all-"))
    results = []
    for name in names:
        for pg in ([False, True] if args.postgres and name in ON_DATABASE else [False]):
            runs = [run_one(name, a, postgres=pg, workdir=workdir) for a in BENCHMARKS[name][args.size]]
            exps = growth(name, runs)
            for r in runs:
                r["growth_exponents"] = exps if r is runs[-1] else {}
            results.extend(runs)
    args.out.mkdir(parents=True, exist_ok=True)
    doc = {"size": args.size, "when": dt.datetime.now().isoformat(timespec="seconds"), "machine": platform.node(),
           "cores": os.cpu_count(), "python": platform.python_version(), "results": results}
    (args.out / "latest.json").write_text(json.dumps(doc, indent=2, default=str), encoding="utf-8")
    md = markdown(results, args.size)
    (args.out / "latest.md").write_text(md, encoding="utf-8")
    print("\n" + md)
    print(f"written: {args.out / 'latest.json'} and {args.out / 'latest.md'}")
    failed = [f"{r['benchmark']} {' '.join(r['args'])}" for r in results if r.get("exit_code")]
    if failed:
        print("failed: " + "; ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
