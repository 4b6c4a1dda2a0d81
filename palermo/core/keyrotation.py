"""Re-encrypting every identifier under the newest key, and counting what is under which key.

Rotation is: put a new key first (``PALERMO_ENCRYPTION_KEYS`` or the key file), run
``palermo keys rotate``, check ``palermo keys status`` says nothing is left under an older key,
then remove the old key. The real danger is the last step done too early: a value still under
the removed key can no longer be read by anyone. :func:`keys_status` says how many values are
under each configured key and how many no configured key opens, so the operator knows when an
old key can go.

:func:`keys_rotate` works table by table in batches of rows, each batch its own transaction:

* a batch re-reads its rows under a lock (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
  write transaction already excludes other writers), so a name edited meanwhile is never
  overwritten with its old value;
* every value it writes is encrypted with the newest key, which is configured, and the old
  key stays configured throughout: killed at any moment, every value is readable, some under
  the new key and some still under the old one;
* a value already under the newest key is left as it is, so running it again finishes the job
  without redoing it, and a value no configured key opens is left untouched and counted.

Each value is read with SQL and decrypted in memory only; no plaintext is written anywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.db import connection, transaction

from palermo.core import crypto
from palermo.core.audit import audit_record
from palermo.core.fields import EncryptedTextField
from palermo.core.progress import Step, quiet


@dataclass(frozen=True)
class EncryptedTable:
    table: str
    pk: str
    columns: tuple[str, ...]


@dataclass
class KeyCounts:
    """Encrypted values by the configured key that opens them (newest first), and those none opens."""

    fingerprints: list[str]
    by_key: list[int]
    unreadable: int = 0
    unreadable_tables: set[str] = field(default_factory=set)
    rows: int = 0
    rotated: int = 0

    @property
    def values(self) -> int:
        return sum(self.by_key) + self.unreadable

    @property
    def under_older_keys(self) -> int:
        return sum(self.by_key[1:])


def encrypted_tables() -> list[EncryptedTable]:
    """Every table with an encrypted column, history tables included, sorted by name."""
    found: dict[str, EncryptedTable] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        columns = tuple(f.column for f in meta.concrete_fields if isinstance(f, EncryptedTextField))
        if columns and not meta.proxy and meta.managed and meta.db_table not in found:
            found[meta.db_table] = EncryptedTable(meta.db_table, meta.pk.column, columns)
    return [found[t] for t in sorted(found)]


def fingerprint(key: str) -> str:
    """A short name for a key that reveals nothing about it (first 8 hex digits of its SHA-256)."""
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def _fernets() -> tuple[list[Fernet], list[str]]:
    keys = crypto.encryption_keys()
    crypto.fernet()  # the same refusal as everywhere else for a malformed key
    return [Fernet(k.encode()) for k in keys], [fingerprint(k) for k in keys]


def _opened_by(fernets: list[Fernet], token: str) -> tuple[int | None, bytes | None]:
    raw = token.encode("ascii", "replace")
    for index, f in enumerate(fernets):
        try:
            return index, f.decrypt(raw)
        except InvalidToken:
            continue
    return None, None


def _select_batch(table: EncryptedTable, *, after, size: int, lock: bool) -> list[tuple]:
    """Up to ``size`` rows ``(pk, *encrypted values)`` with a primary key above ``after``
    (locked for update when ``lock``, on databases that lock rows)."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in (table.pk, *table.columns))
    suffix = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    where, params = (f" WHERE {qn(table.pk)} > %s", [after]) if after is not None else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {cols} FROM {qn(table.table)}{where} ORDER BY {qn(table.pk)} LIMIT %s{suffix}",
                       [*params, size])  # fmt: skip
        return cursor.fetchall()


def _table_rows(tables: list[EncryptedTable]) -> dict[str, int]:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        out = {}
        for t in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {qn(t.table)}")
            out[t.table] = cursor.fetchone()[0]
    return out


def keys_status(*, progress: Callable[[Step], None] = quiet, batch: int = 2000) -> KeyCounts:
    """Count the encrypted values under each configured key, and those no configured key opens."""
    fernets, prints = _fernets()
    counts = KeyCounts(prints, [0] * len(fernets))
    tables = encrypted_tables()
    sizes = _table_rows(tables)
    total = sum(sizes.values())
    for t in tables:
        done, rows = 0, [(None,)]
        while rows := _select_batch(t, after=rows[-1][0], size=batch, lock=False):
            for _pk, *values in rows:
                for value in values:
                    if value:
                        index, _ = _opened_by(fernets, value)
                        if index is None:
                            counts.unreadable += 1
                            counts.unreadable_tables.add(t.table)
                        else:
                            counts.by_key[index] += 1
            done += len(rows)
            counts.rows += len(rows)
            progress(Step(t.table, max(sizes[t.table], done), done, counts.rows, max(total, counts.rows)))
    return counts


def _rotate_batch(t: EncryptedTable, rows: list[tuple], fernets: list[Fernet], counts: KeyCounts, update: str) -> None:
    """Re-encrypt, in memory, the values of ``rows`` that an older key opens, and write those rows."""
    changed = []
    for pk, *values in rows:
        new, touched = [], False
        for value in values:
            index, plain = _opened_by(fernets, value) if value else (0, None)
            if index is None:
                counts.unreadable += 1
                counts.unreadable_tables.add(t.table)
            elif index > 0:
                value, touched = fernets[0].encrypt(plain).decode("ascii"), True
                counts.rotated += 1
            if value and index is not None:
                counts.by_key[0] += 1
            new.append(value)
        if touched:
            changed.append([*new, pk])
    if changed:
        with connection.cursor() as cursor:
            cursor.executemany(update, changed)


def keys_rotate(*, progress: Callable[[Step], None] = quiet, batch: int = 500) -> KeyCounts:
    """Re-encrypt under the newest key every value that an older configured key opens, batch by
    batch; leave values already under the newest key, and values no key opens, as they are.
    Returns the counts *after* rotation (``rotated`` says how many were re-encrypted)."""
    fernets, prints = _fernets()
    counts = KeyCounts(prints, [0] * len(fernets))
    tables = encrypted_tables()
    sizes = _table_rows(tables)
    total = sum(sizes.values())
    qn = connection.ops.quote_name
    for t in tables:
        update = (f"UPDATE {qn(t.table)} SET {', '.join(f'{qn(c)} = %s' for c in t.columns)} "
                  f"WHERE {qn(t.pk)} = %s")  # fmt: skip
        done, after = 0, None
        progress(Step(t.table, sizes[t.table], 0, counts.rows, total))
        while True:
            with transaction.atomic():  # one batch: read under a lock, re-encrypt, write
                rows = _select_batch(t, after=after, size=batch, lock=True)
                if not rows:
                    break
                _rotate_batch(t, rows, fernets, counts, update)
            after = rows[-1][0]
            done += len(rows)
            counts.rows += len(rows)
            progress(Step(t.table, max(sizes[t.table], done), done, counts.rows, max(total, counts.rows)))
    with transaction.atomic():
        audit_record(actor=None, action="keys.rotate", detail={
            "rows": counts.rows, "values_rotated": counts.rotated, "values_under_newest_key": counts.by_key[0],
            "values_unreadable": counts.unreadable, "keys": len(fernets), "tables": len(tables),
        })  # fmt: skip
    return counts
