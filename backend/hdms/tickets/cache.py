"""Cache-aside for dashboard summaries (technical document §16).

Keys: ``dashboard:summary:user_id:<id>`` (60 s) and ``dashboard:departments:user_id:<id>``
(department metrics, 2 min). Each cached value carries the *generation* it was computed in; every
ticket write bumps the generation (one Redis INCR after commit), so all summaries are invalidated
at once without scanning keys, and a stale value is never served after a write.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

GENERATION_KEY = "dashboard:generation"
SUMMARY_TTL = 60
DEPARTMENT_TTL = 120


def summary_key(user_id: Any) -> str:
    return f"dashboard:summary:user_id:{user_id}"


def department_key(user_id: Any) -> str:
    return f"dashboard:departments:user_id:{user_id}"


def _generation() -> int:
    return int(cache.get(GENERATION_KEY) or 0)


def invalidate_dashboards() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet
        cache.add(GENERATION_KEY, 1, timeout=None)
        cache.incr(GENERATION_KEY)


def cached(key: str, ttl: int, compute: Callable[[], Any]) -> Any:
    """Return the cached value for ``key`` if it belongs to the current generation, else compute
    it, store it and return it."""
    generation = _generation()
    hit = cache.get(key)
    if isinstance(hit, dict) and hit.get("generation") == generation:
        return hit["value"]
    value = compute()
    cache.set(key, {"generation": generation, "value": value}, timeout=ttl)
    return value
