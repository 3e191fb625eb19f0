from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from hdms.audit.models import AuditEntry
from hdms.core.bulk import explicit_timestamps
from hdms.core.context import client_ip_var, request_id_var

if TYPE_CHECKING:
    from hdms.users.models import User


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    object_type: str = "",
    object_id: Any = "",
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry; the request id and client IP come from the request context."""
    return AuditEntry.objects.create(
        actor_id=getattr(actor, "id", None),
        actor_code=getattr(actor, "employee_code", "") or "",
        actor_name=getattr(actor, "full_name", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        before=before,
        after=after,
        reason=reason or "",
        request_id=request_id_var.get(),
        ip=client_ip_var.get(),
    )


def audit_archive(*, older_than: datetime, batch_size: int = 5000) -> int:
    """Mark entries created before ``older_than`` as archived (never deleted; the PostgreSQL trigger
    allows exactly this change). Works in batches so a large backlog does not hold long locks."""
    total = 0
    while True:
        ids = list(AuditEntry.objects.filter(archived=False, created_at__lt=older_than)
                   .order_by("created_at").values_list("id", flat=True)[:batch_size])
        if not ids:
            return total
        total += AuditEntry.objects.filter(id__in=ids, archived=False).update(archived=True)


def audit_import(*, entries: list[dict[str, Any]]) -> int:
    """Insert past entries as they happened (each dict: AuditEntry fields incl. ``created_at``);
    for the demo history. Appending only, like ``audit_record``."""
    with explicit_timestamps(AuditEntry):
        rows = AuditEntry.objects.bulk_create([AuditEntry(**entry) for entry in entries], batch_size=1000)
    return len(rows)
