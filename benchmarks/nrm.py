"""Foundation benchmark: what encryption, audit and scoping cost, as ratios against a baseline
measured in the same run (these machines are noisy; compare ratios, not seconds).

    .venv/bin/python benchmarks/nrm.py [--cases 2000] [--repeat 7]

Measures, on a fresh SQLite database in a temporary folder (or DATABASE_URL if set):
1. referral_create (validation, encryption, blind index, routing, deadline, audit) against a
   bare ORM insert of the same rows with no encryption or audit;
2. the scoped, filtered case list for a decision maker (first page of 50) against an unscoped
   ``Case.objects.all()[:50]``;
3. GET /api/v1/cases/{id} (permission check, identity read audited) against the bare ORM read;
   the caseload page, the dashboard and the deadlines list against a bare first page of 25 cases;
4. sealing the audit chain, per event, against computing the same keyed hashes in memory.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import measure, median_time, result  # noqa: E402


def run(*, cases: int = 1000, repeat: int = 7) -> dict:
    args = argparse.Namespace(cases=cases, repeat=repeat)
    tmp = tempfile.mkdtemp(prefix="palermo-bench-")
    os.environ.setdefault("PALERMO_DATA_DIR", tmp)
    os.environ.setdefault("PALERMO_ENV", "test")
    os.environ.setdefault("PALERMO_ENCRYPTION_KEYS", "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=")
    os.environ.setdefault("PALERMO_BLIND_INDEX_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "palermo.settings"
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client

    from benchmarks._common import migrate
    from palermo.accounts.models import ApiToken, User
    from palermo.core.audit import audit_seal, event_digest
    from palermo.core.models import AuditEvent
    from palermo.demo import _synthetic_referral, organisations_load, users_load
    from palermo.nrm import services
    from palermo.nrm.models import Case, Referral
    from palermo.nrm.selectors import CaseFilters, case_list_for_user
    from palermo.people.models import Person

    migrate()
    orgs = organisations_load()
    users = users_load(orgs)
    import datetime as dt
    import random

    rng = random.Random(1)
    today = dt.date.today()
    payloads = [_synthetic_referral(rng, today - dt.timedelta(days=rng.randint(0, 300))) for _ in range(args.cases)]
    rows = []
    print(f"Palermo foundation benchmark — {connection.vendor}, {args.cases} referrals, median of {args.repeat}")

    # 1. referral_create vs bare insert (each timed once over all payloads: writes are not repeatable)
    t0 = time.perf_counter()
    with transaction.atomic():
        for p in payloads:
            services.referral_create(actor=users["responder"], data=p)
    service_s = time.perf_counter() - t0
    met = orgs["MET"]
    t0 = time.perf_counter()
    with transaction.atomic():
        for i, p in enumerate(payloads):
            Referral.objects.bulk_create([Referral(reference=f"BASE-{i}", first_responder_org=met, officer=users["responder"],
                                                   received_on=p.received_on, nation=p.nation, under_18=p.under_18,
                                                   consent=p.consent)])
    bare_s = time.perf_counter() - t0
    rows.append(("referral_create (per referral)", service_s / args.cases, bare_s / args.cases))

    # 2. scoped list vs unscoped slice
    decider = User.objects.get(username="decider")
    scoped = median_time(lambda: list(case_list_for_user(user=decider, filters=CaseFilters(status="referred"))[:50]), args.repeat)
    unscoped = median_time(lambda: list(Case.objects.select_related("referral")[:50]), args.repeat)
    rows.append(("case list, first page of 50", scoped, unscoped))

    # 3. API case read vs ORM read
    _, raw = ApiToken.issue(decider)
    c = Client()
    case_id = case_list_for_user(user=decider).values_list("pk", flat=True).first()
    api_read = median_time(lambda: c.get(f"/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {raw}"}), args.repeat)
    orm_read = median_time(lambda: Person.objects.get(referrals__case__pk=case_id).family_name, args.repeat)
    rows.append(("GET /cases/{id} vs ORM read", api_read, orm_read))
    # The list a partner system polls: a page of 50 through the API (scope, filters, presenter,
    # JSON) against the same 50 rows' first-class columns serialised by hand (issue 12's floor).
    import json

    api_list = median_time(lambda: c.get("/api/v1/cases", {"page_size": 50},
                                         headers={"Authorization": f"Bearer {raw}"}), args.repeat)
    bare_list = median_time(lambda: json.dumps(list(Case.objects.values(
        "pk", "status", "rg_due", "referral__reference", "referral__received_on", "referral__nation")[:50]),
        default=str), args.repeat)
    rows.append(("GET /api/v1/cases (page of 50)", api_list, bare_list))

    # 3b. web pages and the deadlines list for the decision maker vs a bare first page of cases
    web = Client()
    web.force_login(decider)
    # A decision maker's pages need a session verified by the second factor (as after /sign-in/code/).
    from django_otp import DEVICE_ID_SESSION_KEY

    from palermo.accounts.models import TotpDevice
    from palermo.accounts.two_factor import new_secret

    device = TotpDevice.objects.create(user=decider, name="Benchmark app", key=new_secret(), confirmed=True)
    session = web.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert web.get("/cases/").status_code == 200, "the benchmark must measure the page, not a redirect"
    bare_page = median_time(lambda: list(Case.objects.select_related("referral")[:25]), args.repeat)
    for name, url in (("GET /cases/ (caseload page)", "/cases/"), ("GET /dashboard/", "/dashboard/")):
        rows.append((name, median_time(lambda url=url: web.get(url), args.repeat), bare_page))
    rows.append(("GET /api/v1/deadlines", median_time(
        lambda: c.get("/api/v1/deadlines", headers={"Authorization": f"Bearer {raw}"}), args.repeat), bare_page))

    # 4. sealing vs hashing in memory
    pending = AuditEvent.objects.filter(seq__isnull=True).count()
    events = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id"))
    t0 = time.perf_counter()
    prev = "0" * 64
    for i, ev in enumerate(events, 1):
        prev = event_digest(ev, prev, i)
    hash_only = (time.perf_counter() - t0) / max(1, pending)
    t0 = time.perf_counter()
    audit_seal()
    seal = (time.perf_counter() - t0) / max(1, pending)
    rows.append((f"audit seal per event ({pending} events)", seal, hash_only))

    print(f"{'measure':<42}{'palermo':>12}{'baseline':>12}{'ratio':>9}")
    for name, ours, base in rows:
        print(f"{name:<42}{ours * 1000:>10.3f}ms{base * 1000:>10.3f}ms{ours / base:>9.1f}")
    return result("nrm", {"cases": cases, "repeat": repeat},
                  [measure(name, ours, "s", floor=base, floor_name="baseline") for name, ours, base in rows],
                  database=connection.vendor)


def main() -> None:
    from benchmarks._common import cli

    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    cli(run, ap)


if __name__ == "__main__":
    main()
