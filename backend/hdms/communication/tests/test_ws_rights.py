"""Open sockets keep only the rights their user still has (issue 10, item 5), over real sockets.

Two uvicorn processes share the Redis channel layer; the changes are made through the owning
services in this process (users service, tickets service), whose events reach the servers.
"""

import asyncio
import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async

from hdms.communication.consumers import CLOSE_ACCESS_LOST, CLOSE_TICKET_GONE, CLOSE_TOKEN
from hdms.communication.models import Message
from hdms.communication.tests.conftest import token_for, ws_closed, ws_connect, ws_frames_until
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_communication import make_ticket
from hdms.tickets import services as ticket_services
from hdms.tickets.models import Ticket
from hdms.users import services as user_services
from hdms.users.models import User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(db):
    it = DepartmentFactory(code="IT", name="IT")
    people = {
        "requestor": UserFactory(role="requestor"),
        "assignee": UserFactory(role="assignee", department=it),
        "assignee2": UserFactory(role="assignee", department=it),
        "moderator": UserFactory(role="moderator"),
        "admin": UserFactory(role="admin"),
    }
    people["ticket"] = make_ticket(requestor=people["requestor"], assignee=people["assignee"], status="assigned")
    people["path"] = f"/ws/chat/{people['ticket'].id}/"
    return people


def _stored(ticket_id) -> int:
    return Message.objects.filter(ticket_id=ticket_id).count()


async def test_deactivation_closes_every_socket_of_the_user_with_4401(ws_servers, room):
    token = token_for(room["requestor"])
    async with ws_connect(ws_servers[0], room["path"], token) as chat, \
            ws_connect(ws_servers[1], "/ws/notifications/", token) as notes, \
            ws_connect(ws_servers[1], room["path"], token_for(room["assignee"])) as other:
        await ws_frames_until(chat, "presence")
        await ws_frames_until(notes, "notifications.unread")
        await ws_frames_until(other, "presence")
        await database_sync_to_async(user_services.user_deactivate)(by=room["admin"], user_id=room["requestor"].id)
        for ws in (chat, notes):
            code, frames = await ws_closed(ws)
            assert code == CLOSE_TOKEN
            assert frames[-1]["type"] == "error" and frames[-1]["code"] == "token_invalid"
        # The other member of the room keeps their socket.
        await other.send(json.dumps({"type": "message.send", "client_id": "still-here", "body": "hello"}))
        assert (await ws_frames_until(other, "message.new"))["message"]["client_id"] == "still-here"


async def test_deleting_the_ticket_closes_its_sockets_with_4404(ws_servers, room):
    async with ws_connect(ws_servers[0], room["path"], token_for(room["requestor"])) as a, \
            ws_connect(ws_servers[1], room["path"], token_for(room["admin"])) as b:
        await ws_frames_until(a, "presence")
        await ws_frames_until(b, "presence")
        await database_sync_to_async(ticket_services.ticket_delete)(ticket_id=room["ticket"].id, by=room["admin"])
        for ws in (a, b):
            code, frames = await ws_closed(ws)
            assert code == CLOSE_TICKET_GONE
            assert frames[-1]["code"] == "not_found"


async def test_losing_sight_of_the_ticket_closes_with_4403(ws_servers, room):
    """A moderator sees every ticket; demoted to requestor, they see none of this one."""
    async with ws_connect(ws_servers[0], room["path"], token_for(room["moderator"])) as ws:
        await ws_frames_until(ws, "presence")
        await database_sync_to_async(user_services.user_update)(
            by=room["admin"], user_id=room["moderator"].id, role="requestor"
        )
        code, frames = await ws_closed(ws)
        assert code == CLOSE_ACCESS_LOST
        assert frames[-1]["code"] == "not_found"


async def test_a_change_that_keeps_the_right_keeps_the_socket(ws_servers, room):
    """Reassigned, the old assignee stays a participant of the room (DESIGN §2): the re-check
    after the reassignment must not close their socket."""
    async with ws_connect(ws_servers[0], room["path"], token_for(room["assignee"])) as ws:
        await ws_frames_until(ws, "presence")
        ticket = room["ticket"]
        await database_sync_to_async(ticket_services.ticket_reassign)(
            ticket_id=ticket.id, by=room["moderator"], version=ticket.version, assignee_id=room["assignee2"].id,
        )
        await ws_frames_until(ws, "ticket.updated")
        await asyncio.sleep(0.5)  # the re-check runs beside the event
        await ws.send(json.dumps({"type": "message.send", "client_id": "after-reassign", "body": "still mine"}))
        assert (await ws_frames_until(ws, "message.new"))["message"]["client_id"] == "after-reassign"


async def test_the_socket_closes_when_its_token_expires(ws_servers, room, settings):
    settings.ACCESS_TOKEN_LIFETIME = timedelta(seconds=3)
    async with ws_connect(ws_servers[0], room["path"], token_for(room["requestor"])) as chat, \
            ws_connect(ws_servers[1], "/ws/notifications/", token_for(room["requestor"])) as notes:
        await ws_frames_until(chat, "presence")
        loop = asyncio.get_running_loop()
        started = loop.time()
        for ws in (chat, notes):
            code, frames = await ws_closed(ws, timeout=10)
            assert code == CLOSE_TOKEN
            assert frames[-1]["code"] == "token_invalid"
        assert loop.time() - started < 8


async def test_every_write_is_checked_even_when_no_event_came(ws_servers, room):
    """Rows changed behind the services' back (no event): the next write finds out, as HTTP would."""
    ticket = room["ticket"]
    async with ws_connect(ws_servers[0], room["path"], token_for(room["requestor"])) as ws:
        await ws_frames_until(ws, "presence")
        await database_sync_to_async(User.objects.filter(id=room["requestor"].id).update)(is_active=False)
        await ws.send(json.dumps({"type": "message.send", "client_id": "ghost", "body": "from a deactivated user"}))
        code, frames = await ws_closed(ws)
        assert code == CLOSE_TOKEN and frames[-1]["code"] == "token_invalid"
    assert await database_sync_to_async(_stored)(ticket.id) == 0

    async with ws_connect(ws_servers[1], room["path"], token_for(room["assignee"])) as ws:
        await ws_frames_until(ws, "presence")
        await database_sync_to_async(Ticket.objects.filter(id=ticket.id).update)(is_deleted=True)
        await ws.send(json.dumps({"type": "message.send", "client_id": "late", "body": "to a deleted ticket"}))
        code, frames = await ws_closed(ws)
        assert code == CLOSE_TICKET_GONE and frames[-1]["code"] == "not_found"
    assert await database_sync_to_async(_stored)(ticket.id) == 0


async def test_typing_is_checked_too(ws_servers, room):
    ticket = room["ticket"]
    async with ws_connect(ws_servers[0], room["path"], token_for(room["requestor"])) as ws, \
            ws_connect(ws_servers[1], room["path"], token_for(room["assignee"])) as listener:
        await ws_frames_until(ws, "presence")
        await ws_frames_until(listener, "presence")
        await database_sync_to_async(Ticket.objects.filter(id=ticket.id).update)(is_deleted=True)
        await ws.send(json.dumps({"type": "typing"}))
        code, _ = await ws_closed(ws)
        assert code == CLOSE_TICKET_GONE
        with pytest.raises(TimeoutError):
            await ws_frames_until(listener, "typing", timeout=1)


def _sign_in(api, user) -> dict:
    """A device signing in through the API: an access token carrying its session (refresh family)."""
    response = api().post("auth/login", {"employee_code": user.employee_code, "password": "pass-12345"})
    assert response.status_code == 200, response.content
    return response.json()


def _me_status(api, access: str) -> int:
    return api().get("auth/me", HTTP_AUTHORIZATION=f"Bearer {access}").status_code


async def test_a_signed_out_session_loses_its_access_token_and_socket_at_once(ws_servers, room, api):
    """Issue 14 item 5: one device signs another out; the other's access token (still minutes from
    expiry) is refused at once over HTTP, its open sockets close with 4401 and a new handshake is
    refused. The signing-out device keeps its token and socket."""
    from websockets.exceptions import InvalidStatus

    user = room["requestor"]
    await database_sync_to_async(lambda: (user.set_password("pass-12345"), user.save()))()
    this, other = [await database_sync_to_async(_sign_in)(api, user) for _ in range(2)]
    async with ws_connect(ws_servers[0], room["path"], other["access"]) as other_chat, \
            ws_connect(ws_servers[1], "/ws/notifications/", other["access"]) as other_notes, \
            ws_connect(ws_servers[1], room["path"], this["access"]) as this_chat:
        await ws_frames_until(other_chat, "presence")
        await ws_frames_until(other_notes, "notifications.unread")
        await ws_frames_until(this_chat, "presence")

        def sign_out_the_other() -> tuple[int, int]:
            client = api()
            client.headers["HTTP_AUTHORIZATION"] = f"Bearer {this['access']}"
            sessions = client.get("auth/sessions").json()
            other_session = next(s["id"] for s in sessions if not s["current"])
            return client.delete(f"auth/sessions/{other_session}").status_code, _me_status(api, other["access"])

        assert await database_sync_to_async(_me_status)(api, other["access"]) == 200
        deleted, other_me = await database_sync_to_async(sign_out_the_other)()
        assert deleted == 204
        assert other_me == 401  # at once, not when the token expires
        for ws in (other_chat, other_notes):
            code, frames = await ws_closed(ws)
            assert code == CLOSE_TOKEN
            assert frames[-1]["type"] == "error" and frames[-1]["code"] == "token_invalid"
        with pytest.raises(InvalidStatus) as refused:
            async with ws_connect(ws_servers[0], "/ws/notifications/", other["access"]):
                pass
        assert refused.value.response.status_code == 403
        # The device that signed the other out keeps its token and its socket.
        assert await database_sync_to_async(_me_status)(api, this["access"]) == 200
        await this_chat.send(json.dumps({"type": "message.send", "client_id": "still-signed-in", "body": "hi"}))
        assert (await ws_frames_until(this_chat, "message.new"))["message"]["client_id"] == "still-signed-in"
