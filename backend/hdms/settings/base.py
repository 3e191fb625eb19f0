"""Settings shared by every mode, read from the environment in this one place.

Modes: ``embedded`` (default, no outside services needed), ``production`` and ``test``.
``DATABASE_URL`` and ``REDIS_URL`` switch any mode from SQLite / in-memory parts to
PostgreSQL / Redis; the code paths stay the same.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

from hdms.settings.keys import checked_key, desk_secret_key
from hdms.settings.signing import jwt_keys

BACKEND_DIR = Path(__file__).resolve().parent.parent.parent
REPO_DIR = BACKEND_DIR.parent

env = environ.Env()
environ.Env.read_env(REPO_DIR / ".env", overwrite=False)

DEBUG = env.bool("HDMS_DEBUG", default=False)
ALLOWED_HOSTS = env.list("HDMS_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])

DATA_DIR = Path(env.str("HDMS_DATA_DIR", default=str(REPO_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# No published key signs anything (hdms/settings/keys.py): without HDMS_SECRET_KEY the desk keeps
# its own random key under DATA_DIR. SECRET_KEY_SOURCE says which ("environment" or "file").
SECRET_KEY, SECRET_KEY_SOURCE = desk_secret_key(env.str("HDMS_SECRET_KEY", default=""), DATA_DIR)

# Which service this process serves: user, ticket, communication, file or all (DESIGN §1).
HDMS_SERVICE = env.str("HDMS_SERVICE", default="all")
HDMS_DEMO = env.bool("HDMS_DEMO", default=False)

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.staticfiles",
    "corsheaders",
    "channels",
    "hdms.core",
    "hdms.audit",
    "hdms.users",
    "hdms.tickets",
    "hdms.communication",
    "hdms.files",
    "hdms.ops",
    "hdms.jobs",
    "hdms.ai",
    "hdms.kb",
]

MIDDLEWARE = [
    "hdms.ops.metrics.MetricsMiddleware",
    "hdms.core.middleware.ProxyHeadersMiddleware",
    "hdms.core.middleware.RequestIdMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "hdms.core.middleware.SecurityHeadersMiddleware",
    "hdms.core.middleware.ApiErrorMiddleware",
    "hdms.core.middleware.RejectNulMiddleware",
    "hdms.core.ratelimit.RateLimitMiddleware",
    "hdms.core.idempotency.IdempotencyMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "hdms.urls"
ASGI_APPLICATION = "hdms.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    }
]

DATABASE_URL = env.str("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'hdms.sqlite3'}")
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("HDMS_DB_CONN_MAX_AGE", default=0)
    # A connection kept across requests is checked before reuse: after a PostgreSQL restart the
    # request in flight fails (503 service_unavailable) and the next one reconnects.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PgBouncer in transaction pooling mode cannot keep server-side cursors.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("HDMS_PGBOUNCER", default=False)
    # Statements bound and prepared by PostgreSQL (psycopg's server-side binding: a statement run 5
    # times on a connection is prepared there, and PostgreSQL reuses its plan). Planning was most of
    # the database's CPU for the list's page (bench/RESULTS.md). Not through PgBouncer in
    # transaction pooling mode, which cannot keep a statement prepared on one server connection.
    if env.bool("HDMS_DB_PREPARED", default=not env.bool("HDMS_PGBOUNCER", default=False)):
        # Django leaves psycopg's preparing off unless told a threshold.
        DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
    # psycopg's pool in each process (HDMS_DB_POOL=true, measured faster in bench/RESULTS.md). Waiting
    # for a free connection is bounded: after HDMS_DB_POOL_TIMEOUT seconds the request answers 503
    # service_unavailable with Retry-After (hdms.core.faults), never a 500 (issue 18).
    if env.bool("HDMS_DB_POOL", default=False):
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("HDMS_DB_POOL_MIN", default=2),
            "max_size": env.int("HDMS_DB_POOL_MAX", default=20),
            "timeout": env.float("HDMS_DB_POOL_TIMEOUT", default=5.0),
        }
    # Interactive processes (the servers: hdms/asgi.py and hdms/wsgi.py say so) cancel a statement that runs
    # longer than HDMS_STATEMENT_TIMEOUT_MS (0: never), so one slow query cannot hold a connection
    # the others wait for; the request answers 503. Workers, migrations and commands are exempt.
    # Through PgBouncer the startup option is dropped (ignore_startup_parameters): there the
    # interactive processes connect to HDMS_INTERACTIVE_DATABASE instead, PgBouncer's entry whose
    # server connections run `SET statement_timeout` (deploy/pgbouncer/pgbouncer.ini, hdms_interactive).
    HDMS_STATEMENT_TIMEOUT_MS = env.int("HDMS_STATEMENT_TIMEOUT_MS", default=5000)
    if env.bool("HDMS_INTERACTIVE", default=False) and HDMS_STATEMENT_TIMEOUT_MS > 0:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={HDMS_STATEMENT_TIMEOUT_MS}"
        DATABASES["default"]["NAME"] = env.str("HDMS_INTERACTIVE_DATABASE", default="") or DATABASES["default"]["NAME"]
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
# Migrations run as the role that owns the tables (hdms/ops/database_roles.py): with this set,
# `manage.py migrate` connects with it instead of DATABASE_URL and then grants DATABASE_URL's role
# only what the application needs; the application's role then cannot TRUNCATE the audit log.
HDMS_MIGRATION_DATABASE_URL = env.str("HDMS_MIGRATION_DATABASE_URL", default="")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

REDIS_URL = env.str("REDIS_URL", default="")
USE_REDIS = bool(REDIS_URL)

if USE_REDIS:
    # Degrades to "every read a miss" while Redis is down (hdms/core/cache.py).
    CACHES = {"default": {
        "BACKEND": "hdms.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 5},
    }}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # channels-redis waits 5 s in BZPOPMIN, which is also redis-py's default read
                # timeout: an idle process's receive then failed every few seconds (docs/realtime.md).
                "hosts": [{"address": REDIS_URL, "socket_timeout": env.int("HDMS_CHANNEL_SOCKET_TIMEOUT", default=10)}],
                # See docs/realtime.md: a loaded process may fall tens of seconds behind without
                # losing events (expiry 30 s); past 1000 queued frames a channel is a dead consumer.
                "capacity": env.int("HDMS_CHANNEL_CAPACITY", default=1000),
                "expiry": env.int("HDMS_CHANNEL_EXPIRY", default=30),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hdms"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery: Redis broker when REDIS_URL is set, otherwise tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("HDMS_TASKS_EAGER", default=not USE_REDIS)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the connections (and in a prefork worker psycopg's pool) once per this
# many tasks instead of around every task; between them hdms/ops/celery_connections.py treats a task
# as a request.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Karachi"
CELERY_BEAT_SCHEDULE: dict = {}

# The transactional outbox (hdms/core/outbox.py): after a failed delivery a process leaves new
# rows to the drain for this long; beat sends the drain this often (dropped if not run in time).
HDMS_OUTBOX_RETRY_SECONDS = env.float("HDMS_OUTBOX_RETRY_SECONDS", default=5.0)
HDMS_CORE_BEAT_SCHEDULE = {
    "core-outbox-drain": {
        "task": "core.outbox_drain",
        "schedule": env.int("HDMS_OUTBOX_DRAIN_SECONDS", default=10),
        "options": {"queue": "high", "expires": 30},
    },
    # Idempotency-Key answers are kept 24 hours (DESIGN §9).
    "core-idempotency-purge": {
        "task": "core.idempotency_purge",
        "schedule": 3600,
        "options": {"queue": "low", "expires": 1800},
    },
}

LANGUAGE_CODE = "en"
TIME_ZONE = "Asia/Karachi"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "files"

# Auth (DESIGN §4)
# Several keys verify, one signs; each token names its key in the `kid` header (settings/signing.py).
JWT_KEYS, JWT_SIGNING_KID = jwt_keys(
    keys_text=env.str("HDMS_JWT_KEYS", default=""),
    keys_file=env.str("HDMS_JWT_KEYS_FILE", default=""),
    single_key=env.str("HDMS_JWT_KEY", default="") or SECRET_KEY,
    signing_kid=env.str("HDMS_JWT_SIGNING_KID", default=""),
)
for _kid, _jwt_key in JWT_KEYS.items():  # a published or weak key never signs (settings/keys.py)
    checked_key(f"The JWT key {_kid!r} (HDMS_JWT_KEY / HDMS_JWT_KEYS)", _jwt_key)
JWT_ALGORITHM = "HS256"
ACCESS_TOKEN_LIFETIME = timedelta(minutes=env.int("HDMS_ACCESS_MINUTES", default=15))
REFRESH_TOKEN_LIFETIME = timedelta(days=env.int("HDMS_REFRESH_DAYS", default=7))
OTP_LIFETIME = timedelta(minutes=5)
OTP_MAX_ATTEMPTS = 5
# Wrong codes one user may enter across all their challenges in OTP_USER_WINDOW: signing in
# again for a new challenge does not give a new budget of guesses.
OTP_MAX_ATTEMPTS_PER_USER = env.int("HDMS_OTP_MAX_ATTEMPTS_PER_USER", default=10)
OTP_USER_WINDOW = timedelta(hours=1)
# Account lockout (DESIGN §8): this many failed sign-ins in a row, whatever the client address, lock
# the account for LOCKOUT_BASE, doubling with each further lockout up to LOCKOUT_MAX; a success or
# an admin's unlock starts over.
LOCKOUT_THRESHOLD = env.int("HDMS_LOCKOUT_THRESHOLD", default=5)
LOCKOUT_BASE = timedelta(seconds=env.int("HDMS_LOCKOUT_BASE_SECONDS", default=60))
LOCKOUT_MAX = timedelta(hours=1)
# Self-service password reset (DESIGN §8): an emailed 6-digit code, 10 minutes, 5 tries; one
# email per account per PASSWORD_RESET_INTERVAL at most (more requests still answer 202).
PASSWORD_RESET_LIFETIME = timedelta(minutes=10)
PASSWORD_RESET_INTERVAL = timedelta(seconds=60)
# Sign-in through the School Management System bridge for SMS-linked accounts (DESIGN §8).
SMS_AUTH = env.bool("HDMS_SMS_AUTH", default=False)

# Rate limits, requests per minute (DESIGN §4); None means unlimited.
RATE_LIMITS = {
    "login": env.int("HDMS_RATE_LOGIN", default=10),
    "anonymous": env.int("HDMS_RATE_ANONYMOUS", default=150),
    "requestor": env.int("HDMS_RATE_REQUESTOR", default=150),
    "assignee": env.int("HDMS_RATE_ASSIGNEE", default=250),
    "moderator": None,
    "admin": None,
}
RATE_LIMIT_ENABLED = env.bool("HDMS_RATE_LIMIT", default=True)
WEBSOCKET_MAX_CONNECTIONS_PER_USER = 10

# Email
EMAIL_BACKEND = env.str("HDMS_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("HDMS_SMTP_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("HDMS_SMTP_PORT", default=25)
EMAIL_HOST_USER = env.str("HDMS_SMTP_USER", default="")
EMAIL_HOST_PASSWORD = env.str("HDMS_SMTP_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("HDMS_SMTP_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("HDMS_FROM_EMAIL", default="HDMS <helpdesk@idara.example>")
# Only read by Django's file-based backend (HDMS_EMAIL_BACKEND=...filebased.EmailBackend).
EMAIL_FILE_PATH = env.str("HDMS_EMAIL_FILE_PATH", default=str(DATA_DIR / "mail"))

# School Management System bridge
SMS_BASE_URL = env.str("HDMS_SMS_BASE_URL", default="")
SMS_TOKEN = env.str("HDMS_SMS_TOKEN", default="")
SMS_TIMEOUT = env.float("HDMS_SMS_TIMEOUT", default=10.0)
# The SMS sync's schedule: beat asks every minute; the job runs when the admin's interval
# (AccountSettings.sms_sync_minutes, the admin SMS page; 0 = only on demand) has passed.
HDMS_USERS_BEAT_SCHEDULE = {
    "users-sms-sync": {
        "task": "users.sms_sync_scheduled",
        "schedule": timedelta(seconds=env.int("HDMS_SMS_SYNC_TICK_SECONDS", default=60)),
        "options": {"queue": "low"},
    },
}

# Security headers
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
HDMS_CSP = env.str(
    "HDMS_CSP",
    default="default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
)
# The API docs page loads its own scripts and styles from the same origin.
HDMS_DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'"
)
HDMS_HSTS_SECONDS = env.int("HDMS_HSTS_SECONDS", default=31536000)

# The desk's own web app calls the API on its own origin (its server or the gateway routes /api/
# and /ws/), so it needs no CORS. HDMS_CORS_ORIGINS is only for third-party browser clients.
CORS_ALLOWED_ORIGINS = env.list("HDMS_CORS_ORIGINS", default=[])
CORS_EXPOSE_HEADERS = [
    "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "X-Request-ID",
    "Content-Disposition", "Idempotent-Replayed",
]
CORS_ALLOW_HEADERS = [
    "authorization", "content-type", "x-request-id", "accept", "accept-language", "idempotency-key",
]

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LOG_LEVEL = env.str("HDMS_LOG_LEVEL", default="INFO")
LOGGING: dict[str, Any] = {  # dictConfig: nested sections of mixed types
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "hdms.core.logging.RequestContextFilter"},
        "redact_tokens": {"()": "hdms.core.logging.RedactTokensFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json",
                    "filters": ["request_context", "redact_tokens"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Proxies whose X-Real-IP / X-Forwarded-For name the client (hdms.core.middleware.client_ip):
# addresses or networks, e.g. "127.0.0.1" for the gateway on the same host. Empty (the default,
# `make run`): nobody speaks for the client, its address is the socket's peer.
HDMS_TRUSTED_PROXIES = env.list("HDMS_TRUSTED_PROXIES", default=[])
for _proxy in HDMS_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"HDMS_TRUSTED_PROXIES: {_proxy!r} is not an address or network.") from _error
# GET /metrics needs "Authorization: Bearer <this>"; unset, /metrics is not served (hdms/ops/metrics.py).
HDMS_METRICS_TOKEN = env.str("HDMS_METRICS_TOKEN", default="")
if HDMS_METRICS_TOKEN:
    checked_key("HDMS_METRICS_TOKEN", HDMS_METRICS_TOKEN)
# "This request came over HTTPS" is believed only from those proxies (the gateway sets
# X-Forwarded-Proto itself); hdms.core.middleware drops the header from anyone else.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HDMS_TRUSTED_PROXIES else None
if env.str("HDMS_TRUST_PROXY", default=""):
    raise ImproperlyConfigured(
        "HDMS_TRUST_PROXY is replaced by HDMS_TRUSTED_PROXIES: name the gateway's address(es), e.g. 127.0.0.1."
    )
STATIC_URL_PATH = "/static/"
HDMS_SERVE_STATIC = env.bool("HDMS_SERVE_STATIC", default=True)

# Each service's own settings live beside this file.
from hdms.settings.ai import *  # noqa: E402, F403
from hdms.settings.communication import *  # noqa: E402, F403
from hdms.settings.files import *  # noqa: E402, F403
from hdms.settings.ops import *  # noqa: E402, F403
from hdms.settings.tickets import *  # noqa: E402, F403

# Task routes gathered from every service (tasks sent with an explicit queue keep it).
CELERY_TASK_ROUTES = {**HDMS_TICKET_TASK_ROUTES, **HDMS_AI_TASK_ROUTES}  # noqa: F405
