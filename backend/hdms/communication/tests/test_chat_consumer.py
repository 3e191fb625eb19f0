"""The chat and notification consumers through channels' WebsocketCommunicator (Redis layer)."""

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from hdms.asgi import application
from hdms.communication.models import Message
from hdms.communication.tests.conftest import ORIGIN, PatientCommunicator, token_for
from hdms.core.events import publish
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_communication import add_participant, make_ticket, post_message
from hdms.testing.factories_tickets import assigned_ticket, resolved_ticket
from hdms.tickets import services as ticket_services

pytestmark = pytest.mark.django_db(transaction=True)


def communicator(path, *, token=None, query_token=None, origin=ORIGIN):
    headers = [(b"origin", origin.encode())] if origin else []
    subprotocols = ["bearer", token] if token else None
    if query_token:
        path = f"{path}?token={query_token}"
    return PatientCommunicator(application, path, headers=headers, subprotocols=subprotocols)


async def join(user, ticket):
    comm = communicator(f"/ws/chat/{ticket.id}/", token=token_for(user))
    connected, subprotocol = await comm.connect()
    assert connected, "expected the connection to be accepted"
    assert subprotocol == "bearer"
    first = await comm.receive_json_from()
    assert first["type"] == "presence" and "users" in first
    return comm, first


async def frames_until(comm, kind, *, timeout=20):
    """Frames up to and including the first of ``kind``."""
    seen = []
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        seen.append(frame)
        if frame["type"] == kind:
            return frame, seen


@pytest.fixture
def world(db):
    it = DepartmentFactory(code="IT", name="IT")
    people = {
        "requestor": UserFactory(role="requestor"),
        "assignee": UserFactory(role="assignee", department=it),
        "moderator": UserFactory(role="moderator"),
        "admin": UserFactory(role="admin"),
        "stranger": UserFactory(role="requestor"),
    }
    ticket = make_ticket(requestor=people["requestor"], assignee=people["assignee"], status="assigned")
    return people, ticket


async def test_refused_without_token(world):
    _, ticket = world
    connected, _ = await communicator(f"/ws/chat/{ticket.id}/").connect()
    assert connected is False


async def test_refused_with_bad_or_expired_token(world, settings):
    people, ticket = world
    connected, _ = await communicator(f"/ws/chat/{ticket.id}/", token="not.a.jwt").connect()
    assert connected is False
    settings.ACCESS_TOKEN_LIFETIME = timedelta(seconds=-5)
    expired = token_for(people["requestor"])
    connected, _ = await communicator(f"/ws/chat/{ticket.id}/", token=expired).connect()
    assert connected is False


async def test_refused_for_user_without_access_and_for_unknown_ticket(world):
    people, ticket = world
    connected, _ = await communicator(f"/ws/chat/{ticket.id}/", token=token_for(people["stranger"])).connect()
    assert connected is False
    path = "/ws/chat/00000000-0000-0000-0000-000000000000/"
    connected, _ = await communicator(path, token=token_for(people["requestor"])).connect()
    assert connected is False


async def test_refused_from_a_foreign_origin(world, monkeypatch):
    """Refused before it is accepted, and without a channel of the channel layer: channels' own
    denier opened one and read it until the socket's end (a read that can outlive its event loop)."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    made: list[str] = []
    new_channel = layer.new_channel

    async def counted(*args, **kwargs):
        made.append(await new_channel(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(layer, "new_channel", counted)
    people, ticket = world
    comm = communicator(f"/ws/chat/{ticket.id}/", token=token_for(people["requestor"]), origin="http://evil.example")
    connected, _ = await comm.connect()
    assert connected is False
    await comm.wait(timeout=2)  # the application is done, nothing left reading
    assert made == []


async def test_a_client_without_origin_is_accepted_on_its_token(world):
    """The mobile app and scripts send no Origin; the bearer token alone decides."""
    people, ticket = world
    comm = communicator(f"/ws/chat/{ticket.id}/", token=token_for(people["requestor"]), origin=None)
    connected, subprotocol = await comm.connect()
    assert connected and subprotocol == "bearer"
    await comm.disconnect()
    stranger = communicator(f"/ws/chat/{ticket.id}/", token=token_for(people["stranger"]), origin=None)
    connected, _ = await stranger.connect()
    assert connected is False


async def test_query_token_fallback_is_accepted_without_subprotocol(world):
    people, ticket = world
    comm = communicator(f"/ws/chat/{ticket.id}/", query_token=token_for(people["requestor"]))
    connected, subprotocol = await comm.connect()
    assert connected and subprotocol is None
    await comm.disconnect()


async def test_message_is_stored_before_it_reaches_the_room_and_script_is_stripped(world):
    people, ticket = world
    requestor, _ = await join(people["requestor"], ticket)
    assignee, _ = await join(people["assignee"], ticket)
    await requestor.send_json_to({"type": "message.send", "client_id": "c1",
                                  "body": "Hello <script>alert('x')</script><b>world</b>"})
    frame, _ = await frames_until(assignee, "message.new")
    message = frame["message"]
    assert "<script" not in message["body"] and "alert" not in message["body"]
    assert "<b>world</b>" in message["body"]
    stored = await database_sync_to_async(Message.objects.get)(id=message["id"])
    assert stored.body == message["body"]
    own, _ = await frames_until(requestor, "message.new")
    assert own["message"]["id"] == message["id"] and own["message"]["client_id"] == "c1"
    await requestor.disconnect()
    await assignee.disconnect()


async def test_resend_with_same_client_id_reaches_the_room_once(world):
    people, ticket = world
    requestor, _ = await join(people["requestor"], ticket)
    assignee, _ = await join(people["assignee"], ticket)
    for _ in range(2):
        await requestor.send_json_to({"type": "message.send", "client_id": "dup-1", "body": "only once"})
    first, _ = await frames_until(requestor, "message.new")
    second, _ = await frames_until(requestor, "message.new")
    assert first["message"]["id"] == second["message"]["id"]
    delivered, _ = await frames_until(assignee, "message.new")
    assert delivered["message"]["id"] == first["message"]["id"]
    # Presence frames may still arrive (they are batched); no second message.new may.
    later = []
    while not await assignee.receive_nothing(timeout=0.6):
        later.append(await assignee.receive_json_from())
    assert [f for f in later if f["type"] == "message.new"] == []
    assert await database_sync_to_async(Message.objects.filter(client_id="dup-1").count)() == 1
    await requestor.disconnect()
    await assignee.disconnect()


async def test_reconnecting_client_catches_up_exactly_what_it_missed(world):
    people, ticket = world
    requestor, _ = await join(people["requestor"], ticket)
    assignee, _ = await join(people["assignee"], ticket)
    await requestor.send_json_to({"type": "message.send", "client_id": "m1", "body": "one"})
    last_seen, _ = await frames_until(assignee, "message.new")
    await assignee.disconnect()
    for n in (2, 3, 4):
        await requestor.send_json_to({"type": "message.send", "client_id": f"m{n}", "body": f"msg {n}"})
        await frames_until(requestor, "message.new")
    assignee, _ = await join(people["assignee"], ticket)
    await assignee.send_json_to({"type": "sync", "after": last_seen["message"]["id"]})
    sync, _ = await frames_until(assignee, "sync")
    assert [m["body"] for m in sync["messages"]] == ["msg 2", "msg 3", "msg 4"]
    assert [m["seq"] for m in sync["messages"]] == [2, 3, 4] and sync["has_more"] is False
    await requestor.disconnect()
    await assignee.disconnect()


async def test_late_participant_syncs_only_messages_after_joining(world):
    people, ticket = world
    await database_sync_to_async(post_message)(author=people["requestor"], ticket=ticket, body="private past",
                                               created_at=timezone.now() - timedelta(hours=2))
    late = await database_sync_to_async(UserFactory)(role="assignee")
    await database_sync_to_async(add_participant)(ticket, late, joined_at=timezone.now() - timedelta(hours=1))
    await database_sync_to_async(post_message)(author=people["requestor"], ticket=ticket, body="after joining")
    comm, _ = await join(late, ticket)
    await comm.send_json_to({"type": "sync", "after": None})
    sync, _ = await frames_until(comm, "sync")
    assert [m["body"] for m in sync["messages"]] == ["after joining"]
    moderator, _ = await join(people["moderator"], ticket)
    await moderator.send_json_to({"type": "sync", "after": None})
    sync, _ = await frames_until(moderator, "sync")
    assert [m["body"] for m in sync["messages"]] == ["private past", "after joining"]
    await comm.disconnect()
    await moderator.disconnect()


async def test_presence_lists_people_in_the_room_but_never_the_silent_admin(world):
    people, ticket = world
    requestor, snapshot = await join(people["requestor"], ticket)
    assert [u["id"] for u in snapshot["users"]] == [str(people["requestor"].id)]
    admin, admin_snapshot = await join(people["admin"], ticket)
    assert str(people["admin"].id) not in [u["id"] for u in admin_snapshot["users"]]
    own, _ = await frames_until(requestor, "presence")  # the requestor's own arrival, coalesced
    assert [u["id"] for u in own["joined"]] == [str(people["requestor"].id)]
    assert await requestor.receive_nothing(timeout=0.8), "the admin's arrival must not be announced"
    assignee, snapshot = await join(people["assignee"], ticket)
    assert {u["id"] for u in snapshot["users"]} == {str(people["requestor"].id), str(people["assignee"].id)}
    joined, _ = await frames_until(requestor, "presence")
    assert [u["id"] for u in joined["joined"]] == [str(people["assignee"].id)] and joined["left"] == []
    # The admin observes: sees the arrival and the messages.
    arrivals = []
    while str(people["assignee"].id) not in arrivals:
        seen_by_admin, _ = await frames_until(admin, "presence")
        arrivals += [u["id"] for u in seen_by_admin["joined"]]
    assert str(people["admin"].id) not in arrivals
    await assignee.send_json_to({"type": "message.send", "client_id": "p1", "body": "hi"})
    got, _ = await frames_until(admin, "message.new")
    assert got["message"]["body"] == "hi"
    await admin.disconnect()
    await assignee.disconnect()
    left, _ = await frames_until(requestor, "presence")
    assert [u["id"] for u in left["left"]] == [str(people["assignee"].id)]
    await requestor.disconnect()


async def test_typing_reaches_others_not_the_typist(world):
    people, ticket = world
    requestor, _ = await join(people["requestor"], ticket)
    assignee, _ = await join(people["assignee"], ticket)
    await assignee.send_json_to({"type": "typing"})
    typing, _ = await frames_until(requestor, "typing")
    assert typing["user"]["id"] == str(people["assignee"].id)
    assert await assignee.receive_nothing(timeout=0.3)
    await requestor.disconnect()
    await assignee.disconnect()


async def test_transition_in_the_ticket_service_reaches_the_room_as_ticket_updated(db):
    from hdms.tickets import services as ticket_services

    it = await database_sync_to_async(DepartmentFactory)(code="IT", name="IT")
    requestor = await database_sync_to_async(UserFactory)(role="requestor")
    moderator = await database_sync_to_async(UserFactory)(role="moderator")
    assignee = await database_sync_to_async(UserFactory)(role="assignee", department=it)
    ticket = await database_sync_to_async(assigned_ticket)(requestor, moderator, assignee)
    comm, _ = await join(requestor, ticket)
    await database_sync_to_async(ticket_services.ticket_start)(ticket_id=ticket.id, by=assignee,
                                                               version=ticket.version)
    frame, _ = await frames_until(comm, "ticket.updated")
    assert frame["ticket"]["id"] == str(ticket.id) and frame["ticket"]["status"] == "in_progress"
    await comm.disconnect()


async def test_subticket_and_attachment_events_reach_the_room(world):
    people, ticket = world
    comm, _ = await join(people["requestor"], ticket)
    await database_sync_to_async(publish)("subticket.created", room_id=str(ticket.id),
                                          subticket={"id": "s1"}, actor_id=None)
    frame, _ = await frames_until(comm, "subticket.created")
    assert frame["subticket"] == {"id": "s1"}
    await database_sync_to_async(publish)("attachment.ready", room_id=str(ticket.id),
                                          attachment={"id": "a1", "name": "bill.pdf"})
    frame, _ = await frames_until(comm, "attachment.ready")
    assert frame["attachment"]["name"] == "bill.pdf"
    await comm.disconnect()


async def test_at_most_ten_connections_per_user_and_a_slot_frees_on_disconnect(world):
    people, ticket = world
    token = token_for(people["requestor"])
    open_ones = []
    for _ in range(10):
        comm = communicator("/ws/notifications/", token=token)
        connected, _ = await comm.connect()
        assert connected
        open_ones.append(comm)
    eleventh = communicator(f"/ws/chat/{ticket.id}/", token=token)
    assert (await eleventh.connect())[0] is False
    await open_ones.pop().disconnect()
    # The slot is given back by the closed socket's disconnect handler: wait for it, within a deadline.
    deadline = asyncio.get_running_loop().time() + 20
    while True:
        again = communicator(f"/ws/chat/{ticket.id}/", token=token)
        connected = (await again.connect())[0]
        if connected or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.1)
    assert connected is True
    await again.disconnect()
    for comm in open_ones:
        await comm.disconnect()


async def test_notification_stream_pushes_new_notifications_with_unread_count(world):
    people, ticket = world
    comm = communicator("/ws/notifications/", token=token_for(people["requestor"]))
    assert (await comm.connect())[0]
    hello = await comm.receive_json_from()
    assert hello == {"type": "notifications.unread", "unread": 0}
    await database_sync_to_async(publish)(
        "notification.requested", user_ids=[str(people["requestor"].id)], kind="ticket.status",
        title="HD-1 is assigned", body="", ticket_id=str(ticket.id), urgent=False, actor_id=None,
    )
    frame = await comm.receive_json_from()
    assert frame["type"] == "notification.new" and frame["unread"] == 1
    assert frame["notification"]["title"] == "HD-1 is assigned"
    await comm.disconnect()


async def test_notification_stream_refuses_without_token():
    connected, _ = await communicator("/ws/notifications/").connect()
    assert connected is False


async def test_open_sockets_are_counted_in_the_metrics_gauge(world):
    from hdms.ops.metrics import WEBSOCKET_CONNECTIONS

    people, ticket = world
    gauge = WEBSOCKET_CONNECTIONS.labels(service="all", route="chat")
    before = gauge._value.get()
    comm, _ = await join(people["requestor"], ticket)
    assert gauge._value.get() == before + 1
    await comm.disconnect()
    assert gauge._value.get() == before


async def test_an_admins_message_over_the_socket_is_refused(world):
    people, ticket = world
    admin, _ = await join(people["admin"], ticket)
    await admin.send_json_to({"type": "message.send", "client_id": "a1", "body": "hello"})
    error, _ = await frames_until(admin, "error")
    assert error["code"] == "forbidden" and error["client_id"] == "a1"
    assert not await database_sync_to_async(Message.objects.filter(room_id=ticket.id).exists)()
    await admin.disconnect()


async def test_a_closed_tickets_chat_is_read_only_over_the_socket(world):
    people, ticket = world
    await database_sync_to_async(type(ticket).objects.filter(id=ticket.id).update)(status="closed")
    requestor, _ = await join(people["requestor"], ticket)
    await requestor.send_json_to({"type": "message.send", "client_id": "c1", "body": "hello"})
    error, _ = await frames_until(requestor, "error")
    assert error["code"] == "invalid_transition"
    assert not await database_sync_to_async(Message.objects.filter(room_id=ticket.id).exists)()
    await requestor.disconnect()


async def test_ticket_updated_frames_carry_each_readers_allowed_actions_and_closing_stops_posting(world):
    people, _ = world
    ticket = await database_sync_to_async(_resolved_for)(people)
    requestor, _ = await join(people["requestor"], ticket)
    assignee, _ = await join(people["assignee"], ticket)
    await database_sync_to_async(_close)(ticket, people["requestor"])
    for_requestor, _ = await frames_until(requestor, "ticket.updated")
    for_assignee, _ = await frames_until(assignee, "ticket.updated")
    assert for_requestor["ticket"]["status"] == "closed"
    assert for_requestor["ticket"]["allowed_actions"] == ["rate"]
    assert for_assignee["ticket"]["allowed_actions"] == []
    assert "facts" not in for_requestor and "facts" not in for_requestor["ticket"]
    # The open socket learnt the room is read-only now.
    await assignee.send_json_to({"type": "message.send", "client_id": "late", "body": "one more"})
    error, _ = await frames_until(assignee, "error")
    assert error["code"] == "invalid_transition"
    await requestor.disconnect()
    await assignee.disconnect()


def _resolved_for(people):
    return resolved_ticket(people["requestor"], people["moderator"], people["assignee"])


def _close(ticket, requestor):
    ticket.refresh_from_db()
    ticket_services.ticket_close(ticket_id=ticket.id, by=requestor, version=ticket.version)
