"""Production settings (issue 13, item 6): ``palermo check --deploy`` is clean; plain HTTP is
redirected to HTTPS and HTTPS answers carry HSTS; a proxy's X-Forwarded-Proto is believed only
when PALERMO_TRUST_X_FORWARDED_PROTO says so; development (``make run``) is never redirected.

Settings are read once per process, so each case runs Palermo in a subprocess with its own
environment (synthetic keys made for the run, a temporary data folder)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
HOST = "palermo.example.org"

# Requests through Django's test client inside the subprocess: no server, no database (the
# OpenAPI document reads neither the session nor the database).
PROBE = f"""
import json, django
django.setup()
from django.test import Client
c = Client(HTTP_HOST={HOST!r})
out = {{}}
for name, kwargs in {{"http": {{}}, "https": {{"secure": True}},
                     "forwarded": {{"headers": {{"X-Forwarded-Proto": "https"}}}}}}.items():
    r = c.get("/api/v1/openapi.json", **kwargs)
    out[name] = {{"status": r.status_code, "location": r.get("Location", ""),
                 "hsts": r.get("Strict-Transport-Security", ""), "csp": r.get("Content-Security-Policy", "")}}
print(json.dumps(out))
"""


def _env(tmp_path: Path, env: str, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PALERMO_", "DJANGO_", "DATABASE_URL"))}
    return base | {
        "PALERMO_ENV": env,
        "PALERMO_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "palermo.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "PALERMO_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PALERMO_BLIND_INDEX_KEY": secrets.token_hex(32),
        "PALERMO_AUDIT_KEY": secrets.token_urlsafe(32),
        "PALERMO_ALLOWED_HOSTS": HOST,
        **extra,
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _probe(tmp_path: Path, env: str, **extra: str) -> dict:
    done = _run(["-c", PROBE], _env(tmp_path, env, **extra))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_deployment_check_is_clean_in_production(tmp_path):
    done = _run(["-m", "palermo", "check", "--deploy", "--fail-level", "WARNING"], _env(tmp_path, "production"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)" in done.stdout, done.stdout + done.stderr


def test_production_redirects_plain_http_and_sends_hsts_over_https(tmp_path):
    out = _probe(tmp_path, "production")
    assert out["http"]["status"] == 301 and out["http"]["location"] == f"https://{HOST}/api/v1/openapi.json"
    assert out["https"]["status"] == 200
    assert out["https"]["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in out["https"]["csp"]
    # Without PALERMO_TRUST_X_FORWARDED_PROTO a client cannot claim https with a header.
    assert out["forwarded"]["status"] == 301


def test_behind_a_trusted_proxy_its_forwarded_https_is_believed(tmp_path):
    out = _probe(tmp_path, "production", PALERMO_TRUST_X_FORWARDED_PROTO="1")
    assert out["forwarded"]["status"] == 200 and out["forwarded"]["hsts"].startswith("max-age=31536000")
    assert out["http"]["status"] == 301


def test_without_preload_hsts_leaves_it_out(tmp_path):
    out = _probe(tmp_path, "production", PALERMO_HSTS_PRELOAD="0")
    assert out["https"]["hsts"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("env", ["development", "test"])
def test_outside_production_plain_http_is_served_without_hsts(tmp_path, env):
    """`make run` serves http://127.0.0.1:8000: no redirect, no HSTS pinning that host to HTTPS."""
    out = _probe(tmp_path, env)
    assert out["http"]["status"] == 200 and out["http"]["hsts"] == "" and out["https"]["hsts"] == ""
    assert "default-src 'self'" in out["http"]["csp"]
