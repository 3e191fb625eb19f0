"""Bad frames get an error frame and the socket stays; nothing leaks a connection slot or a
presence entry, however a socket ends (issue 10, item 6). Over real sockets."""

import asyncio
import json
import time
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from hdms.communication.consumers import CLOSE_TOKEN
from hdms.communication.models import Message
from hdms.communication.tests.conftest import token_for, ws_closed, ws_connect, ws_frames_until
from hdms.core.redis import get_redis
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_communication import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

DEEP = "[" * 100_000 + "]" * 100_000

BAD_FRAMES = [
    # (what, frame sent, expected error code)
    ("binary", b"\x00\x01binary", "validation_error"),
    ("deeply nested array", DEEP, "validation_error"),
    ("deeply nested object", '{"type": "message.send", "body": ' + "{\"a\": " * 50 + "1" + "}" * 50 + "}",
     "validation_error"),
    ("oversized", json.dumps({"type": "message.send", "client_id": "big", "body": "x" * 1_000_000}),
     "validation_error"),
    ("not JSON", "{not json", "validation_error"),
    ("array", "[1, 2, 3]", "validation_error"),
    ("string", '"message.send"', "validation_error"),
    ("number", "42", "validation_error"),
    ("null", "null", "validation_error"),
    ("no type", "{}", "validation_error"),
    ("type not a string", '{"type": 7}', "validation_error"),
    ("unknown type", '{"type": "message.delete"}', "validation_error"),
    ("sync after not a UUID", '{"type": "sync", "after": "not-a-uuid"}', "validation_error"),
    ("sync after a number", '{"type": "sync", "after": 12}', "validation_error"),
    ("sync after an object", '{"type": "sync", "after": {"id": 1}}', "validation_error"),
    ("body a list", '{"type": "message.send", "client_id": "l", "body": ["hi"]}', "validation_error"),
    ("body missing", '{"type": "message.send", "client_id": "m"}', "validation_error"),
    ("client_id an object", '{"type": "message.send", "client_id": {"a": 1}, "body": "hi"}', "validation_error"),
    ("attachment_ids a string", '{"type": "message.send", "body": "hi", "attachment_ids": "x"}', "validation_error"),
    ("attachment_ids of objects", '{"type": "message.send", "body": "hi", "attachment_ids": [{"a": 1}]}',
     "validation_error"),
    ("NUL in body", '{"type": "message.send", "client_id": "n", "body": "a\\u0000b"}', "validation_error"),
]


@pytest.fixture
def room(db):
    it = DepartmentFactory(code="IT", name="IT")
    requestor = UserFactory(role="requestor")
    assignee = UserFactory(role="assignee", department=it)
    ticket = make_ticket(requestor=requestor, assignee=assignee, status="assigned")
    return {"ticket": ticket, "requestor": requestor, "assignee": assignee, "path": f"/ws/chat/{ticket.id}/"}


async def _send(ws, frame) -> None:
    await ws.send(frame)


async def test_every_bad_frame_gets_an_error_frame_and_the_socket_stays(ws_servers, room):
    async with ws_connect(ws_servers[0], room["path"], token_for(room["requestor"])) as ws:
        await ws_frames_until(ws, "presence")
        for what, frame, code in BAD_FRAMES:
            await _send(ws, frame)
            error = await ws_frames_until(ws, "error", timeout=10)
            assert error["code"] == code, what
            assert error["detail"], what
        # Still open and working: a good message goes through, and nothing bad was stored.
        await ws.send(json.dumps({"type": "message.send", "client_id": "good", "body": "after all that"}))
        frame = await ws_frames_until(ws, "message.new")
        assert frame["message"]["client_id"] == "good"
    bodies = await database_sync_to_async(lambda: list(Message.objects.values_list("body", flat=True)))()
    assert bodies == ["after all that"]


async def test_the_notification_stream_answers_bad_frames_too(ws_servers, room):
    async with ws_connect(ws_servers[1], "/ws/notifications/", token_for(room["requestor"])) as ws:
        await ws_frames_until(ws, "notifications.unread")
        for frame in (b"\x00", DEEP, '{"type": "message.send"}'):
            await ws.send(frame)
            assert (await ws_frames_until(ws, "error", timeout=10))["code"] == "validation_error"


def _slots(user) -> int:
    return get_redis().zcount(f"hdms:ws:user:{user.id}", time.time(), "+inf")


def _room_members(ticket) -> list[str]:
    members = get_redis().zrangebyscore(f"hdms:ws:room:{ticket.id}", time.time(), "+inf")
    return [(m.decode() if isinstance(m, bytes) else m).split("|", 1)[0] for m in members]


async def _until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not await database_sync_to_async(condition)():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_fifteen_bad_endings_then_a_normal_connection_works_and_presence_is_right(ws_servers, room, settings):
    """Bad frames, dropped connections and server-side closes, 15 in a row (more than the 10
    connection slots of a user): none may leave a slot or a presence entry behind."""
    assert settings.WEBSOCKET_MAX_CONNECTIONS_PER_USER < 15
    user, ticket = room["requestor"], room["ticket"]
    for n in range(15):
        way = n % 3
        base = ws_servers[n % 2]
        if way == 2:  # the server closes it: the token expires while the socket is open
            settings.ACCESS_TOKEN_LIFETIME = timedelta(seconds=2)
        token = token_for(user)
        settings.ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)
        ws = await ws_connect(base, room["path"], token)
        await ws_frames_until(ws, "presence")
        frame = BAD_FRAMES[n % len(BAD_FRAMES)][1]
        await ws.send(frame)
        assert (await ws_frames_until(ws, "error", timeout=10))["code"] == "validation_error"
        if way == 0:  # the client closes properly
            await ws.close()
        elif way == 1:  # the network drops it: no close frame
            ws.transport.abort()
        else:
            code, _ = await ws_closed(ws)
            assert code == CLOSE_TOKEN
    await _until(lambda: _slots(user) == 0)
    await _until(lambda: _room_members(ticket) == [])

    async with ws_connect(ws_servers[0], room["path"], token_for(user)) as ws, \
            ws_connect(ws_servers[1], room["path"], token_for(room["assignee"])) as other:
        presence = await ws_frames_until(ws, "presence")
        assert [u["id"] for u in presence["users"]] == [str(user.id)]
        seen = await ws_frames_until(other, "presence")
        assert sorted(u["id"] for u in seen["users"]) == sorted([str(user.id), str(room["assignee"].id)])
        assert await database_sync_to_async(_slots)(user) == 1
        await ws.send(json.dumps({"type": "message.send", "client_id": "alive", "body": "I am back"}))
        assert (await ws_frames_until(other, "message.new"))["message"]["client_id"] == "alive"


def test_the_frame_limits_leave_room_for_the_longest_message():
    from hdms.communication.consumers import MAX_FRAME_CHARS

    longest = json.dumps({"type": "message.send", "client_id": "x" * 64,
                          "body": "\u0627" * settings.HDMS_MESSAGE_MAX_LENGTH,
                          "attachment_ids": ["00000000-0000-0000-0000-000000000000"] * 20})
    assert len(longest) < MAX_FRAME_CHARS
