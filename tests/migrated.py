"""A migrated, empty database made once per test run and copied wherever a test needs a new one.

Running every migration on an empty database takes ~14 s on a quiet 2-core machine and ~25 s
while the two suites run side by side: Django re-renders the related part of the model graph
for each ``CreateModel`` (profiled: 12.7 s of 14.3 s in ``StateApps.render_multiple``). The
operations, crash and memory tests and the benchmark smoke runs each started from an empty
database and paid that once or more. Now the first one to ask runs ``palermo migrate`` into a
template, in a process of its own exactly as a user would, and every later one copies it:

* SQLite: the template file, copied with SQLite's backup API (page for page, a consistent copy);
* PostgreSQL: ``CREATE DATABASE … TEMPLATE``, the server's own copy of a database.

A copy is the database the migrations make, so what the tests check is unchanged; the backup
restore (which migrates an empty database itself) and the test database still run the
migrations. Tests that copy a template still call ``migrate`` where the code under test does,
which finds nothing to apply.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks._common import copy_sqlite as benchmarks_copy_sqlite

ROOT = Path(__file__).resolve().parents[1]
_made: dict[str, str] = {}  # "sqlite" -> template file, "postgresql" -> template database name


def _migrate(env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", "palermo", "migrate", "-v0"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)  # fmt: skip
    assert done.returncode == 0, f"palermo migrate failed:\n{done.stderr[-3000:]}"


def _base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PALERMO_SQLITE_PATH"}}
    env.update(PALERMO_DATA_DIR=str(data_dir), PALERMO_ENV="test")
    return env


def sqlite_template() -> Path:
    """The migrated, empty SQLite file of this run (made on first use)."""
    if "sqlite" not in _made:
        folder = Path(tempfile.mkdtemp(prefix="palermo-migrated-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        env = _base_env(folder / "data")
        env["PALERMO_SQLITE_PATH"] = str(folder / "migrated.sqlite3")
        _migrate(env)
        _made["sqlite"] = env["PALERMO_SQLITE_PATH"]
    return Path(_made["sqlite"])


def copy_sqlite(dest: Path | str) -> Path:
    """A new SQLite file at ``dest`` holding the migrated, empty database. ``dest`` must not exist."""
    dest = Path(dest)
    if dest.exists():
        raise FileExistsError(f"{dest} exists: a migrated copy goes only into a new file")
    benchmarks_copy_sqlite(sqlite_template(), dest)
    return dest


def _cluster_url(dbname: str) -> str:
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + dbname))


def postgres_template() -> str:
    """The migrated, empty PostgreSQL database of this run on the cluster of ``DATABASE_URL``."""
    if "postgresql" not in _made:
        import psycopg

        name = f"plm_migrated_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(_cluster_url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env = _base_env(Path(tempfile.mkdtemp(prefix="palermo-migrated-")))
        env["DATABASE_URL"] = _cluster_url(name)
        _migrate(env)
        _made["postgresql"] = name
    return _made["postgresql"]


def create_postgres(name: str) -> str:
    """A new PostgreSQL database ``name`` holding the migrated, empty database."""
    import psycopg

    template = postgres_template()
    with psycopg.connect(_cluster_url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name
