"""Every benchmark still runs (at a tiny size) and prints its ratios: benchmarks are not run in
CI at full size, so without this a change elsewhere can break one unnoticed (the incremental
scoring benchmark did: a new safeguarding rule refused its synthetic re-referrals). No timing
is asserted: only that each completes and reports what it measures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.migrated import sqlite_template

ROOT = Path(__file__).resolve().parent.parent

RUNS = [
    (["nrm.py", "--cases", "60"], ["referral_create", "audit seal per event"]),
    (["audit_chain.py", "--events", "200", "--repeat", "1"], ["audit verify, HMAC chain", "audit verify, SHA-256 chain"]),
    (["linkage_incremental.py", "--cases", "40"], ["baseline: decrypt + clean", "warm, all referrals (median)"]),
    (["linkage.py", "--sizes", "2000", "--methods", "palermo,exact,ceiling"], ["palermo", "ceiling (guess", "F1 / ceiling"]),
    (["linkage.py", "--sizes", "2000", "--methods", "palermo", "--no-strata", "--model",
      "benchmarks/data/linkage_model_calibrated.json", "--classifier", "benchmarks/data/linkage_classifier.json"],
     ["linkage_classifier.json", "palermo"]),
    (["import_memory.py", "--megabytes", "0.5"], ["baseline: csv.reader pass", "peak RSS"]),
    (["import_bulk.py", "--sizes", "200,400", "--service-rows", "20"], ["bulk import:", "floor:", "growth exponent",
                                                                        "service path:"]),
    (["network.py", "--entities", "300", "--links", "900", "--queries", "3"], ["build the graph", "shortest path",
                                                                               "connected groups"]),
    (["stats.py", "--referrals", "3000", "--repeat", "1"], ["floor: one DuckDB GROUP BY", "all tables counted",
                                                            "whole release"]),
    (["synth.py", "--sizes", "300,600", "--batch-size", "250"], ["floor: raw executemany of the same rows", "growth: time"]),
    (["overdue.py", "--sizes", "300,600", "--repeat", "1"], ["dashboard overdue count", "overdue list, count + first page",
                                                              "growth palermo_count"]),
    (["import_decisions.py", "--rows", "300", "--service-rows", "30"], ["bulk path", "service path"]),
    (["http_cpu.py", "--cases", "100", "--requests", "5", "--writes", "5"],
     ["CPU per request", "queries per request", "write POST /api/v1/referrals: CPU per request"]),
    (["http_api.py", "--cases", "20", "--seconds", "0.5", "--clients", "2", "--skip-link", "--probe"],
     ["read GET /api/v1/cases", "write POST /api/v1/referrals", "peak memory", "probe api: server p50",
      "probe floor: server p50"]),
]


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PALERMO_DATA_DIR", "PALERMO_ENV"}}
    env["PALERMO_DATA_DIR"] = str(tmp_path)  # a fresh SQLite database, never the user's
    env["COLUMNS"] = "200"
    env["PALERMO_MIGRATED_SQLITE"] = str(sqlite_template())  # copied, not migrated again: tests/migrated.py
    return env


@pytest.mark.parametrize(("args", "expected"), RUNS, ids=[r[0][0] for r in RUNS])
def test_benchmark_runs(args, expected, tmp_path):
    env = _env(tmp_path)
    out = tmp_path / "result.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / args[0]), *args[1:], "--json", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    for text in expected:
        assert text in done.stdout, f"{text!r} not in the output of {args[0]}"
    # the result make bench collects: figures with their floor, ratio and peak memory
    result = json.loads(out.read_text())
    assert result["benchmark"] == args[0].removesuffix(".py") and result["peak_rss_mb"] > 0
    assert result["measures"] and all({"name", "value", "unit", "floor", "ratio"} <= set(m) for m in result["measures"])


def test_run_all_writes_the_json_and_the_markdown_table(tmp_path):
    """`make bench`'s runner: each listed benchmark in a process of its own, one JSON of every
    figure and a Markdown table, at the size asked for."""
    env = _env(tmp_path)
    env.pop("PALERMO_DATA_DIR")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--size", "tiny",
                           "--only", "overdue,nrm", "--out", str(tmp_path / "results")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    doc = json.loads((tmp_path / "results" / "latest.json").read_text())
    assert doc["size"] == "tiny" and [r["benchmark"] for r in doc["results"]] == ["overdue", "nrm"]
    for r in doc["results"]:
        assert r["exit_code"] == 0 and r["process_peak_rss_mb"] > 0 and r["measures"]
    table = (tmp_path / "results" / "latest.md").read_text()
    assert "| overdue |" in table and "| nrm |" in table and "dashboard overdue count" in table
    assert table in done.stdout  # printed too


def test_run_all_knows_every_benchmark_module():
    """A benchmark module the runner does not list would never run in `make bench`."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.run_all import BENCHMARKS

    modules = {p.stem for p in (ROOT / "benchmarks").glob("*.py") if not p.stem.startswith("_") and p.stem != "run_all"}
    assert modules == set(BENCHMARKS), modules ^ set(BENCHMARKS)
    for name, sizes in BENCHMARKS.items():
        assert set(sizes) == {"tiny", "small", "full"}, name
