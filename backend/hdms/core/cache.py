"""The Redis cache backend, degraded instead of failing while Redis is unreachable.

A cache is an optimisation: with Redis down every read is a miss and every write is dropped
(the outage is logged once). Code that truly needs Redis uses ``get_redis()`` and answers 503.
"""

import builtins
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from hdms.core.faults import REDIS_ERRORS, Outage

_outage = Outage("redis", "the cache is bypassed (every read a miss) until it is back")


def _degrades_to(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def wrapper(self: "ResilientRedisCache", *args: Any, **kwargs: Any) -> Any:
            try:
                result = method(self, *args, **kwargs)
            except REDIS_ERRORS as exc:
                _outage.failed(exc)
                return fallback(*args, **kwargs)
            _outage.recovered()
            return result

        return wrapper

    return decorate


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _none(*args: Any, **kwargs: Any) -> None:
    return None


def _empty(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return {}


def _not_set(data: Any, *args: Any, **kwargs: Any) -> list[Any]:
    return list(data)


def _zero(*args: Any, **kwargs: Any) -> int:
    return 0


def _added_none(*args: Any, **kwargs: Any) -> set[str]:
    return set()


class ResilientRedisCache(RedisCache):
    get = _degrades_to(_default)(RedisCache.get)
    set = _degrades_to(_none)(RedisCache.set)
    add = _degrades_to(_false)(RedisCache.add)
    touch = _degrades_to(_false)(RedisCache.touch)
    delete = _degrades_to(_false)(RedisCache.delete)
    has_key = _degrades_to(_false)(RedisCache.has_key)
    incr = _degrades_to(_zero)(RedisCache.incr)
    get_many = _degrades_to(_empty)(RedisCache.get_many)
    set_many = _degrades_to(_not_set)(RedisCache.set_many)
    delete_many = _degrades_to(_none)(RedisCache.delete_many)
    clear = _degrades_to(_false)(RedisCache.clear)

    @_degrades_to(_added_none)
    def add_many(self, keys: list[str], value: Any, timeout: int) -> builtins.set[str]:
        """``add`` of each key in one round trip (a pipeline of ``SET NX EX``): the keys added."""
        redis_client: Any = self._cache  # type: ignore[attr-defined]  # Django's, untyped in the stubs
        client = redis_client.get_client(write=True)
        dumped = redis_client._serializer.dumps(value)
        expiry = self.get_backend_timeout(timeout)
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.set(self.make_and_validate_key(key), dumped, ex=expiry, nx=True)
        return {key for key, added in zip(keys, pipe.execute(), strict=True) if added}


def add_many(keys: list[str], value: Any, timeout: int) -> set[str]:
    """The keys of ``keys`` that were not in the cache and now are (``cache.add`` of each): one
    round trip on Redis, a loop on the embedded in-process cache."""
    cache = caches["default"]  # not the ``cache`` proxy: isinstance must see the backend
    if isinstance(cache, ResilientRedisCache):
        return cache.add_many(keys, value, timeout)
    return {key for key in keys if cache.add(key, value, timeout=timeout)}
