"""Channel-layer group names and sends: the one place services push live events from."""

import asyncio
import concurrent.futures
import os
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import redis.exceptions
from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, InMemoryChannelLayer, get_channel_layer
from channels_redis.core import RedisChannelLayer


def room_group(room_id: Any) -> str:
    return f"ticket.{room_id}"


def user_group(user_id: Any) -> str:
    return f"user.{user_id}"


# Every server process subscribes one channel to this group (relay.AccessWatch); its events name
# the users whose open sockets must close or re-check their access.
ACCESS_GROUP = "ws.access"

# How long sync code waits for its sends: the layer's own socket timeout (settings) comes first.
SEND_TIMEOUT_SECONDS = 15
T = TypeVar("T")


class _SendLoop:
    """One event loop per process, on a thread of its own, for the sends of sync code (services,
    tasks, event handlers) to a Redis channel layer. ``async_to_sync`` outside an event loop started
    a thread and a loop for every send, and the layer opened a Redis connection for that loop and
    closed it again: 1.7 ms of CPU a send against 0.25 ms on a loop that keeps its connections
    (bench/RESULTS.md). Made again after a fork (a Celery pool's child), where the parent's thread
    does not exist."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="hdms-channel-sends", daemon=True).start()
                self._loop, self._pid = loop, os.getpid()
            return self._loop

    def run(self, sends: Callable[[], Awaitable[T]]) -> T:
        future = asyncio.run_coroutine_threadsafe(_awaited(sends), self.loop())
        try:
            return future.result(SEND_TIMEOUT_SECONDS)
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            raise redis.exceptions.TimeoutError(f"channel layer sends took over {SEND_TIMEOUT_SECONDS} s") from exc


async def _awaited(sends: Callable[[], Awaitable[T]]) -> T:
    return await sends()


_send_loop = _SendLoop()


def run_sends(layer: BaseChannelLayer, sends: Callable[[], Awaitable[T]]) -> T:
    """Runs ``sends`` (coroutines on ``layer``) from sync code, waits for them and returns what they
    return. The in-memory layer (``make run``) keeps its queues on the server's own loop, so its
    sends go there, as ``async_to_sync`` takes them; a Redis layer's go to the process's send loop."""
    if isinstance(layer, InMemoryChannelLayer):
        return async_to_sync(_awaited)(sends)
    return _send_loop.run(sends)


def group_send(group: str, event: dict[str, Any]) -> None:
    """Send from sync code (services, tasks, event handlers) to every socket in ``group``."""
    layer = get_channel_layer()
    if layer is not None:
        run_sends(layer, lambda: layer.group_send(group, event))


def group_send_all(messages: list[tuple[str, dict[str, Any]]], *, live: set[str] | None = None) -> None:
    """``group_send`` for several groups, in order, in one call from sync code. On the Redis layer
    only the groups with a socket in them are sent to: which they are is read for all of them in
    one pipeline (``_groups_with_members``), where ``group_send`` spends two round trips to learn
    that a group is empty. A notification to the 30 staff of a new ticket, most of them offline,
    took 60 round trips (bench/RESULTS.md). ``live``: ``live_groups`` of these groups, read by the
    caller just before (it built the messages of those only): not read again."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send_all() -> None:
        wanted = messages
        if live is not None:
            wanted = [(group, event) for group, event in messages if group in live]
        elif isinstance(layer, RedisChannelLayer):
            members = await _groups_with_members(layer, [group for group, _ in messages])
            wanted = [(group, event) for group, event in messages if group in members]
        for group, event in wanted:
            await layer.group_send(group, event)

    run_sends(layer, send_all)


def live_groups(groups: list[str]) -> set[str]:
    """Of ``groups``, those with a socket in them now (one Redis pipeline); all of them on a layer
    that cannot tell (the in-memory one of ``make run``). For a caller whose messages cost something
    to make (a notification's unread count): it makes those of the live groups only."""
    layer = get_channel_layer()
    if layer is None or not groups:
        return set()
    if not isinstance(layer, RedisChannelLayer):
        return set(groups)
    return run_sends(layer, lambda: _groups_with_members(layer, groups))


async def _groups_with_members(layer: RedisChannelLayer, groups: list[str]) -> set[str]:
    """Of ``groups``, those with a channel in them, in one pipeline per Redis host. Members past
    the layer's ``group_expiry`` are dropped first, as ``group_send`` drops them. A socket that
    joins a group just after it was read empty misses nothing: the consumer reads its state (the
    unread count, the ticket) after it joins, and what is sent here was committed before."""
    by_host: dict[int, list[str]] = {}
    for group in dict.fromkeys(groups):
        by_host.setdefault(layer.consistent_hash(group), []).append(group)
    expired_before = int(time.time()) - layer.group_expiry
    live: set[str] = set()
    for index, names in by_host.items():
        pipe = layer.connection(index).pipeline(transaction=False)
        for group in names:
            key = layer._group_key(group)  # the layer's own key for the group
            pipe.zremrangebyscore(key, min=0, max=expired_before)
            pipe.zcard(key)
        counts = (await pipe.execute())[1::2]
        live.update(group for group, count in zip(names, counts, strict=True) if count)
    return live
