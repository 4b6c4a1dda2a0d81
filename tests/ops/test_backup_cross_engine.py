"""A backup taken on SQLite restores into PostgreSQL, and one taken on PostgreSQL into SQLite,
with every value equal once each engine's storage is read as the value it means (SQLite keeps
dates and JSON as text and booleans as 0/1; PostgreSQL's jsonb orders keys its own way)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

import pytest
from cryptography.fernet import Fernet
from django.apps import apps

from palermo.core.audit import audit_verify
from palermo.core.backups.create import backup_create
from palermo.core.backups.restore import backup_restore
from tests.ops.databases import ON_POSTGRES, default_database, new_database
from tests.ops.population import populate_everything

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs a PostgreSQL cluster as well as SQLite (make test-pg)"),
]

KEY = base64.urlsafe_b64decode(Fernet.generate_key())
NOT_COMPARED = {"django_migrations", "sqlite_sequence"}


def _types() -> dict[str, list[tuple[str, str]]]:
    """{table: [(column, Django field type)]} for every model's table."""
    return {
        m._meta.db_table: [(f.column, f.get_internal_type()) for f in m._meta.concrete_fields]
        for m in apps.get_models(include_auto_created=True)
    }


def _meaning(value, kind: str):
    if value is None:
        return None
    if kind == "DateTimeField":
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    if kind == "DateField" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if kind == "BooleanField":
        return bool(value)
    if kind == "JSONField" and isinstance(value, str):
        return json.loads(value)
    if kind == "UUIDField":  # a uuid column in PostgreSQL, 32 hex digits in SQLite
        return uuid.UUID(str(value))
    return value


def meaning(db, types) -> dict[str, list]:
    """Every row of every table, each value as what it means rather than how it is stored."""
    tables = [t for t in db.tables() if t not in NOT_COMPARED]
    assert set(tables) == set(types)
    out = {}
    for table in tables:
        columns = ", ".join(f'"{c}"' for c, _ in types[table])
        rows = db.query(f'SELECT {columns} FROM "{table}"')
        kinds = [k for _, k in types[table]]
        out[table] = sorted((tuple(_meaning(v, k) for v, k in zip(r, kinds, strict=True)) for r in rows), key=repr)
    return out


@pytest.mark.parametrize(("source_engine", "target_engine"), [("sqlite", "postgresql"), ("postgresql", "sqlite")])
def test_a_backup_restores_into_the_other_engine(tmp_path, django_db_blocker, source_engine, target_engine):
    source = new_database(tmp_path, "source", source_engine, migrated=True)
    target = new_database(tmp_path, "target", target_engine)
    try:
        with django_db_blocker.unblock():
            types = _types()
            with default_database(source):
                populate_everything(cases=10)
                before = meaning(source, types)
                backup_create(path=tmp_path / "cross.backup", key=KEY)
            with default_database(target):
                result = backup_restore(path=tmp_path / "cross.backup", key=KEY)
                assert result.backup_engine == source_engine
                after = meaning(target, types)
                assert audit_verify().ok
        assert sorted(after) == sorted(before)
        assert len(after["core_auditevent"]) == len(before["core_auditevent"]) + 1  # the restore's own event
        after["core_auditevent"] = [r for r in after["core_auditevent"] if "backup.restore" not in r]
        for table in before:
            assert after[table] == before[table], table
    finally:
        source.drop()
        target.drop()
