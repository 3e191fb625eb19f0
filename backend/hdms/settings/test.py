"""Test mode: the suite runs against DATABASE_URL / REDIS_URL when set (PostgreSQL and Redis in CI)."""

from hdms.settings.base import *  # noqa: F403
from hdms.settings.base import env

DEBUG = False
HDMS_DEMO = False
# Hashing with Argon2 for every factory-made user would dominate the suite's time;
# production settings keep Argon2 first (tested).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env.bool("HDMS_TASKS_EAGER", default=True)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
RATE_LIMIT_ENABLED = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
