"""Internal notes over real sockets (DESIGN §10): the room's fan-out never sends a note to a
requestor's socket, a requestor's ``sync`` never returns one, and a requestor cannot send one.

Two uvicorn processes share the Redis channel layer; the requestor's socket is on one process and
a staff socket on each, so the note crosses the layer to reach the staff on the requestor's process.
"""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from hdms.communication.services import message_create, room_enter
from hdms.communication.tests.conftest import token_for, ws_connect, ws_frames_until
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_communication import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(db):
    it = DepartmentFactory(code="IT", name="IT")
    people = {
        "requestor": UserFactory(role="requestor"),
        "assignee": UserFactory(role="assignee", department=it),
        "moderator": UserFactory(role="moderator"),
    }
    people["ticket"] = make_ticket(requestor=people["requestor"], assignee=people["assignee"], status="assigned")
    people["path"] = f"/ws/chat/{people['ticket'].id}/"
    return people


def _post(author, ticket, body, internal):
    access = room_enter(user=author, ticket_id=ticket.id)
    message, _ = message_create(author=author, access=access, body=body, internal=internal)
    return str(message.id)


async def _message_frames(ws, until_id, timeout=30):
    """The message.new frames ``ws`` gets up to and including the message ``until_id``."""
    seen = []
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if frame["type"] == "message.new":
            seen.append(frame["message"])
            if frame["message"]["id"] == until_id:
                return seen


async def test_a_note_reaches_staff_sockets_and_never_the_requestors(ws_servers, room):
    async with ws_connect(ws_servers[0], room["path"], token_for(room["requestor"])) as requestor, \
            ws_connect(ws_servers[0], room["path"], token_for(room["moderator"])) as moderator, \
            ws_connect(ws_servers[1], room["path"], token_for(room["assignee"])) as assignee:
        for ws in (requestor, moderator, assignee):
            await ws_frames_until(ws, "presence")
        note = await database_sync_to_async(_post)(room["assignee"], room["ticket"], "Internal: vendor RMA", True)
        reply = await database_sync_to_async(_post)(room["assignee"], room["ticket"], "We are on it", False)
        # Staff get both, in order; the requestor's first message frame is the reply.
        for ws in (moderator, assignee):
            got = await _message_frames(ws, reply)
            assert [(m["id"], m["internal"]) for m in got] == [(note, True), (reply, False)]
        got = await _message_frames(requestor, reply)
        assert [m["id"] for m in got] == [reply]
        # Catch-up after a reconnect: the requestor's sync has the reply only, the staff's both.
        await requestor.send(json.dumps({"type": "sync", "after": None}))
        synced = await ws_frames_until(requestor, "sync")
        assert [m["id"] for m in synced["messages"]] == [reply]
        await assignee.send(json.dumps({"type": "sync", "after": None}))
        synced = await ws_frames_until(assignee, "sync")
        assert [m["id"] for m in synced["messages"]] == [note, reply]


async def test_a_requestor_cannot_send_a_note_over_the_socket(ws_servers, room):
    async with ws_connect(ws_servers[0], room["path"], token_for(room["requestor"])) as requestor:
        await ws_frames_until(requestor, "presence")
        await requestor.send(json.dumps({"type": "message.send", "client_id": "n-1", "body": "psst",
                                         "internal": True}))
        error = await ws_frames_until(requestor, "error")
        assert error["code"] == "forbidden" and error["client_id"] == "n-1"
        await requestor.send(json.dumps({"type": "message.send", "client_id": "n-2", "body": "psst",
                                         "internal": "yes"}))
        error = await ws_frames_until(requestor, "error")
        assert error["code"] == "validation_error" and error["client_id"] == "n-2"


async def test_a_staff_socket_sends_a_note_that_its_room_staff_see_as_a_note(ws_servers, room):
    async with ws_connect(ws_servers[0], room["path"], token_for(room["assignee"])) as assignee, \
            ws_connect(ws_servers[1], room["path"], token_for(room["moderator"])) as moderator:
        for ws in (assignee, moderator):
            await ws_frames_until(ws, "presence")
        await assignee.send(json.dumps({"type": "message.send", "client_id": "note-1", "body": "Check the RMA",
                                        "internal": True}))
        frame = await ws_frames_until(moderator, "message.new")
        assert frame["message"]["internal"] is True and frame["message"]["body"] == "Check the RMA"
