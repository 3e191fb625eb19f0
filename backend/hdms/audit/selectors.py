from django.db.models import QuerySet

from hdms.audit.models import AuditEntry


def audit_list(*, include_archived: bool = False) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    return entries if include_archived else entries.filter(archived=False)


def audit_for_object(*, object_type: str, object_id: object) -> QuerySet[AuditEntry]:
    """One object's history, oldest first (archived entries included: history is complete)."""
    return AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("created_at", "id")
