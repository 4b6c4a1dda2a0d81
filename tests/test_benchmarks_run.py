"""Every benchmark still runs (at a tiny size) and prints its ratios: benchmarks are not run in
CI at full size, so without this a change elsewhere can break one unnoticed (the incremental
scoring benchmark did: a new safeguarding rule refused its synthetic re-referrals). No timing
is asserted: only that each completes and reports what it measures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RUNS = [
    (["nrm.py", "--cases", "60"], ["referral_create", "audit seal per event"]),
    (["audit_chain.py", "--events", "200", "--repeat", "1"], ["audit verify, HMAC chain", "audit verify, SHA-256 chain"]),
    (["linkage_incremental.py", "--cases", "40"], ["baseline: decrypt + clean", "warm, all referrals (median)"]),
    (["linkage.py", "--sizes", "2000", "--methods", "palermo,exact,ceiling"], ["palermo", "ceiling (guess"]),
    (["import_memory.py", "--megabytes", "0.5"], ["baseline: csv.reader pass", "peak RSS"]),
    (["network.py", "--entities", "300", "--links", "900", "--queries", "3"], ["build the graph", "shortest path",
                                                                               "connected groups"]),
    (["stats.py", "--referrals", "3000", "--repeat", "1"], ["floor: one DuckDB GROUP BY", "all tables counted",
                                                            "whole release"]),
]


@pytest.mark.parametrize(("args", "expected"), RUNS, ids=[r[0][0] for r in RUNS])
def test_benchmark_runs(args, expected, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PALERMO_DATA_DIR", "PALERMO_ENV"}}
    env["PALERMO_DATA_DIR"] = str(tmp_path)  # a fresh SQLite database, never the user's
    env["COLUMNS"] = "200"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / args[0]), *args[1:]], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    for text in expected:
        assert text in done.stdout, f"{text!r} not in the output of {args[0]}"
