"""Subscribers to the domain events (hdms.core.events), wired in apps.py.

Room events become channel-layer group sends to ``ticket.<room id>`` (deletions and access
changes too: the room's sockets close or re-check); a user's access change goes to
``ACCESS_GROUP`` (every server process listens there, relay.AccessWatch); notification requests
become stored notifications (through a Celery task, so the publishing request stays fast).
Events come through the outbox, at least once: a redelivery repeats a group send (clients key
frames by id) and carries the same ``event_id``, which makes the notification task skip the
users it already notified.
"""

from typing import Any

from hdms.communication.realtime import ACCESS_GROUP, group_send, room_group
from hdms.communication.tasks import notification_create_task
from hdms.core.events import subscribe


def on_ticket_updated(*, ticket: dict, room_id: Any, facts: dict | None = None, **_: Any) -> None:
    group_send(room_group(room_id), {"type": "ticket.updated", "ticket": ticket, "facts": facts})


def on_subticket_created(*, room_id: Any, subticket: dict, facts: dict | None = None, **_: Any) -> None:
    group_send(room_group(room_id), {"type": "subticket.created", "subticket": subticket, "facts": facts})


def on_attachment_ready(*, room_id: Any, attachment: dict, **_: Any) -> None:
    group_send(room_group(room_id), {"type": "attachment.ready", "attachment": attachment})


def on_message_created(*, room_id: Any, message: dict, **_: Any) -> None:
    group_send(room_group(room_id), {"type": "message.new", "message": message})


def on_message_edited(*, room_id: Any, message: dict, **_: Any) -> None:
    group_send(room_group(room_id), {"type": "message.edited", "message": message})


def on_ticket_deleted(*, ticket_id: Any, room_id: Any, **_: Any) -> None:
    group_send(room_group(room_id), {"type": "ticket.deleted", "ticket_id": str(ticket_id)})


def on_ticket_access_changed(*, ticket_id: Any, room_id: Any, user_ids: list[Any] | None = None, **_: Any) -> None:
    group_send(room_group(room_id), {
        "type": "ticket.access_changed", "ticket_id": str(ticket_id),
        "user_ids": None if user_ids is None else [str(u) for u in user_ids],
    })


def on_user_access_changed(*, user_id: Any, active: bool, **_: Any) -> None:
    group_send(ACCESS_GROUP, {"type": "user.access_changed", "user_ids": [str(user_id)], "active": bool(active)})


def on_user_sessions_revoked(*, user_id: Any, families: list[Any] | None = None, **_: Any) -> None:
    group_send(ACCESS_GROUP, {"type": "user.sessions_revoked", "user_ids": [str(user_id)],
                              "families": None if families is None else [str(f) for f in families]})


def on_notification_requested(
    *, user_ids: list[Any], kind: str, title: str, body: str = "", ticket_id: Any = None,
    urgent: bool = False, actor_id: Any = None, event_id: str = "", params: dict | None = None, **_: Any,
) -> None:
    # The actor stays in: whether their own action notifies them is their preference
    # (mute_own_actions), which notification_create applies.
    recipients = [str(u) for u in user_ids if u]
    if not recipients:
        return
    notification_create_task.apply_async(
        kwargs={"user_ids": recipients, "kind": kind, "title": title, "body": body or "",
                "ticket_id": str(ticket_id) if ticket_id else None, "urgent": bool(urgent),
                "dedupe_key": event_id, "params": params or {},
                "actor_id": str(actor_id) if actor_id else None},
        queue="high" if urgent else "default",
    )


def subscribe_all() -> None:
    subscribe("ticket.updated", on_ticket_updated)
    subscribe("subticket.created", on_subticket_created)
    subscribe("attachment.ready", on_attachment_ready)
    subscribe("notification.requested", on_notification_requested)
    subscribe("message.created", on_message_created)
    subscribe("message.edited", on_message_edited)
    subscribe("ticket.deleted", on_ticket_deleted)
    subscribe("ticket.access_changed", on_ticket_access_changed)
    subscribe("user.access_changed", on_user_access_changed)
    subscribe("user.sessions_revoked", on_user_sessions_revoked)
