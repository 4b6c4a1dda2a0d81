"""Import memory and throughput on a large file, against a bare ``csv.reader`` pass over the
same file in the same run (these machines are shared and noisy: compare ratios).

    .venv/bin/python benchmarks/import_memory.py [--megabytes 1024] [--narrative-chars 19000]

Generates a file of valid synthetic referrals (``palermo.synth.referrals``) of the given size
in a temporary folder, on a fresh SQLite database there (or DATABASE_URL if set), and runs,
each as its own process so that its peak resident set size is its own (``wait4``):

1. the baseline: ``csv.reader`` over the file, counting rows, nothing else;
2. ``palermo import referrals`` on a three-row file (the memory Django and Palermo need anyway);
3. the import with one invalid row added at the end: every row is checked, then the file is
   refused and nothing is written (the first pass alone);
4. the import of the valid file: checked, then every row written in one transaction.

Prints rows, seconds, rows per second and peak RSS for each, with ratios to the baseline.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from palermo.synth.referrals import referral_row, write_referrals_csv  # noqa: E402

SETUP = ("import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'palermo.settings'); import django; "
         "django.setup(); from palermo.demo import organisations_load, users_load; users_load(organisations_load())")
BARE = ("import csv, sys; n = sum(1 for _ in csv.reader(open(sys.argv[1], newline='', encoding='utf-8'))); "
        "print(n - 1, 'rows')")


def run_process(args: list[str], env: dict, workdir: Path) -> tuple[float, int, int, str]:
    """Seconds, exit code, peak RSS in bytes and the output of one process."""
    out = workdir / "out.txt"
    with out.open("w") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
    return seconds, os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024, out.read_text()


def run(*, megabytes: float = 1024, narrative_chars: int = 19_000) -> dict:
    from benchmarks._common import copy_sqlite, measure, result

    args = argparse.Namespace(megabytes=megabytes, narrative_chars=narrative_chars)
    tmp = Path(tempfile.mkdtemp(prefix="palermo-bench-import-"))
    env = {k: v for k, v in os.environ.items() if k != "PALERMO_SQLITE_PATH"}
    env.setdefault("PALERMO_ENCRYPTION_KEYS", "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=")
    env.setdefault("PALERMO_BLIND_INDEX_KEY", "bench-only")
    env.update(PALERMO_DATA_DIR=str(tmp), PALERMO_ENV="test", DJANGO_SETTINGS_MODULE="palermo.settings")
    template = env.get("PALERMO_MIGRATED_SQLITE")  # a migrated, empty SQLite file: see _common.migrate
    if template and not env.get("DATABASE_URL"):
        copy_sqlite(Path(template), tmp / "palermo.sqlite3")
    for step in (["-m", "palermo", "migrate", "-v0"], ["-c", SETUP]):
        subprocess.run([sys.executable, *step], cwd=ROOT, env=env, check=True, capture_output=True)

    big, tiny = tmp / "referrals.csv", tmp / "three.csv"
    target = int(args.megabytes * 1024 * 1024)
    t0 = time.perf_counter()
    rows = write_referrals_csv(path=big, target_bytes=target, narrative_chars=args.narrative_chars, seed=1)
    size = big.stat().st_size
    print(f"Generated {size / 2**20:,.0f} MB, {rows:,} valid rows in {time.perf_counter() - t0:,.0f} s "
          f"({'PostgreSQL' if env.get('DATABASE_URL') else 'SQLite'})", flush=True)
    write_referrals_csv(path=tiny, rows=3, seed=2)

    results = []

    def timed(label: str, n: int, argv: list[str], expect_ok: bool) -> None:
        seconds, code, rss, out = run_process(argv, env, tmp)
        if (code == 0) != expect_ok:
            raise SystemExit(f"{label}: unexpected exit {code}\n{out[-3000:]}")
        results.append((label, n, seconds, rss))
        print(f"  done: {label} ({seconds:,.0f} s)", flush=True)

    palermo = [sys.executable, "-m", "palermo", "import", "referrals"]
    timed("baseline: csv.reader pass", rows, [sys.executable, "-c", BARE, str(big)], True)
    timed("import, three rows", 3, [*palermo, str(tiny), "--as", "responder", "--no-progress"], True)
    with big.open("a", newline="", encoding="utf-8") as fh:  # one invalid row at the end
        bad = referral_row(rows, random.Random(3), narrative_chars=args.narrative_chars)
        bad[1] = "atlantis"
        csv.writer(fh).writerow(bad)
    timed("import, invalid last row (checked, refused)", rows + 1, [*palermo, str(big), "--as", "responder", "--no-progress"], False)
    with big.open("r+b") as fh:
        fh.truncate(size)
    timed("import, valid (checked, then written)", rows, [*palermo, str(big), "--as", "responder", "--no-progress"], True)

    base_rate, base_rss = results[0][1] / results[0][2], results[0][3]
    print(f"\nImport of a {size / 2**20:,.0f} MB file ({rows:,} rows, narratives of {args.narrative_chars:,} characters)")
    print(f"{'run':46} {'rows':>10} {'seconds':>9} {'rows/s':>9} {'vs bare':>8} {'peak RSS MB':>12} {'vs bare':>8}")
    for label, n, seconds, rss in results:
        rate = n / seconds if seconds else 0
        print(f"{label:46} {n:>10,} {seconds:>9,.1f} {rate:>9,.0f} {rate / base_rate:>8.3f} {rss / 2**20:>12,.0f} "
              f"{rss / base_rss:>8.1f}")
    print(f"peak RSS of the largest import minus the three-row import: "
          f"{(max(r[3] for r in results[2:]) - results[1][3]) / 2**20:,.1f} MB for a {size / 2**20:,.0f} MB file")
    shutil.rmtree(tmp, ignore_errors=True)
    measures = []
    for label, n, seconds, rss in results[1:]:
        rate = n / seconds if seconds else 0
        measures.append(measure(f"{label}: rate", rate, "rows/s", floor=base_rate, floor_name="csv.reader pass",
                                better="higher"))
        measures.append(measure(f"{label}: peak RSS", rss / 2**20, "MB", floor=base_rss / 2**20,
                                floor_name="csv.reader pass"))
    return result("import_memory", {"megabytes": megabytes, "narrative_chars": narrative_chars}, measures,
                  database="postgresql" if env.get("DATABASE_URL") else "sqlite",
                  notes=[f"{rows:,} rows, {size / 2**20:,.0f} MB; peak RSS is each run's own process"])


def main() -> None:
    from benchmarks._common import cli

    ap = argparse.ArgumentParser()
    ap.add_argument("--megabytes", type=float, default=1024)
    ap.add_argument("--narrative-chars", type=int, default=19_000)
    cli(run, ap)


if __name__ == "__main__":
    main()
