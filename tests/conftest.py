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
