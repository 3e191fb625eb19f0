"""Every read of the communication service: messages (visibility-filtered), notifications, presence."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Q, QuerySet

from hdms.communication import canned_render as canned_render_text
from hdms.communication import canned_rules
from hdms.communication.models import DIGESTS, CannedResponse, Message, Notification, NotificationPreference
from hdms.core.auth import active_user
from hdms.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from hdms.core.notification_kinds import EMAIL_PREFERENCE_KINDS
from hdms.core.prepared import Prepared
from hdms.core.search import RowSql
from hdms.tickets.selectors import (
    ChatAccess,
    chat_access,
    event_payload_for,
    ticket_exists,
    ticket_get_visible,
    ticket_payload,
)

if TYPE_CHECKING:
    from hdms.users.models import User

# ---------------------------------------------------------------------------------------------
# Chat access and message visibility
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomAccess:
    """What one user may see and do in one ticket's room (from the ticket service's chat_access)."""

    ticket_id: str  # the ticket the user opened (a sub-ticket's own id for sub-tickets)
    room_id: str
    sees_all: bool
    silent: bool
    joined_at: datetime | None
    post_refusal: tuple[str, str] | None = None  # (code, detail): why this user may not post now
    reads_notes: bool = False  # sees the internal notes of the room (DESIGN §10)
    note_refusal: tuple[str, str] | None = ("forbidden", "Internal notes are for the staff working the ticket.")

    def can_see(self, created_at: datetime) -> bool:
        return self.sees_all or self.joined_at is None or created_at >= self.joined_at

    def ensure_may_post(self) -> None:
        """403 ``forbidden`` for an admin (they observe silently), 409 ``invalid_transition`` on a
        finished ticket (its chat is read-only): the ticket service's policy decides."""
        if self.post_refusal is not None:
            code, detail = self.post_refusal
            raise (Forbidden if code == Forbidden.code else InvalidTransition)(detail)

    def ensure_may_note(self) -> None:
        """403 ``forbidden`` for anyone but the staff working the ticket, 409 on a finished ticket."""
        if self.note_refusal is not None:
            code, detail = self.note_refusal
            raise (Forbidden if code == Forbidden.code else InvalidTransition)(detail)

    def can_read(self, *, created_at: datetime, internal: bool) -> bool:
        """Whether a message of the room (its time and kind) is for this user's eyes."""
        return (self.reads_notes or not internal) and self.can_see(created_at)


def room_access(*, user: User, ticket_id: Any) -> RoomAccess:
    """The user's access to the ticket's room, or ``NotFound`` (absent or invisible ticket); a read
    (``services.room_enter`` is the same after joining the room)."""
    return room_access_from(ticket_id=ticket_id, access=chat_access(user=user, ticket_id=ticket_id))


def room_access_from(*, ticket_id: Any, access: ChatAccess) -> RoomAccess:
    return RoomAccess(
        ticket_id=str(ticket_id),
        room_id=str(access.room_id),
        sees_all=bool(access.sees_all),
        silent=bool(access.silent),
        joined_at=access.joined_at,
        post_refusal=access.post_refusal,
        reads_notes=bool(access.reads_notes),
        note_refusal=access.note_refusal,
    )


class TicketGone(NotFound):
    """The ticket itself was deleted (not only out of the user's sight)."""


def room_access_current(*, user_id: Any, ticket_id: Any, family: str = "") -> tuple[User, RoomAccess]:
    """``(user, access)`` as an HTTP call would find them now, for a socket opened earlier.

    ``TokenInvalid`` when the user is no longer active (or ``family``, the socket's session, was
    signed out), ``TicketGone`` when the ticket was
    deleted, ``NotFound`` when the user can no longer see it.
    """
    user = active_user(user_id, family)
    try:
        return user, room_access(user=user, ticket_id=ticket_id)
    except NotFound:
        if not ticket_exists(ticket_id=ticket_id):
            raise TicketGone("The ticket was deleted.") from None
        raise


def ticket_for_reader(ticket: dict[str, Any], facts: dict[str, Any] | None, user: User) -> dict[str, Any]:
    """A ticket event's payload with ``user``'s allowed_actions and editable_fields."""
    return event_payload_for(ticket, facts, user)


def message_visible_qs(*, access: RoomAccess) -> QuerySet[Message]:
    return _visible_messages(access.room_id, _since(access), reads_notes=access.reads_notes)


def _since(access: RoomAccess) -> datetime | None:
    """From when ``access`` reads the room (the join-time rule, §9); None: its whole history."""
    return None if access.sees_all else access.joined_at


def _visible_messages(room_id: Any, since: datetime | None, *, reads_notes: bool) -> QuerySet[Message]:
    messages = Message.objects.filter(room_id=room_id).select_related("author")
    if not reads_notes:
        messages = messages.filter(internal=False)
    if since is not None:
        messages = messages.filter(created_at__gte=since)
    return messages


def _hidden_messages(room_id: Any, since: datetime, *, reads_notes: bool) -> QuerySet[Message]:
    hidden = Message.objects.filter(room_id=room_id, created_at__lt=since)
    return hidden if reads_notes else hidden.filter(internal=False)


def message_hidden_count(*, access: RoomAccess) -> int:
    """How many of the room's messages were posted before the user joined (hidden by the
    join-time rule, §9): the page tells a new participant they exist, never what they say."""
    since = _since(access)
    if since is None:
        return 0
    return _counted(_hidden_messages, access, since)


# A room's first page, its count and the hidden count: every message list asks them, so on
# PostgreSQL they are compiled once per shape (hdms/core/prepared.py), one shape per whether the
# reader reads notes, reads from a join time, and the page's size.
_SOME_ROOM = uuid.UUID(int=0x4001)
_SOME_TIME = datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
_PREPARED: dict[tuple[Any, ...], Prepared[Any]] = {}


def _prepared(key: tuple[Any, ...], build: Callable[..., QuerySet[Any]], timed: bool) -> Prepared[Any]:
    prepared = _PREPARED.get(key)
    if prepared is None:
        stand_ins = (_SOME_ROOM, _SOME_TIME) if timed else (_SOME_ROOM,)
        prepared = _PREPARED.setdefault(key, Prepared(build, *stand_ins, vendors=("postgresql",)))
    return prepared


def _counted(messages: Callable[..., QuerySet[Message]], access: RoomAccess, since: datetime | None) -> int:
    """``messages(room, since, reads_notes=...).count()``, through a compiled statement."""
    reads_notes, timed = access.reads_notes, since is not None

    def build(room_id: Any, *at: datetime) -> QuerySet[Any]:
        return (messages(room_id, at[0] if at else None, reads_notes=reads_notes).order_by().values("room_id")
                .annotate(n=Count("id")).values_list("n", flat=True))

    prepared = _prepared((messages.__name__, reads_notes, timed), build, timed)
    values = (access.room_id, since) if timed else (access.room_id,)
    return next(iter(prepared.rows(*values)), 0)


def _newest(access: RoomAccess, count: int) -> list[Message]:
    """The newest ``count`` visible messages, newest first, through a compiled statement."""
    since, reads_notes = _since(access), access.reads_notes
    timed = since is not None

    def build(room_id: Any, *at: datetime) -> QuerySet[Any]:
        return _visible_messages(room_id, at[0] if at else None, reads_notes=reads_notes).order_by("-seq")[:count]

    prepared = _prepared(("newest", reads_notes, timed, count), build, timed)
    return prepared.rows(*((access.room_id, since) if timed else (access.room_id,)))


def message_in_room(*, room_id: Any, message_id: Any) -> bool:
    """Whether ``message_id`` is a message of the room (a ticket's conversation) that files may be
    attached to: internal notes carry no files (their files would show in the ticket's file list)."""
    return Message.objects.filter(id=message_id, room_id=room_id, internal=False).exists()


def message_get_visible(*, access: RoomAccess, message_id: Any) -> Message:
    message = message_visible_qs(access=access).filter(id=message_id).first()
    if message is None:
        raise NotFound()
    return message


def encode_cursor(direction: str, seq: int) -> str:
    return base64.urlsafe_b64encode(f"{direction}:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        direction, seq = raw.split(":", 1)
        if direction not in ("a", "b"):
            raise ValueError(direction)
        return direction, int(seq)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise ValidationFailed("Invalid cursor.", errors=[{"loc": ["cursor"], "msg": "invalid"}]) from exc


@dataclass
class MessagePage:
    items: list[Message]
    count: int
    next_cursor: str | None


def message_page(
    *, access: RoomAccess, after: Any = None, cursor: str | None = None, limit: int = 50
) -> MessagePage:
    """One page of the visible history.

    - no ``after`` / ``cursor``: the newest ``limit`` messages, newest first; ``next`` pages back.
    - ``after=<message id>``: the messages after that one, oldest first (catch-up after a
      reconnect); ``next`` continues forward. An id the user cannot see is a 404.
    Items always carry ``seq``, the room's gap-free sequence number.
    """
    visible = message_visible_qs(access=access)
    count = _counted(_visible_messages, access, _since(access))
    if after is not None:
        anchor = visible.filter(id=after).values_list("seq", flat=True).first()
        if anchor is None:
            raise NotFound("Unknown message id in 'after'.")
        direction, seq = "a", anchor
    elif cursor:
        direction, seq = decode_cursor(cursor)
    else:
        direction, seq = "b", None
    if direction == "a":
        rows = list(visible.filter(seq__gt=seq).order_by("seq")[: limit + 1])
    else:
        rows = (_newest(access, limit + 1) if seq is None
                else list(visible.filter(seq__lt=seq).order_by("-seq")[: limit + 1]))
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(direction, rows[-1].seq) if has_more and rows else None
    return MessagePage(items=rows, count=count, next_cursor=next_cursor)


def message_after_seq(*, access: RoomAccess, seq: int, limit: int) -> list[Message]:
    return list(message_visible_qs(access=access).filter(seq__gt=seq).order_by("seq")[:limit])


def message_seq_of(*, access: RoomAccess, message_id: Any) -> int:
    seq = message_visible_qs(access=access).filter(id=message_id).values_list("seq", flat=True).first()
    if seq is None:
        raise NotFound("Unknown message id.")
    return seq


def message_payload(message: Message) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "ticket_id": str(message.ticket_id),
        "room_id": str(message.room_id),
        "seq": message.seq,
        "author_id": str(message.author_id),
        "author_name": message.author.full_name,
        "author_code": message.author.employee_code,
        "body": message.body,
        "client_id": message.client_id or None,
        "attachment_ids": [str(a) for a in message.attachment_ids],
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "internal": message.internal,
        "mentions": [str(u) for u in message.mentions],
    }


# ---------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(user=user, in_app=True)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def notified_user_ids(*, dedupe_key: str) -> set[str]:
    """Who already has the notification of an event (its ``dedupe_key``): a redelivered event or a
    retried task skips them. The partial index ``notif_dedupe_key`` finds them; its condition is
    written out too, because the generic plan of a prepared statement cannot tell a bound key from
    '' and read every notification newest first instead (1.8 ms and 183 buffers a call at 17,000
    notifications in the 200-user run, growing with the table; bench/RESULTS.md)."""
    found = (Notification.objects.filter(RowSql("{t}.dedupe_key <> ''", []), dedupe_key=dedupe_key)
             .order_by().values_list("user_id", flat=True))
    return {str(user_id) for user_id in found}


# The badge's unread count stops here: the bell shows "99+" past 99, and counting further would
# read every unread row of someone who never reads (bench/RESULTS.md: 63 ms of PostgreSQL CPU per
# new ticket's fan-out once each of 30 staff had 19,000). ``unread == UNREAD_CAP`` means "that many
# or more".
UNREAD_CAP = 100


def notification_unread_count(*, user_id: Any) -> int:
    """The user's unread in-app notifications, counted up to ``UNREAD_CAP``."""
    return notification_unread_counts(user_ids=[user_id])[str(user_id)]


def notification_unread_counts(*, user_ids: list[Any]) -> dict[str, int]:
    """Each user's unread in-app notifications, counted up to ``UNREAD_CAP`` (the one place the
    rule is written), one statement per 100 users: a scalar subquery per user, each stopping at
    the cap (a GROUP BY would read every unread row)."""
    table = connection.ops.quote_name(Notification._meta.db_table)
    # The table's name and a constant are formatted in; the ids are bound.
    one = (f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE user_id = %s AND read_at IS NULL AND in_app"  # noqa: S608
           f" LIMIT {UNREAD_CAP}) AS capped_rows)")
    user_key = Notification._meta.get_field("user").target_field
    ids = list(dict.fromkeys(str(user_id) for user_id in user_ids))
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 100):
            chunk = ids[start:start + 100]
            cursor.execute("SELECT " + ", ".join([one] * len(chunk)),
                           [user_key.get_db_prep_value(user_id, connection) for user_id in chunk])
            counts.update(zip(chunk, cursor.fetchone(), strict=True))
    return {str(user_id): counts[str(user_id)] for user_id in user_ids}


def notification_payload(notification: Notification) -> dict[str, Any]:
    return {
        "id": str(notification.id),
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "params": notification.params or {},
        "ticket_id": str(notification.ticket_id) if notification.ticket_id else None,
        "urgent": notification.urgent,
        "read_at": notification.read_at.isoformat() if notification.read_at else None,
        "created_at": notification.created_at.isoformat(),
    }


# The kinds a person may switch email for (core.notification_kinds; unknown kinds email by default).
NOTIFICATION_KINDS = tuple(kind.value for kind in EMAIL_PREFERENCE_KINDS)


def notification_preferences(*, user: User) -> dict[str, Any]:
    pref = NotificationPreference.objects.filter(user=user).first()
    enabled = pref.email_enabled if pref else True
    stored = dict(pref.email_kinds) if pref else {}
    kinds = {kind: bool(stored.get(kind, True)) for kind in NOTIFICATION_KINDS}
    kinds.update({k: bool(v) for k, v in stored.items() if k not in kinds})
    in_app = dict(pref.in_app_kinds) if pref else {}
    return {
        "email_enabled": enabled, "email_kinds": kinds,
        # DESIGN §8's shape (email per kind also says off when email is off altogether)
        "kinds": {kind: {"in_app": bool(in_app.get(kind, True)), "email": enabled and wants}
                  for kind, wants in kinds.items()},
        "digest": pref.digest if pref else "off",
        "mute_own_actions": pref.mute_own_actions if pref else True,
    }


def notification_in_app_off(*, user_ids: list[str], kind: str,
                            preferences: dict[str, Preferences] | None = None) -> tuple[set[str], set[str]]:
    """``(silenced, email_only)``: users who switched this kind off in the app and by email (nothing
    to deliver to them), and those who switched it off in the app only (the email still goes).
    ``preferences``: theirs, already read (``notification_preferences_of_many``)."""
    if preferences is None:
        preferences = notification_preferences_of_many(user_ids=user_ids)
    off = {str(u) for u in user_ids if not preferences.get(str(u), DEFAULT_PREFERENCES).shows_in_app(kind)}
    silenced = {u for u in off if not preferences.get(u, DEFAULT_PREFERENCES).wants_email(kind)}
    return silenced, off - silenced


@dataclass(frozen=True)
class Preferences:
    """One person's stored notification choices, the defaults where they made none."""

    email_enabled: bool = True
    email_kinds: dict[str, bool] | None = None
    digest: str = "off"
    mute_own_actions: bool = True
    in_app_kinds: dict[str, bool] | None = None

    def wants_email(self, kind: str) -> bool:
        return self.email_enabled and bool((self.email_kinds or {}).get(kind, True))

    def shows_in_app(self, kind: str) -> bool:
        return bool((self.in_app_kinds or {}).get(kind, True))

    @property
    def on_digest(self) -> bool:
        return self.digest in DIGESTS


DEFAULT_PREFERENCES = Preferences()


def _preferences(pref: NotificationPreference) -> Preferences:
    return Preferences(email_enabled=pref.email_enabled, email_kinds=dict(pref.email_kinds), digest=pref.digest,
                       mute_own_actions=pref.mute_own_actions, in_app_kinds=dict(pref.in_app_kinds))


def notification_preferences_of(*, user_id: Any) -> Preferences:
    pref = NotificationPreference.objects.filter(user_id=user_id).first()
    return DEFAULT_PREFERENCES if pref is None else _preferences(pref)


def notification_preferences_of_many(*, user_ids: list[Any]) -> dict[str, Preferences]:
    """The stored choices of those of ``user_ids`` who made any, by user id, in one query (a
    notification's fan-out reads each person's several times: mute, in-app, digest)."""
    if not user_ids:
        return {}
    return {str(p.user_id): _preferences(p) for p in NotificationPreference.objects.filter(user_id__in=user_ids)}


def digest_user_ids(*, user_ids: list[Any], preferences: dict[str, Preferences] | None = None) -> set[str]:
    """Those of ``user_ids`` who chose an hourly or daily email digest. ``preferences``: theirs,
    already read (``notification_preferences_of_many``)."""
    if preferences is None:
        preferences = notification_preferences_of_many(user_ids=user_ids)
    return {str(u) for u in user_ids if preferences.get(str(u), DEFAULT_PREFERENCES).on_digest}


# ---------------------------------------------------------------------------------------------
# Canned responses (DESIGN §10; who sees and manages which: canned_rules)
# ---------------------------------------------------------------------------------------------


def canned_list(*, user: Any, q: str = "") -> QuerySet[CannedResponse]:
    """The canned responses ``user`` may use, by title; ``q`` narrows by title or shortcut."""
    canned_rules.ensure_may_use(user)
    items = CannedResponse.objects.filter(canned_rules.visible_filter(user))
    q = (q or "").strip().lstrip("/")
    if q:
        items = items.filter(Q(title__icontains=q) | Q(shortcut__istartswith=q))
    return items.order_by("title", "id")


def canned_get_visible(*, user: Any, canned_id: Any) -> CannedResponse:
    canned_rules.ensure_may_use(user)
    item = CannedResponse.objects.filter(canned_rules.visible_filter(user), id=canned_id).first()
    if item is None:
        raise NotFound("Canned response not found.")
    return item


def canned_payload(item: CannedResponse, user: Any) -> dict[str, Any]:
    return {
        "id": str(item.id), "title": item.title, "body_en": item.body_en, "body_ur": item.body_ur,
        "department_id": str(item.department_id) if item.department_id else None,
        "owner_id": str(item.owner_id) if item.owner_id else None, "shortcut": item.shortcut,
        "version": item.version, "created_at": item.created_at.isoformat(), "updated_at": item.updated_at.isoformat(),
        "editable": canned_rules.may_manage(user, owner_id=item.owner_id),
    }


def canned_render(*, user: Any, canned_id: Any, ticket_id: Any, language: str | None = None) -> dict[str, str]:
    """The canned response as a reply on the ticket: in ``language``, or the requestor's when not
    given (Urdu falls back to English when the item has no Urdu text), variables filled in."""
    item = canned_get_visible(user=user, canned_id=canned_id)
    ticket = ticket_get_visible(user=user, ticket_id=ticket_id)
    if language is None:
        language = getattr(ticket.requestor, "language", "en")
    language = "ur" if language == "ur" and item.body_ur.strip() else "en"
    text = item.body_ur if language == "ur" else item.body_en
    return {"body": canned_render_text.fill(text, canned_render_text.values_of(ticket_payload(ticket))),
            "language": language}
