"""``backup_restore``: a backup into an empty database, all or nothing.

Before anything is written the file's preamble and header are checked: the marker, the format
version, the key, and that every migration the backup records exists in this Palermo (a backup
from a newer Palermo is refused). The target must be empty: no tables at all.

Then, in **one transaction** (both engines can roll back schema changes): the migrations are
run up to exactly the state recorded in the backup, every table is checked to have the
backup's columns, every row is inserted with its original id, foreign keys are checked, the
PostgreSQL sequences are moved past the restored ids, and a ``backup.restore`` audit event is
recorded. Any error — a damaged or truncated file found halfway, a constraint, Ctrl-C — rolls
the whole transaction back and leaves the database empty, as it was.

SQLite checks foreign keys at each statement unless told otherwise, and Django's schema editor
needs them off; they are switched off before the transaction and checked in full with
``PRAGMA foreign_key_check`` before it commits.

A backup taken on SQLite restores into PostgreSQL and the other way round: values are written
by kind, not as one engine's raw text (:mod:`.tables`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from palermo.core.audit import audit_record
from palermo.core.backups import BackupError
from palermo.core.backups.archive import ArchiveReader
from palermo.core.backups.create import ENGINES
from palermo.core.backups.fileformat import FORMAT_VERSION
from palermo.core.backups.key import backup_key
from palermo.core.backups.tables import adapt_row, insert_statement
from palermo.core.progress import Step, quiet

_BATCH = 1000


@dataclass
class RestoreResult:
    tables: int
    rows: int
    bytes: int
    seconds: float
    backup_created_at: str
    backup_engine: str
    palermo_version: str
    newer_migrations: list[str] = field(default_factory=list)


def _targets(graph, recorded: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """For each app, the recorded migration that has all the app's other recorded ones before it."""
    targets = []
    for app in sorted({a for a, _ in recorded}):
        nodes = [n for n in recorded if n[0] == app]
        targets.append(max(nodes, key=lambda n: sum(1 for m in graph.forwards_plan(n) if m[0] == app)))
    return targets


def check_compatible(header: dict, connection) -> list[tuple[str, str]]:
    """Refuse a backup this Palermo cannot restore into ``connection``'s database; return the
    migrations to run to (one per app)."""
    if header["engine"] not in ENGINES.values():
        raise BackupError(f"This backup was made on a {header['engine']} database; Palermo restores SQLite and PostgreSQL ones.")
    if connection.vendor not in ENGINES:
        raise BackupError(f"Palermo restores into SQLite or PostgreSQL, not {connection.vendor}.")
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    recorded = {tuple(m) for m in header["migrations"]}
    unknown = sorted(f"{a}.{n}" for a, n in recorded if (a, n) not in graph.nodes)
    if unknown:
        raise BackupError(
            f"This backup was made by a newer Palermo ({header['palermo_version']}): this one does not have the "
            f"migrations {', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}. Restore it with that version or later."
        )
    return _targets(graph, recorded)


def _refuse_if_not_empty(connection) -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database is not empty ({len(tables)} tables, e.g. {tables[0]}): a backup restores only into an "
            "empty database. Create a new database (or use a new SQLite file) and restore into that."
        )


def _migrate(connection, targets: list[tuple[str, str]], recorded: set[tuple[str, str]]) -> list[str]:
    """Run the migrations up to ``targets``; return those this Palermo has beyond them."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets, plan=executor.migration_plan(targets))
    applied = set(MigrationRecorder(connection).applied_migrations())
    if applied != recorded:
        raise BackupError("The migrations run do not match the state recorded in the backup.")
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return sorted(f"{a}.{n}" for a, n in set(graph.nodes) - applied)


def _check_columns(connection, tables: list[dict]) -> None:
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in tables:
            if table["table"] not in present:
                raise BackupError(f"After the migrations, table {table['table']} does not exist; the backup needs it.")
            have = {c.name for c in connection.introspection.get_table_description(cursor, table["table"])}
            want = {c for c, _ in table["columns"]}
            if have != want:
                raise BackupError(
                    f"Table {table['table']} has columns {sorted(have)} here but {sorted(want)} in the backup."
                )


def _reset_sequences(connection, tables: list[dict]) -> None:
    """PostgreSQL: move each id sequence past the largest restored id, so new rows get fresh ids.
    (SQLite's AUTOINCREMENT already follows the largest id inserted.)"""
    if connection.vendor != "postgresql":
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for t in tables:
            if t["auto_pk"]:
                pk, table = qn(t["pk"]), qn(t["table"])
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({pk}), 1), MAX({pk}) IS NOT NULL) "
                    f"FROM {table}",
                    [table, t["pk"]],
                )


def backup_restore(*, path: Path, key: bytes | None = None, progress: Callable[[Step], None] = quiet) -> RestoreResult:
    """Restore the backup at ``path`` into the configured database, which must be empty."""
    started = time.perf_counter()
    key = backup_key() if key is None else key
    connection = connections[DEFAULT_DB_ALIAS]
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with open(path, "rb") as fh:
        reader = ArchiveReader(fh, key)
        header = reader.header
        targets = check_compatible(header, connection)
        _refuse_if_not_empty(connection)
        tables = header["tables"]
        total = sum(t["rows"] for t in tables)
        sqlite = connection.vendor == "sqlite"
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA foreign_keys = OFF")
        try:
            with transaction.atomic():
                _refuse_if_not_empty(connection)  # again, now that no one else can write
                newer = _migrate(connection, targets, {tuple(m) for m in header["migrations"]})
                _check_columns(connection, tables)
                if not sqlite:  # some migration steps make a constraint immediate for the transaction
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                done = 0
                with connection.cursor() as cursor:
                    for table, rows in reader.tables():
                        progress(Step(table["table"], table["rows"], 0, done, total))
                        sql, adapters = insert_statement(connection, table)
                        batch, written = [], 0
                        for row in rows:
                            batch.append(adapt_row(row, adapters))
                            if len(batch) >= _BATCH:
                                cursor.executemany(sql, batch)
                                written += len(batch)
                                batch.clear()
                                progress(Step(table["table"], table["rows"], written, done + written, total))
                        if batch:
                            cursor.executemany(sql, batch)
                            written += len(batch)
                        done += written
                        progress(Step(table["table"], table["rows"], written, done, total))
                _check_foreign_keys(connection)
                _reset_sequences(connection, tables)
                result = RestoreResult(
                    tables=len(tables), rows=done, bytes=reader.bytes_read, seconds=0.0,
                    backup_created_at=header["created_at"], backup_engine=header["engine"],
                    palermo_version=header["palermo_version"], newer_migrations=newer,
                )  # fmt: skip
                audit_record(actor=None, action="backup.restore", detail={
                    "tables": result.tables, "rows": result.rows, "bytes": result.bytes,
                    "format_version": FORMAT_VERSION, "backup_engine": result.backup_engine,
                    "backup_created_at": result.backup_created_at,
                })  # fmt: skip
        finally:
            if sqlite:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA foreign_keys = ON")
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def _check_foreign_keys(connection) -> None:
    try:
        if connection.vendor == "sqlite":
            connection.check_constraints()
        else:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    except IntegrityError as exc:
        raise BackupError(f"The restored rows break a foreign key ({exc}); nothing was restored.") from None

