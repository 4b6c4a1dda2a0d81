"""Django's SQLite backend, with writers taking turns fairly (``ENGINE: palermo.core.sqlite``).

SQLite has one write lock. Palermo takes it when a transaction begins (``BEGIN IMMEDIATE``), and
a connection that finds it held waits in SQLite's busy handler, which sleeps 1, 2, 5, 10, 15,
20, 25 … 100 ms between tries and cannot be woken when the lock is freed. Under steady writes
from two or more server workers, a waiter that sleeps while the other worker releases the lock
and takes it again for its next request can lose several times in a row: the slowest 1 % of
``POST /api/v1/referrals`` spent 100–150 ms waiting this way (``benchmarks/http_api.py
--probe``), though each transaction holds the lock for about 3 ms.

(The slowest were the API's one-statement writes outside a transaction, the rate limit's
``UPDATE``: they met the other worker's referral transactions in the busy handler.)

So every writer first takes an exclusive ``flock`` on a lock file beside the database
(``<database>-writer.lock``), tried every half millisecond: a transaction when it begins,
until it commits or rolls back; a write statement outside a transaction (``INSERT``,
``UPDATE``, ``DELETE``, ``REPLACE`` in autocommit) for that statement. A waiting writer starts
within half a millisecond of the last one ending. It gives up after the connection's
``timeout`` (as SQLite would) with SQLite's own error, "database is locked". The lock is a
queue in front of SQLite's, not instead of it: other programs on the database file still meet
SQLite's lock as before. An in-memory database has no file to lock, and skips it. A process
that dies holding the lock loses it with its file descriptors.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time

from django.db.backends.sqlite3 import base

POLL_SECONDS = 0.0005
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _writes(query: str) -> bool:
    return query.lstrip()[:7].upper().startswith(_WRITES)


class Cursor(base.SQLiteCursorWrapper):
    """Django's SQLite cursor; a write statement outside a transaction waits its turn."""

    db: DatabaseWrapper

    def execute(self, query, params=None):
        if self.db.autocommit and not self.db._writer_held and _writes(query):
            with self.db._writer_turn():
                return super().execute(query, params)
        return super().execute(query, params)

    def executemany(self, query, param_list):
        if self.db.autocommit and not self.db._writer_held and _writes(query):
            with self.db._writer_turn():
                return super().executemany(query, param_list)
        return super().executemany(query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd: int | None = None
    _writer_pid: int | None = None
    _writer_held = False

    def _writer_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return f"{name}-writer.lock"

    def _writer_forked(self) -> None:
        """In a process forked with this connection, forget the parent's lock file: an flock
        belongs to the open file, which the fork shares, so using it would make parent and child
        one writer (and unlocking it here would end the parent's turn)."""
        if self._writer_pid is not None and self._writer_pid != os.getpid():
            fd, self._writer_fd, self._writer_pid, self._writer_held = self._writer_fd, None, None, False
            os.close(fd)  # this process's reference only: the parent's lock stands

    def _writer_lock_take(self) -> None:
        self._writer_forked()
        path = self._writer_lock_path()
        if path is None or self._writer_held:
            return
        if self._writer_fd is None:
            self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._writer_pid = os.getpid()
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(self._writer_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise base.Database.OperationalError("database is locked") from None
                time.sleep(POLL_SECONDS)
        self._writer_held = True

    def _writer_lock_release(self) -> None:
        self._writer_forked()
        if self._writer_held:
            self._writer_held = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _writer_turn(self):
        self._writer_lock_take()
        try:
            yield
        finally:
            self._writer_lock_release()

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=Cursor)
        cursor.db = self
        return cursor

    def _start_transaction_under_autocommit(self):
        self._writer_lock_take()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_lock_release()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._writer_lock_release()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._writer_lock_release()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._writer_lock_release()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
