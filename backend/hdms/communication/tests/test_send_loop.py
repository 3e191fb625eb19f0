"""Sends from sync code to the Redis channel layer run on one event loop per process
(``realtime._SendLoop``), which keeps its Redis connections: no thread, loop and connection per send.
Real Redis; a reader on the layer receives what was sent, in order."""

import os
import threading

import pytest
import redis.exceptions
from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from hdms.communication import realtime

pytestmark = pytest.mark.django_db


def _send_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "hdms-channel-sends"]


@pytest.fixture
def redis_layer():
    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        pytest.fail("the suite runs with REDIS_URL: the channel layer must be Redis's here")
    return layer


def _receive_all(layer, channel: str, count: int) -> list[dict]:
    async def receive() -> list[dict]:
        return [await layer.receive(channel) for _ in range(count)]

    return async_to_sync(receive)()


def test_sends_from_sync_code_share_one_loop_and_arrive_in_order(redis_layer):
    channel = async_to_sync(redis_layer.new_channel)()
    async_to_sync(redis_layer.group_add)("user.send-loop-test", channel)
    threads_before = threading.active_count()

    for n in range(20):
        realtime.group_send("user.send-loop-test", {"type": "notification.read", "unread": n})
    realtime.group_send_all([("user.send-loop-test", {"type": "notification.read", "unread": 20 + n})
                             for n in range(5)])

    assert [m["unread"] for m in _receive_all(redis_layer, channel, 25)] == list(range(25))
    assert len(_send_threads()) == 1  # one loop's thread, not one per send
    assert threading.active_count() <= threads_before + 1
    async_to_sync(redis_layer.group_discard)("user.send-loop-test", channel)


def test_a_forked_process_makes_its_own_loop(redis_layer, monkeypatch):
    realtime.group_send("user.send-loop-fork", {"type": "notification.read", "unread": 0})
    first = realtime._send_loop.loop()
    assert realtime._send_loop.loop() is first
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as in a Celery pool's child after fork
    assert realtime._send_loop.loop() is not first


def test_sends_that_do_not_finish_in_time_fail_as_redis_timeouts(redis_layer, monkeypatch):
    monkeypatch.setattr(realtime, "SEND_TIMEOUT_SECONDS", 0.2)

    async def stuck() -> None:
        import asyncio

        await asyncio.sleep(5)

    with pytest.raises(redis.exceptions.TimeoutError):
        realtime.run_sends(redis_layer, stuck)


def test_a_batch_sends_only_to_the_groups_with_a_socket(redis_layer, monkeypatch):
    """A new ticket's notification goes to ~30 staff, most offline: which groups have a member is
    read in one pipeline, and an empty group gets no ``group_send`` (two round trips each)."""
    channel = async_to_sync(redis_layer.new_channel)()
    async_to_sync(redis_layer.group_add)("user.batch-online", channel)
    stale = async_to_sync(redis_layer.new_channel)()
    async_to_sync(redis_layer.group_add)("user.batch-stale", stale)
    # A member past the layer's group_expiry (a process that died without leaving) counts as none.
    key = redis_layer._group_key("user.batch-stale")
    client = redis.Redis.from_url(redis_layer.hosts[0]["address"])
    client.zadd(key, {stale: 1})
    sent_to: list[str] = []
    group_send = redis_layer.group_send

    async def counted(group, message):
        sent_to.append(group)
        await group_send(group, message)

    monkeypatch.setattr(redis_layer, "group_send", counted)
    offline = [f"user.batch-offline-{n}" for n in range(30)]
    realtime.group_send_all([(group, {"type": "notification.read", "unread": n})
                             for n, group in enumerate([*offline[:15], "user.batch-online", "user.batch-stale",
                                                        *offline[15:]])])

    assert sent_to == ["user.batch-online"]
    assert [m["unread"] for m in _receive_all(redis_layer, channel, 1)] == [15]
    assert client.zcard(key) == 0  # the expired member was dropped, as group_send drops it
    async_to_sync(redis_layer.group_discard)("user.batch-online", channel)
