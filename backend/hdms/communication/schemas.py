"""Input and output shapes of the communication API (DESIGN §4)."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, StringConstraints


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(..., min_length=1, max_length=10_000)
    client_id: str | None = Field(None, max_length=64)
    attachment_ids: list[UUID] = Field(default_factory=list, max_length=20)
    internal: StrictBool = Field(False, description="An internal note: staff only, never shown to the requestor "
                                                    "(allowed when the ticket's allowed_actions has `note`).")


class MessageEditIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(..., min_length=1, max_length=10_000)


class MessageOut(Schema):
    id: UUID
    ticket_id: UUID
    room_id: UUID
    seq: int
    author_id: UUID
    author_name: str
    author_code: str
    body: str
    client_id: str | None
    attachment_ids: list[UUID]
    created_at: datetime
    edited_at: datetime | None
    internal: bool
    mentions: list[UUID]


class MessageListParams(Schema):
    after: UUID | None = Field(None, description="Message id: return the messages after it, oldest first.")
    cursor: str | None = Field(None, max_length=64, description="The `next` cursor of the previous page.")
    limit: int = Field(50, ge=1, le=100)


class MessagePageOut(Schema):
    items: list[MessageOut]
    count: int
    next: str | None
    # Messages posted before this user joined the room: hidden from them by the join-time rule.
    hidden_before_join: int = 0
    # Whether the chat box offers this user canned responses (canned_rules): the server decides.
    may_use_canned: bool = False


class NotificationOut(Schema):
    id: UUID
    kind: str
    title: str
    body: str
    params: dict
    ticket_id: UUID | None
    urgent: bool
    read_at: datetime | None
    created_at: datetime


class NotificationListParams(Schema):
    unread: bool = False
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(25, ge=1, le=100)


UNREAD_DOC = "Unread in-app notifications, counted up to 100 (100 means 100 or more: show \"99+\")."


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    count: int
    next: str | None
    unread: int = Field(..., description=UNREAD_DOC)


class ReadAllOut(Schema):
    updated: int
    unread: int = Field(..., description=UNREAD_DOC)


class KindPreference(Schema):
    model_config = ConfigDict(extra="forbid")

    in_app: StrictBool
    email: StrictBool


class PreferencesOut(Schema):
    email_enabled: bool
    email_kinds: dict[str, bool]
    kinds: dict[str, KindPreference]
    digest: Literal["off", "hourly", "daily"]
    mute_own_actions: bool


NOTIFICATION_KIND_PATTERN = r"^[a-z0-9_.]{1,40}$"
NotificationKind = Annotated[str, StringConstraints(pattern=NOTIFICATION_KIND_PATTERN)]


class PreferencesPut(Schema):
    """DESIGN §8: ``PUT notifications/preferences {kinds: {<kind>: {in_app, email}}, digest, mute_own_actions}``."""

    model_config = ConfigDict(extra="forbid")

    kinds: dict[NotificationKind, KindPreference] = Field(
        ..., max_length=40, json_schema_extra={"propertyNames": {"pattern": NOTIFICATION_KIND_PATTERN}})
    digest: Literal["off", "hourly", "daily"]
    mute_own_actions: StrictBool


class PreferencesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    email_enabled: StrictBool | None = None
    email_kinds: dict[NotificationKind, StrictBool] | None = Field(
        None, max_length=40, json_schema_extra={"propertyNames": {"pattern": NOTIFICATION_KIND_PATTERN}})


# What the service keeps after stripping a leading "/" and lower-casing (communication/services.py).
SHORTCUT_PATTERN = r"^/?[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"


class CannedIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(..., min_length=1, max_length=120)
    body_en: str = Field(..., min_length=1, max_length=10_000)
    body_ur: str = Field("", max_length=10_000)
    shortcut: str = Field(..., pattern=SHORTCUT_PATTERN, description="Typed as `/shortcut` in the chat box.")
    personal: StrictBool = Field(True, description="The caller's own; false: a department's (`department_id`) "
                                                   "or, without one, the whole desk's (admins).")
    department_id: UUID | None = None


class CannedPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=120)
    body_en: str | None = Field(None, min_length=1, max_length=10_000)
    body_ur: str | None = Field(None, max_length=10_000)
    shortcut: str | None = Field(None, pattern=SHORTCUT_PATTERN)
    version: int | None = Field(None, ge=1, le=2_147_483_647)


class CannedOut(Schema):
    id: UUID
    title: str
    body_en: str
    body_ur: str
    department_id: UUID | None
    owner_id: UUID | None
    shortcut: str
    version: int
    created_at: datetime
    updated_at: datetime
    editable: bool = Field(..., description="Whether the caller may change or delete it.")


class CannedListParams(Schema):
    q: str = Field("", max_length=64, description="Part of the title, or the start of the shortcut.")


class CannedPageOut(Schema):
    items: list[CannedOut]
    count: int
    # Whether the caller may add department or desk-wide ones (admins); everyone here may add their own.
    may_share: bool


class CannedRenderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    ticket_id: UUID
    language: Literal["en", "ur"] | None = Field(None, description="Default: the requestor's language.")


class CannedRenderOut(Schema):
    body: str
    language: Literal["en", "ur"]
