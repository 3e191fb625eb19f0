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


class _LosingLayer:
    """A channel layer whose reads lose their cancellation, as redis-py's can: the read goes on."""

    def __init__(self) -> None:
        self.queues: dict[str, asyncio.Queue] = {}
        self.sent: list[tuple[str, dict]] = []

    async def new_channel(self) -> str:
        channel = f"specific.test!{len(self.queues)}"
        self.queues[channel] = asyncio.Queue()
        return channel

    async def group_add(self, group: str, channel: str) -> None:
        pass

    async def group_discard(self, group: str, channel: str) -> None:
        pass

    async def send(self, channel: str, message: dict) -> None:
        self.sent.append((channel, message))
        await self.queues[channel].put(message)

    async def receive(self, channel: str) -> dict:
        while True:
            try:
                return await self.queues[channel].get()
            except asyncio.CancelledError:
                continue  # lost


async def test_a_room_whose_read_lost_its_cancellation_does_not_stop_other_rooms_from_opening():
    """The last socket of a room leaving waited, under the process's relay lock, for the room's
    pump to end; a pump whose cancellation was lost never ended, and every later chat handshake
    of the process waited for that lock until it timed out (seen as EOFs in the socket tests)."""
    from hdms.communication.relay import RoomRelay

    layer, relay = _LosingLayer(), RoomRelay()
    first, second = object(), object()
    await relay.join(layer, "ticket.a", first)
    pump = relay._rooms["ticket.a"].tasks[0]
    leaving = asyncio.create_task(relay.leave(layer, "ticket.a", first))
    await asyncio.sleep(0.05)
    await asyncio.wait_for(relay.join(layer, "ticket.b", second), timeout=2)  # not behind the leave
    await asyncio.wait_for(leaving, timeout=5)
    assert pump.done()  # woken by a message on its channel, it saw it was stopped and returned
    assert [message["type"] for _, message in layer.sent] == ["relay.stop"]
    assert "ticket.a" not in relay._rooms and first not in relay._rooms["ticket.b"].consumers
    await asyncio.wait_for(relay.leave(layer, "ticket.b", second), timeout=5)  # (else the loop's close waits on it)
