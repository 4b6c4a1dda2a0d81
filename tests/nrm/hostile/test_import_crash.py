"""A killed import leaves nothing behind, and running it again writes every row exactly once.

``palermo import referrals`` runs as a real process on its own database (a SQLite file in WAL
mode; and a fresh PostgreSQL database when the tests run on PostgreSQL). Once its progress
says it is writing, it is killed with SIGKILL, so nothing in it can clean up. Every table is
then counted from a separate process (which sees committed data only): nothing from the file
is there, not even an audit event. The same command run again imports every row, once.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from palermo.synth.referrals import write_referrals_csv
from tests.migrated import create_postgres
from tests.nrm.hostile.subproc import ROOT, palermo_command, palermo_env, prepare_database, run_measured

pytestmark = pytest.mark.slow
ROWS = 300
_COUNT = ("import os, json; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'palermo.settings'); import django; "
          "django.setup(); from django.apps import apps; from palermo.people.models import Person; "
          "c = {m._meta.label_lower: m._default_manager.count() for m in apps.get_models(include_auto_created=True)}; "
          "c['distinct dates of birth'] = Person.objects.values('dob_bi').distinct().count(); print(json.dumps(c))")


def counts(env) -> dict[str, int]:
    done = subprocess.run([sys.executable, "-c", _COUNT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A migrated database of the import's own, with the demo users; its environment."""
    if request.param == "sqlite":
        env = palermo_env(tmp_path / "data")
        prepare_database(env)
        yield env
        return
    if connection.vendor != "postgresql":
        pytest.skip("runs when the tests run on PostgreSQL (scripts/with_postgres.sh sets DATABASE_URL)")
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"palermo_crash_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(url._replace(path="/postgres"))
    create_postgres(name)
    env = palermo_env(tmp_path / "data", urlunsplit(url._replace(path=f"/{name}")))
    try:
        prepare_database(env)
        yield env
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _kill_while_writing(env, path) -> str:
    """Start the import, wait until it has written some rows inside its transaction, SIGKILL it.

    Batches of 25 (``--batch-size``), and the kill at the first count short of the whole file: the
    import still has most of its batches to write, then its audit event and the commit. (With the
    default batch of 5,000, a 300-row file reported "Writing: 300 of 300" just before committing,
    and on a fast machine the commit won the race with the kill.)"""
    proc = subprocess.Popen(palermo_command("import", "referrals", str(path), "--as", "responder", "--batch-size", "25"),
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = []
    deadline = time.monotonic() + 600
    try:
        for line in proc.stderr:
            seen.append(line)
            m = re.match(r"Writing: ([\d,]+) of ([\d,]+) referrals", line)
            if m:
                done, total = (int(g.replace(",", "")) for g in m.groups())
                assert done < total, f"the import reported every row written before it could be killed: {seen[-5:]}"
                if done >= 15:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
            assert time.monotonic() < deadline, "the import never started writing"
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, ("the import ended before it was killed", proc.returncode, seen[-5:])
    return "".join(seen)


def test_a_killed_import_leaves_nothing_and_a_rerun_writes_every_row_once(database, tmp_path):
    path = tmp_path / "referrals.csv"
    assert write_referrals_csv(path=path, rows=ROWS, narrative_chars=2_000, seed=21) == ROWS
    before = counts(database)

    progress = _kill_while_writing(database, path)
    assert "Checking referrals.csv: 100%" in progress  # the whole file was checked first
    after_kill = counts(database)
    assert after_kill == before  # every table, the audit log too: the transaction never committed

    done = run_measured(palermo_command("import", "referrals", str(path), "--as", "responder", "--no-progress"),
                        database, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"Imported {ROWS:,} of {ROWS:,} referrals" in done.stdout
    after = counts(database)
    assert after["nrm.referral"] - before["nrm.referral"] == ROWS
    assert after["people.person"] - before["people.person"] == ROWS
    assert after["distinct dates of birth"] - before["distinct dates of birth"] == ROWS  # each row once
