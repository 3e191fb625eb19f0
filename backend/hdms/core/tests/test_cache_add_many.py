"""``core.cache.add_many``: ``cache.add`` of many keys in one Redis round trip (the email-digest
windows of a notification batch), degraded like every cache call while Redis is down."""

import uuid
from typing import Any

from django.core.cache import caches

from hdms.core.cache import ResilientRedisCache, add_many


def _keys(n: int) -> list[str]:
    run = uuid.uuid4().hex
    return [f"hdms:test-add-many:{run}:{i}" for i in range(n)]


def test_only_the_keys_not_there_yet_are_added_and_they_expire(settings: Any) -> None:
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)  # the suite's cache is Redis (settings.test)
    keys = _keys(3)
    assert cache.add(keys[1], "earlier", timeout=60)

    added = add_many(keys, 1, 30)

    assert added == {keys[0], keys[2]}
    assert cache.get_many(keys) == {keys[0]: 1, keys[1]: "earlier", keys[2]: 1}
    ttl = cache._cache.get_client().ttl(cache.make_and_validate_key(keys[0]))
    assert 0 < ttl <= 30
    assert add_many(keys, 1, 30) == set()  # a second batch in the window opens nothing


def test_redis_down_adds_nothing_and_raises_nothing(redis_down: str) -> None:
    down = caches["default"]  # Django's setting_changed handler rebuilt it on the dead Redis
    assert isinstance(down, ResilientRedisCache)
    assert down.add_many(_keys(2), 1, 30) == set()
