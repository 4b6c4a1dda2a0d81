"""Benchmark 3 (issue 12): the overdue-deadline sweep over open cases, against the raw indexed SQL
doing the same, measured in the same run (these machines are shared and noisy: compare ratios).

    .venv/bin/python benchmarks/overdue.py [--sizes 10000,100000,1000000] [--repeat 5]

"Overdue" is Palermo's one definition (``palermo.nrm.selectors._filter_due``): a case still
waiting for its reasonable grounds decision (status ``referred``) whose target date ``rg_due``
has passed. There is no conclusive grounds target, so a recovery period is never overdue. The
sweep is what a decision maker's screens do with it:

1. the dashboard's overdue count (``dashboard_for_user``'s ``_filter_due(…, "overdue").count()``
   over the user's scope) against ``SELECT count(*) … WHERE competent_authority_id IN (…) AND
   status = 'referred' AND rg_due < today``;
2. the case list's "Overdue" filter, first page (``GET /api/v1/cases?due=overdue`` without HTTP:
   ``case_list_for_user(due="overdue")``, its count and a page of 50 oldest first presented by
   ``case_summaries``, with working days left in each case's nation's calendar) against
   the raw SQL count plus ``SELECT … ORDER BY rg_due, id LIMIT 50`` joined to the referral.

The cases (all open: referred, recovery period, the reviews) are written straight into the
tables with ``executemany`` (bare rows: no person, no history), because the sweep reads first-
class columns only. At each size in ``--sizes`` the tables are grown to that many cases and both
sides timed (median of ``--repeat``); the growth is reported as the fitted exponent of
time ∝ size^k. Goal (issue 12): ≤ 2× the raw SQL and under 200 ms at 1M cases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._common import TEST_ENV, cli, fitted_exponent, measure, median_time, result  # noqa: E402

OPEN = [("referred", 30), ("recovery_period", 55), ("rg_review", 5), ("cg_review", 10)]
AUTHORITIES = ["SCA", "IECA"]


def grow(target: int, have: int, *, today: dt.date, orgs: dict, officer_id: int, rng: random.Random) -> None:
    """Add bare open cases (and their referrals) until there are ``target``."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    statuses = [s for s, _ in OPEN]
    weights = [w for _, w in OPEN]
    ref_sql = ("INSERT INTO nrm_referral (reference, external_reference, first_responder_org_id, officer_id, received_on, "
               "nation, police_force_area, exploitation_location, exploitation_country, indicators, flags, narrative, "
               "age_at_exploitation, under_18, consent, immigration_enforcement, created_at, retention_rule) "
               "VALUES (%s, '', %s, %s, %s, %s, '', 'uk', '', '[]', '[]', '', 'adult', 'no', 'given', false, %s, '')")
    case_sql = ("INSERT INTO nrm_case (referral_id, status, competent_authority_id, routing_version, rg_due, rg_due_version, "
                "recovery_period_start, recovery_period_min_end, recovery_version, cg_earliest, cg_earliest_version, "
                "reconsideration_version, withdrawal_reason, elements_act, elements_means, elements_purpose, updated_at, "
                "nation, child) "
                "VALUES (%s, %s, %s, 'bench', %s, 'bench', %s, %s, '', %s, '', '', '', '[]', '[]', '[]', %s, 'england', false)")
    batch = 20_000
    while have < target:
        n = min(batch, target - have)
        refs, cases = [], []
        for i in range(have, have + n):
            received = today - dt.timedelta(days=rng.randint(0, 900))
            refs.append((f"B-{i:012d}", orgs["MET"], officer_id, received, "england", now))
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(ref_sql, refs)
            cur.execute("SELECT id, received_on FROM nrm_referral WHERE reference >= %s AND reference <= %s ORDER BY id",
                        [f"B-{have:012d}", f"B-{have + n - 1:012d}"])
            for rid, received in cur.fetchall():
                if isinstance(received, str):
                    received = dt.date.fromisoformat(received)
                status = rng.choices(statuses, weights)[0]
                rg_due = received + dt.timedelta(days=7)
                rp_start = rp_end = cg = None
                if status in {"recovery_period", "cg_review"}:
                    rp_start = received + dt.timedelta(days=rng.randint(1, 60))
                    rp_end = cg = rp_start + dt.timedelta(days=45)
                cases.append((rid, status, orgs[rng.choice(AUTHORITIES)], rg_due, rp_start, rp_end, cg, now))
            cur.executemany(case_sql, cases)
        have += n


def run(*, sizes: str = "10000,100000,1000000", repeat: int = 5) -> dict:
    os.environ.setdefault("PALERMO_DATA_DIR", tempfile.mkdtemp(prefix="palermo-bench-overdue-"))
    for k, v in TEST_ENV.items():
        os.environ.setdefault(k, v)
    os.environ["DJANGO_SETTINGS_MODULE"] = "palermo.settings"
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from benchmarks._common import migrate
    from palermo.accounts.models import User
    from palermo.demo import organisations_load, users_load
    from palermo.nrm.presenters import case_summaries
    from palermo.nrm.selectors import CaseFilters, case_list_for_user

    migrate()
    orgs = {code: org.pk for code, org in organisations_load().items()}
    users_load(organisations_load())
    decider = User.objects.get(username="decider")  # decision maker at the Single Competent Authority
    scope_ids = sorted(decider.organisations_for("decision_maker", "reviewer"))
    officer_id = User.objects.get(username="responder").pk
    today = timezone.localdate()
    rng = random.Random(3)
    placeholders = ", ".join(["%s"] * len(scope_ids))
    count_sql = (f"SELECT count(*) FROM nrm_case WHERE competent_authority_id IN ({placeholders}) "
                 "AND status = 'referred' AND rg_due < %s")
    page_sql = (f"SELECT c.id, c.status, c.rg_due, r.reference, r.received_on, r.nation FROM nrm_case c "
                f"JOIN nrm_referral r ON r.id = c.referral_id WHERE c.competent_authority_id IN ({placeholders}) "
                "AND c.status = 'referred' AND c.rg_due < %s ORDER BY c.rg_due, c.id LIMIT 50")

    def raw_count():
        with connection.cursor() as cur:
            cur.execute(count_sql, [*scope_ids, today])
            return cur.fetchone()[0]

    def raw_page():
        with connection.cursor() as cur:
            cur.execute(count_sql, [*scope_ids, today])
            total = cur.fetchone()[0]
            cur.execute(page_sql, [*scope_ids, today])
            return total, cur.fetchall()

    def palermo_count():
        from palermo.nrm.dashboard import _base_queryset, dashboard_scope
        from palermo.nrm.selectors import _filter_due

        return _filter_due(_base_queryset(decider, dashboard_scope(decider)), "overdue", today).count()

    def palermo_page():  # what GET /api/v1/cases?due=overdue does
        qs = case_list_for_user(user=decider, filters=CaseFilters(due="overdue"), today=today)
        return qs.count(), case_summaries(qs, today, start=0, stop=50)

    measures, growth, notes = [], {"sizes": [], "palermo_count": [], "raw_count": [], "palermo_page": [], "raw_page": []}, []
    from palermo.nrm.models import Case

    have = Case.objects.count()  # a database kept from an earlier run (PALERMO_DATA_DIR) is grown, not refilled
    for size in [int(s) for s in sizes.split(",") if s]:
        if size < have:
            notes.append(f"{size:,}: skipped, the kept database already holds {have:,} cases")
            continue
        t0 = time.perf_counter()
        grow(size, have, today=today, orgs=orgs, officer_id=officer_id, rng=rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE nrm_case; ANALYZE nrm_referral")
        else:
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        print(f"  {size:,} open cases ({time.perf_counter() - t0:.0f} s to add {size - have:,})", flush=True)
        have = size
        assert raw_count() == palermo_count(), "Palermo and the raw SQL must count the same cases"
        assert [r["id"] for r in palermo_page()[1]] == [r[0] for r in raw_page()[1]], "the same first page"
        n_overdue = raw_count()
        rc = median_time(raw_count, repeat)
        pc = median_time(palermo_count, repeat)
        rp = median_time(raw_page, repeat)
        pp = median_time(palermo_page, repeat)
        for key, value in (("palermo_count", pc), ("raw_count", rc), ("palermo_page", pp), ("raw_page", rp)):
            growth[key].append(value)
        growth["sizes"].append(size)
        measures.append(measure(f"{size:,} cases: dashboard overdue count ({n_overdue:,} overdue)", pc, "s", floor=rc,
                                floor_name="raw indexed SQL count", goal="≤ 2× and < 200 ms",
                                met=pc <= 2 * rc and pc < 0.2))
        measures.append(measure(f"{size:,} cases: overdue list, count + first page of 50", pp, "s", floor=rp,
                                floor_name="raw indexed SQL count + page", goal="≤ 2× and < 200 ms",
                                met=pp <= 2 * rp and pp < 0.2))
    if len(growth["sizes"]) > 1:
        for key in ("palermo_count", "raw_count", "palermo_page", "raw_page"):
            k = fitted_exponent(growth["sizes"], growth[key])
            growth[f"{key}_exponent"] = k
            notes.append(f"growth {key}: time ∝ size^{k:.2f} over {growth['sizes']}")
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("EXPLAIN QUERY PLAN " + count_sql, [*scope_ids, today])
            notes.append("raw count plan: " + "; ".join(str(r[-1]) for r in cur.fetchall()))
    return result("overdue", {"sizes": sizes, "repeat": repeat}, measures, database=connection.vendor, notes=notes,
                  growth=growth)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated numbers of open cases")
    ap.add_argument("--repeat", type=int, default=5)
    cli(run, ap)


if __name__ == "__main__":
    main()
