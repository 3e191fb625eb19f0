"""Production: refuses to start with the default secret key."""

from django.core.exceptions import ImproperlyConfigured

from hdms.settings.base import *  # noqa: F403
from hdms.settings.base import DEFAULT_SECRET_KEY, SECRET_KEY, env

if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("HDMS_SECRET_KEY must be set to a random value of at least 32 characters.")

DEBUG = False
HDMS_DEMO = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
if IS_POSTGRES:  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("HDMS_DB_CONN_MAX_AGE", default=60)  # noqa: F405
