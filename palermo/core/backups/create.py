"""``backup_create``: an encrypted backup of every table, from one consistent snapshot.

Palermo keeps running while it works. Every table is read inside one read-only transaction, so
the backup is the database at one instant: a referral written while the backup runs is either
wholly in it (person, referral, case, history, audit event) or wholly absent.

* PostgreSQL: ``REPEATABLE READ, READ ONLY`` (the isolation ``pg_dump`` uses): one snapshot for
  the whole transaction; writers are never blocked.
* SQLite (WAL mode): a deferred read transaction; in WAL mode a reader keeps the snapshot of
  its first read until it ends, and writers carry on meanwhile.

The row counts in the header are taken in the same snapshot, and each table's rows are counted
again as they are written: a mismatch would mean the snapshot did not hold, and the backup is
abandoned rather than written.

The file is written under a temporary name (mode 0600) in the target folder and only linked
to its final name when complete, so an interrupted backup leaves nothing behind that looks like
a backup, and an existing file is never overwritten.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

import palermo
from palermo.core.audit import audit_record
from palermo.core.backups import BackupError
from palermo.core.backups.archive import ArchiveWriter
from palermo.core.backups.fileformat import FORMAT_VERSION
from palermo.core.backups.key import backup_key
from palermo.core.backups.tables import EXCLUDED_TABLES, read_rows, table_specs
from palermo.core.progress import Step, quiet

ENGINES = {"sqlite": "sqlite", "postgresql": "postgresql"}
_REPORT_EVERY = 5000


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    bytes: int
    seconds: float
    not_included: list[str] = field(default_factory=list)


@contextlib.contextmanager
def read_snapshot(connection):
    """Run the block inside one read-only transaction that sees a single instant."""
    if connection.in_atomic_block:
        raise BackupError("A backup must not run inside another transaction.")
    if connection.vendor == "postgresql":
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # Django opens SQLite transactions with BEGIN IMMEDIATE (a write lock): a backup only
        # reads, so it opens a deferred one itself and never blocks writers.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")
            try:
                cursor.execute("BEGIN DEFERRED")
                try:
                    yield
                finally:
                    cursor.execute("ROLLBACK")
            finally:
                cursor.execute("PRAGMA query_only = OFF")
    else:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def _count(connection, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


def backup_create(*, path: Path, key: bytes | None = None, progress: Callable[[Step], None] = quiet) -> BackupResult:
    """Write an encrypted backup of the whole database to ``path`` (a new file), audit it with
    counts only, and return the counts, size and time taken."""
    started = time.perf_counter()
    key = backup_key() if key is None else key
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new file name (a backup never overwrites a file).")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    connection = connections[DEFAULT_DB_ALIAS]
    specs = table_specs()
    partial = path.parent / f".{path.name}.{secrets.token_hex(4)}.partial"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh, read_snapshot(connection):
            present = set(connection.introspection.table_names())
            missing = [s.table for s in specs if s.table not in present]
            if missing:
                raise BackupError(f"The database lacks tables {', '.join(missing)}: run `palermo migrate` first.")
            not_included = sorted(present - {s.table for s in specs} - set(EXCLUDED_TABLES))
            migrations = sorted(MigrationRecorder(connection).applied_migrations())
            counts = {s.table: _count(connection, s.table) for s in specs}
            total = sum(counts.values())
            header = {
                "palermo_version": palermo.__version__,
                "engine": ENGINES.get(connection.vendor, connection.vendor),
                "created_at": timezone.now().isoformat(),
                "migrations": [list(m) for m in migrations],
                "tables": [s.describe(counts[s.table]) for s in specs],
                "not_included": not_included,
            }
            writer = ArchiveWriter(fh, key, header)
            done = 0
            for spec in specs:
                n = counts[spec.table]
                progress(Step(spec.table, n, 0, done, total))
                written = 0
                for row in read_rows(connection, spec):
                    writer.row(row)
                    written += 1
                    if written % _REPORT_EVERY == 0:
                        progress(Step(spec.table, n, written, done + written, total))
                if written != n:
                    raise BackupError(
                        f"Table {spec.table} changed while it was read ({n} rows counted, {written} read): "
                        "the snapshot did not hold, so no backup was written."
                    )
                done += written
                progress(Step(spec.table, n, n, done, total))
            size = writer.close(tables=len(specs))
            fh.flush()
            os.fsync(fh.fileno())
        _link(partial, path)
    except FileExistsError:
        raise BackupError(f"{path} appeared while the backup was written: choose a new file name.") from None
    finally:
        partial.unlink(missing_ok=True)
    _fsync_folder(path.parent)
    result = BackupResult(path, len(specs), done, size, round(time.perf_counter() - started, 2), not_included)
    with transaction.atomic():
        audit_record(actor=None, action="backup.create", detail={
            "tables": result.tables, "rows": result.rows, "bytes": result.bytes,
            "format_version": FORMAT_VERSION, "seconds": result.seconds,
        })  # fmt: skip
    return result


def _link(partial: Path, path: Path) -> None:
    """Give the finished file its name, never replacing a file that appeared meanwhile."""
    try:
        os.link(partial, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(partial, path)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
