"""WebSocket consumers of the communication service (DESIGN §5). Thin: authorise through
selectors before joining a group, hand every write to a service, forward group events.

Frames are JSON objects with a ``type``:

- ``ws/chat/<ticket id>/`` in: ``message.send {client_id, body, attachment_ids?, internal?}``,
  ``typing {internal?, stopped?}``, ``sync {after: <message id>|null}``. Out: ``message.new {message}``,
  ``message.edited {message}``, ``typing {user, internal?}``, ``presence {users}`` (the snapshot, on
  connect; each user with ``state`` viewing|composing), ``presence {joined: [user], left: [user]}``
  (changes, coalesced over half a second) and ``presence {changed: [user]}`` (a state change),
  ``ticket.updated {ticket}``, ``subticket.created {subticket}``, ``attachment.ready {attachment}``,
  ``sync {messages, has_more}``, ``error {code, detail, client_id?, retry_after?}``.
- ``ws/notifications/`` out: ``notifications.unread {unread}`` (on connect),
  ``notification.new {notification, unread}``, ``notification.read {ids|all, unread}``.

A bad frame (binary, not a JSON object, too large or too deep, unknown type, wrong field types)
gets an ``error`` frame and the socket stays. A socket keeps only the rights its user still has:
writes and ``sync`` are checked as an HTTP call would be (rate limit, active user, ticket
visible), and the socket is closed with ``CLOSE_TOKEN`` / ``CLOSE_ACCESS_LOST`` /
``CLOSE_TICKET_GONE`` when the token expires, the user is deactivated, loses sight of the ticket
or the ticket is deleted (docs/realtime.md). The connection slot and presence entry are released
on every way out (``_cleanup``).
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
from hdms.communication.relay import end_if_cancelled, relay
from hdms.core.errors import DomainError, NotFound, RateLimited, TokenInvalid, ValidationFailed
from hdms.core.ratelimit import take_user_token
from hdms.ops.metrics import websocket_closed, websocket_opened

logger = logging.getLogger("hdms.communication.ws")

SYNC_PAGE = 200
GROUP_RENEW_SECONDS = 3600
SYNC_MAX_PAGES = 5

# Close codes (docs/realtime.md). The client refreshes its token and reconnects after
# CLOSE_TOKEN; after the other two it stops reconnecting and says why.
CLOSE_TOKEN = 4401  # the access token expired, or no longer names an active user
CLOSE_ACCESS_LOST = 4403  # the user can no longer see the ticket
CLOSE_TICKET_GONE = 4404  # the ticket was deleted

# Frames in are small objects: a message.send of the longest body (10,000 characters, each
# possibly escaped as \uXXXX) fits in well under this many characters; nothing nests deeper
# than an object holding a list of ids.
MAX_FRAME_CHARS = 128 * 1024
MAX_FRAME_DEPTH = 4


class _BadFrame(Exception):
    pass


def _depth_ok(value: Any, limit: int) -> bool:
    """Whether ``value`` nests at most ``limit`` containers deep (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return True


class _AccessEnded(Exception):
    """The socket's user may no longer use it: close with ``close_code`` after an error frame."""

    def __init__(self, close_code: int, error: DomainError) -> None:
        super().__init__(error.detail)
        self.close_code = close_code
        self.error = error


def _token_expired() -> _AccessEnded:
    return _AccessEnded(CLOSE_TOKEN, TokenInvalid("The access token expired; refresh it and reconnect."))


def _ended(exc: DomainError) -> _AccessEnded:
    if isinstance(exc, TokenInvalid):
        return _AccessEnded(CLOSE_TOKEN, TokenInvalid("Your session has ended; sign in again."))
    if isinstance(exc, selectors.TicketGone):
        return _AccessEnded(CLOSE_TICKET_GONE, exc)
    return _AccessEnded(CLOSE_ACCESS_LOST, NotFound("You no longer have access to this ticket."))


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


def _with_state(user: dict[str, Any], composing: str | None) -> dict[str, Any]:
    """A presence entry (DESIGN §10): ``state`` viewing or composing; ``internal`` when the
    writing is an internal note (only note readers get such an entry, see ``_without_notes``)."""
    entry = {**user, "state": "composing" if composing else "viewing"}
    if composing == "note":
        entry["internal"] = True
    return entry


def _without_notes(frame_text: str) -> str:
    """The presence snapshot for a socket that does not read notes: someone writing a note is
    shown as viewing (as before they started), never as composing."""
    if '"internal"' not in frame_text:
        return frame_text
    frame = json.loads(frame_text)
    for user in frame["users"]:
        if user.pop("internal", False):
            user["state"] = "viewing"
    return json.dumps(frame)


class _CountedConsumer(AsyncJsonWebsocketConsumer):
    """Holds one of the user's ``WEBSOCKET_MAX_CONNECTIONS_PER_USER`` slots while open."""

    user: Any = None
    room_id: str | None = None  # presence room refreshed by the heartbeat
    _slot = False
    _watched = False
    _ended = False  # closed by the server (or cleaned up): frames in are ignored
    _cleaned = False
    _heartbeat: asyncio.Task | None = None
    _groups: tuple[str, ...] = ()
    _background: set[asyncio.Task] | None = None
    metrics_route = "ws"  # the label of the hdms_websocket_connections gauge
    _counted_route: str | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # An exception, a cancelled task or a close without websocket.disconnect: whatever
            # the way out, the slot and presence entry go (10 crashes used to lock a user out).
            await self._cleanup()

    async def _watch(self) -> None:
        """Register for the user's access events (deactivation, role change) before any check."""
        self._watched = True  # first: a failed subscription must still be undone by _cleanup
        await relay().access.add(self.channel_layer, self)

    def _token_expires_in(self) -> float:
        claims = self.scope.get("hdms_claims")
        if claims is None:
            return float("inf")
        return claims.expires_at.timestamp() - time.time()

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
        """Refresh the presence entries every heartbeat; close the socket when the token expires."""
        interval = settings.HDMS_WS_HEARTBEAT_SECONDS
        # Spread the beats: sockets opened together must not all hit Redis in the same instant.
        next_beat = time.monotonic() + random.uniform(0, interval)
        last_renew = time.monotonic()
        while True:
            expires_in = self._token_expires_in()
            if expires_in <= 0:
                await self._end(_token_expired())
                return
            await asyncio.sleep(max(0.0, min(next_beat - time.monotonic(), expires_in)))
            if time.monotonic() < next_beat:
                continue
            next_beat = time.monotonic() + interval
            try:
                await registry().refresh(str(self.user.id), self.channel_name, self.room_id)
                if time.monotonic() - last_renew > GROUP_RENEW_SECONDS:
                    # Group membership expires in the Redis layer (group_expiry, a day); renew it.
                    for group in self._groups:
                        await self.channel_layer.group_add(group, self.channel_name)
                    last_renew = time.monotonic()
            except Exception:
                end_if_cancelled()  # a cancelled Redis call can come back as another error
                logger.exception("WebSocket heartbeat failed")

    def _in_background(self, coro: Any) -> None:
        """Run ``coro`` beside the caller: event handlers are called by the relay's pump, which a
        close (leaving the relay) may cancel, and must not hold up the room's other sockets."""
        if self._background is None:
            self._background = set()
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _end(self, ended: _AccessEnded) -> None:
        """Tell the client why and close with the code; frames in are ignored from now on."""
        if self._ended:
            return
        self._ended = True
        if self._counted_route:  # accepted: say why before the close (before accept, the close refuses)
            await self.send_error(ended.error.code, ended.error.detail)
        with contextlib.suppress(Exception):
            await self.close(code=ended.close_code, reason=ended.error.code)
        # The slot and presence go in _cleanup, run by the disconnect that follows the close (or
        # the finally of __call__): after connect has finished, never in the middle of it.

    async def disconnect(self, code: int) -> None:
        await self._cleanup()

    async def _cleanup(self) -> None:
        """Idempotent; each step guarded so one failure does not skip the rest."""
        if self._cleaned:
            return
        self._cleaned = self._ended = True
        if self._counted_route:
            websocket_closed(self._counted_route)
            self._counted_route = None
        if self._heartbeat is not None and self._heartbeat is not asyncio.current_task():
            self._heartbeat.cancel()
        if self._watched:
            relay().access.remove(self)
            self._watched = False
        for group in self._groups:
            try:
                async with relay().layer_slots:
                    await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # the membership expires with the layer's group_expiry anyway
                logger.warning("Leaving %s failed", group, exc_info=True)
        if self._slot:
            try:
                await registry().release(str(self.user.id), self.channel_name)
                self._slot = False
            except Exception:  # the entry expires after HDMS_WS_PRESENCE_TTL_SECONDS anyway
                logger.warning("Releasing the connection slot of %s failed", self.user.id, exc_info=True)

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

    async def send_error(self, code: str, detail: str, **extra: Any) -> None:
        await self.send_json({"type": "error", "code": code, "detail": detail, **extra})

    async def relay_event(self, event: dict[str, Any]) -> None:
        """An event from this process's relay (relay.py): handled like a group event."""
        handler = getattr(self, get_handler_name(event), None)
        if handler is not None:
            await handler(event)

    # ---- in ----
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        """Every frame in: parsed and checked here, so no frame can crash the socket."""
        if self._ended:
            return
        if self._token_expires_in() <= 0:
            await self._end(_token_expired())
            return
        try:
            content = self._parse(text_data)
            await self.receive_json(content)
        except _BadFrame as exc:
            await self.send_error("validation_error", str(exc))
        except _AccessEnded as ended:
            await self._end(ended)
        except DomainError as exc:
            await self.send_error(exc.code, exc.detail)
        except Exception:
            logger.exception("A WebSocket frame failed")
            await self.send_error("server_error", "The server could not handle this frame; try again.")

    @staticmethod
    def _parse(text_data: str | None) -> dict[str, Any]:
        if text_data is None:
            raise _BadFrame("Frames are JSON text; binary frames are not accepted.")
        if len(text_data) > MAX_FRAME_CHARS:
            raise _BadFrame(f"A frame is at most {MAX_FRAME_CHARS} characters.")
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):
            raise _BadFrame("A frame is a JSON object with a type.") from None
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            raise _BadFrame("A frame is a JSON object with a type.")
        if not _depth_ok(content, MAX_FRAME_DEPTH):
            raise _BadFrame("The frame is nested too deeply.")
        return content

    # ---- access events (relay.AccessWatch) ----
    async def user_access_changed(self, event: dict[str, Any]) -> None:
        if not event.get("active", True):
            self._in_background(self._end(_ended(TokenInvalid())))

    async def user_sessions_revoked(self, event: dict[str, Any]) -> None:
        """A session signed out (DESIGN §8): the sockets opened with its access tokens close."""
        families = event.get("families")
        if families is None or self._family() in families:
            self._in_background(self._end(_ended(TokenInvalid())))

    def _family(self) -> str:
        claims = self.scope.get("hdms_claims")
        return claims.family if claims is not None else ""


class ChatConsumer(_CountedConsumer):
    metrics_route = "chat"
    access: selectors.RoomAccess
    _last_typing = 0.0
    _in_room = False
    # What this socket's user is writing ("reply", "note") or None, and until when (monotonic).
    _composing: str | None = None
    _composing_until = 0.0
    _composing_task: asyncio.Task | None = None
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
        try:
            with contextlib.suppress(StopConsumer):
                await await_many_dispatch([receive], self.dispatch)
        finally:
            await self._cleanup()

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        if self.user is None:
            await self.close()  # before accept: the handshake is refused
            return
        ticket_id = self.scope["url_route"]["kwargs"]["ticket_id"]
        await self._watch()
        try:
            self.access = await database_sync_to_async(services.room_enter)(user=self.user, ticket_id=ticket_id)
        except NotFound:
            await self.close()
            return
        if self._ended:  # deactivated meanwhile: already closed
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
                                 {**_user_brief(self.user), "state": "viewing"})
        text = await relay().snapshot(self._relay_group, self._presence_frame)
        await self.send(text_data=text if self.access.reads_notes else _without_notes(text))

    async def _presence_frame(self) -> str:
        """The room's snapshot as a note reader sees it (``_without_notes`` makes the other one)."""
        users = await registry().profiles(await registry().room_users(self.access.room_id))
        composing = await registry().composing(self.access.room_id)
        return json.dumps({"type": "presence", "users": [_with_state(u, composing.get(u["id"])) for u in users]})

    async def _cleanup(self) -> None:
        if self._cleaned:
            return
        if self._relay_group:
            group, self._relay_group = self._relay_group, None
            try:
                await relay().leave(self.channel_layer, group, self)
            except Exception:
                logger.warning("Leaving the relay of %s failed", group, exc_info=True)
        if self._composing_task is not None and self._composing_task is not asyncio.current_task():
            self._composing_task.cancel()
        if self._in_room:
            self._in_room = False
            try:
                if self._composing is not None:  # the user's other tabs may stay: they now view
                    await self._compose(None)
                gone = await registry().room_leave(self.access.room_id, str(self.user.id), self.channel_name)
                relay().presence_touched(room_group(self.access.room_id))
                if gone:
                    relay().announce(self.channel_layer, room_group(self.access.room_id), "left",
                                     _user_brief(self.user))
            except Exception:  # the entry expires after HDMS_WS_PRESENCE_TTL_SECONDS anyway
                logger.warning("Leaving the presence of %s failed", self.access.room_id, exc_info=True)
        await super()._cleanup()

    # ---- access, as an HTTP call would check it ----
    def _current_access(self) -> Any:
        """Re-read the user and their access to the ticket (database thread); ``_AccessEnded`` when gone."""
        try:
            user, access = selectors.room_access_current(user_id=self.user.id, ticket_id=self.access.ticket_id,
                                                         family=self._family())
        except (TokenInvalid, NotFound) as exc:
            raise _ended(exc) from None
        self.user, self.access = user, access
        return user

    def _take_token(self) -> None:
        """One token from the user's bucket, the one their HTTP calls take from (DESIGN §4)."""
        claims = self.scope.get("hdms_claims")
        result = take_user_token(user_id=str(self.user.id), role=claims.role if claims else self.user.role)
        if result is not None and not result.allowed:
            raise RateLimited(f"Rate limit exceeded; retry in {result.retry_after} s.", retry_after=result.retry_after)

    async def _recheck(self) -> None:
        try:
            await database_sync_to_async(self._current_access)()
        except _AccessEnded as ended:
            await self._end(ended)

    # ---- in ----
    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        kind = content["type"]
        if kind == "message.send":
            await self._message_send(content)
        elif kind == "typing":
            await self._typing(content)
        elif kind == "sync":
            await self._catch_up(content)
        else:
            raise _BadFrame("Unknown frame type.")

    def _message_create(self, content: dict[str, Any]) -> tuple[Any, bool]:
        self._take_token()
        author = self._current_access()
        internal = content.get("internal", False)
        if not isinstance(internal, bool):
            raise ValidationFailed("'internal' is true or false.", errors=[{"loc": ["internal"], "msg": "invalid"}])
        return services.message_create(
            author=author, access=self.access, body=content.get("body"), client_id=content.get("client_id"),
            attachment_ids=content.get("attachment_ids"), internal=internal,
        )

    async def _message_send(self, content: dict[str, Any]) -> None:
        client_id = content.get("client_id")
        echo = client_id if isinstance(client_id, str) else None
        try:
            message, created = await database_sync_to_async(self._message_create)(content)
        except DomainError as exc:
            await self.send_error(exc.code, exc.detail, client_id=echo, **_public_extra(exc))
            return
        if self._composing is not None:  # what they were writing is sent: back to viewing
            await self._compose(None)
        if not created:
            # A resend: the room already has it; confirm to this socket only.
            payload = await database_sync_to_async(selectors.message_payload)(message)
            await self.send_json({"type": "message.new", "message": payload})

    async def _typing(self, content: dict[str, Any]) -> None:
        """``typing {internal?, stopped?}``: the user is writing a reply (or an internal note), or
        stopped. Starting and stopping change the user's presence state (DESIGN §10); ``typing``
        itself is forwarded at most every HDMS_TYPING_INTERVAL."""
        internal, stopped = content.get("internal", False), content.get("stopped", False)
        if not isinstance(internal, bool) or not isinstance(stopped, bool):
            raise _BadFrame("'internal' and 'stopped' are true or false.")
        if self.access.silent:
            return
        if stopped:
            await self._compose(None)
            return
        if internal and not self.access.reads_notes:
            return  # only note readers write notes; nothing to announce
        kind = "note" if internal else "reply"
        now = time.monotonic()
        self._composing_until = now + settings.HDMS_COMPOSING_SECONDS
        if kind == self._composing and now - self._last_typing < settings.HDMS_TYPING_INTERVAL:
            return
        self._last_typing = now
        await database_sync_to_async(self._current_access)()
        await self._compose(kind)
        await self.channel_layer.group_send(
            room_group(self.access.room_id),
            {"type": "typing", "user": _user_brief(self.user), "internal": internal, "sender": self.channel_name},
        )

    async def _compose(self, kind: str | None) -> None:
        """Set this socket's presence state: writing ``kind`` or (None) viewing; a change is kept
        in the registry (with expiry, for a crashed process) and told to the room."""
        room_id = self.access.room_id
        await registry().composing_set(room_id, str(self.user.id), self.channel_name, kind)
        previous, self._composing = self._composing, kind
        if kind is not None and (self._composing_task is None or self._composing_task.done()):
            self._composing_task = asyncio.create_task(self._composing_watch())
        if previous == kind:
            return
        if previous is not None:  # a note readers-only start must end for them alone
            await self._announce_state(previous, "viewing")
        if kind is not None:
            await self._announce_state(kind, "composing")

    async def _announce_state(self, kind: str, state: str) -> None:
        await self.channel_layer.group_send(room_group(self.access.room_id), {
            "type": "presence.composing", "user": {**_user_brief(self.user), "state": state},
            "internal": kind == "note", "sender": self.channel_name,
        })

    async def _composing_watch(self) -> None:
        """Back to viewing once no typing frame came for HDMS_COMPOSING_SECONDS."""
        while self._composing is not None:
            wait = self._composing_until - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            try:
                await self._compose(None)
            except Exception:  # the registry entry expires anyway
                logger.warning("Ending the composing state failed", exc_info=True)
                return

    def _sync_start(self, after: Any) -> int:
        self._take_token()
        self._current_access()
        if after in (None, ""):
            return 0
        return selectors.message_seq_of(access=self.access, message_id=after)

    async def _catch_up(self, content: dict[str, Any]) -> None:
        after = content.get("after")
        if after not in (None, ""):
            try:
                after = str(uuid.UUID(after)) if isinstance(after, str) else None
            except ValueError:
                after = None
            if after is None:
                raise ValidationFailed("'after' is a message id (a UUID) or null.",
                                       errors=[{"loc": ["after"], "msg": "invalid"}])
        try:
            seq = await database_sync_to_async(self._sync_start)(after)
        except NotFound:
            await self.send_error("not_found", "Unknown message id in 'after'.")
            return
        except RateLimited as exc:
            await self.send_error(exc.code, exc.detail, **_public_extra(exc))
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
        # An internal note is sent only to sockets whose user reads notes (DESIGN §10), under the
        # rights re-read with every write and access event (self.access); others never get the frame.
        return self.access.can_read(created_at=datetime.fromisoformat(message["created_at"]),
                                    internal=bool(message.get("internal")))

    async def message_new(self, event: dict[str, Any]) -> None:
        if self._visible(event["message"]):
            await self.send_shared(event, {"type": "message.new", "message": event["message"]})

    async def message_edited(self, event: dict[str, Any]) -> None:
        if self._visible(event["message"]):
            await self.send_shared(event, {"type": "message.edited", "message": event["message"]})

    async def typing(self, event: dict[str, Any]) -> None:
        # Someone writing an internal note is told only to note readers: a requestor's socket
        # gets no frame at all, so it cannot even tell that something is being written.
        if event.get("sender") == self.channel_name or (event.get("internal") and not self.access.reads_notes):
            return
        frame: dict[str, Any] = {"type": "typing", "user": event["user"]}
        if event.get("internal"):
            frame["internal"] = True
        await self.send_json(frame)

    async def presence_composing(self, event: dict[str, Any]) -> None:
        """A person started or stopped writing (DESIGN §10 ``state``); a note only to note readers."""
        if event.get("sender") == self.channel_name or (event.get("internal") and not self.access.reads_notes):
            return
        user = dict(event["user"])
        if event.get("internal") and user["state"] == "composing":
            user["internal"] = True
        await self.send_json({"type": "presence", "changed": [user]})

    async def presence_changed(self, event: dict[str, Any]) -> None:
        """Arrivals and departures of the last moment, coalesced by the relay (relay.py)."""
        await self.send_shared(event, {"type": "presence", "joined": event["joined"], "left": event["left"]})

    async def ticket_updated(self, event: dict[str, Any]) -> None:
        # Each reader gets their own allowed_actions/editable_fields, from the facts the event
        # carries (no query). Whether they may still post is re-read with every message.
        await self.send_json({"type": "ticket.updated",
                              "ticket": selectors.ticket_for_reader(event["ticket"], event.get("facts"), self.user)})

    async def subticket_created(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "subticket.created",
                              "subticket": selectors.ticket_for_reader(event["subticket"], event.get("facts"),
                                                                       self.user)})

    async def attachment_ready(self, event: dict[str, Any]) -> None:
        await self.send_shared(event, {"type": "attachment.ready", "attachment": event["attachment"]})

    async def ticket_deleted(self, event: dict[str, Any]) -> None:
        if event.get("ticket_id") == self.access.ticket_id:
            self._in_background(self._end(_ended(selectors.TicketGone("The ticket was deleted."))))
        else:  # the parent of a sub-ticket: whether the sub-ticket is still visible is the selector's call
            self._in_background(self._recheck())

    async def ticket_access_changed(self, event: dict[str, Any]) -> None:
        user_ids = event.get("user_ids")
        if user_ids is None or str(self.user.id) in user_ids:
            self._in_background(self._recheck())

    async def user_access_changed(self, event: dict[str, Any]) -> None:
        if event.get("active", True):  # a new role or department: still allowed here?
            self._in_background(self._recheck())
        else:
            await super().user_access_changed(event)


def _public_extra(exc: DomainError) -> dict[str, Any]:
    """The fields of a domain error a client may see beside code and detail."""
    return {k: v for k, v in exc.extra.items() if k in ("retry_after", "errors")}


class NotificationConsumer(_CountedConsumer):
    metrics_route = "notifications"

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        if self.user is None:
            await self.close()
            return
        await self._watch()
        if self._ended:  # deactivated meanwhile: already closed
            return
        if not await self._admit((user_group(self.user.id),)):
            await self.close()
            return
        await self._accept()
        unread = await database_sync_to_async(selectors.notification_unread_count)(user_id=self.user.id)
        await self.send_json({"type": "notifications.unread", "unread": unread})

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        raise _BadFrame("This stream is read-only; use the HTTP API.")

    async def notification_new(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "notification.new", "notification": event["notification"],
                              "unread": event["unread"]})

    async def notification_read(self, event: dict[str, Any]) -> None:
        frame = {k: v for k, v in event.items() if k != "type"}
        await self.send_json({"type": "notification.read", **frame})
