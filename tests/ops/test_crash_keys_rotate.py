"""``palermo keys rotate`` killed with SIGKILL halfway leaves every person readable, and running it
again finishes the job, after which the old key can go.

Thousands of synthetic people are written under the old key; the real command runs in its own
process on a file database (or a PostgreSQL database) and is killed as soon as its progress
shows a table done, while it is re-encrypting the people. The values are then read back with
plain SQL and the two keys, independently of Palermo's code."""

from __future__ import annotations

import os
import time

import pytest
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps

from palermo.core.fields import EncryptedTextField
from tests.ops.databases import default_database, new_database, palermo, run_and_kill
from tests.ops.population import populate_linkable

pytestmark = pytest.mark.slow

OLD = os.environ["PALERMO_ENCRYPTION_KEYS"].split(",")[0]


def encrypted_values(db) -> list[str]:
    """Every non-empty value of every encrypted column of every table (history included)."""
    out = []
    for model in apps.get_models(include_auto_created=True):
        cols = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if cols:
            for row in db.query(f'SELECT {", ".join(cols)} FROM "{model._meta.db_table}"'):
                out.extend(v for v in row if v)
    return out


def opens(key: str, token: str) -> bool:
    try:
        Fernet(key.encode()).decrypt(token.encode())
        return True
    except InvalidToken:
        return False


def test_keys_rotate_killed_midway_leaves_everyone_readable_and_a_rerun_finishes(tmp_path, django_db_blocker):
    db = new_database(tmp_path, "keys", migrated=True)
    new = Fernet.generate_key().decode()
    try:
        with django_db_blocker.unblock(), default_database(db):
            populate_linkable(people=1200, copies=4)  # under the old key
        values = encrypted_values(db)
        assert len(values) > 15_000 and all(opens(OLD, v) for v in values[:50])

        def people_begun(line: str) -> bool:
            """True once the referrals are done and the first people are re-encrypted (committed)."""
            if not line.startswith("Re-encrypted nrm_referral"):
                return False
            for _ in range(1200):
                (first,) = db.query("SELECT given_name FROM people_person ORDER BY id LIMIT 1")[0]
                if opens(new, first):
                    return True
                time.sleep(0.05)
            raise AssertionError("rotation never reached the people")

        lines = run_and_kill(db, ["keys", "rotate"], people_begun, PALERMO_ENCRYPTION_KEYS=f"{new},{OLD}")
        assert not any(line.startswith("Re-encrypted people_person") for line in lines)

        after = encrypted_values(db)
        both = MultiFernet([Fernet(new.encode()), Fernet(OLD.encode())])
        unreadable = [v for v in after if not _opens_any(both, v)]
        assert unreadable == []  # no person left unreadable
        people = [v for row in db.query("SELECT given_name, family_name FROM people_person") for v in row]
        under_new = sum(opens(new, v) for v in people)
        print(f"killed with {under_new:,} of {len(people):,} people's name values under the new key")
        assert 0 < under_new < len(people), "killed midway: some people under the new key, some still under the old"
        assert len(after) == len(values)

        palermo(db, "keys", "rotate", PALERMO_ENCRYPTION_KEYS=f"{new},{OLD}")
        status = palermo(db, "keys", "status", PALERMO_ENCRYPTION_KEYS=new)  # the old key removed
        assert "opened by no configured key: 0" in status.stdout
        assert all(opens(new, v) for v in encrypted_values(db))
    finally:
        db.drop()


def _opens_any(multi: MultiFernet, token: str) -> bool:
    try:
        multi.decrypt(token.encode())
        return True
    except InvalidToken:
        return False
