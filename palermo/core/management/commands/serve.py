"""palermo serve — the production web server: Gunicorn in front of Palermo's WSGI application,
with WhiteNoise serving the static files from inside Django (so the security headers middleware
wraps them too).

    palermo serve [--bind 127.0.0.1:8000] [--workers 2] [--threads 1] [--no-collectstatic]

It first collects the static files into ``STATIC_ROOT`` (hashed names and compressed copies,
``CompressedManifestStaticFilesStorage`` outside tests: a page names ``app.<hash>.css``, which
browsers keep for a year), then replaces itself with Gunicorn, so a supervisor (systemd) signals
Gunicorn directly: SIGTERM stops it gracefully, SIGHUP reloads the workers.

Gunicorn or Granian was decided by measurement (``benchmarks/http_api.py --compare-servers``,
figures in docs/deploy.md): with two workers neither was consistently faster on Palermo's
requests (the server is not where the time goes), so Gunicorn, pure Python with the process
model systemd and hosting guides expect.
"""

from __future__ import annotations

import os
import shutil
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def gunicorn_argv(*, bind: str, workers: int, threads: int, timeout: int, app: str = "palermo.wsgi:application") -> list[str]:
    """Gunicorn's command line. ``--threads`` above 1 switches Gunicorn to its threaded worker
    (the ``gthread`` class); ``--access-logfile -`` logs each request line to standard output
    (method, path, status: the query string of a case list holds filter codes only, never a name,
    which goes in a POST body)."""
    return [
        sys.executable, "-m", "gunicorn", app,
        "--bind", bind,
        "--workers", str(workers),
        "--threads", str(threads),
        "--timeout", str(timeout),
        "--graceful-timeout", "20",
        "--access-logfile", "-",
        # Gunicorn itself believes X-Forwarded-Proto from these addresses (127.0.0.1 by default)
        # and then tells Django the request is HTTPS: only when Palermo is told to trust a proxy.
        "--forwarded-allow-ips", forwarded_allow_ips(),
        "--worker-tmp-dir", "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp",
    ]


def forwarded_allow_ips() -> str:
    """Addresses whose X-Forwarded-Proto Gunicorn believes: none, unless
    ``PALERMO_TRUST_X_FORWARDED_PROTO=1`` (then ``FORWARDED_ALLOW_IPS``, default 127.0.0.1: the
    proxy on the same host). Otherwise a client on the same host could claim HTTPS, skipping
    the redirect that ``settings.SECURE_PROXY_SSL_HEADER`` withholds on purpose."""
    if os.environ.get("PALERMO_TRUST_X_FORWARDED_PROTO", "0") != "1":
        return ""
    return os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


class Command(BaseCommand):
    help = ("Serve Palermo with the production web server (Gunicorn; static files by WhiteNoise). "
            "Collects static files first.")
    requires_system_checks = []  # run by `check` below, with the deployment checks in production

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("PALERMO_BIND", "127.0.0.1:8000"),
                            help="address:port (or unix:/path) to listen on (default 127.0.0.1:8000, "
                                 "or PALERMO_BIND)")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("PALERMO_WORKERS", "2")),
                            help="worker processes (default 2, or PALERMO_WORKERS): about one per core")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("PALERMO_THREADS", "1")),
                            help="threads per worker (default 1, or PALERMO_THREADS)")
        parser.add_argument("--timeout", type=int, default=60, help="seconds before a stuck worker is restarted")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="skip collecting static files (already collected at deployment)")
        parser.add_argument("--dry-run", action="store_true", help="print the server's command line and stop")

    def handle(self, *args, bind, workers, threads, timeout, no_collectstatic, dry_run, **opts):
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1")
        argv = gunicorn_argv(bind=bind, workers=workers, threads=threads, timeout=timeout)
        if dry_run:
            self.stdout.write(" ".join(argv[1:]))
            return
        if shutil.which("gunicorn") is None and not _importable("gunicorn"):
            raise CommandError("Gunicorn is not installed: run `pip install -e .` (it is a dependency)")
        call_command("check", deploy=settings.PRODUCTION, fail_level="ERROR")
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Palermo: serving on http://{bind}/ with {workers} workers × {threads} threads (Gunicorn)")
        self.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
