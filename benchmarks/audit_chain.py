"""Audit chain benchmark: what keying the chain (HMAC-SHA256, issue 13) costs `palermo audit
verify`, as a ratio against the plain SHA-256 chain verified in the same run, on the same events.

    .venv/bin/python benchmarks/audit_chain.py [--events 100000] [--repeat 3]

On a fresh SQLite database in a temporary folder (or DATABASE_URL if set):
1. N synthetic events sealed as a database from before the keyed chain would hold them (plain
   SHA-256, with the signed legacy anchor the upgrade writes), then `palermo audit verify
   --no-seal` timed (median of --repeat);
2. the same events unsealed, sealed again with HMAC by `audit_seal` (timed once) and anchored,
   then `palermo audit verify --no-seal` timed the same way;
3. hashing the same payloads in memory with SHA-256 and with HMAC, to show where the time goes.
On a tree from before issue 13 (no ``Scheme``), it times verify of its SHA-256 chain only, so
the script can be run on both sides of the change (copy it into the other tree).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def median_time(fn, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``fn``. On SQLite the database works in this process,
    so CPU time is the steadier figure on a shared machine; on PostgreSQL it leaves out the server."""
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def run(*, events: int = 100_000, repeat: int = 3) -> dict:
    from benchmarks._common import measure, result

    args = argparse.Namespace(events=events, repeat=repeat)
    os.environ.setdefault("PALERMO_DATA_DIR", tempfile.mkdtemp(prefix="palermo-bench-"))
    os.environ.setdefault("PALERMO_ENV", "test")
    os.environ.setdefault("PALERMO_ENCRYPTION_KEYS", "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=")
    os.environ.setdefault("PALERMO_BLIND_INDEX_KEY", "bench-only")
    os.environ.setdefault("PALERMO_AUDIT_KEY", "bench-only-audit-key-0123456789abcdef")
    os.environ["DJANGO_SETTINGS_MODULE"] = "palermo.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from benchmarks._common import migrate
    from palermo.core import audit
    from palermo.core.models import AuditChainHead, AuditEvent

    migrate()
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, args.events, 5000):
            AuditEvent.objects.bulk_create(
                AuditEvent(occurred_at=now, actor_label="bench", action="case.read_identity", object_type="nrm.case",
                           object_id=str(i), request_id=f"req-{i:012d}", detail={"case": i, "fields": ["name", "dob"]})
                for i in range(start, min(start + 5000, args.events)))
    verify = lambda: call_command("audit", "verify", "--no-seal", stdout=io.StringIO(), stderr=io.StringIO())  # noqa: E731
    print(f"Audit chain benchmark — {connection.vendor}, {args.events} events, median of {args.repeat}")
    rows = []
    keyed = hasattr(audit, "Scheme")
    if not keyed:  # a tree from before the keyed chain: its own SHA-256 hashes and verify
        events, prev = list(AuditEvent.objects.order_by("id")), audit.GENESIS
        for seq, ev in enumerate(events, 1):
            ev.seq, ev.prev_hash = seq, prev
            ev.hash = prev = audit.event_digest(ev, prev, seq)
        # Its audit_seal (bulk_update) takes minutes at this size, so the rows are written directly.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany("UPDATE core_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                               [(e.seq, e.prev_hash, e.hash, e.pk) for e in events])
        AuditChainHead.objects.update_or_create(id=1, defaults={"last_seq": len(events), "last_hash": prev})
        rows.append(("audit verify, SHA-256 chain (code before issue 13)", median_time(verify, args.repeat), None))
    else:
        from palermo.core.audit_anchor import LEGACY, anchor_append, anchor_make
        from palermo.core.models import Scheme

        # 1. the chain as a database sealed before the upgrade holds it
        events, prev = list(AuditEvent.objects.order_by("id")), audit.GENESIS
        for seq, ev in enumerate(events, 1):
            ev.seq, ev.prev_hash, ev.scheme = seq, prev, Scheme.SHA256
            ev.hash = prev = audit.event_digest(ev, prev, seq, scheme=Scheme.SHA256)
        with transaction.atomic():
            audit._seals_write(events)
        AuditChainHead.objects.update_or_create(id=1, defaults={"last_seq": len(events), "last_hash": prev})
        anchor_append(anchor_make(seq=len(events), hash=prev, kind=LEGACY), settings.PALERMO_AUDIT_ANCHOR_FILE)
        sha_verify = median_time(verify, args.repeat)
        # 2. the same events sealed with HMAC
        AuditEvent.objects.update(seq=None, prev_hash="", hash="", scheme="")
        AuditChainHead.objects.filter(id=1).update(last_seq=0, last_hash=audit.GENESIS)
        Path(settings.PALERMO_AUDIT_ANCHOR_FILE).unlink()
        seal = median_time(audit.audit_seal, 1)
        call_command("audit", "seal", stdout=io.StringIO())
        hmac_verify = median_time(verify, args.repeat)
        rows.append(("audit verify, SHA-256 chain", sha_verify, None))
        rows.append(("audit verify, HMAC chain", hmac_verify, sha_verify))
        rows.append(("audit_seal with HMAC (once)", seal, None))
        # 3. hashing alone, in memory
        events = list(AuditEvent.objects.order_by("seq"))
        payloads = [audit._payload(tuple(getattr(e, f) for f in audit._FIELDS), e.prev_hash, e.seq) for e in events]
        key = audit.audit_key()
        sha = median_time(lambda: [audit._digest(p, Scheme.SHA256, key) for p in payloads], args.repeat)
        mac = median_time(lambda: [audit._digest(p, Scheme.HMAC, key) for p in payloads], args.repeat)
        rows.append(("hashing in memory, SHA-256", sha, None))
        rows.append(("hashing in memory, HMAC", mac, sha))
    print(f"{'measure':<52}{'wall s':>9}{'CPU s':>9}{'CPU/event':>11}{'ratio wall':>11}{'ratio CPU':>10}")
    for name, (wall, cpu), base in rows:
        ratios = f"{wall / base[0]:>11.2f}{cpu / base[1]:>10.2f}" if base else ""
        print(f"{name:<52}{wall:>9.3f}{cpu:>9.3f}{cpu / args.events * 1e6:>9.1f}µs{ratios}")
    measures = [measure(f"{name} (CPU)", cpu, "s", floor=base[1] if base else None, wall_seconds=wall)
                for name, (wall, cpu), base in rows]
    return result("audit_chain", {"events": events, "repeat": repeat}, measures, database=connection.vendor)


def main() -> None:
    from benchmarks._common import cli

    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    cli(run, ap)


if __name__ == "__main__":
    main()
