"""The Redis cache backend, degraded instead of failing while Redis is unreachable.

A cache is an optimisation: with Redis down every read is a miss and every write is dropped
(the outage is logged once). Code that truly needs Redis uses ``get_redis()`` and answers 503.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

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
