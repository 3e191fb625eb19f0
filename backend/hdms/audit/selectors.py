from django.db.models import QuerySet

from hdms.audit.models import AuditEntry


def audit_list(*, include_archived: bool = False) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    return entries if include_archived else entries.filter(archived=False)


def audit_for_object(*, object_type: str, object_id: object) -> QuerySet[AuditEntry]:
    """One object's history, oldest first (archived entries included: history is complete)."""
    return AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("created_at", "id")


def audit_search(*, filters: dict) -> QuerySet[AuditEntry]:
    """The admin audit list: filters by actor, action (exact or ``prefix.*``), object, time; archived
    entries only when asked."""
    entries = audit_list(include_archived=bool(filters.get("include_archived")))
    if filters.get("actor"):
        entries = entries.filter(actor_id=filters["actor"])
    action = filters.get("action")
    if action:
        entries = entries.filter(action__startswith=action[:-1]) if action.endswith("*") else \
            entries.filter(action=action)
    if filters.get("object_type"):
        entries = entries.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        entries = entries.filter(object_id=str(filters["object_id"]))
    if filters.get("created_after"):
        entries = entries.filter(created_at__gte=filters["created_after"])
    if filters.get("created_before"):
        entries = entries.filter(created_at__lt=filters["created_before"])
    return entries.order_by("-created_at", "-id")
