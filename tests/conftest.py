"""Shared test set-up: test-only keys (never used anywhere else) and factories."""

import os

os.environ.setdefault("PALERMO_ENV", "test")
# Fixed test keys, so encrypted values round-trip within a run. Not secrets: tests only.
os.environ.setdefault("PALERMO_ENCRYPTION_KEYS", "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=")
os.environ.setdefault("PALERMO_BLIND_INDEX_KEY", "test-blind-index-key-not-a-secret")
os.environ.setdefault("PALERMO_AUDIT_KEY", "test-audit-chain-key-not-a-secret-0123456789")

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# Hypothesis's per-example deadline (200 ms) is a timing assertion: on a shared 2-core machine a
# pure function's example can take longer (seen: tests/linkage/test_cleaning.py under load).
hypothesis_settings.register_profile("palermo", deadline=None)
hypothesis_settings.load_profile("palermo")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser (Debian chromium) through Playwright")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


# `make test` runs the suite twice side by side, on SQLite and on PostgreSQL, on two cores. A test
# that never touches the database checks the same thing on both, so it runs once, in the SQLite
# suite; so do the page-wording walk and the browser journeys (they check pages, not SQL). Reading
# the API's documented shapes for eight more roles and the generated client run once, in the
# PostgreSQL suite (more below). Measured on 2 December 2026: side by side, SQLite took 33 min and
# PostgreSQL 35 min with everything on both; the non-database tests are ~4 min.
DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}
# a module that opens the database itself, or runs commands that do, counts as using it
DB_WORDS = ("django_db_blocker", "DATABASE_URL", "connection", "transaction", "subprocess", "call_command")
_MODULE_USES_DB: dict[str, bool] = {}


def _module_uses_db(item) -> bool:
    path = str(item.path)
    if path not in _MODULE_USES_DB:
        text = item.path.read_text(encoding="utf-8")
        _MODULE_USES_DB[path] = any(word in text for word in DB_WORDS)
    return _MODULE_USES_DB[path]


# The authorization matrix runs whole on both databases, every cell proven on each one's SQL. It
# was split between them while it was the suite's largest cost (pages 510 s on SQLite and 789 s on
# PostgreSQL under load, 2 December 2026); most of that was the test's own harness working out each
# record's relation to each user for every cell, now worked out once (test_matrix.Runner.relation):
# the page half took 42-76 s and the API half 20-40 s afterwards.
#
# Tests that check the same thing whatever the suite's database run once, in whichever suite
# balances the two (CI waits for the longer; measured 2 December 2026 with `--junitxml`, both suites
# side by side: SQLite 2,743 s, PostgreSQL 2,528 s of tests, the browser journeys, 531 s, being
# SQLite's alone): the benchmark smoke runs (their own processes on their own SQLite databases,
# 383 s), Spark's local mode (CSV in, CSV out), the deployment-settings subprocesses (no database),
# the header walk (middleware on every route), `palermo serve` and the demo file's plaintext check
# (their own SQLite databases), and the killed SQLite import (its own SQLite file).
ONCE_ON_SQLITE = ("tests/web/test_plain_words.py",
                  "tests/security/test_production_settings.py",
                  "tests/security/test_headers.py::test_every_routed_url_carries_the_policy_for_every_kind_of_visitor",
                  "tests/nrm/hostile/test_import_crash.py::test_a_killed_import_leaves_nothing_and_a_rerun_writes_every_row_once[sqlite]",
                  "tests/core/test_crypto.py::test_database_file_has_no_plaintext_demo_name",
                  "tests/ops/test_serve.py::test_palermo_serve_serves_pages_and_hashed_static_files_with_long_caching")
ONCE_ON_POSTGRES = ("tests/api/test_schemathesis.py::test_every_role_gets_documented_answers",
                    "tests/api/test_generated_client.py",
                    "tests/test_benchmarks_run.py",
                    "tests/linkage/test_cli.py::test_same_job_on_spark_local_mode",
                    # needs the suite's PostgreSQL cluster (its own database in it)
                    "tests/nrm/hostile/test_import_crash.py::test_a_killed_import_leaves_nothing_and_a_rerun_writes_every_row_once[postgresql]")


def _runs_on(item) -> str | None:
    """``sqlite``, ``postgresql`` or None (both) for one collected test."""
    node = item.nodeid
    if node.startswith(ONCE_ON_POSTGRES):
        return "postgresql"
    if node.startswith(ONCE_ON_SQLITE):
        return "sqlite"
    uses_db = (item.get_closest_marker("django_db") is not None or bool(DB_FIXTURES & set(item.fixturenames))
               or _module_uses_db(item))
    return None if uses_db else "sqlite"


def pytest_collection_modifyitems(config, items):
    suite = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    if os.environ.get("PALERMO_TEST_EVERYTHING") == "1":  # run every test on this database
        return
    keep, drop = [], []
    for item in items:
        (keep if _runs_on(item) in (None, suite) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def audit_anchor_file(settings, tmp_path):
    """Each test's audit anchors go to a file of its own: the database is reset for every test,
    so anchors left by another test's chain would read as a rewritten or truncated chain."""
    settings.PALERMO_AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.jsonl")
    return tmp_path / "audit-anchors.jsonl"


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """In tests, ``Client.force_login(user)`` means signed in completely, as after Palermo's
    sign-in: for a user who needs a second factor, the session is also marked verified by their
    authenticator app (enrolled for them if they have none). ``force_login`` is a test shortcut
    past the password already; the real sign-in path, which requires the code, is tested in
    tests/accounts. ``client.force_login_password_only(user)`` keeps Django's plain
    ``force_login``: a session that never passed the second factor (the middleware ends it)."""
    from django.test import Client

    plain = Client.force_login

    def force_login(self, user, backend=None):
        plain(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY

        from tests.factories import second_factor_ready

        device = second_factor_ready(user)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "force_login_password_only", plain, raising=False)


@pytest.fixture
def world(db):
    """The demo organisations and one user per role (no cases)."""
    from tests.factories import World

    return World.create()
