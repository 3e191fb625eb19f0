from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=1)
def get_redis() -> redis.Redis:
    """The shared Redis client (cache, rate limits); only valid when REDIS_URL is set."""
    return redis.Redis.from_url(settings.REDIS_URL, health_check_interval=30)
