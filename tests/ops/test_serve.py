"""`palermo serve`: the production server (Gunicorn) with WhiteNoise serving the static files.

The end-to-end test starts the real command in a subprocess on a free port, with DEBUG off and a
SQLite database of its own (never the test database), fetches a page and the stylesheet the page
links, and stops it. It proves that the static files are collected with content-hashed names,
served with a long, immutable cache lifetime and compressed, and that the security headers (CSP,
nosniff) wrap them as they wrap pages."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.migrated import copy_sqlite

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


@pytest.fixture
def served(tmp_path):
    """``palermo serve`` on a free port (one worker), stopped afterwards."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PALERMO_SQLITE_PATH", "DJANGO_SETTINGS_MODULE"}}
    # as `make run` starts it: DEBUG off, the demo phase banner
    env.update(PALERMO_ENV="development", PALERMO_DEBUG="0", PALERMO_PHASE="demo", PALERMO_DATA_DIR=str(tmp_path),
               PALERMO_STATIC_ROOT=str(tmp_path / "static"))
    copy_sqlite(tmp_path / "palermo.sqlite3")  # the migrated database (tests/migrated.py)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "palermo", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            try:
                fetch(f"{base}/sign-in/")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
                time.sleep(0.3)
        yield base, proc, tmp_path
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.mark.slow
def test_palermo_serve_serves_pages_and_hashed_static_files_with_long_caching(served):
    """A page from Gunicorn carries the security headers and no-store; the stylesheet it links
    has a content-hashed name, is served by WhiteNoise for a year or more as immutable, gzipped
    on request, and still carries the CSP and nosniff. SIGTERM stops the server."""
    base, proc, tmp_path = served
    status, headers, body = fetch(f"{base}/sign-in/")
    assert status == 200
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"
    assert "gunicorn" in headers.get("server", "").lower()
    assert "govuk-phase-banner" in body.decode() and "Demo" in body.decode()  # make run's phase
    css = re.search(r'href="(/static/app\.min\.[0-9a-f]{12}\.css)"', body.decode())
    assert css, "the page must link the stylesheet by its hashed name (collected by palermo serve)"

    status, headers, body = fetch(base + css.group(1), {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-type"].startswith("text/css")
    cache = headers["cache-control"]
    assert "immutable" in cache and "no-store" not in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 24 * 3600
    assert headers.get("content-encoding") == "gzip"
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"

    # An unhashed name is still served (tools and old pages), but not as immutable.
    status, headers, _ = fetch(f"{base}/static/app.min.css")
    assert status == 200 and "immutable" not in headers["cache-control"]

    os.killpg(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert "Palermo: serving on" in (tmp_path / "serve.log").read_text()


def test_serve_options_reach_gunicorn():
    """--bind, --workers and --threads are passed to Gunicorn as given (dry run: nothing starts)."""
    out = io.StringIO()
    call_command("serve", "--bind", "127.0.0.1:9123", "--workers", "3", "--threads", "4", "--dry-run", stdout=out)
    line = out.getvalue()
    assert "gunicorn palermo.wsgi:application" in line
    assert "--bind 127.0.0.1:9123" in line and "--workers 3" in line and "--threads 4" in line


def test_serve_refuses_zero_workers():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("serve", "--workers", "0", "--dry-run", stdout=io.StringIO())


def test_gunicorn_believes_x_forwarded_proto_only_when_palermo_trusts_the_proxy(monkeypatch):
    """Gunicorn marks a request HTTPS on a proxy's X-Forwarded-Proto from its allowed addresses
    (127.0.0.1 by default): Palermo passes none unless PALERMO_TRUST_X_FORWARDED_PROTO=1."""
    from palermo.core.management.commands.serve import gunicorn_argv

    def allowed() -> str:
        argv = gunicorn_argv(bind="127.0.0.1:8000", workers=2, threads=1, timeout=60)
        return argv[argv.index("--forwarded-allow-ips") + 1]

    monkeypatch.delenv("PALERMO_TRUST_X_FORWARDED_PROTO", raising=False)
    assert allowed() == ""
    monkeypatch.setenv("PALERMO_TRUST_X_FORWARDED_PROTO", "1")
    assert allowed() == "127.0.0.1"
