"""Shared test set-up: test-only keys (never used anywhere else) and factories."""

import os

os.environ.setdefault("PALERMO_ENV", "test")
# Fixed test keys, so encrypted values round-trip within a run. Not secrets: tests only.
os.environ.setdefault("PALERMO_ENCRYPTION_KEYS", "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=")
os.environ.setdefault("PALERMO_BLIND_INDEX_KEY", "test-blind-index-key-not-a-secret")
os.environ.setdefault("PALERMO_AUDIT_KEY", "test-audit-chain-key-not-a-secret-0123456789")

import pytest  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser (Debian chromium) through Playwright")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


@pytest.fixture(autouse=True)
def audit_anchor_file(settings, tmp_path):
    """Each test's audit anchors go to a file of its own: the database is reset for every test,
    so anchors left by another test's chain would read as a rewritten or truncated chain."""
    settings.PALERMO_AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.jsonl")
    return tmp_path / "audit-anchors.jsonl"


@pytest.fixture
def world(db):
    """The demo organisations and one user per role (no cases)."""
    from tests.factories import World

    return World.create()
