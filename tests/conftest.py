"""Shared test set-up: test-only keys (never used anywhere else) and factories."""

import os

os.environ.setdefault("PALERMO_ENV", "test")
# Fixed test keys, so encrypted values round-trip within a run. Not secrets: tests only.
os.environ.setdefault("PALERMO_ENCRYPTION_KEYS", "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=")
os.environ.setdefault("PALERMO_BLIND_INDEX_KEY", "test-blind-index-key-not-a-secret")

import pytest  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser (Debian chromium) through Playwright")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


@pytest.fixture
def world(db):
    """The demo organisations and one user per role (no cases)."""
    from tests.factories import World

    return World.create()
