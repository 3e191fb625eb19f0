"""Routers of the communication service (DESIGN §4); see hdms.topology."""

from typing import Any
from uuid import UUID

from ninja import Query, Router

from hdms.communication import selectors, services
from hdms.communication.schemas import (
    MessageEditIn,
    MessageIn,
    MessageListParams,
    MessageOut,
    MessagePageOut,
    NotificationListParams,
    NotificationOut,
    NotificationPageOut,
    PreferencesIn,
    PreferencesOut,
    PreferencesPut,
    ReadAllOut,
)
from hdms.core.auth import ApiRequest
from hdms.core.errors import ValidationFailed
from hdms.core.pagination import next_url

messages_router = Router(tags=["messages"])
notifications_router = Router(tags=["notifications"])

KIND_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.")


@messages_router.get("/{ticket_id}/messages", response=MessagePageOut)
def message_list(request: ApiRequest, ticket_id: UUID, params: Query[MessageListParams]) -> dict[str, Any]:
    access = services.room_enter(user=request.auth, ticket_id=ticket_id)
    page = selectors.message_page(access=access, after=params.after, cursor=params.cursor, limit=params.limit)
    # The cursor carries the direction, so ``after`` is not repeated in ``next``.
    nxt = f"{request.path}?cursor={page.next_cursor}&limit={params.limit}" if page.next_cursor else None
    return {"items": [selectors.message_payload(m) for m in page.items], "count": page.count, "next": nxt,
            "hidden_before_join": selectors.message_hidden_count(access=access)}


@messages_router.post("/{ticket_id}/messages", response={200: MessageOut, 201: MessageOut})
def message_post(request: ApiRequest, ticket_id: UUID, payload: MessageIn) -> tuple[int, dict]:
    access = services.room_enter(user=request.auth, ticket_id=ticket_id)
    message, created = services.message_create(
        author=request.auth, access=access, body=payload.body, client_id=payload.client_id,
        attachment_ids=payload.attachment_ids, internal=payload.internal,
    )
    return (201 if created else 200), selectors.message_payload(message)


@messages_router.patch("/{ticket_id}/messages/{message_id}", response=MessageOut)
def message_patch(request: ApiRequest, ticket_id: UUID, message_id: UUID, payload: MessageEditIn) -> dict:
    access = services.room_enter(user=request.auth, ticket_id=ticket_id)
    message = services.message_edit(user=request.auth, access=access, message_id=message_id, body=payload.body)
    return selectors.message_payload(message)


@notifications_router.get("", response=NotificationPageOut)
def notification_list(request: ApiRequest, params: Query[NotificationListParams]) -> dict[str, Any]:
    notifications = selectors.notification_list(user=request.auth, unread_only=params.unread)
    count = notifications.count()
    start = (params.page - 1) * params.page_size
    items = list(notifications[start : start + params.page_size])
    has_next = start + params.page_size < count
    return {
        "items": [selectors.notification_payload(n) for n in items],
        "count": count,
        "next": next_url(request, page=params.page + 1) if has_next else None,
        "unread": selectors.notification_unread_count(user_id=request.auth.id),
    }


@notifications_router.post("/read-all", response=ReadAllOut)
def notification_read_all(request: ApiRequest) -> dict[str, int]:
    updated = services.notification_mark_all_read(user=request.auth)
    return {"updated": updated, "unread": selectors.notification_unread_count(user_id=request.auth.id)}


@notifications_router.get("/preferences", response=PreferencesOut)
def preferences_get(request: ApiRequest) -> dict[str, Any]:
    return selectors.notification_preferences(user=request.auth)


@notifications_router.patch("/preferences", response=PreferencesOut)
def preferences_patch(request: ApiRequest, payload: PreferencesIn) -> dict[str, Any]:
    kinds = payload.email_kinds or {}
    bad = [k for k in kinds if not k or len(k) > 40 or not set(k) <= KIND_CHARS]
    if bad:
        raise ValidationFailed("Unknown notification kind.", errors=[{"loc": ["email_kinds"], "msg": "invalid key"}])
    services.notification_preferences_update(
        user=request.auth, email_enabled=payload.email_enabled, email_kinds=kinds
    )
    return selectors.notification_preferences(user=request.auth)


@notifications_router.put("/preferences", response=PreferencesOut)
def preferences_put(request: ApiRequest, payload: PreferencesPut) -> dict[str, Any]:
    """DESIGN §8's whole shape; kinds left out keep their setting. Turning a kind's email on also
    turns email on for the user (the per-kind switch is what the page shows)."""
    kinds = payload.kinds
    services.notification_preferences_update(
        user=request.auth,
        email_enabled=True if any(k.email for k in kinds.values()) else None,
        email_kinds={kind: k.email for kind, k in kinds.items()},
        in_app_kinds={kind: k.in_app for kind, k in kinds.items()},
        digest=payload.digest, mute_own_actions=payload.mute_own_actions,
    )
    return selectors.notification_preferences(user=request.auth)


@notifications_router.post("/{notification_id}/read", response=NotificationOut)
def notification_read(request: ApiRequest, notification_id: UUID) -> dict[str, Any]:
    notification = services.notification_mark_read(user=request.auth, notification_id=notification_id)
    return selectors.notification_payload(notification)


routes = [("/tickets", messages_router), ("/notifications", notifications_router)]
