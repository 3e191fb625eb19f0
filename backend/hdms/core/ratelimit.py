"""Token-bucket rate limiting (DESIGN §4): atomic in Redis, in-process in embedded mode.

Buckets: ``login`` per client (10/min), then per signed-in user by role (requestor 150/min,
assignee 250/min, moderator and admin unlimited), and per client for anonymous calls.
Every API response carries the X-RateLimit-* headers; unlimited callers see ``unlimited``.
"""

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from hdms.core.errors import TokenInvalid
from hdms.core.faults import REDIS_ERRORS, Outage
from hdms.core.jwt import decode_access
from hdms.core.middleware import client_ip, is_api_path
from hdms.core.redis import get_redis
from hdms.core.responses import error_response

KEY_PREFIX = "hdms:rl:"

# KEYS[1] bucket; ARGV[1] capacity, ARGV[2] refill tokens per second.
# The clock is Redis's own, so every process agrees on it.
_TOKEN_BUCKET_LUA = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then tokens = capacity; ts = now end
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return {allowed, tostring(tokens)}
"""


@dataclass(frozen=True)
class BucketResult:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    retry_after: int


def _result(allowed: bool, tokens: float, capacity: int, rate: float) -> BucketResult:
    return BucketResult(
        allowed=allowed,
        limit=capacity,
        remaining=max(0, math.floor(tokens)),
        reset_seconds=max(0, math.ceil((capacity - tokens) / rate)),
        retry_after=0 if allowed else max(1, math.ceil((1 - tokens) / rate)),
    )


class RedisBuckets:
    def __init__(self) -> None:
        self._script = get_redis().register_script(_TOKEN_BUCKET_LUA)

    def take(self, key: str, capacity: int, per_minute: int) -> BucketResult:
        rate = per_minute / 60.0
        allowed, tokens = self._script(keys=[KEY_PREFIX + key], args=[capacity, rate])
        return _result(bool(allowed), float(tokens), capacity, rate)

    def reset(self) -> None:
        client = get_redis()
        for key in client.scan_iter(match=KEY_PREFIX + "*", count=500):
            client.delete(key)


class LocalBuckets:
    """The same bucket for a single process (embedded mode)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float]] = {}

    def take(self, key: str, capacity: int, per_minute: int) -> BucketResult:
        rate = per_minute / 60.0
        with self._lock:
            now = time.monotonic()
            tokens, ts = self._state.get(key, (float(capacity), now))
            tokens = min(capacity, tokens + max(0.0, now - ts) * rate)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            self._state[key] = (tokens, now)
        return _result(allowed, tokens, capacity, rate)

    def reset(self) -> None:
        with self._lock:
            self._state.clear()


class ResilientBuckets:
    """The Redis buckets; while Redis is unreachable, this process's own buckets (DESIGN §7
    "Faults": limits still hold per process, the outage is logged once, not per request)."""

    def __init__(self) -> None:
        self.shared = RedisBuckets()
        self.local = LocalBuckets()
        self.outage = Outage("redis", "rate limits fall back to per-process token buckets")

    def take(self, key: str, capacity: int, per_minute: int) -> BucketResult:
        try:
            result = self.shared.take(key, capacity, per_minute)
        except REDIS_ERRORS as exc:
            self.outage.failed(exc)
            return self.local.take(key, capacity, per_minute)
        self.outage.recovered()
        return result

    def reset(self) -> None:
        self.local.reset()
        try:
            self.shared.reset()
        except REDIS_ERRORS as exc:
            self.outage.failed(exc)


_buckets: ResilientBuckets | LocalBuckets | None = None


def get_buckets() -> ResilientBuckets | LocalBuckets:
    global _buckets
    if _buckets is None:
        _buckets = ResilientBuckets() if settings.USE_REDIS else LocalBuckets()
    return _buckets


def user_bucket(*, user_id: str, role: str) -> tuple[str, int | None]:
    """(bucket key, per-minute limit or None for unlimited) of a signed-in user: the one budget
    their HTTP calls and their WebSocket writes share (docs/decisions.md)."""
    limits = settings.RATE_LIMITS
    return f"user:{user_id}", limits.get(role, limits["anonymous"])


def take_user_token(*, user_id: str, role: str) -> BucketResult | None:
    """Take one token from the user's bucket; None when the user's role is unlimited or limits are off."""
    key, per_minute = user_bucket(user_id=user_id, role=role)
    if not settings.RATE_LIMIT_ENABLED or per_minute is None:
        return None
    return get_buckets().take(key, capacity=per_minute, per_minute=per_minute)


# Calls that guess at a password or a code share the per-client sign-in budget (DESIGN §4, §8).
_LOGIN_PATHS = frozenset({"/api/v1/auth/login", "/api/v1/auth/password/forgot", "/api/v1/auth/password/reset"})


def _bucket_for(request: HttpRequest) -> tuple[str, int | None]:
    """(bucket key, per-minute limit or None for unlimited)."""
    limits = settings.RATE_LIMITS
    if request.path.rstrip("/") in _LOGIN_PATHS:
        return f"login:{client_ip(request)}", limits["login"]
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        token = header[7:].strip()
        try:
            claims = decode_access(token)
        except TokenInvalid:
            pass  # the view answers 401 token_invalid; count the call against the client
        else:
            # Authentication reuses these verified claims instead of decoding the token again.
            request.hdms_access_claims = (token, claims)  # type: ignore[attr-defined]
            return user_bucket(user_id=claims.user_id, role=claims.role)
    return f"anon:{client_ip(request)}", limits["anonymous"]


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.RATE_LIMIT_ENABLED or not is_api_path(request.path) or request.method == "OPTIONS":
            return self.get_response(request)
        key, per_minute = _bucket_for(request)
        if per_minute is None:
            response = self.get_response(request)
            for header in ("X-RateLimit-Limit", "X-RateLimit-Remaining"):
                response[header] = "unlimited"
            response["X-RateLimit-Reset"] = "0"
            return response
        result = get_buckets().take(key, capacity=per_minute, per_minute=per_minute)
        if not result.allowed:
            response = error_response(
                f"Rate limit exceeded; retry in {result.retry_after} s.", "rate_limited", status=429
            )
            response["Retry-After"] = str(result.retry_after)
        else:
            response = self.get_response(request)
        response["X-RateLimit-Limit"] = str(result.limit)
        response["X-RateLimit-Remaining"] = str(result.remaining)
        response["X-RateLimit-Reset"] = str(result.reset_seconds)
        return response
