"""WebSocket consumers of the communication service (DESIGN §5). Thin: authorise through
selectors before joining a group, hand every write to a service, forward group events.

Frames are JSON objects with a ``type``:

- ``ws/chat/<ticket id>/`` in: ``message.send {client_id, body, attachment_ids?}``, ``typing``,
  ``sync {after: <message id>|null}``. Out: ``message.new {message}``, ``message.edited {message}``,
  ``typing {user}``, ``presence {users}`` (the snapshot, on connect) and ``presence {joined: [user],
  left: [user]}`` (changes, coalesced over half a second),
  ``ticket.updated {ticket}``, ``subticket.created {subticket}``, ``attachment.ready {attachment}``,
  ``sync {messages, has_more}``, ``error {code, detail, client_id?}``.
- ``ws/notifications/`` out: ``notifications.unread {unread}`` (on connect),
  ``notification.new {notification, unread}``, ``notification.read {ids|all, unread}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
import uuid
from datetime import datetime
from typing import Any

from asgiref.sync import SyncToAsync
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.db import close_old_connections, connections

from hdms.communication import selectors, services
from hdms.communication.presence import registry
from hdms.communication.realtime import room_group, user_group
from hdms.communication.relay import relay
from hdms.core.errors import DomainError, NotFound
from hdms.ops.metrics import websocket_closed, websocket_opened

logger = logging.getLogger("hdms.communication.ws")

SYNC_PAGE = 200
GROUP_RENEW_SECONDS = 3600
SYNC_MAX_PAGES = 5


class _KeepAliveDatabaseSyncToAsync(SyncToAsync):
    """``database_sync_to_async`` that lets the database thread keep its connection a while.

    Production runs with per-request connections (``CONN_MAX_AGE`` 0), so channels' wrapper
    opens and closes a PostgreSQL connection around every call: two connections per handshake
    (user, room access), all through the one thread that serves the consumers' database calls.
    That thread was the handshake bottleneck (500 sockets took 9-13 s to open). Here the
    connection lives ``HDMS_WS_DB_KEEPALIVE_SECONDS`` (60) from when it was opened, as if
    ``CONN_MAX_AGE`` were 60 for this one thread; broken connections are still dropped
    (``close_old_connections`` checks ``errors_occurred``). The middleware's user lookup, run
    by channels' wrapper on the same thread, reuses the connection too.
    """

    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        close_old_connections()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            keep = getattr(settings, "HDMS_WS_DB_KEEPALIVE_SECONDS", 60)
            now = time.monotonic()
            for conn in connections.all(initialized_only=True):
                if keep and conn.connection is not None and conn.close_at is not None and conn.close_at <= now:
                    conn.close_at = now + keep
            close_old_connections()


def database_sync_to_async(func: Any) -> Any:
    return _KeepAliveDatabaseSyncToAsync(func)


def _user_brief(user: Any) -> dict[str, str]:
    return {"id": str(user.id), "employee_code": user.employee_code, "full_name": user.full_name}


class _CountedConsumer(AsyncJsonWebsocketConsumer):
    """Holds one of the user's ``WEBSOCKET_MAX_CONNECTIONS_PER_USER`` slots while open."""

    user: Any = None
    room_id: str | None = None  # presence room refreshed by the heartbeat
    _slot = False
    _heartbeat: asyncio.Task | None = None
    _groups: tuple[str, ...] = ()
    metrics_route = "ws"  # the label of the hdms_websocket_connections gauge
    _counted_route: str | None = None

    async def _admit(self, groups: tuple[str, ...]) -> bool:
        """Take a connection slot and join the groups; False (caller closes unaccepted) when full."""
        limit = settings.WEBSOCKET_MAX_CONNECTIONS_PER_USER
        if not await registry().acquire(str(self.user.id), self.channel_name, limit):
            logger.info("WebSocket refused: %s has %s open connections", self.user.id, limit)
            return False
        self._slot = True
        self._groups = groups
        for group in groups:
            async with relay().layer_slots:
                await self.channel_layer.group_add(group, self.channel_name)
        return True

    async def _accept(self) -> None:
        await self.accept(subprotocol=self.scope.get("hdms_subprotocol"))
        self._counted_route = self.metrics_route
        websocket_opened(self._counted_route)
        self._heartbeat = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        interval = settings.HDMS_WS_HEARTBEAT_SECONDS
        # Spread the beats: sockets opened together must not all hit Redis in the same instant.
        await asyncio.sleep(random.uniform(0, interval))
        last_renew = time.monotonic()
        while True:
            try:
                await registry().refresh(str(self.user.id), self.channel_name, self.room_id)
                if time.monotonic() - last_renew > GROUP_RENEW_SECONDS:
                    # Group membership expires in the Redis layer (group_expiry, a day); renew it.
                    for group in self._groups:
                        await self.channel_layer.group_add(group, self.channel_name)
                    last_renew = time.monotonic()
            except Exception:
                logger.exception("WebSocket heartbeat failed")
            await asyncio.sleep(interval)

    async def disconnect(self, code: int) -> None:
        if self._counted_route:
            websocket_closed(self._counted_route)
            self._counted_route = None
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        for group in self._groups:
            try:
                async with relay().layer_slots:
                    await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # the membership expires with the layer's group_expiry anyway
                logger.warning("Leaving %s failed", group, exc_info=True)
        if self._slot:
            await registry().release(str(self.user.id), self.channel_name)
            self._slot = False

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False) -> None:
        # A room event can arrive after the client went away and before our disconnect runs.
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except (RuntimeError, OSError):
            logger.debug("Dropped a frame for a closed WebSocket")

    async def send_json(self, content: Any, close: bool = False) -> None:
        await self.send(text_data=json.dumps(content), close=close)

    async def send_shared(self, event: dict[str, Any], frame: dict[str, Any]) -> None:
        """Send a frame that every local socket of a room gets alike, JSON-encoded once per event."""
        text = event.get("_text")
        if text is None:
            text = event["_text"] = json.dumps(frame)
        await self.send(text_data=text)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return json.loads(text_data)
        except ValueError:
            return None

    async def send_error(self, code: str, detail: str, **extra: Any) -> None:
        await self.send_json({"type": "error", "code": code, "detail": detail, **extra})


class ChatConsumer(_CountedConsumer):
    metrics_route = "chat"
    access: selectors.RoomAccess
    _last_typing = 0.0
    _in_room = False
    _relay_group: str | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """As channels' consumer, minus the socket's own channel-layer channel: room events come
        from the relay (relay.py) and nothing sends to a chat socket directly, so listening on a
        channel of its own only cost a pending layer receive and a task per socket (memory), and
        a Redis read timeout in the shared receive loop closed the socket that held it.
        ``channel_name`` stays as the socket's identity (presence entries, typing's sender)."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = f"chat.ws!{uuid.uuid4().hex}"
        self.base_send = send
        with contextlib.suppress(StopConsumer):
            await await_many_dispatch([receive], self.dispatch)

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        if self.user is None:
            await self.close()  # before accept: the handshake is refused
            return
        ticket_id = self.scope["url_route"]["kwargs"]["ticket_id"]
        try:
            self.access = await database_sync_to_async(selectors.room_access)(user=self.user, ticket_id=ticket_id)
        except NotFound:
            await self.close()
            return
        if not await self._admit(()):
            await self.close()
            return
        self._relay_group = room_group(self.access.room_id)
        await relay().join(self.channel_layer, self._relay_group, self)
        await self._accept()
        if not self.access.silent:
            self.room_id = self.access.room_id
            self._in_room = True
            await registry().remember_profile(str(self.user.id), _user_brief(self.user))
            first = await registry().room_join(self.access.room_id, str(self.user.id), self.channel_name)
            relay().presence_touched(self._relay_group)
            if first:
                relay().announce(self.channel_layer, room_group(self.access.room_id), "joined",
                                 _user_brief(self.user))
        await self.send(text_data=await relay().snapshot(self._relay_group, self._presence_frame))

    async def _presence_frame(self) -> str:
        users = await registry().profiles(await registry().room_users(self.access.room_id))
        return json.dumps({"type": "presence", "users": users})

    async def relay_event(self, event: dict[str, Any]) -> None:
        """A room event from this process's relay (see relay.py): handled like a group event."""
        handler = getattr(self, get_handler_name(event), None)
        if handler is not None:
            await handler(event)

    async def disconnect(self, code: int) -> None:
        if self._relay_group:
            await relay().leave(self.channel_layer, self._relay_group, self)
            self._relay_group = None
        if self._in_room:
            self._in_room = False
            gone = await registry().room_leave(self.access.room_id, str(self.user.id), self.channel_name)
            relay().presence_touched(room_group(self.access.room_id))
            if gone:
                relay().announce(self.channel_layer, room_group(self.access.room_id), "left", _user_brief(self.user))
        await super().disconnect(code)

    # ---- in ----
    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "message.send":
            await self._message_send(content)
        elif kind == "typing":
            await self._typing()
        elif kind == "sync":
            await self._catch_up(content)
        else:
            await self.send_error("validation_error", "Unknown or malformed frame.")

    async def _message_send(self, content: dict[str, Any]) -> None:
        client_id = content.get("client_id")
        try:
            message, created = await database_sync_to_async(services.message_create)(
                author=self.user, access=self.access, body=content.get("body"), client_id=client_id,
                attachment_ids=content.get("attachment_ids"),
            )
        except DomainError as exc:
            await self.send_error(exc.code, exc.detail, client_id=client_id if isinstance(client_id, str) else None)
            return
        if not created:
            # A resend: the room already has it; confirm to this socket only.
            payload = await database_sync_to_async(selectors.message_payload)(message)
            await self.send_json({"type": "message.new", "message": payload})

    async def _typing(self) -> None:
        now = time.monotonic()
        if self.access.silent or now - self._last_typing < settings.HDMS_TYPING_INTERVAL:
            return
        self._last_typing = now
        await self.channel_layer.group_send(
            room_group(self.access.room_id),
            {"type": "typing", "user": _user_brief(self.user), "sender": self.channel_name},
        )

    async def _catch_up(self, content: dict[str, Any]) -> None:
        after = content.get("after")
        try:
            seq = 0 if after in (None, "") else await database_sync_to_async(selectors.message_seq_of)(
                access=self.access, message_id=str(after)
            )
        except (DomainError, ValueError):
            await self.send_error("not_found", "Unknown message id in 'after'.")
            return
        for _ in range(SYNC_MAX_PAGES):
            rows = await database_sync_to_async(self._sync_page)(seq)
            has_more = len(rows) > SYNC_PAGE
            rows = rows[:SYNC_PAGE]
            await self.send_json({"type": "sync", "messages": rows, "has_more": has_more})
            if not has_more:
                return
            seq = rows[-1]["seq"]

    def _sync_page(self, seq: int) -> list[dict[str, Any]]:
        rows = selectors.message_after_seq(access=self.access, seq=seq, limit=SYNC_PAGE + 1)
        return [selectors.message_payload(m) for m in rows]

    # ---- out (group events) ----
    def _visible(self, message: dict[str, Any]) -> bool:
        if self.access.sees_all or self.access.joined_at is None:
            return True
        return datetime.fromisoformat(message["created_at"]) >= self.access.joined_at

    async def message_new(self, event: dict[str, Any]) -> None:
        if self._visible(event["message"]):
            await self.send_shared(event, {"type": "message.new", "message": event["message"]})

    async def message_edited(self, event: dict[str, Any]) -> None:
        if self._visible(event["message"]):
            await self.send_shared(event, {"type": "message.edited", "message": event["message"]})

    async def typing(self, event: dict[str, Any]) -> None:
        if event.get("sender") != self.channel_name:
            await self.send_json({"type": "typing", "user": event["user"]})

    async def presence_changed(self, event: dict[str, Any]) -> None:
        """Arrivals and departures of the last moment, coalesced by the relay (relay.py)."""
        await self.send_shared(event, {"type": "presence", "joined": event["joined"], "left": event["left"]})

    async def ticket_updated(self, event: dict[str, Any]) -> None:
        await self.send_shared(event, {"type": "ticket.updated", "ticket": event["ticket"]})

    async def subticket_created(self, event: dict[str, Any]) -> None:
        await self.send_shared(event, {"type": "subticket.created", "subticket": event["subticket"]})

    async def attachment_ready(self, event: dict[str, Any]) -> None:
        await self.send_shared(event, {"type": "attachment.ready", "attachment": event["attachment"]})


class NotificationConsumer(_CountedConsumer):
    metrics_route = "notifications"
    async def connect(self) -> None:
        self.user = self.scope.get("user")
        if self.user is None:
            await self.close()
            return
        if not await self._admit((user_group(self.user.id),)):
            await self.close()
            return
        await self._accept()
        unread = await database_sync_to_async(selectors.notification_unread_count)(user_id=self.user.id)
        await self.send_json({"type": "notifications.unread", "unread": unread})

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        await self.send_error("validation_error", "This stream is read-only; use the HTTP API.")

    async def notification_new(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "notification.new", "notification": event["notification"],
                              "unread": event["unread"]})

    async def notification_read(self, event: dict[str, Any]) -> None:
        frame = {k: v for k, v in event.items() if k != "type"}
        await self.send_json({"type": "notification.read", **frame})


