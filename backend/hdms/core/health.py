"""What ``GET health`` reports: database, Redis and Celery workers."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from hdms.core.redis import get_redis


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        return f"error: {type(exc).__name__}"
    return "ok"


def _redis() -> str:
    if not settings.USE_REDIS:
        return "not configured (embedded mode)"
    try:
        get_redis().ping()
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    return "ok"


WORKERS_CACHE_KEY = "health:workers"
WORKERS_CACHE_SECONDS = 15


def _workers() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    # A ping waits for replies; a load balancer polling /health must not pay that every time.
    cached = cache.get(WORKERS_CACHE_KEY)
    if cached is not None:
        return cached
    from hdms.celery import app

    try:
        replies = app.control.ping(timeout=1.0)
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    result = f"ok ({len(replies)})" if replies else "none responding"
    if replies:
        cache.set(WORKERS_CACHE_KEY, result, WORKERS_CACHE_SECONDS)
    return result


def health_report() -> dict:
    checks = {"database": _database(), "redis": _redis(), "workers": _workers()}
    healthy = all(not value.startswith("error") and value != "none responding" for value in checks.values())
    return {"status": "ok" if healthy else "degraded", "service": settings.HDMS_SERVICE, "checks": checks}
