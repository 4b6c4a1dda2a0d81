"""Palermo's SQLite backend queues writers on a lock file (``palermo/core/sqlite/base.py``) so a
waiting writer starts as soon as the last one ends, instead of sleeping in SQLite's busy handler.
These tests use connections of their own to a database file of their own (on either suite), in
threads: what they check is order and refusal, never speed."""

from __future__ import annotations

import sqlite3
import threading
import uuid

import pytest
from django.db import connections

from palermo.core.sqlite.base import DatabaseWrapper


def _connection(path, *, timeout: float = 5.0) -> DatabaseWrapper:
    settings = {**connections["default"].settings_dict, "ENGINE": "palermo.core.sqlite", "NAME": str(path),
                "OPTIONS": {"timeout": timeout, "transaction_mode": "IMMEDIATE",
                            "init_command": "PRAGMA journal_mode=WAL;"}}
    return DatabaseWrapper(settings, alias=f"queue-{uuid.uuid4().hex[:8]}")


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    """These connections are the tests' own, not the test database's: pytest-django's guard,
    which refuses any connection outside the db fixtures, is lifted for them."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "queue.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
    return path


def _rows(path) -> list[str]:
    with sqlite3.connect(path) as raw:
        return [r[0] for r in raw.execute("SELECT text FROM note ORDER BY id")]


def _in_thread(fn) -> tuple[threading.Thread, dict]:
    out: dict = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def _autocommit_insert(path, text, *, timeout=5.0, started=None):
    def fn():
        conn = _connection(path, timeout=timeout)
        try:
            if started:
                started.set()
            with conn.cursor() as cur:
                cur.execute("INSERT INTO note (text) VALUES (%s)", [text])
        finally:
            conn.close()
    return fn


def test_a_write_outside_a_transaction_waits_for_the_open_transaction_then_writes(db_file):
    first = _connection(db_file)
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)  # BEGIN IMMEDIATE
    with first.cursor() as cur:
        cur.execute("INSERT INTO note (text) VALUES (%s)", ["first"])
    started = threading.Event()
    thread, out = _in_thread(_autocommit_insert(db_file, "second", started=started))
    started.wait(5)
    thread.join(0.3)
    assert thread.is_alive(), "the second writer must wait for the open transaction"
    first.commit()
    first.set_autocommit(True)
    thread.join(10)
    assert not thread.is_alive() and "error" not in out
    assert _rows(db_file) == ["first", "second"]
    first.close()


def test_a_transaction_waits_its_turn_too(db_file):
    first = _connection(db_file)
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def second():
        conn = _connection(db_file)
        try:
            conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            with conn.cursor() as cur:
                cur.execute("INSERT INTO note (text) VALUES (%s)", ["second"])
            conn.commit()
        finally:
            conn.close()

    thread, out = _in_thread(second)
    thread.join(0.3)
    assert thread.is_alive()
    with first.cursor() as cur:
        cur.execute("INSERT INTO note (text) VALUES (%s)", ["first"])
    first.rollback()  # a rollback ends the turn as a commit does
    first.set_autocommit(True)
    thread.join(10)
    assert not thread.is_alive() and "error" not in out
    assert _rows(db_file) == ["second"]
    first.close()


def test_a_writer_gives_up_after_the_timeout_with_sqlites_own_error_and_writes_nothing(db_file):
    first = _connection(db_file)
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    thread, out = _in_thread(_autocommit_insert(db_file, "late", timeout=0.2))
    thread.join(10)
    assert "database is locked" in str(out.get("error"))
    first.rollback()
    first.set_autocommit(True)
    first.close()
    assert _rows(db_file) == []


def test_closing_a_connection_mid_transaction_frees_the_turn(db_file):
    first = _connection(db_file)
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    first.close()
    thread, out = _in_thread(_autocommit_insert(db_file, "after", timeout=0.5))
    thread.join(10)
    assert "error" not in out
    assert _rows(db_file) == ["after"]


def test_reads_never_wait_for_a_writer(db_file):
    first = _connection(db_file)
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def read():
        conn = _connection(db_file, timeout=0.2)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM note")
                return cur.fetchone()[0]
        finally:
            conn.close()

    thread, out = _in_thread(read)
    thread.join(10)
    assert out == {"value": 0}
    first.rollback()
    first.close()


def test_an_in_memory_database_has_no_lock_file(tmp_path):
    conn = _connection(":memory:")
    assert conn._writer_lock_path() is None
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    conn.rollback()
    conn.close()


def _lock_free(path) -> bool:
    import fcntl
    import os

    fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing frees a lock this test took
    return True


def test_the_turn_is_the_lock_file_held_from_begin_to_commit(db_file):
    first = _connection(db_file)
    with first.cursor() as cur:
        cur.execute("SELECT 1")  # a read takes no turn
    assert _lock_free(db_file)
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert not _lock_free(db_file)
    assert (db_file.parent / f"{db_file.name}-writer.lock").stat().st_mode & 0o777 == 0o600
    first.commit()
    first.set_autocommit(True)
    assert _lock_free(db_file)
    first.close()


def test_a_forked_process_queues_on_a_lock_of_its_own(db_file):
    """An flock belongs to the open file, which a fork shares: a child must neither pass through
    its parent's turn as if it were its own nor end it."""
    import os

    first = _connection(db_file, timeout=0.3)
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)  # the parent's turn
    pid = os.fork()
    if pid == 0:  # the child, with a copy of the parent's connection object
        code = 1
        try:
            first._writer_lock_release()  # must not end the parent's turn
            first._writer_lock_take()  # must wait for it, and give up
        except Exception as exc:  # noqa: BLE001 - reported through the exit code
            code = 0 if "database is locked" in str(exc) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not _lock_free(db_file), "the parent's turn must outlive the child"
    first.rollback()
    first.set_autocommit(True)
    assert _lock_free(db_file)
    first.close()
