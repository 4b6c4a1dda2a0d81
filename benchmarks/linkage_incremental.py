"""Incremental linkage benchmark: the time to score one new referral against everyone already
known, against baselines measured in the same run (these machines are noisy; compare ratios).

    .venv/bin/python benchmarks/linkage_incremental.py [--cases 300] [--referrals 20]

On a fresh SQLite database in a temporary folder (or DATABASE_URL if set), loaded with the demo
data (``palermo demo``'s synthetic cases, ``--cases`` of them), it measures:

* **baseline**: decrypting and cleaning every known person (what any scoring must at least do
  once, without a cache);
* **naive**: that, plus ``score_new_records`` (Splink) of the new person against all of them;
* **cold**: ``link_candidates_score_for_person`` with an empty cache (first referral after a
  restart: decrypts everyone once);
* **warm**: the same for each of ``--referrals`` new referrals with the cache in place, half of
  them a re-referral of a known person written differently (so Splink runs), half new people.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def run(*, cases: int = 300, referrals: int = 20, seed: int = 5) -> dict:
    from benchmarks._common import measure, result


    args = argparse.Namespace(cases=cases, referrals=referrals, seed=seed)
    tmp = tempfile.mkdtemp(prefix="palermo-bench-")
    os.environ.setdefault("PALERMO_DATA_DIR", tmp)
    os.environ.setdefault("PALERMO_ENV", "test")
    os.environ.setdefault("PALERMO_ENCRYPTION_KEYS", "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=")
    os.environ.setdefault("PALERMO_BLIND_INDEX_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "palermo.settings"
    import django

    django.setup()
    from django.test.utils import override_settings

    from benchmarks._common import migrate
    from palermo.demo import USERS, _synthetic_referral, demo_load
    from palermo.linkage import incremental
    from palermo.linkage.linking import score_new_records
    from palermo.linkage.models import LinkCandidate
    from palermo.linkage.services import link_candidates_score_for_person
    from palermo.nrm import services
    from palermo.nrm.models import Referral
    from palermo.people.models import Person

    migrate()
    t0 = time.perf_counter()
    with override_settings(PALERMO_LINK_ON_REFERRAL=False):
        demo_load(cases=args.cases, seed=2012)
    from palermo.accounts.models import User

    responder = User.objects.get(username=USERS[0][0])
    known = incremental.known_people_queryset().count()
    print(f"Demo database: {known:,} known people ({args.cases} cases) loaded in {time.perf_counter() - t0:.1f} s")

    rng = random.Random(args.seed)
    today = dt.date.today()
    # adults only: the synthetic referral is an adult's, and a child's date of birth on an
    # adult referral is refused (safeguarding)
    adult = today - dt.timedelta(days=19 * 366)
    people = [p for p in Person.objects.filter(pk__in=incremental.known_people_queryset().values("pk"))
              if p.date_of_birth is None or p.date_of_birth < adult]

    def new_referral(variant_of: Person | None):
        data = _synthetic_referral(rng, today - dt.timedelta(days=rng.randint(0, 30)))
        if variant_of is not None:  # the same person again, written differently
            dob = variant_of.date_of_birth
            if dob and dob.day <= 12 and dob.day != dob.month:
                dob = dob.replace(month=dob.day, day=dob.month)
            person = data.person.model_copy(update={
                "given_name": variant_of.family_name, "family_name": variant_of.given_name,  # order swapped
                "date_of_birth": dob, "gender": variant_of.gender, "nationalities": variant_of.nationalities,
            })
            data = data.model_copy(update={"person": person})
        with override_settings(PALERMO_LINK_ON_REFERRAL=False):
            return services.referral_create(actor=responder, data=data).person

    # baseline and naive: no cache
    first = new_referral(rng.choice(people))
    t = time.perf_counter()
    rows = incremental.decrypt_people()
    baseline = time.perf_counter() - t
    records = [incremental.person_record(p) for p in incremental.known_people_queryset()]
    t = time.perf_counter()
    others = [incremental.person_record(p) for p in incremental.known_people_queryset().exclude(pk=first.pk)]
    score_new_records(new_records=[incremental.person_record(first)], known_records=others)
    naive = time.perf_counter() - t
    assert len(rows) == len(records)

    incremental.clear_cache()
    t = time.perf_counter()
    link_candidates_score_for_person(person=first)
    cold = time.perf_counter() - t

    warm_match, warm_new, compared = [], [], []
    for i in range(args.referrals):
        variant = rng.choice(people) if i % 2 == 0 else None
        p = new_referral(variant)
        t = time.perf_counter()
        link_candidates_score_for_person(person=p)
        (warm_match if variant else warm_new).append(time.perf_counter() - t)
        from palermo.core.models import AuditEvent

        compared.append(AuditEvent.objects.filter(action="link.score", object_id=str(p.pk)).get().detail["compared"])

    def ms(x: float) -> str:
        return f"{1000 * x:8.1f} ms"

    print(f"{'baseline: decrypt + clean all known people':58} {ms(baseline)}   1.00×")
    print(f"{'naive: that + score_new_records against all (Splink)':58} {ms(naive)}  {naive / baseline:5.2f}×")
    print(f"{'cold: first scoring after a restart (fills the cache)':58} {ms(cold)}  {cold / baseline:5.2f}×")
    both = warm_match + warm_new
    for label, xs in (("warm, re-referral of a known person (median)", warm_match),
                      ("warm, a new person (median)", warm_new),
                      ("warm, all referrals (median)", both)):
        m = statistics.median(xs)
        print(f"{label:58} {ms(m)}  {m / baseline:5.2f}×")
    print(f"{'warm, all referrals (max)':58} {ms(max(both))}  {max(both) / baseline:5.2f}×")
    print(f"people compared by Splink per referral after blocking: median {statistics.median(compared)}, "
          f"max {max(compared)} of {incremental.known_people_queryset().count():,}")
    print(f"pending possible matches now: {LinkCandidate.objects.filter(status='pending').count()}; "
          f"referrals {Referral.objects.count():,}")
    floor_name = "decrypt + clean all known people"
    measures = [measure("naive: decrypt + Splink against all", naive, "s", floor=baseline, floor_name=floor_name),
                measure("cold: first scoring after a restart", cold, "s", floor=baseline, floor_name=floor_name)]
    for label, xs in (("warm, re-referral of a known person (median)", warm_match),
                      ("warm, a new person (median)", warm_new)):
        measures.append(measure(label, statistics.median(xs), "s", floor=baseline, floor_name=floor_name))
    measures.append(measure("warm, all referrals (max)", max(both), "s", floor=baseline, floor_name=floor_name))
    from django.db import connection

    return result("linkage_incremental", {"cases": cases, "referrals": referrals, "seed": seed}, measures,
                  database=connection.vendor, notes=[f"{known:,} known people"])


def main() -> None:
    from benchmarks._common import cli

    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--referrals", type=int, default=20)
    ap.add_argument("--seed", type=int, default=5)
    cli(run, ap)


if __name__ == "__main__":
    main()
