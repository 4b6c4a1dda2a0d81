"""Running ``palermo`` as a real process against a database of its own, for the memory and
crash tests: a fresh SQLite file (or a fresh PostgreSQL database), migrated (a copy of the run's
migrated database: tests/migrated.py), with the demo's organisations and users (``responder`` is a
first responder at MET)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.migrated import copy_sqlite

ROOT = Path(__file__).resolve().parents[3]
_SETUP = ("import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'palermo.settings'); import django; "
          "django.setup(); from palermo.demo import organisations_load, users_load; users_load(organisations_load())")


def palermo_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment for a ``palermo`` process: test keys (set by tests/conftest.py), its own
    data folder, and SQLite unless ``database_url`` is given."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PALERMO_SQLITE_PATH"}}
    env.update(PALERMO_DATA_DIR=str(data_dir), PALERMO_ENV="test", PYTHONUNBUFFERED="1")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def prepare_database(env: dict[str, str]) -> None:
    """Give the process's database the demo's organisations and users. On SQLite the file (in its
    data folder) is first made as a copy of the run's migrated, empty database; on PostgreSQL the
    caller makes the database with :func:`tests.migrated.create_postgres`."""
    if "DATABASE_URL" not in env:
        copy_sqlite(Path(env["PALERMO_DATA_DIR"]) / "palermo.sqlite3")
    done = subprocess.run([sys.executable, "-c", _SETUP], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]


def palermo_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "palermo", *args]


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str
    peak_rss_kb: int  # the process's own maximum resident set size (getrusage, from wait4)


def run_measured(args: list[str], env: dict[str, str], workdir: Path) -> Finished:
    """Run ``args`` to the end and return its output and its own peak RSS."""
    out, err = workdir / "stdout.txt", workdir / "stderr.txt"
    with out.open("w") as o, err.open("w") as e:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=o, stderr=e)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Finished(proc.returncode, out.read_text(), err.read_text(), usage.ru_maxrss)
