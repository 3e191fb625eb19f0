"""WebSockets over a real socket: uvicorn subprocesses, the ``websockets`` client library.

Two server processes share the Redis channel layer: a message sent through one reaches a client
connected to the other.
"""

import asyncio
import json

import pytest
import websockets
from channels.db import database_sync_to_async
from websockets.exceptions import InvalidStatus

from hdms.communication.tests.conftest import ORIGIN, token_for
from hdms.core.events import publish
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_communication import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def connect(base, path, token=None, origin=ORIGIN):
    return websockets.connect(
        f"{base}{path}", origin=origin, subprotocols=["bearer", token] if token else None, open_timeout=20,
    )


async def recv_until(ws, kind, timeout=20):
    # Generous: the suite shares a 2-core machine; a frame that comes is returned at once.
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if frame["type"] == kind:
            return frame


@pytest.fixture
def room(db):
    it = DepartmentFactory(code="IT", name="IT")
    requestor = UserFactory(role="requestor")
    assignee = UserFactory(role="assignee", department=it)
    stranger = UserFactory(role="requestor")
    admin = UserFactory(role="admin")
    ticket = make_ticket(requestor=requestor, assignee=assignee, status="assigned")
    return {"ticket": ticket, "requestor": requestor, "assignee": assignee, "stranger": stranger, "admin": admin}


async def _refused(base, path, token=None, origin=ORIGIN):
    with pytest.raises(InvalidStatus) as caught:
        async with connect(base, path, token, origin):
            pass
    return caught.value.response.status_code


async def test_real_server_refuses_before_accept(ws_servers, room):
    base = ws_servers[0]
    path = f"/ws/chat/{room['ticket'].id}/"
    assert await _refused(base, path) == 403
    assert await _refused(base, path, token="bad-token") == 403
    assert await _refused(base, path, token=token_for(room["stranger"])) == 403
    assert await _refused(base, path, token=token_for(room["requestor"]), origin="http://evil.example") == 403


async def test_frontend_origin_is_accepted_with_bearer_subprotocol(ws_servers, room):
    async with connect(ws_servers[0], f"/ws/chat/{room['ticket'].id}/", token_for(room["requestor"])) as ws:
        assert ws.subprotocol == "bearer"
        presence = await recv_until(ws, "presence")
        assert [u["id"] for u in presence["users"]] == [str(room["requestor"].id)]


async def test_two_processes_share_a_room(ws_servers, room):
    path = f"/ws/chat/{room['ticket'].id}/"
    async with connect(ws_servers[0], path, token_for(room["requestor"])) as a, \
            connect(ws_servers[1], path, token_for(room["assignee"])) as b:
        await recv_until(b, "presence")
        arrivals = set()
        while str(room["assignee"].id) not in arrivals:  # snapshot, then arrivals from both processes
            frame = await recv_until(a, "presence")
            arrivals |= {u["id"] for u in frame.get("users", []) + frame.get("joined", [])}
        await a.send(json.dumps({"type": "message.send", "client_id": "x-1", "body": "across <i>processes</i>"}))
        got = await recv_until(b, "message.new")
        assert got["message"]["body"] == "across <i>processes</i>"
        await b.send(json.dumps({"type": "message.send", "client_id": "y-1", "body": "and back"}))
        back = await recv_until(a, "message.new")
        while back["message"]["client_id"] != "y-1":
            back = await recv_until(a, "message.new")
        assert back["message"]["body"] == "and back"


async def test_event_published_elsewhere_reaches_clients_of_both_processes(ws_servers, room):
    path = f"/ws/chat/{room['ticket'].id}/"
    async with connect(ws_servers[0], path, token_for(room["requestor"])) as a, \
            connect(ws_servers[1], path, token_for(room["assignee"])) as b:
        await recv_until(a, "presence")
        await recv_until(b, "presence")
        await database_sync_to_async(publish)(
            "ticket.updated", ticket={"id": str(room["ticket"].id), "status": "in_progress"},
            room_id=str(room["ticket"].id), action="start", actor_id=None, from_status="assigned",
            to_status="in_progress",
        )
        for ws in (a, b):
            frame = await recv_until(ws, "ticket.updated")
            assert frame["ticket"]["status"] == "in_progress"


async def test_reconnect_to_the_other_process_and_catch_up(ws_servers, room):
    path = f"/ws/chat/{room['ticket'].id}/"
    async with connect(ws_servers[0], path, token_for(room["requestor"])) as a:
        async with connect(ws_servers[1], path, token_for(room["assignee"])) as b:
            await a.send(json.dumps({"type": "message.send", "client_id": "r1", "body": "first"}))
            last = await recv_until(b, "message.new")
        for n in (2, 3):
            await a.send(json.dumps({"type": "message.send", "client_id": f"r{n}", "body": f"missed {n}"}))
            while (await recv_until(a, "message.new"))["message"]["client_id"] != f"r{n}":
                pass
        async with connect(ws_servers[0], path, token_for(room["assignee"])) as b2:
            await b2.send(json.dumps({"type": "sync", "after": last["message"]["id"]}))
            sync = await recv_until(b2, "sync")
            assert [m["body"] for m in sync["messages"]] == ["missed 2", "missed 3"]
            # A resend of an already stored message after the reconnect does not duplicate it.
            await b2.send(json.dumps({"type": "message.send", "client_id": "r-b", "body": "from b"}))
            await b2.send(json.dumps({"type": "message.send", "client_id": "r-b", "body": "from b"}))
            first = await recv_until(b2, "message.new")
            second = await recv_until(b2, "message.new")
            assert first["message"]["id"] == second["message"]["id"]


async def test_silent_admin_over_the_socket(ws_servers, room):
    path = f"/ws/chat/{room['ticket'].id}/"
    async with connect(ws_servers[0], path, token_for(room["requestor"])) as a:
        await recv_until(a, "presence")
        async with connect(ws_servers[1], path, token_for(room["admin"])) as admin:
            snapshot = await recv_until(admin, "presence")
            assert str(room["admin"].id) not in [u["id"] for u in snapshot["users"]]
            with pytest.raises(TimeoutError):
                while True:  # only the requestor's own (coalesced) arrival, never the admin's
                    frame = await recv_until(a, "presence", timeout=1.0)
                    assert str(room["admin"].id) not in [u["id"] for u in frame.get("joined", [])]
