"""Real databases for the operations tests (backup, restore, crash safety), apart from the test
database: a fresh SQLite file, or a fresh PostgreSQL database on the cluster of ``DATABASE_URL``
when the suite runs on PostgreSQL. Tests point Django's default connection at one
(:func:`default_database`), run ``palermo`` in a subprocess against it (:meth:`Database.env`),
and read it back with plain DB-API connections, independent of Palermo's code (:meth:`dump`).
"""

from __future__ import annotations

import contextlib
import copy
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.migrated import copy_sqlite, create_postgres

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = bool(os.environ.get("DATABASE_URL"))


def _cluster_url(dbname: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + dbname))


@dataclass
class Database:
    vendor: str  # "sqlite" or "postgresql"
    name: str  # the SQLite file, or the PostgreSQL database name
    data_dir: Path

    @property
    def url(self) -> str:
        return _cluster_url(self.name)

    def env(self, **extra) -> dict:
        """Environment for a ``palermo`` subprocess working on this database."""
        env = {**os.environ, "PALERMO_DATA_DIR": str(self.data_dir), **extra}
        if self.vendor == "sqlite":
            env.pop("DATABASE_URL", None)
            env["PALERMO_SQLITE_PATH"] = self.name
        else:
            env["DATABASE_URL"] = self.url
            env.pop("PALERMO_SQLITE_PATH", None)
        return env

    def connect(self):
        if self.vendor == "sqlite":
            return sqlite3.connect(self.name, timeout=30)
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def tables(self) -> list[str]:
        with contextlib.closing(self.connect()) as conn:
            if self.vendor == "sqlite":
                rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            else:
                rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
        return sorted(r[0] for r in rows)

    def dump(self, exclude: set[str] = frozenset()) -> dict[str, list[tuple]]:
        """Every row of every table (all columns, sorted), by table name."""
        out = {}
        with contextlib.closing(self.connect()) as conn:
            for table in self.tables():
                if table not in exclude:
                    rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
                    out[table] = sorted((tuple(r) for r in rows), key=repr)
        return out

    def query(self, sql: str) -> list[tuple]:
        with contextlib.closing(self.connect()) as conn:
            return [tuple(r) for r in conn.execute(sql).fetchall()]

    def drop(self) -> None:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(_cluster_url("postgres"), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def new_database(tmp_path: Path, label: str, vendor: str | None = None, *, migrated: bool = False) -> Database:
    """A new database on the engine the suite runs on (or ``vendor``): empty (no tables), or
    ``migrated`` (a copy of the run's migrated, empty database: see tests/migrated.py)."""
    vendor = vendor or ("postgresql" if ON_POSTGRES else "sqlite")
    data_dir = tmp_path / f"data-{label}"
    data_dir.mkdir(parents=True, exist_ok=True)
    if vendor == "sqlite":
        path = tmp_path / f"{label}.sqlite3"
        if migrated:
            copy_sqlite(path)
        return Database("sqlite", str(path), data_dir)
    import psycopg

    name = f"plm_ops_{label}_{secrets.token_hex(4)}"
    if migrated:
        create_postgres(name)
    else:
        with psycopg.connect(_cluster_url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    return Database("postgresql", name, data_dir)


@contextlib.contextmanager
def default_database(db: Database):
    """Point Django's default connection (in this thread and new ones) at ``db`` for the block."""
    from django.db import connections

    old_wrapper, old_settings = connections["default"], connections.settings["default"]
    new_settings = copy.deepcopy(old_settings)
    if db.vendor == "sqlite":
        new_settings.update(ENGINE="django.db.backends.sqlite3", NAME=db.name)
        new_settings["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE", "timeout": 20,
        }  # fmt: skip
    else:
        new_settings["NAME"] = db.name
    connections.settings["default"] = new_settings
    del connections["default"]
    try:
        yield
    finally:
        connections["default"].close()
        del connections["default"]
        connections.settings["default"] = old_settings
        connections["default"] = old_wrapper


def palermo(db: Database, *args: str, check: bool = True, **env) -> subprocess.CompletedProcess:
    """Run ``palermo ARGS`` on ``db`` in a subprocess and return its result (text output)."""
    result = subprocess.run(
        [sys.executable, "-m", "palermo", *args], cwd=ROOT, env=db.env(**env), capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    if check and result.returncode != 0:
        raise AssertionError(f"palermo {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def run_and_kill(db: Database, args: list[str], when, **env) -> list[str]:
    """Start ``palermo ARGS`` on ``db``, read its progress lines (stderr) until ``when(line)`` is
    true, then kill it with SIGKILL (no clean-up of any kind can run) and return the lines read.
    Fails if the command finishes first: the data must be big enough for the step to be midway."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "palermo", *args], cwd=ROOT, env=db.env(**env), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines, killed = [], False
    try:
        for line in proc.stderr:
            lines.append(line.rstrip("\n"))
            if when(line):
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
    finally:
        if not killed and proc.poll() is None:
            proc.kill()
        proc.wait(60)
        proc.stderr.close()
    if not killed:
        raise AssertionError("the command ended before it could be killed:\n" + "\n".join(lines[-30:]))
    assert proc.returncode == -signal.SIGKILL, proc.returncode
    return lines
