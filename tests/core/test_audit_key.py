"""The audit key lives outside the database, is required in production, and is not one of the
data keys."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from palermo.core.audit_key import audit_key

ROOT = Path(__file__).resolve().parents[2]


def _production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PALERMO_", "DJANGO_"))}
    env.update({"PALERMO_ENV": "production", "PALERMO_DATA_DIR": str(tmp_path), "DJANGO_SECRET_KEY": "x" * 50,
                "PALERMO_ENCRYPTION_KEYS": "yhz3tE9lT5e-t7iBbqXbbR3WIjW3_Qtm7Lm8CMbS7NE=",
                "PALERMO_BLIND_INDEX_KEY": "production-test-blind-index-key-0123456789", **extra})
    return env


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    check = [sys.executable, "-m", "palermo", "check"]
    r = subprocess.run(check, cwd=ROOT, env=_production_env(tmp_path), capture_output=True, text=True)
    assert r.returncode != 0 and "PALERMO_AUDIT_KEY or PALERMO_AUDIT_KEY_FILE must be set" in r.stderr
    env = _production_env(tmp_path, PALERMO_AUDIT_KEY="production-test-audit-key-0123456789abcdef")
    r = subprocess.run(check, cwd=ROOT, env=env, capture_output=True, text=True)
    assert "PALERMO_AUDIT_KEY" not in r.stderr  # other settings may still stop it; not the audit key


def test_production_does_not_create_a_missing_key_file(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("PALERMO_AUDIT_KEY")
    settings.PRODUCTION = True
    settings.PALERMO_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit.key")
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        audit_key()
    assert not (tmp_path / "keys" / "audit.key").exists()


def test_outside_production_a_key_file_is_created_for_the_owner_only(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("PALERMO_AUDIT_KEY")
    settings.PALERMO_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit.key")
    key = audit_key()
    path = tmp_path / "keys" / "audit.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip().encode() == key and len(key) >= 32


def test_the_audit_key_cannot_be_the_blind_index_key(monkeypatch):
    monkeypatch.setenv("PALERMO_AUDIT_KEY", os.environ["PALERMO_BLIND_INDEX_KEY"])
    with pytest.raises(ImproperlyConfigured, match="must differ"):
        audit_key()


def test_the_audit_key_cannot_be_an_encryption_key(monkeypatch):
    monkeypatch.setenv("PALERMO_AUDIT_KEY", os.environ["PALERMO_ENCRYPTION_KEYS"].split(",")[0])
    with pytest.raises(ImproperlyConfigured, match="must differ"):
        audit_key()


def test_a_short_audit_key_is_refused(monkeypatch):
    monkeypatch.setenv("PALERMO_AUDIT_KEY", "changeme")
    with pytest.raises(ImproperlyConfigured, match="too short"):
        audit_key()
