"""Production: refuses to start with the default secret key."""

from django.core.exceptions import ImproperlyConfigured

from hdms.settings.base import *  # noqa: F403
from hdms.settings.base import DEFAULT_SECRET_KEY, JWT_KEYS, SECRET_KEY, env
from hdms.settings.signing import weak_jwt_keys

if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("HDMS_SECRET_KEY must be set to a random value of at least 32 characters.")
if weak := weak_jwt_keys(JWT_KEYS, refused={DEFAULT_SECRET_KEY}):
    raise ImproperlyConfigured(f"JWT keys {', '.join(weak)} must be random values of at least 32 characters.")

DEBUG = False
HDMS_DEMO = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
if IS_POSTGRES:  # noqa: F405
    # Under ASGI each synchronous view runs in a fresh thread, so persistent per-thread
    # connections pile up: connections are either per request (through PgBouncer) or taken
    # from psycopg's pool (HDMS_DB_POOL=true, measured faster in bench/RESULTS.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
    if env.bool("HDMS_DB_POOL", default=False):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {  # noqa: F405
            "min_size": env.int("HDMS_DB_POOL_MIN", default=2),
            "max_size": env.int("HDMS_DB_POOL_MAX", default=20),
            "timeout": 10,
        }
