"""Django settings for Palermo.

Everything comes from the environment, with safe defaults for local use. With
``PALERMO_ENV=production`` Palermo refuses to start without a secret key and encryption keys.

Environment variables:
  PALERMO_ENV              ``development`` (default), ``test`` or ``production``
  PALERMO_DATA_DIR         folder for the SQLite database and local key files
                           (default ``~/.local/share/palermo``: outside the source tree)
  DATABASE_URL             e.g. ``postgres://user@127.0.0.1:5432/palermo``; SQLite when unset
  PALERMO_DB_CONN_MAX_AGE  seconds a worker keeps its database connection between requests
                           (default 60 on PostgreSQL, 600 on SQLite; 0 opens one per request)
  DJANGO_SECRET_KEY        Django's secret key (required in production)
  PALERMO_ENCRYPTION_KEYS  comma-separated Fernet keys, newest first (required in production)
  PALERMO_KEY_FILE         a file holding those keys, one per line (alternative to the above)
  PALERMO_BLIND_INDEX_KEY  key for the keyed blind index (required in production)
  PALERMO_ALLOWED_HOSTS    comma-separated host names
  PALERMO_SESSION_IDLE_SECONDS  idle time before a web session expires (default 1800)
  PALERMO_TRUST_X_FORWARDED_PROTO  ``1`` behind a TLS-terminating proxy that sets X-Forwarded-Proto
                           (production redirects plain HTTP to HTTPS; default ``0``)
  PALERMO_HSTS_PRELOAD     ``0`` leaves ``preload`` out of the HSTS header (default ``1``)
  PALERMO_BASE_URL         the address people open Palermo at, for links in e-mails
                           (default ``http://127.0.0.1:8000``)
  PALERMO_EMAIL_BACKEND    Django's e-mail backend (default: the console outside production,
                           SMTP in production, configured with Django's ``EMAIL_HOST``… settings
                           from ``PALERMO_EMAIL_HOST``, ``PALERMO_EMAIL_PORT``,
                           ``PALERMO_EMAIL_HOST_USER``, ``PALERMO_EMAIL_HOST_PASSWORD``)
  PALERMO_EMAIL_FROM       the sender of Palermo's e-mails
  PALERMO_STATIC_ROOT      where `palermo serve` collects the static files (default: the data folder)
  PALERMO_BIND, PALERMO_WORKERS, PALERMO_THREADS  defaults for `palermo serve` (127.0.0.1:8000, 2, 1)
  PALERMO_TASKS_BACKEND    where background jobs run (docs/jobs.md): ``database`` (default: queued
                           in Palermo's own database, run by ``palermo worker``), ``immediate``
                           (in the process that starts them, after its transaction commits; the
                           default for tests) or ``rq`` (RQ on Redis, for scale)
  PALERMO_RQ_QUEUE_URL     the Redis address for ``rq`` (e.g. ``redis://127.0.0.1:6379/0``)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
ENV = os.environ.get("PALERMO_ENV", "development")
if ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"PALERMO_ENV must be development, test or production, not {ENV!r}")
PRODUCTION = ENV == "production"

DATA_DIR = Path(os.environ.get("PALERMO_DATA_DIR", Path.home() / ".local" / "share" / "palermo"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when PALERMO_ENV=production")
    SECRET_KEY = "palermo-insecure-development-key-not-for-production"

if PRODUCTION and not (os.environ.get("PALERMO_ENCRYPTION_KEYS") or os.environ.get("PALERMO_KEY_FILE")):
    raise ImproperlyConfigured(
        "PALERMO_ENCRYPTION_KEYS or PALERMO_KEY_FILE must be set when PALERMO_ENV=production"
    )
if PRODUCTION and not os.environ.get("PALERMO_BLIND_INDEX_KEY"):
    raise ImproperlyConfigured("PALERMO_BLIND_INDEX_KEY must be set when PALERMO_ENV=production")

DEBUG = ENV == "development" and os.environ.get("PALERMO_DEBUG", "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("PALERMO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
if ENV == "test":
    ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "palermo.accounts.admin_config.PalermoAdminConfig",  # django.contrib.admin, signing in only via /sign-in/
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "ninja",  # serves Swagger UI from local static files, not a CDN
    "palermo.core",
    "palermo.accounts",
    "palermo.law",
    "palermo.people",
    "palermo.nrm",
    "palermo.linkage",
    "palermo.children",
    "palermo.notifications",
    "palermo.support",
    "palermo.permits",
    "palermo.intelligence",
    "palermo.justice",
    "palermo.operations",
    "palermo.retention",
    "palermo.stats",
    "palermo.releases",
    "palermo.synth",
    "palermo.casework",
    "palermo.letters",
    "palermo.jobs",
    "palermo.drafts",
    "django_tasks",
    "django_tasks_db",
    "palermo.web",
    "palermo.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "palermo.core.headers.SecurityHeadersMiddleware",  # CSP, Permissions-Policy, no-store
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "palermo.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "palermo.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "palermo.urls"
WSGI_APPLICATION = "palermo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "palermo.web.context_processors.palermo",
                "palermo.casework.context_processors.casework",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Each worker keeps its database connection between requests, for CONN_MAX_AGE seconds. On SQLite
# a connection per request cost about 5 ms of CPU to open and close (Django registers its SQL
# functions, the PRAGMAs run, SQLite reads the schema again on the first statement), as much as
# the whole bare 50-row view; and when the last connection to a WAL database closes, SQLite
# checkpoints the WAL into the database and deletes it, inside that request (issue 12).
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=int(os.environ.get("PALERMO_DB_CONN_MAX_AGE", "60")))}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "palermo.core.sqlite",
            "NAME": os.environ.get("PALERMO_SQLITE_PATH", str(DATA_DIR / "palermo.sqlite3")),
            "OPTIONS": {
                # WAL lets readers carry on while one writer writes; IMMEDIATE avoids
                # the "database is locked" upgrade deadlock between two writers.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            "CONN_MAX_AGE": int(os.environ.get("PALERMO_DB_CONN_MAX_AGE", "600")),
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "/sign-in/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/sign-in/"

# Sessions expire after inactivity: the cookie is renewed on every request.
SESSION_COOKIE_AGE = int(os.environ.get("PALERMO_SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Security headers (issue 13; palermo/core/headers.py, tests/security/test_headers.py) -------
# No inline script or style anywhere, so no 'unsafe-inline' and no nonces: every template loads
# its scripts and styles from static files.
PALERMO_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Swagger UI's stylesheet draws its icons as data: images: allowed on the API docs page only.
PALERMO_CSP_PATH_EXTRA = {"/api/v1/docs": {"img-src": ["data:"]}}
# Browser features no page of Palermo uses, denied to the page and anything it could embed.
PALERMO_PERMISSIONS_POLICY_DENY = [
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "geolocation", "gyroscope",
    "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
]
# Django's own CSRF failure page has an inline <style> the policy refuses: ours uses the layout.
CSRF_FAILURE_VIEW = "palermo.web.views.errors.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"  # a case URL never leaves Palermo in a Referer header
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    # HTTPS only. Development (`make run`, http://127.0.0.1:8000) and tests are never redirected.
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000  # one year, the minimum the preload list accepts
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # `preload` lets the domain's owner submit it to browsers' built-in HTTPS-only list; it has
    # no effect until they do. PALERMO_HSTS_PRELOAD=0 leaves it out, a deliberate choice, so the
    # deployment check's warning about it is then silenced.
    SECURE_HSTS_PRELOAD = os.environ.get("PALERMO_HSTS_PRELOAD", "1") == "1"
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    # Behind a proxy that terminates TLS, trust its X-Forwarded-Proto only when told to: a client
    # reaching Palermo directly could otherwise claim https. The proxy must overwrite the header.
    if os.environ.get("PALERMO_TRUST_X_FORWARDED_PROTO", "0") == "1":
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("PALERMO_STATIC_ROOT", DATA_DIR / "staticfiles"))
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
# Static files are served by WhiteNoise from inside Django, so the security headers middleware
# (CSP, nosniff) wraps them too. With DEBUG off (production, `palermo serve`, `make run`) they are
# collected into STATIC_ROOT by `palermo serve` (or `palermo collectstatic` at deployment) with
# content-hashed names and compressed copies: pages link `app.<hash>.css`, which WhiteNoise sends
# with a ten-year, immutable Cache-Control (a new build is a new name). Tests and DEBUG use the
# files where they are, unhashed (no collect step).
STATIC_MANIFEST = not DEBUG and ENV != "test"
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Request size limits (issue 13: hostile input) -------------------------------------
# Refused before the body is read: 400 on a page, 413 (the API's error shape) on the API.
# The largest real request is a referral: a 20,000-character narrative is at most ~120 KB of
# JSON, so 1 MB leaves room and no more. The largest form has a few dozen fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
# One upload page (importing referrals: palermo/jobs/uploads.py). Every other page refuses a
# file outright (the default handler, 400); the upload page swaps in a handler that keeps one
# file in memory up to PALERMO_IMPORT_UPLOAD_MAX_BYTES, so no plain upload reaches the disk.
DATA_UPLOAD_MAX_NUMBER_FILES = 1
FILE_UPLOAD_HANDLERS = ["palermo.jobs.uploads.NoFileUploads"]
PALERMO_IMPORT_UPLOAD_MAX_BYTES = int(os.environ.get("PALERMO_IMPORT_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))

# --- Palermo ----------------------------------------------------------------------------
PALERMO_KEY_FILE = os.environ.get("PALERMO_KEY_FILE", str(DATA_DIR / "keys" / "fernet.keys"))
PALERMO_BLIND_INDEX_KEY_FILE = str(DATA_DIR / "keys" / "blind-index.key")
# Score each new referral's person against everyone known (issue 5); the demo loader and bulk
# imports switch it off and rely on `palermo link run`.
PALERMO_LINK_ON_REFERRAL = os.environ.get("PALERMO_LINK_ON_REFERRAL", "1") == "1"
PALERMO_LINK_REVIEW_THRESHOLD = float(os.environ.get("PALERMO_LINK_REVIEW_THRESHOLD", "0.5"))
# Password guessing: lock a username for a while after repeated failures.
PALERMO_SIGNIN_MAX_FAILURES = int(os.environ.get("PALERMO_SIGNIN_MAX_FAILURES", "5"))
PALERMO_SIGNIN_LOCK_MINUTES = int(os.environ.get("PALERMO_SIGNIN_LOCK_MINUTES", "15"))
# Two-factor authentication (palermo/accounts/two_factor.py): wrong codes in a row before the
# second factor locks until an administrator from another organisation resets it, and how long
# a password stays good for the second step.
PALERMO_OTP_MAX_FAILURES = int(os.environ.get("PALERMO_OTP_MAX_FAILURES", "10"))
PALERMO_SIGNIN_PENDING_SECONDS = int(os.environ.get("PALERMO_SIGNIN_PENDING_SECONDS", "600"))
# The phase banner's tag: "demo" for `make run` with synthetic data, else "alpha".
PALERMO_PHASE = os.environ.get("PALERMO_PHASE", "demo" if DEBUG else "alpha")

# --- Notifications and e-mail (palermo/notifications) ---------------------------------------
# Alerts (a child reported missing from care) are written as notifications and sent by e-mail
# through Django's mail backend once the transaction commits. Tests use Django's in-memory
# backend (pytest-django sets it). An e-mail names no person: a case reference and a link.
PALERMO_BASE_URL = os.environ.get("PALERMO_BASE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = os.environ.get(
    "PALERMO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("PALERMO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PALERMO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PALERMO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PALERMO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("PALERMO_EMAIL_USE_TLS", "1" if PRODUCTION else "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("PALERMO_EMAIL_FROM", "Palermo <palermo@localhost>")

# --- Audit chain (issue 13) --------------------------------------------------------------
# The audit chain and its anchors are keyed with HMAC-SHA256 under a key kept outside the
# database (PALERMO_AUDIT_KEY, or the key file PALERMO_AUDIT_KEY_FILE; created on first use
# outside production), separate from the data keys. Each `palermo audit seal` appends the
# signed chain head to the append-only anchor file, outside the database (palermo/core/audit.py).
PALERMO_AUDIT_KEY_FILE = os.environ.get("PALERMO_AUDIT_KEY_FILE", str(DATA_DIR / "keys" / "audit.key"))
PALERMO_AUDIT_ANCHOR_FILE = os.environ.get("PALERMO_AUDIT_ANCHOR_FILE", str(DATA_DIR / "audit-anchors.jsonl"))
if PRODUCTION and not (os.environ.get("PALERMO_AUDIT_KEY") or os.environ.get("PALERMO_AUDIT_KEY_FILE")):
    raise ImproperlyConfigured("PALERMO_AUDIT_KEY or PALERMO_AUDIT_KEY_FILE must be set when PALERMO_ENV=production")

# --- Backups (`palermo backup` / `palermo restore`; docs/backup.md) ---------------------------
# The backup key is not a data key: PALERMO_BACKUP_KEY, or a key file of its own
# (PALERMO_BACKUP_KEY_FILE). Production has no default, so backups refuse to run until one is
# given; elsewhere a key file is created on first use in the data folder's key folder.
PALERMO_BACKUP_KEY_FILE = os.environ.get(
    "PALERMO_BACKUP_KEY_FILE", "" if PRODUCTION else str(DATA_DIR / "keys" / "backup.key")
)

# --- Background jobs (palermo/jobs; docs/jobs.md) ---------------------------------------------
# Long work (scoring a new referral for possible matches, link runs, imports, bulletins) runs as a
# task of Django's Tasks API through the django-tasks backport, so the code moves to Django 6's
# built-in django.tasks unchanged. The embedded default queues tasks in Palermo's own database
# (django-tasks-db) and `palermo worker` runs them; tests run each task in-process as soon as the
# transaction that started it commits; RQ on Redis is for scale (settings only: docs/jobs.md).
PALERMO_TASKS_BACKEND = os.environ.get("PALERMO_TASKS_BACKEND", "immediate" if ENV == "test" else "database")
_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
}
if PALERMO_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"PALERMO_TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}")
TASKS = {"default": _TASK_BACKENDS[PALERMO_TASKS_BACKEND]}
if PALERMO_TASKS_BACKEND == "rq":  # needs `pip install django-tasks-rq` and "django_rq" in INSTALLED_APPS
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": os.environ.get("PALERMO_RQ_QUEUE_URL", "redis://127.0.0.1:6379/0")}}
# Uploaded import files wait for their job here, encrypted (palermo/jobs/files.py).
PALERMO_JOB_FILES_DIR = Path(os.environ.get("PALERMO_JOB_FILES_DIR", DATA_DIR / "jobs"))

# API limits per token (palermo/api/ratelimit.py, docs/api.md) and how long an Idempotency-Key's
# first answer is replayed (palermo/api/idempotency.py): read from the environment, as the README says.
PALERMO_API_RATE_LIMIT = int(os.environ.get("PALERMO_API_RATE_LIMIT", "600"))
PALERMO_API_RATE_WINDOW_SECONDS = int(os.environ.get("PALERMO_API_RATE_WINDOW_SECONDS", "60"))
PALERMO_IDEMPOTENCY_TTL_HOURS = int(os.environ.get("PALERMO_IDEMPOTENCY_TTL_HOURS", "24"))
