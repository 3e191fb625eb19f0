"""The process's access watch stops when its task is cancelled, even when the channel layer turns the
cancellation into another error (the Redis client closes its connection and reports that). Before,
the watch logged the error and read again, so a closing event loop (a shutdown, the end of a socket
test) waited forever: the 300 s test timeouts of the socket tests."""

import asyncio

import pytest

from hdms.communication.relay import AccessWatch


class _ClosingLayer:
    """Answers a cancelled read as redis-py can: with a connection error instead of the cancellation."""

    def __init__(self) -> None:
        self.reads = 0

    async def receive(self, channel: str) -> dict:
        self.reads += 1
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            raise ConnectionError("Connection closed by server.") from None
        return {}


async def test_a_cancelled_watch_stops_even_when_the_read_ends_in_another_error():
    layer = _ClosingLayer()
    task = asyncio.create_task(AccessWatch()._pump(layer, "access-channel"))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=5)
    assert layer.reads == 1  # it did not read again


async def test_a_read_error_without_cancellation_keeps_the_watch_reading(monkeypatch):
    class _FlakyLayer:
        def __init__(self) -> None:
            self.reads = 0

        async def receive(self, channel: str) -> dict:
            self.reads += 1
            if self.reads == 1:
                raise ConnectionError("Redis went away")
            await asyncio.Event().wait()  # (asyncio.sleep is made instant below)
            return {}

    real_sleep = asyncio.sleep
    monkeypatch.setattr("hdms.communication.relay.asyncio.sleep", lambda _: real_sleep(0))
    layer = _FlakyLayer()
    task = asyncio.create_task(AccessWatch()._pump(layer, "access-channel"))
    for _ in range(100):
        if layer.reads >= 2:
            break
        await real_sleep(0.01)
    assert layer.reads == 2  # a Redis hiccup does not end the watch
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=5)
