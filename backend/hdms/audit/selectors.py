from django.db.models import QuerySet

from hdms.audit.models import AuditEntry


def audit_list(*, include_archived: bool = False) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    return entries if include_archived else entries.filter(archived=False)
