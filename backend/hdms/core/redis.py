from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=1)
def get_redis() -> redis.Redis:
    """The shared Redis client (cache, rate limits); only valid when REDIS_URL is set.

    Short timeouts: a Redis that is down or hung costs a request a second, not the server's
    default of no timeout at all (DESIGN §7 "Faults")."""
    return redis.Redis.from_url(settings.REDIS_URL, health_check_interval=30, socket_connect_timeout=1,
                                socket_timeout=5)
