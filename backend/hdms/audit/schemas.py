import uuid
from datetime import datetime

from ninja import Field, Schema

from hdms.audit.kinds import entry_params
from hdms.audit.models import AuditEntry
from hdms.core.schema_types import IsoDateTime


class AuditEntryOut(Schema):
    id: uuid.UUID
    created_at: datetime
    actor_id: uuid.UUID | None
    actor_code: str
    actor_name: str
    action: str
    object_type: str
    object_id: str
    before: dict | None
    after: dict | None
    reason: str
    request_id: str
    ip: str
    archived: bool
    kind: str = ""
    params: dict = {}

    @staticmethod
    def resolve_kind(obj: AuditEntry) -> str:
        return obj.action

    @staticmethod
    def resolve_params(obj: AuditEntry) -> dict:
        return entry_params(before=obj.before, after=obj.after)


class AuditPage(Schema):
    items: list[AuditEntryOut]
    count: int
    next: str | None


class AuditFilters(Schema):
    actor: uuid.UUID | None = None
    action: str | None = Field(None, max_length=64, pattern=r"^[a-z0-9_.]+\*?$")
    object_type: str | None = Field(None, max_length=64, pattern=r"^[a-z0-9_]+$")
    object_id: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    created_after: IsoDateTime | None = None
    created_before: IsoDateTime | None = None
    include_archived: bool = False
