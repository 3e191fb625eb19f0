"""Who is connected where, shared by every process (DESIGN §5).

Two registries, each a Redis sorted set whose members expire by score (a unix time), so a
crashed process's sockets stop counting after ``HDMS_WS_PRESENCE_TTL_SECONDS`` without anyone
cleaning up:

- ``hdms:ws:user:<user id>``: one member per open socket (chat or notifications) of the user.
  Its size enforces ``WEBSOCKET_MAX_CONNECTIONS_PER_USER`` across processes, and a non-empty set
  means the user is online (no email for them).
- ``hdms:ws:room:<room id>``: ``<user id>|<channel name>`` per socket in the room; the distinct
  user ids are the room's presence. Silent admins are never added.
- ``hdms:ws:composing:<room id>``: ``<user id>|<channel name>|reply`` or ``...|note`` per socket
  whose user is writing a reply or an internal note (DESIGN §10 presence states), expiring
  ``HDMS_COMPOSING_SECONDS`` after the last keystroke the socket reported.

Without Redis (embedded mode, one process) the same interface is served from memory.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any, cast

from django.conf import settings

from hdms.core.redis import get_redis

_USER_KEY = "hdms:ws:user:{}"
_ROOM_KEY = "hdms:ws:room:{}"
_COMPOSING_KEY = "hdms:ws:composing:{}"
# The brief profile (id, code, name) of a connected user, so a presence snapshot needs no database.
_PROFILE_KEY = "hdms:ws:profile:{}"

# KEYS[1] user set; ARGV: now, limit, member, expires_at, ttl. Returns 1 when admitted.
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[3]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""

# KEYS[1] room set; ARGV: now, user id, member, expires_at, ttl. Returns 1 when the user was absent.
_ROOM_JOIN = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local first = 1
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(m, 1, string.len(ARGV[2]) + 1) == ARGV[2] .. '|' then first = 0 break end
end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return first
"""

# KEYS[1] room set; ARGV: now, user id, member. Returns 1 when the user has no socket left there.
_ROOM_LEAVE = """
redis.call('ZREM', KEYS[1], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(m, 1, string.len(ARGV[2]) + 1) == ARGV[2] .. '|' then return 0 end
end
return 1
"""


def _ttl() -> int:
    return int(settings.HDMS_WS_PRESENCE_TTL_SECONDS)


def _composing_ttl() -> float:
    return float(settings.HDMS_COMPOSING_SECONDS)


def composing_states(members: list[str]) -> dict[str, str]:
    """``user id -> "reply" | "note"`` from composing entries; a reply wins over a note (the
    requestor may see a reply being written, never a note)."""
    states: dict[str, str] = {}
    for member in members:
        user_id, _, kind = member.rpartition("|")
        user_id = user_id.split("|", 1)[0]
        if kind == "reply" or user_id not in states:
            states[user_id] = kind
    return states


class _RedisRegistry:
    def __init__(self) -> None:
        # One client per event loop (a server has one; each async test has its own).
        self._clients: dict[int, tuple[asyncio.AbstractEventLoop, Any]] = {}

    def _client(self) -> Any:
        import redis.asyncio as aioredis

        loop = asyncio.get_running_loop()
        entry = self._clients.get(id(loop))
        if entry is None or entry[0] is not loop:
            self._clients = {k: v for k, v in self._clients.items() if not v[0].is_closed()}
            # A bounded pool that makes callers wait: thousands of sockets share a few connections.
            pool = aioredis.BlockingConnectionPool.from_url(
                settings.REDIS_URL, max_connections=50, timeout=20, decode_responses=True, health_check_interval=30
            )
            client = aioredis.Redis(connection_pool=pool)
            entry = self._clients[id(loop)] = (loop, client)
        return entry[1]

    async def acquire(self, user_id: str, channel: str, limit: int) -> bool:
        now = time.time()
        admitted = await self._client().eval(
            _ACQUIRE, 1, _USER_KEY.format(user_id), now, limit, channel, now + _ttl(), _ttl()
        )
        return bool(admitted)

    async def release(self, user_id: str, channel: str) -> None:
        await self._client().zrem(_USER_KEY.format(user_id), channel)

    async def refresh(self, user_id: str, channel: str, room_id: str | None) -> None:
        expires_at = time.time() + _ttl()
        client = self._client()
        async with client.pipeline(transaction=False) as pipe:
            pipe.zadd(_USER_KEY.format(user_id), {channel: expires_at}, xx=True)
            pipe.expire(_USER_KEY.format(user_id), _ttl())
            if room_id:
                pipe.zadd(_ROOM_KEY.format(room_id), {f"{user_id}|{channel}": expires_at}, xx=True)
                pipe.expire(_ROOM_KEY.format(room_id), _ttl())
            await pipe.execute()

    async def room_join(self, room_id: str, user_id: str, channel: str) -> bool:
        now = time.time()
        first = await self._client().eval(
            _ROOM_JOIN, 1, _ROOM_KEY.format(room_id), now, user_id, f"{user_id}|{channel}", now + _ttl(), _ttl()
        )
        return bool(first)

    async def room_leave(self, room_id: str, user_id: str, channel: str) -> bool:
        gone = await self._client().eval(
            _ROOM_LEAVE, 1, _ROOM_KEY.format(room_id), time.time(), user_id, f"{user_id}|{channel}"
        )
        return bool(gone)

    async def room_users(self, room_id: str) -> list[str]:
        members = await self._client().zrangebyscore(_ROOM_KEY.format(room_id), time.time(), "+inf")
        return sorted({m.split("|", 1)[0] for m in members})

    async def composing_set(self, room_id: str, user_id: str, channel: str, kind: str | None) -> None:
        """Mark the socket as writing ``kind`` ("reply" or "note") until the composing window ends,
        or (``kind`` None) as no longer writing."""
        key = _COMPOSING_KEY.format(room_id)
        async with self._client().pipeline(transaction=False) as pipe:
            pipe.zrem(key, f"{user_id}|{channel}|reply", f"{user_id}|{channel}|note")
            if kind is not None:
                pipe.zadd(key, {f"{user_id}|{channel}|{kind}": time.time() + _composing_ttl()})
                pipe.expire(key, int(_composing_ttl()) + 1)
            await pipe.execute()

    async def composing(self, room_id: str) -> dict[str, str]:
        members = await self._client().zrangebyscore(_COMPOSING_KEY.format(room_id), time.time(), "+inf")
        return composing_states(members)

    async def remember_profile(self, user_id: str, profile: dict[str, str]) -> None:
        await self._client().set(_PROFILE_KEY.format(user_id), json.dumps(profile), ex=3600)

    async def profiles(self, user_ids: list[str]) -> list[dict[str, str]]:
        if not user_ids:
            return []
        raw = await self._client().mget([_PROFILE_KEY.format(u) for u in user_ids])
        return [json.loads(r) for r in raw if r]

    # Sync reads for services and tasks (their own connection, not tied to an event loop).
    def room_users_sync(self, room_id: str) -> set[str]:
        # cast: redis-py types a sync call's result as "Awaitable or value" (it shares the async stubs).
        members = cast(list[Any], get_redis().zrangebyscore(_ROOM_KEY.format(room_id), time.time(), "+inf"))
        return {(m.decode() if isinstance(m, bytes) else m).split("|", 1)[0]
                for m in members if isinstance(m, bytes | str)}

    def online_user_ids_sync(self, user_ids: list[str]) -> set[str]:
        now = time.time()
        pipe = get_redis().pipeline(transaction=False)
        for user_id in user_ids:
            pipe.zcount(_USER_KEY.format(user_id), now, "+inf")
        return {user_id for user_id, n in zip(user_ids, pipe.execute(), strict=True) if n}


class _MemoryRegistry:
    """One process, no Redis: plain dictionaries behind a lock (consumers and tasks share it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users: dict[str, set[str]] = {}
        self._rooms: dict[str, dict[str, set[str]]] = {}
        self._profiles: dict[str, dict[str, str]] = {}
        self._composing: dict[str, dict[str, float]] = {}

    async def acquire(self, user_id: str, channel: str, limit: int) -> bool:
        with self._lock:
            sockets = self._users.setdefault(user_id, set())
            if channel not in sockets and len(sockets) >= limit:
                return False
            sockets.add(channel)
            return True

    async def release(self, user_id: str, channel: str) -> None:
        with self._lock:
            self._users.get(user_id, set()).discard(channel)

    async def refresh(self, user_id: str, channel: str, room_id: str | None) -> None:
        return None

    async def room_join(self, room_id: str, user_id: str, channel: str) -> bool:
        with self._lock:
            room = self._rooms.setdefault(room_id, {})
            first = not room.get(user_id)
            room.setdefault(user_id, set()).add(channel)
            return first

    async def room_leave(self, room_id: str, user_id: str, channel: str) -> bool:
        with self._lock:
            room = self._rooms.get(room_id, {})
            sockets = room.get(user_id, set())
            sockets.discard(channel)
            if not sockets:
                room.pop(user_id, None)
                return True
            return False

    async def room_users(self, room_id: str) -> list[str]:
        return sorted(self.room_users_sync(room_id))

    async def composing_set(self, room_id: str, user_id: str, channel: str, kind: str | None) -> None:
        with self._lock:
            room = self._composing.setdefault(room_id, {})
            room.pop(f"{user_id}|{channel}|reply", None)
            room.pop(f"{user_id}|{channel}|note", None)
            if kind is not None:
                room[f"{user_id}|{channel}|{kind}"] = time.time() + _composing_ttl()

    async def composing(self, room_id: str) -> dict[str, str]:
        now = time.time()
        with self._lock:
            members = [m for m, until in self._composing.get(room_id, {}).items() if until > now]
        return composing_states(members)

    async def remember_profile(self, user_id: str, profile: dict[str, str]) -> None:
        self._profiles[user_id] = profile

    async def profiles(self, user_ids: list[str]) -> list[dict[str, str]]:
        return [self._profiles[u] for u in user_ids if u in self._profiles]

    def room_users_sync(self, room_id: str) -> set[str]:
        with self._lock:
            return {u for u, s in self._rooms.get(room_id, {}).items() if s}

    def online_user_ids_sync(self, user_ids: list[str]) -> set[str]:
        with self._lock:
            return {u for u in user_ids if self._users.get(u)}


_memory = _MemoryRegistry()
_redis = _RedisRegistry()


def registry() -> _RedisRegistry | _MemoryRegistry:
    return _redis if settings.USE_REDIS else _memory


def online_user_ids(user_ids: list[str]) -> set[str]:
    return registry().online_user_ids_sync([str(u) for u in user_ids])


def room_present_user_ids(room_id: str) -> set[str]:
    return registry().room_users_sync(str(room_id))
