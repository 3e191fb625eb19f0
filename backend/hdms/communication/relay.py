"""One channel-layer subscription per room per process (DESIGN §7 fan-out).

With one channel per socket, a message to a 500-person room costs 500 Redis pushes and 500
pops and decodes. Instead, the first socket of a room in a process subscribes one process-level
channel to the room's group; events arriving on it are handed to every local socket of the room
in memory. A message then costs one Redis push per *process* serving the room.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from hdms.communication.realtime import ACCESS_GROUP

logger = logging.getLogger("hdms.communication.relay")

# Group membership in the Redis layer expires (group_expiry, a day by default); renew it well before.
RENEW_SECONDS = 3600


# Arrivals and departures of this process's sockets are announced to the room's group in one
# event per room per this interval (``presence.batch``), not one channel-layer send per socket:
# 500 sockets opening (or a server stopping) together made 500 concurrent sends and exhausted
# the layer's Redis pool.
ANNOUNCE_SECONDS = 0.1

LAYER_CONCURRENCY = 32

# The access watch's membership of ACCESS_GROUP is renewed by arriving sockets at most once per
# HDMS_WS_ACCESS_RESUBSCRIBE_SECONDS (1 s: a handful of Redis calls in a burst of 500
# handshakes) and every ACCESS_RENEW_SECONDS anyway, so a Redis restart that forgot it heals
# within a minute.
ACCESS_RENEW_SECONDS = 60

# Presence changes are coalesced per room for this long: 500 people arriving at 9:00 become a
# few frames per socket instead of 500 (one per arrival), the difference between O(n) and O(n²).
PRESENCE_BATCH_SECONDS = 0.5

# A room's presence snapshot (the frame a socket gets on connect) is computed once per process
# and reused until the room's presence changes, or for at most this long (entries of a crashed
# process expire in Redis without an event).
SNAPSHOT_MAX_AGE = 5.0


@dataclass
class _Room:
    channel: str
    consumers: set[Any] = field(default_factory=set)
    tasks: list[asyncio.Task] = field(default_factory=list)
    joined: dict[str, dict] = field(default_factory=dict)
    left: dict[str, dict] = field(default_factory=dict)
    flush: asyncio.Task | None = None
    generation: int = 0  # bumped by every presence change seen here
    snapshot: tuple[int, float, str] | None = None  # (generation, monotonic time, frame text)
    computing: tuple[int, asyncio.Future] | None = None
    stopped: bool = False  # left by its last socket: its pump returns at its next event


@dataclass
class _Outbox:
    joined: dict[str, dict] = field(default_factory=dict)
    left: dict[str, dict] = field(default_factory=dict)
    flush: asyncio.Task | None = None


def _merge(joined: dict[str, dict], left: dict[str, dict], kind: str, user: dict) -> None:
    if kind == "joined":
        left.pop(user["id"], None)
        joined[user["id"]] = user
    else:
        joined.pop(user["id"], None)
        left[user["id"]] = user


class AccessWatch:
    """The process's open sockets by user, for events that end or narrow a user's rights.

    One channel per process subscribes to ``ACCESS_GROUP`` (when the first socket registers, for
    the life of the process, renewed as said above); an event names user ids and reaches only those users' local
    sockets. Deactivations are rare, so one group for all users costs a process nothing per
    socket, where a ``user.<id>`` subscription per chat socket would cost a channel-layer call
    at every handshake and a pending receive per user.
    """

    def __init__(self) -> None:
        self._by_user: dict[str, set[Any]] = {}
        self._lock = asyncio.Lock()
        self._channel: str | None = None
        self._subscribed_at = 0.0
        self._tasks: list[asyncio.Task] = []

    async def add(self, layer: Any, consumer: Any) -> None:
        self._by_user.setdefault(str(consumer.user.id), set()).add(consumer)
        every = settings.HDMS_WS_ACCESS_RESUBSCRIBE_SECONDS
        if self._channel is not None and time.monotonic() - self._subscribed_at < every:
            return
        async with self._lock:
            if self._channel is None or time.monotonic() - self._subscribed_at >= every:
                await self._subscribe(layer)

    async def _subscribe(self, layer: Any) -> None:
        """Join ACCESS_GROUP (again: a Redis restart or flush forgets the membership)."""
        if self._channel is None:
            self._channel = await layer.new_channel()
            self._tasks = [asyncio.create_task(self._pump(layer, self._channel)),
                           asyncio.create_task(self._renew(layer))]
        await layer.group_add(ACCESS_GROUP, self._channel)
        self._subscribed_at = time.monotonic()

    async def stop(self, layer: Any) -> None:
        """Cancel the watch and forget its channel (an event loop about to close: a test's end).
        The next socket subscribes again, on its own loop."""
        tasks, channel = self._tasks, self._channel
        self._tasks, self._channel = [], None
        if not tasks or channel is None:  # (the two are set together)
            return
        await stop_reader(layer, channel, tasks)  # the channel is no longer the watch's: a woken pump returns
        with contextlib.suppress(Exception):  # else the group keeps a dead member for a day
            await layer.group_discard(ACCESS_GROUP, channel)

    def remove(self, consumer: Any) -> None:
        user_id = str(consumer.user.id)
        sockets = self._by_user.get(user_id)
        if sockets is not None:
            sockets.discard(consumer)
            if not sockets:
                del self._by_user[user_id]

    def sockets_of(self, user_id: str) -> set[Any]:
        return set(self._by_user.get(user_id, ()))

    async def _pump(self, layer: Any, channel: str) -> None:
        while True:
            try:
                event = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # a Redis hiccup must not end the process's watch
                end_if_cancelled()
                logger.exception("Receiving access events failed")
                await asyncio.sleep(1)
                continue
            if self._channel != channel:
                return  # stopped (stop() woke this read, whose cancellation was lost)
            for user_id in event.get("user_ids") or ():
                for consumer in self.sockets_of(str(user_id)):
                    try:
                        await consumer.relay_event(event)
                    except Exception:
                        logger.exception("Handling %s failed", event.get("type"))

    async def _renew(self, layer: Any) -> None:
        while True:
            await asyncio.sleep(ACCESS_RENEW_SECONDS)
            async with self._lock:
                with contextlib.suppress(Exception):
                    await self._subscribe(layer)
            end_if_cancelled()


async def stop_reader(layer: Any, channel: str, tasks: list[asyncio.Task]) -> None:
    """Cancel ``tasks`` (one of them reads ``channel``) and wait for them, a few seconds at most.
    A read whose cancellation the Redis client lost (seen in tests: the task stays "cancelling"
    and reads on, inside channels-redis's receive) ends with the next message on its channel: one
    is sent, and the reader's loop, told it was stopped, returns instead of reading again."""
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    _, pending = await asyncio.wait(tasks, timeout=1)
    if pending:
        with contextlib.suppress(Exception):
            await layer.send(channel, {"type": "relay.stop"})
        await asyncio.wait(pending, timeout=5)


def end_if_cancelled() -> None:
    """A cancelled read of the channel layer can come back as another error (the Redis client
    closes its connection and reports that): the task was still asked to stop, so it stops. Without
    this the watch kept reading, and an event loop closing (a shutdown, a test's end) waited forever."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class RoomRelay:
    def __init__(self) -> None:
        self.access = AccessWatch()
        self._rooms: dict[str, _Room] = {}
        self._lock = asyncio.Lock()
        self._outbox: dict[str, _Outbox] = {}
        # Bounds the channel-layer group_add/group_discard calls in flight: thousands of sockets
        # closing at once (a network blip, a restart) exhausted channels-redis's connection pool,
        # and the failed discard skipped the rest of the disconnect.
        self.layer_slots = asyncio.Semaphore(LAYER_CONCURRENCY)

    def announce(self, layer: Any, group: str, kind: str, user: dict) -> None:
        """Queue ``user``'s arrival (``kind`` "joined") or departure ("left") for the room's group."""
        box = self._outbox.get(group)
        if box is None:
            box = self._outbox[group] = _Outbox()
        _merge(box.joined, box.left, kind, user)
        if box.flush is None:
            box.flush = asyncio.create_task(self._announce(layer, group, box))

    async def _announce(self, layer: Any, group: str, box: _Outbox) -> None:
        await asyncio.sleep(ANNOUNCE_SECONDS)
        if self._outbox.get(group) is box:
            del self._outbox[group]
        try:
            await layer.group_send(group, {"type": "presence.batch", "joined": list(box.joined.values()),
                                           "left": list(box.left.values())})
        except Exception:
            logger.exception("Announcing presence to %s failed", group)

    async def join(self, layer: Any, group: str, consumer: Any) -> None:
        async with self._lock:
            room = self._rooms.get(group)
            if room is None:
                channel = await layer.new_channel()
                await layer.group_add(group, channel)
                room = _Room(channel=channel)
                room.tasks = [asyncio.create_task(self._pump(layer, room)),
                              asyncio.create_task(self._renew(layer, group, room))]
                self._rooms[group] = room
            room.consumers.add(consumer)

    async def leave(self, layer: Any, group: str, consumer: Any) -> None:
        async with self._lock:
            room = self._rooms.get(group)
            if room is None:
                return
            room.consumers.discard(consumer)
            if room.consumers:
                return
            del self._rooms[group]
            room.stopped = True
        # Outside the lock, which every room's join and leave in the process takes: a pump whose
        # cancellation the Redis client lost read on, this wait never ended, and from then on
        # no chat socket of the process could open (handshakes timed out; docs/decisions.md).
        await stop_reader(layer, room.channel, [*room.tasks, *([room.flush] if room.flush else [])])
        await layer.group_discard(group, room.channel)

    def presence_touched(self, group: str) -> None:
        """A socket of this process joined or left the room's presence: the snapshot is stale."""
        room = self._rooms.get(group)
        if room is not None:
            room.generation += 1

    async def snapshot(self, group: str, compute: Callable[[], Awaitable[str]]) -> str:
        """The room's presence frame, shared by the sockets of this process.

        Correct for a socket that joined the relay before asking: a change that reached Redis
        after the snapshot was read either arrives here later (and is delivered to the socket as
        a ``presence`` change) or arrived earlier and bumped ``generation``, so the socket
        computes a fresh one.
        """
        room = self._rooms.get(group)
        if room is None:
            return await compute()
        gen = room.generation
        cached = room.snapshot
        if cached is not None and cached[0] == gen and time.monotonic() - cached[1] < SNAPSHOT_MAX_AGE:
            return cached[2]
        if room.computing is not None and room.computing[0] == gen and not room.computing[1].done():
            return await asyncio.shield(room.computing[1])
        started = time.monotonic()
        future = asyncio.ensure_future(compute())
        room.computing = (gen, future)
        text = await asyncio.shield(future)
        if room.generation == gen:
            room.snapshot = (gen, started, text)
        return text

    async def _pump(self, layer: Any, room: _Room) -> None:
        while True:
            try:
                event = await layer.receive(room.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # a Redis hiccup must not silence the room for good
                end_if_cancelled()
                logger.exception("Receiving the events of a room failed")
                await asyncio.sleep(1)
                continue
            if room.stopped:
                return  # left (``stop_reader`` woke this read, whose cancellation was lost)
            kind = event.get("type")
            if kind == "presence.batch":
                for user in event.get("joined", ()):
                    self._queue_presence(room, {"type": "presence.joined", "user": user})
                for user in event.get("left", ()):
                    self._queue_presence(room, {"type": "presence.left", "user": user})
                continue
            if kind in ("presence.joined", "presence.left"):
                self._queue_presence(room, event)
                continue
            if kind == "presence.composing":  # a state changed: the cached snapshot is stale
                room.generation += 1
            await self._deliver(room, event)

    async def _deliver(self, room: _Room, event: dict) -> None:
        for consumer in list(room.consumers):
            try:
                await consumer.relay_event(event)
            except Exception:
                logger.exception("Relaying %s failed", event.get("type"))

    def _queue_presence(self, room: _Room, event: dict) -> None:
        room.generation += 1
        _merge(room.joined, room.left, "joined" if event["type"] == "presence.joined" else "left", event["user"])
        if room.flush is None or room.flush.done():
            room.flush = asyncio.create_task(self._flush_presence(room))

    async def _flush_presence(self, room: _Room) -> None:
        await asyncio.sleep(PRESENCE_BATCH_SECONDS)
        joined, left = list(room.joined.values()), list(room.left.values())
        room.joined, room.left = {}, {}
        if joined or left:
            await self._deliver(room, {"type": "presence.changed", "joined": joined, "left": left})

    async def _renew(self, layer: Any, group: str, room: _Room) -> None:
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            with contextlib.suppress(Exception):
                await layer.group_add(group, room.channel)
            end_if_cancelled()


_relays: dict[int, tuple[asyncio.AbstractEventLoop, RoomRelay]] = {}


def relay() -> RoomRelay:
    """The relay of the running event loop (one per server process; each async test has its own)."""
    loop = asyncio.get_running_loop()
    entry = _relays.get(id(loop))
    if entry is None or entry[0] is not loop:
        for key in [k for k, (lp, _) in _relays.items() if lp.is_closed()]:
            del _relays[key]
        entry = _relays[id(loop)] = (loop, RoomRelay())
    return entry[1]
