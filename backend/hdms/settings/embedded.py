"""One machine, no outside services: SQLite, in-memory channel layer, in-process tasks."""

from hdms.settings.base import *  # noqa: F403
from hdms.settings.base import env

DEBUG = env.bool("HDMS_DEBUG", default=True)
HDMS_DEMO = env.bool("HDMS_DEMO", default=True)
# SQLite has no pg_dump: no scheduled backups unless asked for (deploy/README.md, "Backups").
HDMS_BACKUPS_ENABLED = env.bool("HDMS_BACKUPS", default=False)
EMAIL_BACKEND = env.str("HDMS_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
