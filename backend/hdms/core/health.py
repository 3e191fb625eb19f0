"""What ``GET health`` reports: the database, Redis, the Celery workers and the outbox.

Each check is ``"ok"`` (workers: ``"ok (N)"``), ``"down"`` when the part cannot be reached, or a
note where the part does not apply (embedded mode). ``down`` lists the parts that are down; the
answer is 200 when none is, else 503 with the same JSON body (docs/decisions.md, "Faults").
"""

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from hdms.celery import app
from hdms.core.outbox import outbox_pending_count
from hdms.core.redis import get_redis

logger = logging.getLogger("hdms.health")

DOWN = "down"


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        logger.warning("Health: database unreachable (%s: %s)", type(exc).__name__, exc)
        return DOWN
    return "ok"


def _redis() -> str:
    if not settings.USE_REDIS:
        return "not configured (embedded mode)"
    try:
        get_redis().ping()
    except Exception as exc:  # noqa: BLE001
        logger.warning("Health: Redis unreachable (%s: %s)", type(exc).__name__, exc)
        return DOWN
    return "ok"


WORKERS_CACHE_KEY = "health:workers"
WORKERS_CACHE_SECONDS = 15


def _workers(redis_state: str) -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    if redis_state == DOWN:
        return "unknown (the broker is down)"
    # A ping waits for replies; a load balancer polling /health must not pay that every time.
    cached = cache.get(WORKERS_CACHE_KEY)
    if cached is not None:
        return cached
    try:
        replies = app.control.ping(timeout=1.0)
    except Exception as exc:  # noqa: BLE001
        logger.warning("Health: worker ping failed (%s: %s)", type(exc).__name__, exc)
        return DOWN
    if not replies:
        return DOWN
    result = f"ok ({len(replies)})"
    cache.set(WORKERS_CACHE_KEY, result, WORKERS_CACHE_SECONDS)
    return result


def _outbox(database_state: str) -> str:
    if database_state == DOWN:
        return "unknown (the database is down)"
    try:
        return f"{outbox_pending_count()} pending"
    except Exception:  # noqa: BLE001
        return "unknown"


def health_report() -> dict[str, Any]:
    database = _database()
    redis_state = _redis()
    checks = {"database": database, "redis": redis_state, "workers": _workers(redis_state),
              "outbox": _outbox(database)}
    down = [name for name, value in checks.items() if value == DOWN]
    return {"status": "degraded" if down else "ok", "service": settings.HDMS_SERVICE, "checks": checks,
            "down": down}
