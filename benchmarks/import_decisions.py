"""Historic decisions import: rows per second of ``palermo import decisions`` against a raw
``executemany`` floor measured in the same run (these machines are noisy; compare ratios).

    .venv/bin/python benchmarks/import_decisions.py [--rows 100000] [--service-rows 2000]

On a fresh SQLite database in a temporary folder (or DATABASE_URL if set), it makes ``--rows``
historic referrals with earlier-system references (bare ORM inserts: the referrals import is
measured by import_memory.py), writes a decisions file with one positive reasonable grounds
decision per case, and times:

1. the import through the bulk path (check pass + write pass, one transaction): rows/s;
2. the same import through the service path, one decision at a time, on ``--service-rows``
   rows: rows/s (the path the bulk one is proven equal to);
3. the floor: ``cursor.executemany`` of the same number of bare rows (the decision's columns,
   plaintext, no checks, no history, no steps) into a table of their own, one transaction.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def run(*, rows: int = 100_000, service_rows: int = 2000) -> dict:
    from benchmarks._common import measure
    from benchmarks._common import result as bench_result

    args = argparse.Namespace(rows=rows, service_rows=service_rows)
    tmp = Path(tempfile.mkdtemp(prefix="palermo-bench-"))
    os.environ.setdefault("PALERMO_DATA_DIR", str(tmp))
    os.environ.setdefault("PALERMO_ENV", "test")
    os.environ.setdefault("PALERMO_ENCRYPTION_KEYS", "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=")
    os.environ.setdefault("PALERMO_BLIND_INDEX_KEY", "bench-only")
    os.environ.setdefault("PALERMO_AUDIT_KEY", "bench-only-audit-key-0123456789abcdef")
    os.environ["DJANGO_SETTINGS_MODULE"] = "palermo.settings"
    import django

    django.setup()
    from django.db import connection, transaction

    from benchmarks._common import migrate
    from palermo.accounts import roles as R
    from palermo.accounts.models import Membership, Organisation, User
    from palermo.demo import organisations_load
    from palermo.nrm.decision_import import import_decisions
    from palermo.nrm.decision_import_rows import COLUMNS
    from palermo.nrm.models import Case, Referral, case_list_facts

    migrate()
    orgs = organisations_load()
    responder = User.objects.create_user("bench.responder", password="bench-password-2026")
    Membership.objects.create(user=responder, organisation=orgs["MET"], role=R.FIRST_RESPONDER)
    decider = User.objects.create_user("bench.decider", password="bench-password-2026")
    Membership.objects.create(user=decider, organisation=orgs["UKHTC"], role=R.DECISION_MAKER)
    ukhtc: Organisation = orgs["UKHTC"]
    total = args.rows + args.service_rows

    print(f"Historic decisions import — {connection.vendor}, {args.rows:,} rows (bulk), "
          f"{args.service_rows:,} rows (service)")
    t0 = time.perf_counter()
    received = dt.date(2010, 4, 1)
    with transaction.atomic():
        for start in range(0, total, 5000):
            refs = Referral.objects.bulk_create([
                Referral(reference=f"NRM-2010-{i:08X}", external_reference=f"OLD/{i:07d}", first_responder_org=orgs["MET"],
                         officer=responder, received_on=received + dt.timedelta(days=i % 700), nation="england",
                         under_18="no", consent="given", age_at_exploitation="adult")
                for i in range(start, min(total, start + 5000))])
            Case.objects.bulk_create([
                Case(referral=r, competent_authority=ukhtc, routing_version="bench", rg_due=r.received_on,
                     rg_due_version="bench", **case_list_facts(r)) for r in refs])
    print(f"  set-up: {total:,} referrals and cases in {time.perf_counter() - t0:.1f} s")

    def decisions_file(name: str, lo: int, hi: int) -> Path:
        path = tmp / name
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            for i in range(lo, hi):
                on = received + dt.timedelta(days=i % 700 + 3)
                w.writerow([f"OLD/{i:07d}", "", "reasonable_grounds", "positive", on.isoformat(), "UKHTC",
                            "indicators_present;credible_account", "", ""])
        return path

    bulk_file = decisions_file("bulk.csv", 0, args.rows)
    service_file = decisions_file("service.csv", args.rows, total)

    t0 = time.perf_counter()
    result = import_decisions(actor=decider, path=bulk_file)
    bulk_s = time.perf_counter() - t0
    assert result.written == args.rows and not result.errors, result.errors[:5]

    t0 = time.perf_counter()
    result = import_decisions(actor=decider, path=service_file, write="service")
    service_s = time.perf_counter() - t0
    assert result.written == args.service_rows and not result.errors, result.errors[:5]

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_floor (case_id integer, kind varchar(20), outcome varchar(10), decided_on date, "
                    "decided_by_id integer, reason_codes text, state varchar(20), created_at timestamp)")
    now = dt.datetime.now()
    values = [(i, "reasonable_grounds", "positive", received + dt.timedelta(days=i % 700 + 3), decider.pk,
               '["credible_account", "indicators_present"]', "effective", now) for i in range(args.rows)]
    placeholder = "%s"
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(f"INSERT INTO bench_floor VALUES ({', '.join([placeholder] * 8)})", values)
    floor_s = time.perf_counter() - t0

    def line(label: str, rows: int, seconds: float) -> None:
        print(f"  {label:<58} {rows / seconds:>10,.0f} rows/s  ({seconds:.2f} s)")

    line("floor: raw executemany of bare decision rows", args.rows, floor_s)
    line("palermo import decisions, bulk path (check + write)", args.rows, bulk_s)
    line("palermo import decisions, service path (one at a time)", args.service_rows, service_s)
    print(f"  bulk path is {bulk_s / floor_s:.1f}x the floor's time for the same rows; "
          f"{(args.rows / bulk_s) / (args.service_rows / service_s):.1f}x the service path's rate")
    floor_rate, floor_name = args.rows / floor_s, "raw executemany of bare decision rows"
    measures = [
        measure("palermo import decisions, bulk path (check + write)", args.rows / bulk_s, "rows/s", floor=floor_rate,
                floor_name=floor_name, better="higher"),
        measure("palermo import decisions, service path (one at a time)", args.service_rows / service_s, "rows/s",
                floor=floor_rate, floor_name=floor_name, better="higher"),
    ]
    return bench_result("import_decisions", {"rows": rows, "service_rows": service_rows}, measures, database=connection.vendor)


def main() -> None:
    from benchmarks._common import cli

    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--service-rows", type=int, default=2000)
    cli(run, ap)


if __name__ == "__main__":
    main()
