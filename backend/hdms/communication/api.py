"""Routers of the communication service (DESIGN §4); see hdms.topology."""

from typing import Any
from uuid import UUID

from ninja import Query, Router

from hdms.communication import selectors, services
from hdms.communication.canned_rules import may_manage, may_use
from hdms.communication.schemas import (
    CannedIn,
    CannedListParams,
    CannedOut,
    CannedPageOut,
    CannedPatch,
    CannedRenderIn,
    CannedRenderOut,
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
canned_router = Router(tags=["canned-responses"])

KIND_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.")


@messages_router.get("/{ticket_id}/messages", response=MessagePageOut)
def message_list(request: ApiRequest, ticket_id: UUID, params: Query[MessageListParams]) -> dict[str, Any]:
    access = services.room_enter(user=request.auth, ticket_id=ticket_id)
    page = selectors.message_page(access=access, after=params.after, cursor=params.cursor, limit=params.limit)
    # The cursor carries the direction, so ``after`` is not repeated in ``next``.
    nxt = f"{request.path}?cursor={page.next_cursor}&limit={params.limit}" if page.next_cursor else None
    return {"items": [selectors.message_payload(m) for m in page.items], "count": page.count, "next": nxt,
            "hidden_before_join": selectors.message_hidden_count(access=access),
            "may_use_canned": may_use(request.auth)}


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


@canned_router.get("", response=CannedPageOut)
def canned_list(request: ApiRequest, params: Query[CannedListParams]) -> dict[str, Any]:
    items = list(selectors.canned_list(user=request.auth, q=params.q)[:500])
    return {"items": [selectors.canned_payload(item, request.auth) for item in items], "count": len(items),
            "may_share": may_manage(request.auth, owner_id=None)}


@canned_router.post("", response={201: CannedOut})
def canned_create(request: ApiRequest, payload: CannedIn) -> tuple[int, dict[str, Any]]:
    item = services.canned_create(by=request.auth, **payload.dict())
    return 201, selectors.canned_payload(item, request.auth)


@canned_router.get("/{canned_id}", response=CannedOut)
def canned_get(request: ApiRequest, canned_id: UUID) -> dict[str, Any]:
    return selectors.canned_payload(selectors.canned_get_visible(user=request.auth, canned_id=canned_id), request.auth)


@canned_router.patch("/{canned_id}", response=CannedOut)
def canned_update(request: ApiRequest, canned_id: UUID, payload: CannedPatch) -> dict[str, Any]:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version", None)
    item = services.canned_update(by=request.auth, canned_id=canned_id, fields=fields, version=version)
    return selectors.canned_payload(item, request.auth)


@canned_router.delete("/{canned_id}", response={204: None})
def canned_delete(request: ApiRequest, canned_id: UUID) -> tuple[int, None]:
    services.canned_delete(by=request.auth, canned_id=canned_id)
    return 204, None


@canned_router.post("/{canned_id}/render", response=CannedRenderOut)
def canned_render(request: ApiRequest, canned_id: UUID, payload: CannedRenderIn) -> dict[str, str]:
    """The reply for a ticket, in the requestor's language unless ``language`` says otherwise,
    with its variables filled in (DESIGN §10)."""
    return selectors.canned_render(user=request.auth, canned_id=canned_id, ticket_id=payload.ticket_id,
                                   language=payload.language)


routes = [("/tickets", messages_router), ("/notifications", notifications_router),
          ("/canned-responses", canned_router)]
