import socket
from collections.abc import Iterator
from typing import Any

import pytest

from hdms.core import outbox, ratelimit
from hdms.core.redis import get_redis
from hdms.testing.desk import prepare_embedded_desk


def _closed_port() -> int:
    """A port nothing listens on: connecting to it is refused, as when Redis is stopped."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings: Any) -> Iterator[str]:
    """Every Redis client of this process (cache, rate limits, channel layer) points at a Redis
    that is not running; the real one comes back when the test ends (or calls ``back()``)."""
    dead = f"redis://127.0.0.1:{_closed_port()}/0"
    real = {"REDIS_URL": settings.REDIS_URL, "CACHES": settings.CACHES, "CHANNEL_LAYERS": settings.CHANNEL_LAYERS}
    settings.REDIS_URL = dead
    settings.USE_REDIS = True
    settings.CACHES = {"default": {"BACKEND": "hdms.core.cache.ResilientRedisCache", "LOCATION": dead}}
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": [dead]}}}
    get_redis.cache_clear()
    ratelimit._buckets = None
    yield dead
    for name, value in real.items():
        setattr(settings, name, value)
    get_redis.cache_clear()
    ratelimit._buckets = None
    outbox._paused_until = 0.0


@pytest.fixture(scope="session")
def embedded_data_dir(tmp_path_factory):
    """A fresh embedded desk's data (SQLite, demo users), migrated and seeded as `make run` does."""
    return prepare_embedded_desk(tmp_path_factory.mktemp("embedded-desk"))
