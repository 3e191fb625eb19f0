"""Superset's settings for HDMS (deploy/superset/README.md). Superset loads this file through
``SUPERSET_CONFIG_PATH`` (start.sh and setup.sh set it); it runs in Superset's own virtual
environment, never in the desk's, and imports nothing of HDMS.

Environment:
    HDMS_SUPERSET_HOME      data directory: the metadata database, the secret key (default <repo>/var/superset)
    SUPERSET_SECRET_KEY     signs sessions and encrypts stored connection passwords; when unset, a key is
                            made once and kept in HOME/secret_key (mode 0600). Losing it makes the stored
                            database password unreadable (run setup.sh again).
    HDMS_SUPERSET_REDIS_URL optional: a Redis database for Superset's caches and rate limits (else none / memory)
"""

import os
import secrets
import time
from pathlib import Path

HOME = Path(os.environ.get("HDMS_SUPERSET_HOME") or Path(__file__).resolve().parents[2] / "var" / "superset")
HOME.mkdir(parents=True, exist_ok=True, mode=0o700)


def _secret_key() -> str:
    if os.environ.get("SUPERSET_SECRET_KEY"):
        return os.environ["SUPERSET_SECRET_KEY"]
    path = HOME / "secret_key"
    try:
        # O_EXCL: the first process makes it; a second (gunicorn workers start together) reads it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process made it a moment ago and may still be writing it
            if key := path.read_text().strip():
                return key
            time.sleep(0.1)
        raise RuntimeError(f"{path} is empty: remove it and start again") from None
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Superset's own metadata (users, charts, dashboards): SQLite under the data directory. The desk's
# numbers are never here; charts query PostgreSQL as hdms_reporting.
SQLALCHEMY_DATABASE_URI = f"sqlite:///{HOME / 'superset.db'}?check_same_thread=false"
SQLALCHEMY_EXAMPLES_URI = SQLALCHEMY_DATABASE_URI  # examples are never loaded; this keeps Superset off any default

# Superset's defaults, nothing experimental: no alerts and reports (they need Celery and a browser),
# no embedding, no template processing in SQL.
FEATURE_FLAGS: dict[str, bool] = {
    "ALERT_REPORTS": False,
    "EMBEDDED_SUPERSET": False,
    "ENABLE_TEMPLATE_PROCESSING": False,
}
PREVENT_UNSAFE_DB_CONNECTIONS = True   # no SQLite files or other local paths as a "database"
ROW_LIMIT = 50_000
SUPERSET_WEBSERVER_TIMEOUT = 120
WTF_CSRF_ENABLED = True
SESSION_COOKIE_SAMESITE = "Lax"
# Behind the desk's gateway (TLS there) set HDMS_SUPERSET_SECURE_COOKIES=true.
SESSION_COOKIE_SECURE = os.environ.get("HDMS_SUPERSET_SECURE_COOKIES", "").lower() == "true"
ENABLE_PROXY_FIX = os.environ.get("HDMS_SUPERSET_PROXY_FIX", "").lower() == "true"

_redis = os.environ.get("HDMS_SUPERSET_REDIS_URL", "")
if _redis:
    CACHE_CONFIG = {"CACHE_TYPE": "RedisCache", "CACHE_DEFAULT_TIMEOUT": 300,
                    "CACHE_KEY_PREFIX": "superset_", "CACHE_REDIS_URL": _redis}
    DATA_CACHE_CONFIG = {**CACHE_CONFIG, "CACHE_KEY_PREFIX": "superset_data_"}
    RATELIMIT_STORAGE_URI = _redis
else:
    RATELIMIT_STORAGE_URI = "memory://"
