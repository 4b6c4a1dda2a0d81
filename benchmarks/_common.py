"""What every benchmark shares: the shape of its result and its command line.

Each benchmark module exposes ``run(**options) -> dict`` (the result below) and a ``main()`` that
parses its command line, calls ``run`` and prints the table; ``--json FILE`` also writes the
result. ``benchmarks/run_all.py`` runs each module in a process of its own (a fresh Django, a
fresh database, its own peak memory) through ``python benchmarks/NAME.py … --json FILE``.

A result::

    {"benchmark": "http", "options": {...}, "database": "sqlite",
     "measures": [{"name": ..., "value": 12.3, "unit": "req/s", "floor": 40.0, "floor_name": ...,
                   "ratio": 0.31, "better": "higher", "goal": "≥ 0.40 of the floor", "met": False}, ...],
     "peak_rss_mb": 210.5, "notes": [...]}

``ratio`` is always ``value / floor``: for a time (``better: lower``) how many times the floor's
time it takes, for a rate (``better: higher``) the share of the floor's rate it reaches.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

TEST_ENV = {
    "PALERMO_ENV": "test",
    "PALERMO_ENCRYPTION_KEYS": "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=",
    "PALERMO_BLIND_INDEX_KEY": "bench-only",
    "PALERMO_AUDIT_KEY": "bench-only-audit-key-0123456789abcdef",
}


def migrate() -> None:
    """Run the migrations on the configured database.

    When ``PALERMO_MIGRATED_SQLITE`` names a migrated, empty SQLite file (the test suite's smoke
    runs set it: tests/migrated.py) and the database is a SQLite file not made yet, it is first
    made as a copy of that file, so the migrations find nothing to apply. The database is the
    same either way; only the ~14 s of migrating an empty database is saved."""
    import os

    from django.core.management import call_command
    from django.db import connection

    template = os.environ.get("PALERMO_MIGRATED_SQLITE")
    if template and connection.vendor == "sqlite" and not Path(connection.settings_dict["NAME"]).exists():
        copy_sqlite(Path(template), Path(connection.settings_dict["NAME"]))
    call_command("migrate", verbosity=0, interactive=False)


def copy_sqlite(source: Path, dest: Path) -> None:
    """A consistent copy of the SQLite database ``source`` at ``dest`` (SQLite's backup API)."""
    import sqlite3

    dest.parent.mkdir(parents=True, exist_ok=True)
    src, out = sqlite3.connect(source), sqlite3.connect(dest)
    try:
        src.backup(out)
    finally:
        src.close()
        out.close()


def measure(name: str, value: float, unit: str, *, floor: float | None = None, floor_name: str = "",
            better: str = "lower", goal: str = "", met: bool | None = None, **extra) -> dict:
    """One figure, with its floor measured in the same run and their ratio."""
    ratio = (value / floor) if floor and value is not None else None
    return {"name": name, "value": value, "unit": unit, "floor": floor, "floor_name": floor_name,
            "ratio": ratio, "better": better, "goal": goal, "met": met, **extra}


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def result(benchmark: str, options: dict, measures: list[dict], *, database: str = "", notes: list[str] | None = None,
           **extra) -> dict:
    return {"benchmark": benchmark, "options": options, "database": database, "measures": measures,
            "peak_rss_mb": round(peak_rss_mb(), 1), "notes": notes or [], **extra}


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def fitted_exponent(sizes: list[float], seconds: list[float]) -> float | None:
    """The exponent k of ``seconds ≈ c · size^k``, least squares on the logs (1 is linear)."""
    import math

    pts = [(math.log(n), math.log(s)) for n, s in zip(sizes, seconds, strict=True) if n > 0 and s > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    var = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / var if var else None


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:.3g} {unit}"


def table_lines(res: dict) -> list[str]:
    """The result as a plain-text table (what each script prints)."""
    out = [f"{'measure':<58} {'value':>14} {'floor':>14} {'ratio':>7}  goal"]
    for m in res["measures"]:
        ratio = f"{m['ratio']:.2f}" if m.get("ratio") is not None else "–"
        goal = m.get("goal") or ""
        if m.get("met") is not None:
            goal = f"{goal} ({'met' if m['met'] else 'NOT met'})"
        out.append(f"{m['name']:<58} {format_value(m['value'], m['unit']):>14} "
                   f"{format_value(m.get('floor'), m['unit']):>14} {ratio:>7}  {goal}")
    out.append(f"peak memory: {res['peak_rss_mb']:,.0f} MB")
    out.extend(f"note: {n}" for n in res.get("notes", []))
    return out


def cli(run: Callable[..., dict], parser: argparse.ArgumentParser, argv: list[str] | None = None) -> dict:
    """Parse, run, print the table, and write ``--json FILE`` when asked."""
    parser.add_argument("--json", type=Path, help="also write the result as JSON to this file")
    args = vars(parser.parse_args(argv))
    out = args.pop("json")
    res = run(**args)
    print("\n".join(table_lines(res)), flush=True)
    if out:
        out.write_text(json.dumps(res, indent=2, default=str), encoding="utf-8")
    return res


if __name__ == "__main__":  # pragma: no cover
    sys.exit("a helper module; run a benchmark or benchmarks/run_all.py")
