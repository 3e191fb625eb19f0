"""Production: refuses to start without its own HDMS_SECRET_KEY.

Base settings already refuse a published or weak key in every mode; production also refuses the
key a desk generates under HDMS_DATA_DIR, because the services of one deployment (several hosts,
containers) must share one key given to all of them.
"""

from django.core.exceptions import ImproperlyConfigured

from hdms.settings.base import *  # noqa: F403
from hdms.settings.base import SECRET_KEY_SOURCE

if SECRET_KEY_SOURCE != "environment":
    raise ImproperlyConfigured("HDMS_SECRET_KEY must be set to a random value of at least 32 characters.")

DEBUG = False
HDMS_DEMO = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
if IS_POSTGRES:  # noqa: F405
    # Under ASGI each synchronous view runs in a fresh thread, so persistent per-thread
    # connections pile up: connections are either per request (through PgBouncer) or taken
    # from psycopg's pool (HDMS_DB_POOL=true, hdms/settings/base.py).
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
