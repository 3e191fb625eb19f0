"""One machine, no outside services: SQLite, in-memory channel layer, in-process tasks."""

from importlib.util import find_spec

from hdms.settings.base import *  # noqa: F403
from hdms.settings.base import DEBUG, env

HDMS_DEMO = env.bool("HDMS_DEMO", default=True)
# SQLite has no pg_dump: no scheduled backups unless asked for (deploy/README.md, "Backups").
HDMS_BACKUPS_ENABLED = env.bool("HDMS_BACKUPS", default=False)
EMAIL_BACKEND = env.str("HDMS_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

# django-debug-toolbar: development only. It is in requirements-dev.txt, never in requirements.txt,
# and only this module (the one-machine development mode) adds it, with DEBUG on; production and
# test settings never do (hdms/ops/tests/test_settings_modes.py).
HDMS_DEBUG_TOOLBAR = DEBUG and env.bool("HDMS_DEBUG_TOOLBAR", default=True) and bool(find_spec("debug_toolbar"))
if HDMS_DEBUG_TOOLBAR:
    INSTALLED_APPS = [*INSTALLED_APPS, "debug_toolbar"]  # noqa: F405
    MIDDLEWARE = ["debug_toolbar.middleware.DebugToolbarMiddleware", *MIDDLEWARE]  # noqa: F405
    INTERNAL_IPS = ["127.0.0.1", "::1"]
    # The API answers JSON; the toolbar shows on HTML pages (the API docs at /api/v1/docs).
    DEBUG_TOOLBAR_CONFIG = {"IS_RUNNING_TESTS": False}
