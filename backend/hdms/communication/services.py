"""Every write of the communication service: messages, notifications, preferences, email.

Live pushes and emails happen only after the transaction commits (``transaction.on_commit``),
so a client never sees a message that is not stored ("persist before broadcast").
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import nh3
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from hdms.communication import canned_render as canned_render_text
from hdms.communication import canned_rules, email_text, links, presence, reply_address
from hdms.communication.models import (
    DIGESTS,
    CannedResponse,
    ChatRoom,
    EmailSend,
    EmailSendStatus,
    Message,
    Notification,
    NotificationPreference,
)
from hdms.communication.realtime import group_send, group_send_all, live_groups, user_group
from hdms.communication.selectors import (
    DEFAULT_PREFERENCES,
    Preferences,
    RoomAccess,
    canned_get_visible,
    canned_render,
    digest_user_ids,
    message_get_visible,
    message_payload,
    notification_in_app_off,
    notification_payload,
    notification_preferences_of,
    notification_preferences_of_many,
    notification_unread_count,
    notification_unread_counts,
    notified_user_ids,
    room_access_from,
)
from hdms.core.bulk import explicit_timestamps, insert_batch
from hdms.core.cache import add_many
from hdms.core.errors import Forbidden, NotFound, ValidationFailed, VersionConflict
from hdms.core.events import publish_on_commit
from hdms.core.faults import REDIS_ERRORS
from hdms.core.notification_kinds import NotificationKind as Kind
from hdms.core.outbox import outbox_task
from hdms.files.selectors import attachment_ids_usable_in_room
from hdms.tickets.selectors import (
    mentionable_users,
    note_reader_ids,
    room_participant_ids,
    ticket_get_visible,
    ticket_payload,
)
from hdms.tickets.services import chat_join
from hdms.users.rules import EMPLOYEE_CODE_BODY
from hdms.users.selectors import department_get

if TYPE_CHECKING:
    from hdms.users.models import User

logger = logging.getLogger("hdms.communication")

# nh3 allow list (DESIGN §5): links, bold, italics, lists, code; everything else is stripped
# (script/style contents dropped entirely, other tags unwrapped to their text).
ALLOWED_TAGS = {"a", "b", "strong", "i", "em", "ul", "ol", "li", "code", "pre", "p", "br"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
MENTION_RE = re.compile(rf"(?<![\w@])@({EMPLOYEE_CODE_BODY})")


def sanitize_body(body: str) -> str:
    return nh3.clean(
        body,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def _clean_body(body: object) -> str:
    if not isinstance(body, str):
        raise ValidationFailed("A message needs a body.", errors=[{"loc": ["body"], "msg": "required"}])
    if "\x00" in body:
        raise ValidationFailed("The message contains a NUL byte.", errors=[{"loc": ["body"], "msg": "invalid"}])
    if len(body) > settings.HDMS_MESSAGE_MAX_LENGTH:
        raise ValidationFailed(
            f"A message is at most {settings.HDMS_MESSAGE_MAX_LENGTH} characters.",
            errors=[{"loc": ["body"], "msg": "too long"}],
        )
    clean = sanitize_body(body)
    if not clean:
        raise ValidationFailed("The message is empty.", errors=[{"loc": ["body"], "msg": "empty"}])
    return clean


def _clean_client_id(client_id: Any) -> str:
    if client_id in (None, ""):
        return ""
    if not isinstance(client_id, str) or len(client_id) > 64 or not client_id.isprintable():
        raise ValidationFailed("client_id is at most 64 printable characters.",
                               errors=[{"loc": ["client_id"], "msg": "invalid"}])
    return client_id


def _clean_attachment_ids(attachment_ids: Any) -> list[str]:
    if not attachment_ids:
        return []
    if not isinstance(attachment_ids, list) or len(attachment_ids) > settings.HDMS_MESSAGE_MAX_ATTACHMENTS:
        raise ValidationFailed("attachment_ids is a short list of ids.",
                               errors=[{"loc": ["attachment_ids"], "msg": "invalid"}])
    try:
        return list(dict.fromkeys(str(uuid.UUID(str(a))) for a in attachment_ids))
    except ValueError as exc:
        raise ValidationFailed("attachment_ids must be UUIDs.",
                               errors=[{"loc": ["attachment_ids"], "msg": "invalid"}]) from exc


def _check_attachments_belong(*, author: User, access: RoomAccess, attachment_ids: list[str]) -> None:
    """A message points only at files of its own ticket's conversation that its author can see."""
    if not attachment_ids:
        return
    usable = attachment_ids_usable_in_room(user=author, room_id=access.room_id, attachment_ids=attachment_ids)
    if set(attachment_ids) - usable:
        raise ValidationFailed("attachment_ids must name files of this ticket.",
                               errors=[{"loc": ["attachment_ids"], "msg": "not an attachment of this ticket"}])


# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------


def room_enter(*, user: User, ticket_id: Any) -> RoomAccess:
    """Open a ticket's chat as ``user`` (HTTP or socket): joins its room if they may see the ticket
    and are not in it yet (tickets.services.chat_join); ``NotFound`` when they may not see it."""
    return room_access_from(ticket_id=ticket_id, access=chat_join(user=user, ticket_id=ticket_id))


def _mention_ids(*, author: Any, access: RoomAccess, body: str, internal: bool) -> list[str]:
    """The ids of the people ``body`` @mentions, each of whom reads the conversation (a note: reads
    notes). Anyone else is refused (422 naming them): a mention never widens who sees a ticket, and
    an unknown code is refused alike, so the answer does not tell who exists."""
    codes = mentioned_codes(body)
    if not codes:
        return []
    people = mentionable_users(user=author, ticket_id=access.ticket_id, internal=internal, codes=codes)
    found = {p.employee_code.lower(): str(p.id) for p in people}
    own = author.employee_code.lower()
    refused = [c for c in codes if c.lower() not in found and c.lower() != own]
    if refused:
        where = "this note" if internal else "this ticket"
        raise ValidationFailed(
            f"Only people who can read {where} can be mentioned: {', '.join('@' + c for c in refused)}.",
            errors=[{"loc": ["body"], "msg": f"@{code} cannot read {where}", "type": "mention_not_allowed"}
                    for code in refused])
    return list(dict.fromkeys(found[c.lower()] for c in codes if c.lower() in found))


def message_create(
    *, author: User, access: RoomAccess, body: str | None, client_id: str | None = None,
    attachment_ids: list[Any] | None = None, internal: bool = False,
) -> tuple[Message, bool]:
    """Store a message (``internal``: a staff-only note, DESIGN §10) and broadcast it after commit;
    ``(message, created)``.

    A resend with the same ``client_id`` by the same author in the same room returns the stored
    message with ``created=False`` and broadcasts nothing again.
    """
    if internal:
        access.ensure_may_note()
    else:
        access.ensure_may_post()
    client_id = _clean_client_id(client_id)
    clean = _clean_body(body)
    attachments = _clean_attachment_ids(attachment_ids)
    if internal and attachments:
        raise ValidationFailed("Internal notes carry no files; attach them to a reply.",
                               errors=[{"loc": ["attachment_ids"], "msg": "not allowed on a note"}])
    _check_attachments_belong(author=author, access=access, attachment_ids=attachments)
    with transaction.atomic():
        # The room row lock orders inserts: seq order is commit order (exact catch-up). The room
        # usually exists: lock it straight away, and create it only the first time.
        room = ChatRoom.objects.select_for_update().filter(id=access.room_id).first()
        if room is None:
            ChatRoom.objects.get_or_create(id=access.room_id)
            room = ChatRoom.objects.select_for_update().get(id=access.room_id)
        # A resend (same client_id) is found under the lock, so it is answered once, never stored twice.
        if client_id:
            existing = _message_by_client_id(author=author, room_id=access.room_id, client_id=client_id)
            if existing is not None:
                return existing, False
        mentions = _mention_ids(author=author, access=access, body=clean, internal=internal)
        room.last_seq += 1
        room.save(update_fields=["last_seq", "updated_at"])
        message = Message.objects.create(
            room_id=access.room_id, ticket_id=access.ticket_id, seq=room.last_seq, author=author,
            body=clean, client_id=client_id, attachment_ids=attachments, internal=internal, mentions=mentions,
        )
        message.author = author
        payload = message_payload(message)
        # Through the outbox: stored with the message, so Redis being down loses no broadcast.
        publish_on_commit("message.created", room_id=payload["room_id"], message=payload)
        outbox_task("communication.message_notify", args=[payload["id"]], queue="default")
    return message, True


def _message_by_client_id(*, author: User, room_id: str, client_id: str) -> Message | None:
    return (Message.objects.select_related("author")
            .filter(author_id=author.id, room_id=room_id, client_id=client_id).first())


def message_edit(*, user: User, access: RoomAccess, message_id: Any, body: str) -> Message:
    """The author edits their message within ``HDMS_MESSAGE_EDIT_MINUTES``; shown as edited. A note
    is edited under the note rule (an admin may edit their note though they never reply)."""
    clean = _clean_body(body)
    with transaction.atomic():
        visible = message_get_visible(access=access, message_id=message_id)
        if visible.internal:
            access.ensure_may_note()
        else:
            access.ensure_may_post()
        message = Message.objects.select_for_update().select_related("author").get(id=visible.id)
        if message.author_id != user.id:
            raise Forbidden("Only the author can edit a message.")
        window = timedelta(minutes=settings.HDMS_MESSAGE_EDIT_MINUTES)
        if timezone.now() - message.created_at > window:
            raise Forbidden(f"Messages can be edited for {settings.HDMS_MESSAGE_EDIT_MINUTES} minutes only.")
        if clean != message.body:
            message.body = clean
            # An edit may not mention anyone the message could not (it notifies nobody new).
            message.mentions = _mention_ids(author=user, access=access, body=clean, internal=message.internal)
            message.edited_at = timezone.now()
            message.version += 1
            message.save(update_fields=["body", "mentions", "edited_at", "version", "updated_at"])
            payload = message_payload(message)
            publish_on_commit("message.edited", room_id=payload["room_id"], message=payload)
    return message


def mentioned_codes(body: str) -> list[str]:
    return list(dict.fromkeys(MENTION_RE.findall(body)))[:20]


def message_notify_recipients(*, message_id: Any) -> None:
    """Notifications for a new message: participants not in the room now, and mentioned users
    (``message.mentions``, checked when it was posted). An internal note notifies only those who
    read notes (DESIGN §10): never the requestor, whatever their role.

    Idempotent: a rerun (task retry) finds the notifications it already made and makes no more.
    """
    message = Message.objects.select_related("author").filter(id=message_id).first()
    if message is None:
        return
    author_id = str(message.author_id)
    try:
        ticket = ticket_payload(ticket_get_visible(user=message.author, ticket_id=message.ticket_id))
    except NotFound:
        return  # deleted meanwhile, or its author lost sight of it
    label = f"{ticket['number']} {ticket['title']}".strip()

    mentioned = {str(u) for u in message.mentions} - {author_id}
    present = presence.room_present_user_ids(str(message.room_id))
    # The author is left to the mute-own-actions rule of notification_create (muted by default).
    away = set(room_participant_ids(room_id=message.room_id)) - present - mentioned
    if message.internal:
        readers = note_reader_ids(room_id=message.room_id, user_ids=sorted(mentioned | away))
        mentioned, away = mentioned & readers, away & readers
    marker = f"message:{message.id}"
    already = notified_user_ids(dedupe_key=marker)
    snippet = re.sub(r"<[^>]+>", "", message.body)[:300]
    author_name = message.author.full_name
    what = "an internal note" if message.internal else "a message"
    params = {"number": ticket["number"], "title": ticket["title"], "author": author_name,
              "internal": message.internal}
    if mentioned - already:
        notification_create(
            user_ids=sorted(mentioned - already), kind=Kind.MENTION,
            title=f"{author_name} mentioned you in {what} on {label}",
            body=snippet, ticket_id=str(message.ticket_id), dedupe_key=marker, params=params, actor_id=author_id,
        )
    if away - already:
        notification_create(
            user_ids=sorted(away - already), kind=Kind.MESSAGE,
            title=f"New {'internal note' if message.internal else 'message'} from {author_name} on {label}",
            body=snippet, ticket_id=str(message.ticket_id), dedupe_key=marker, params=params, actor_id=author_id,
        )


# ---------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------


def notification_create(
    *, user_ids: list[Any], kind: str, title: str, body: str = "", ticket_id: Any = None,
    urgent: bool = False, dedupe_key: str = "", params: dict | None = None, actor_id: Any = None,
) -> list[Notification]:
    """Store one notification per user, push each live, and queue email for users not online.

    ``actor_id``: who caused it. They are left out unless they turned "don't notify me about my
    own changes" off (DESIGN §8; on by default)."""
    user_ids = list(dict.fromkeys(str(u) for u in user_ids if u))
    actor = str(actor_id) if actor_id else ""
    # Everyone's choices in one read: the actor's mute, the in-app switches, the digests.
    preferences = notification_preferences_of_many(user_ids=user_ids)
    if actor in user_ids and preferences.get(actor, DEFAULT_PREFERENCES).mute_own_actions:
        user_ids.remove(actor)
    email_only: set[str] = set()
    if user_ids:
        silenced, email_only = notification_in_app_off(user_ids=user_ids, kind=kind, preferences=preferences)
        user_ids = [u for u in user_ids if u not in silenced]
    if not user_ids:
        return []
    online = presence.online_user_ids(user_ids)
    with transaction.atomic():
        rows = [
            Notification(
                user_id=user_id, kind=kind[:40], title=title[:200], body=body or "", params=params or {},
                ticket_id=ticket_id or None, urgent=urgent, in_app=user_id not in email_only,
                # Email-only ones are emailed whether or not the person is online: the app never shows them.
                email_pending=user_id not in online or user_id in email_only, dedupe_key=dedupe_key,
            )
            for user_id in user_ids
        ]
        created = _insert_missing(rows) if dedupe_key else insert_batch(Notification, rows, per_row=_PER_PERSON)
        _queue_notification_emails(created, preferences)
        shown = [n for n in created if n.in_app]
        if shown:
            transaction.on_commit(lambda: _push_new_notifications(shown), robust=True)
    return created


# What differs between the notifications of one fan-out (``core.bulk.insert_batch``).
_PER_PERSON = ("id", "user", "in_app", "email_pending")


def _insert_missing(rows: list[Notification]) -> list[Notification]:
    """Rows of one event (one ``dedupe_key``): those not there yet, inserted; the ones inserted.

    A redelivered event or task finds its rows there, and the unique (user, dedupe_key) constraint
    decides even between racing deliveries: on PostgreSQL one ``INSERT ... ON CONFLICT DO NOTHING
    RETURNING``. Elsewhere one insert, and only on a conflict the missing ones inserted and read
    back, an index lookup per row."""
    if connection.vendor == "postgresql":
        return insert_batch(Notification, rows, per_row=_PER_PERSON, skip_conflicts=True)
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        inserted = set(Notification.objects.filter(id__in=[r.id for r in rows]).order_by().values_list("id", flat=True))
        return [r for r in rows if r.id in inserted]


def _queue_notification_emails(notifications: list[Notification], preferences: dict[str, Preferences]) -> None:
    """In the notifications' transaction, through the outbox: an email is never lost to an outage
    (and ``communication.email_pending_sweep`` flushes what a failed flush left pending). People
    on an hourly or daily digest get the non-urgent ones in their digest (``email_digests_send``)."""
    waiting = [n for n in notifications if n.email_pending]
    on_digest = digest_user_ids(user_ids=[n.user_id for n in waiting if not n.urgent], preferences=preferences)
    windows: dict[str, str] = {}  # digest-window key -> user id, in the batch's order
    for notification in waiting:
        user_id = str(notification.user_id)
        if notification.urgent:
            outbox_task("communication.notification_email_flush", args=[user_id], queue="high")
        elif user_id not in on_digest:
            windows[f"hdms:email-digest:{user_id}"] = user_id
    if not windows:
        return
    # The first notification of a burst opens the person's window and schedules one flush; the
    # rest ride along. Every window of the batch is opened in one Redis round trip.
    opened = add_many(list(windows), 1, settings.HDMS_EMAIL_DIGEST_SECONDS + 60)
    for key, user_id in windows.items():
        if key in opened:
            outbox_task("communication.notification_email_flush", args=[user_id], queue="default",
                        countdown=settings.HDMS_EMAIL_DIGEST_SECONDS)


def _push_new_notifications(notifications: list[Notification]) -> None:
    """Live badge pushes to the recipients with a socket open; best effort: the rows are stored and
    a client reads them (and its unread count) when it connects. One Redis pipeline finds who is
    live, one query reads their unread counts and one call sends: the unread counts of the offline
    (most of the 30 staff a new ticket tells) are not read (1 ms of PostgreSQL's CPU a batch,
    bench/RESULTS.md)."""
    groups = {str(n.user_id): user_group(n.user_id) for n in notifications}
    try:
        live = live_groups(list(dict.fromkeys(groups.values())))
        reached = [n for n in notifications if groups[str(n.user_id)] in live]
        if not reached:
            return
        unread = notification_unread_counts(user_ids=[n.user_id for n in reached])
        group_send_all([
            (groups[str(notification.user_id)], {
                "type": "notification.new",
                "notification": notification_payload(notification),
                "unread": unread[str(notification.user_id)],
            })
            for notification in reached
        ], live=live)
    except REDIS_ERRORS as exc:
        logger.warning("Live notification push skipped: %s: %s", type(exc).__name__, exc)


def _push_unread(user_id: Any, **fields: Any) -> None:
    """Best effort, like ``_push_new_notifications``: the read state is stored."""
    try:
        group_send(user_group(user_id), {
            "type": "notification.read", "unread": notification_unread_count(user_id=user_id), **fields,
        })
    except REDIS_ERRORS as exc:
        logger.warning("Live unread-count push skipped: %s: %s", type(exc).__name__, exc)


def notification_mark_read(*, user: User, notification_id: Any) -> Notification:
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(id=notification_id, user=user).first()
        if notification is None:
            raise NotFound("Notification not found.")
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.email_pending = False
            notification.version += 1
            notification.save(update_fields=["read_at", "email_pending", "version", "updated_at"])
        ids = [str(notification.id)]
        transaction.on_commit(lambda: _push_unread(user.id, ids=ids), robust=True)
    return notification


def notification_mark_all_read(*, user: User) -> int:
    with transaction.atomic():
        count = Notification.objects.filter(user=user, read_at__isnull=True, in_app=True).update(
            read_at=timezone.now(), email_pending=False, updated_at=timezone.now()
        )
        transaction.on_commit(lambda: _push_unread(user.id, all=True), robust=True)
    return count


def notification_preferences_update(
    *, user: User, email_enabled: bool | None = None, email_kinds: dict[str, bool] | None = None,
    in_app_kinds: dict[str, bool] | None = None, digest: str | None = None, mute_own_actions: bool | None = None,
) -> NotificationPreference:
    with transaction.atomic():
        pref, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
        if email_enabled is not None:
            pref.email_enabled = email_enabled
        if email_kinds:
            pref.email_kinds = {**pref.email_kinds, **{k: bool(v) for k, v in email_kinds.items()}}
        if in_app_kinds:
            pref.in_app_kinds = {**pref.in_app_kinds, **{k: bool(v) for k, v in in_app_kinds.items()}}
        if digest is not None:
            pref.digest = digest
        if mute_own_actions is not None:
            pref.mute_own_actions = mute_own_actions
        pref.version += 1
        pref.save()
    return pref


# ---------------------------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------------------------


def notification_email_flush(*, user_id: Any) -> int:
    """Email the user's pending notifications: one email, a digest when there are several.

    Skipped (and cleared) for a user who is online now (unless the app does not show it: switched
    off in the app, on by email), has read them, or opted out of their kind.
    The notifications are claimed under a row lock and an ``EmailSend`` record written in one
    transaction; the email goes out after it commits, with no lock held while SMTP answers
    (``email_send_deliver``). A user on an hourly or daily digest gets only the urgent ones here;
    the rest wait for the digest. Returns the number of notifications the email carries.
    """
    user_id = str(user_id)
    cache.delete(f"hdms:email-digest:{user_id}")
    preferences = notification_preferences_of(user_id=user_id)  # once, not once per notification
    with transaction.atomic():
        candidates = Notification.objects.filter(user_id=user_id, email_pending=True)
        if preferences.on_digest:
            candidates = candidates.filter(urgent=True)
        pending = list(
            candidates.select_for_update(skip_locked=True).select_related("user").order_by("created_at")
        )
        if not pending:
            return 0
        user = pending[0].user
        online = bool(presence.online_user_ids([user_id]))
        to_send = [
            n for n in pending
            if n.read_at is None and (not online or not n.in_app) and user.email and user.is_active
            and preferences.wants_email(n.kind)
        ]
        Notification.objects.filter(id__in=[n.id for n in pending]).update(email_pending=False)
        if to_send:
            send = EmailSend.objects.create(user_id=user_id, notification_ids=[str(n.id) for n in to_send])
            # Not robust: a refused send reaches the caller (the task retries it).
            transaction.on_commit(lambda: email_send_deliver(send_id=send.id))
    return len(to_send)


def email_send_deliver(*, send_id: Any) -> bool:
    """Send one ``EmailSend`` if nobody has: the move from pending to sending is the claim (one
    UPDATE, committed before SMTP is spoken to). SMTP refusing it marks it failed and its
    notifications pending again, and re-raises (the task retries, the sweep picks them up).
    Returns whether this call sent it."""
    claimed = EmailSend.objects.filter(id=send_id, status=EmailSendStatus.PENDING).update(
        status=EmailSendStatus.SENDING, updated_at=timezone.now())
    if not claimed:
        return False
    send = EmailSend.objects.select_related("user").get(id=send_id)
    notifications = list(Notification.objects.filter(id__in=send.notification_ids).order_by("created_at"))
    try:
        _send_notification_email(user=send.user, notifications=notifications,
                                 digest=send.digest_period.partition(":")[0])
    except Exception as exc:
        with transaction.atomic():
            EmailSend.objects.filter(id=send_id).update(status=EmailSendStatus.FAILED, error=repr(exc)[:2000],
                                                        updated_at=timezone.now())
            Notification.objects.filter(id__in=send.notification_ids, read_at__isnull=True).update(
                email_pending=True)
        raise
    now = timezone.now()
    with transaction.atomic():
        EmailSend.objects.filter(id=send_id).update(status=EmailSendStatus.SENT, sent_at=now, updated_at=now)
        Notification.objects.filter(id__in=send.notification_ids).update(emailed_at=now)
    return True


def notification_email_sweep() -> int:
    """Queue a flush for every user whose emails are still pending well after their digest was due
    (the flush failed for good while SMTP was down), and the delivery of every send record whose
    delivery never started (the process ended between commit and send). Returns how many it queued."""
    due = timezone.now() - timedelta(seconds=settings.HDMS_EMAIL_DIGEST_SECONDS + 120)
    # Non-urgent notifications of people on a digest wait for it (email_digests_send).
    on_digest = NotificationPreference.objects.filter(digest__in=DIGESTS).values("user_id")
    user_ids = list(Notification.objects.filter(email_pending=True, created_at__lt=due)
                    .exclude(Q(urgent=False) & Q(user_id__in=on_digest))
                    .order_by().values_list("user_id", flat=True).distinct()[:500])
    for user_id in user_ids:
        outbox_task("communication.notification_email_flush", args=[str(user_id)], queue="default")
    send_ids = list(EmailSend.objects.filter(status=EmailSendStatus.PENDING, created_at__lt=due)
                    .values_list("id", flat=True)[:500])
    for send_id in send_ids:
        outbox_task("communication.email_send_deliver", args=[str(send_id)], queue="default")
    return len(user_ids) + len(send_ids)


def digest_period_start(*, digest: str, now: datetime | None = None) -> datetime:
    """When the current period of an hourly or daily digest began, in the desk's time zone: the
    last full hour, or the last ``HDMS_EMAIL_DAILY_DIGEST_HOUR`` o'clock."""
    local = timezone.localtime(now or timezone.now())
    if digest == "hourly":
        return local.replace(minute=0, second=0, microsecond=0)
    start = local.replace(hour=settings.HDMS_EMAIL_DAILY_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if start > local:
        start = timezone.localtime(start - timedelta(days=1)).replace(hour=settings.HDMS_EMAIL_DAILY_DIGEST_HOUR)
    return start


def email_digests_send(*, now: datetime | None = None) -> int:
    """The beat job of the digests: for everyone on an hourly or daily digest with email waiting,
    one digest for the current period (``email_digest_send``). Returns how many went out."""
    now = now or timezone.now()
    waiting = (Notification.objects.filter(email_pending=True, urgent=False)
               .order_by().values("user_id").distinct())
    people = NotificationPreference.objects.filter(digest__in=DIGESTS, user_id__in=waiting).values_list(
        "user_id", "digest")
    sent = 0
    for user_id, digest in people:
        try:
            sent += bool(email_digest_send(user_id=user_id, digest=digest, now=now))
        except Exception:  # one person's failure (SMTP refused: retried next tick) stops nobody else
            logger.exception("The email digest of %s failed", user_id)
    return sent


def email_digest_send(*, user_id: Any, digest: str, now: datetime | None = None) -> int:
    """One digest email for the period that began last (``digest_period_start``), carrying the
    user's unread notifications that arrived before it, once per period: the ``EmailSend`` record
    (unique per user and period unless it failed) is written with the claim of the notifications,
    the email goes out after commit (``email_send_deliver``: at most once). A second run in the
    same period, a racing tick or a retried task sends nothing. Returns how many it carries."""
    start = digest_period_start(digest=digest, now=now)
    period = f"{digest}:{start.isoformat(timespec='minutes')}"
    user_id = str(user_id)
    with transaction.atomic():
        if EmailSend.objects.filter(user_id=user_id, digest_period=period).exclude(
                status=EmailSendStatus.FAILED).exists():
            return 0
        pending = list(
            Notification.objects.select_for_update(skip_locked=True).select_related("user")
            .filter(user_id=user_id, email_pending=True, urgent=False, created_at__lt=start)
            .order_by("created_at")
        )
        if not pending:
            return 0
        user = pending[0].user
        pref = notification_preferences_of(user_id=user_id)
        # No "online now" check: a digest is the period's summary, whoever is signed in when it
        # goes; what they read meanwhile is left out.
        to_send = [n for n in pending if n.read_at is None and user.email and user.is_active
                   and pref.wants_email(n.kind)]
        Notification.objects.filter(id__in=[n.id for n in pending]).update(email_pending=False)
        if not to_send:
            return 0
        try:
            with transaction.atomic():
                send = EmailSend.objects.create(user_id=user_id, notification_ids=[str(n.id) for n in to_send],
                                                digest_period=period)
        except IntegrityError:  # another tick wrote this period's digest meanwhile
            transaction.set_rollback(True)
            return 0
        transaction.on_commit(lambda: email_send_deliver(send_id=send.id))
    return len(to_send)


def _send_notification_email(*, user: Any, notifications: list[Notification], digest: str = "") -> None:
    """One email in the recipient's language (``user.language``), right-to-left for Urdu;
    ``digest`` (hourly, daily) says it is that digest."""
    language = email_text.language_of(user)
    chrome = email_text.CHROME[language]
    items = [
        {
            "title": email_text.notification_sentence(kind=n.kind, title=n.title, params=n.params,
                                                      language=language),
            "body": n.body, "kind": n.kind, "urgent": n.urgent,
            "when": email_text.format_datetime(timezone.localtime(n.created_at), language),
            "url": links.ticket_url(n.ticket_id) if n.ticket_id else links.notifications_url(),
        }
        for n in notifications
    ]
    context = {
        "user": user, "items": items, "digest": len(items) > 1, "language": language,
        "dir": "rtl" if language == "ur" else "ltr", "text": chrome,
        "greeting": chrome["greeting"].format(name=user.full_name),
        "intro": chrome["many"].format(count=len(items)) if len(items) > 1 else chrome["one"],
        "why": chrome[f"why_{digest}"] if digest else chrome["why"],
        "site_url": links.web_url(""), "settings_url": links.notification_settings_url(),
    }
    what = items[0]["title"] if len(items) == 1 else chrome["subject_many"].format(count=len(items))
    if digest:
        what = chrome[f"subject_{digest}"].format(count=len(items))
    subject = f"[HDMS] {what}"
    text = render_to_string("communication/email/notifications.txt", context)
    html = render_to_string("communication/email/notifications.html", context)
    # RFC 3834: an automatic mail, so out-of-office replies leave it alone (no loop with email in).
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    ticket_ids = {str(n.ticket_id) for n in notifications if n.ticket_id}
    reply_to = None
    if reply_address.enabled() and len(ticket_ids) == 1 and all(n.ticket_id for n in notifications):
        # About one ticket: answering the email writes in its conversation (DESIGN §11, email in).
        reply_to = [reply_address.reply_address(ticket_id=ticket_ids.pop(), user_id=user.id)]
    email = EmailMultiAlternatives(subject=subject[:200], body=text, to=[user.email], reply_to=reply_to,
                                   headers=headers)
    email.attach_alternative(html, "text/html")
    email.send()


def conversation_import(*, rooms: dict[Any, int], messages: list[dict[str, Any]]) -> int:
    """Insert past conversations as they happened (the demo history): ``rooms`` maps a room id to
    its last ``seq`` (every room has at least one message); each message dict holds Message fields
    incl. ``created_at`` and ``seq``."""
    first: dict[Any, datetime] = {}  # room id -> its first message's time
    for message in messages:
        first.setdefault(message["room_id"], message["created_at"])
    with explicit_timestamps(ChatRoom, Message):
        ChatRoom.all_objects.bulk_create(
            [ChatRoom(id=room_id, last_seq=seq, created_at=first[room_id], updated_at=first[room_id])
             for room_id, seq in rooms.items()], batch_size=1000)
        rows = Message.all_objects.bulk_create([Message(**m, updated_at=m["created_at"]) for m in messages],
                                               batch_size=1000)
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Canned responses (DESIGN §10; who manages which: canned_rules)
# ---------------------------------------------------------------------------------------------

SHORTCUT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def _canned_clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Checks what a create or change sets: the shortcut's form, the bodies' length, and that every
    ``{{variable}}`` is one the server fills in (422 naming each field)."""
    errors = []
    if "shortcut" in fields:
        fields["shortcut"] = str(fields["shortcut"]).strip().lstrip("/").lower()
        if not SHORTCUT_RE.match(fields["shortcut"]):
            errors.append({"loc": ["body", "shortcut"], "msg": "1-32 lower-case letters, digits, '-' or '_'"})
    for name in ("title", "body_en", "body_ur"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
            if "\x00" in fields[name]:
                errors.append({"loc": ["body", name], "msg": "contains a NUL byte"})
            unknown = canned_render_text.unknown_variables(fields[name])
            if unknown:
                errors.append({"loc": ["body", name],
                               "msg": f"unknown variable(s) {', '.join(unknown)}; known: "
                                      f"{', '.join(canned_render_text.VARIABLES)}"})
    for name in ("title", "body_en"):
        if name in fields and not fields[name]:
            errors.append({"loc": ["body", name], "msg": "required"})
    if errors:
        raise ValidationFailed("The canned response is not valid.", errors=errors)
    return fields


def _canned_shortcut_taken(*, shortcut: str, owner_id: Any, department_id: Any, exclude: Any = None) -> bool:
    same_scope = CannedResponse.objects.filter(shortcut=shortcut, owner_id=owner_id, department_id=department_id)
    return same_scope.exclude(id=exclude).exists()


def _canned_taken_error() -> ValidationFailed:
    return ValidationFailed("This shortcut is already used here.",
                            errors=[{"loc": ["body", "shortcut"], "msg": "already used"}])


def canned_create(
    *, by: Any, title: str, body_en: str, body_ur: str = "", shortcut: str, personal: bool = True,
    department_id: Any = None,
) -> CannedResponse:
    """A personal canned response (the caller's), or a department's or the desk's (admins)."""
    owner_id = by.id if personal else None
    canned_rules.ensure_may_use(by)
    canned_rules.ensure_may_manage(by, owner_id=owner_id)
    if personal and department_id is not None:
        raise ValidationFailed("A personal canned response has no department.",
                               errors=[{"loc": ["body", "department_id"], "msg": "not with personal"}])
    if department_id is not None and department_get(department_id=department_id) is None:
        raise ValidationFailed("Unknown department.", errors=[{"loc": ["body", "department_id"], "msg": "not found"}])
    fields = _canned_clean({"title": title, "body_en": body_en, "body_ur": body_ur, "shortcut": shortcut})
    with transaction.atomic():
        if _canned_shortcut_taken(shortcut=fields["shortcut"], owner_id=owner_id, department_id=department_id):
            raise _canned_taken_error()
        try:
            with transaction.atomic():
                return CannedResponse.objects.create(owner_id=owner_id, department_id=department_id,
                                                     created_by=by, **fields)
        except IntegrityError:  # a concurrent create of the same shortcut won
            raise _canned_taken_error() from None


def canned_update(*, by: Any, canned_id: Any, fields: dict[str, Any], version: int | None = None) -> CannedResponse:
    """Change the text or shortcut; ``version`` (when sent) must be the current one (409)."""
    visible = canned_get_visible(user=by, canned_id=canned_id)
    canned_rules.ensure_may_manage(by, owner_id=visible.owner_id)
    fields = _canned_clean({k: v for k, v in fields.items() if k in ("title", "body_en", "body_ur", "shortcut")})
    with transaction.atomic():
        item = CannedResponse.objects.select_for_update().get(id=visible.id)
        if version is not None and version != item.version:
            raise VersionConflict()
        if "shortcut" in fields and _canned_shortcut_taken(
                shortcut=fields["shortcut"], owner_id=item.owner_id, department_id=item.department_id, exclude=item.id):
            raise _canned_taken_error()
        changed = [name for name, value in fields.items() if getattr(item, name) != value]
        if changed:
            for name in changed:
                setattr(item, name, fields[name])
            item.version += 1
            try:
                with transaction.atomic():
                    item.save(update_fields=[*changed, "version", "updated_at"])
            except IntegrityError:
                raise _canned_taken_error() from None
    return item


def canned_delete(*, by: Any, canned_id: Any) -> None:
    item = canned_get_visible(user=by, canned_id=canned_id)
    canned_rules.ensure_may_manage(by, owner_id=item.owner_id)
    CannedResponse.objects.filter(id=item.id).soft_delete()


def canned_reply_for(*, by: Any, canned_id: Any) -> Callable[[Any], Message]:
    """A bulk "apply a canned response" (DESIGN §10): checks once that ``by`` may use the canned
    response (422 naming ``fields.canned_id``), then answers a function posting it on one ticket as
    ``by``'s reply, rendered in that ticket's requestor's language as the chat box renders it, with
    every check a reply posted alone has (who may write there, a finished ticket's closed chat)."""
    canned_rules.ensure_may_use(by)
    try:
        item = canned_get_visible(user=by, canned_id=canned_id)
    except NotFound:
        raise ValidationFailed("Canned response not found.",
                               errors=[{"loc": ["body", "fields", "canned_id"], "msg": "not found"}]) from None

    def reply(ticket_id: Any) -> Message:
        body = canned_render(user=by, canned_id=item.id, ticket_id=ticket_id)["body"]
        message, _ = message_create(author=by, access=room_enter(user=by, ticket_id=ticket_id), body=body)
        return message

    return reply
