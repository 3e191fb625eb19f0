"""Every read of the ai service."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Max, QuerySet

from hdms.ai.models import DepartmentSwitch, ModelStatus, ModelVersion, Suggestion
from hdms.core.errors import NotFound


def model_version_list() -> QuerySet[ModelVersion]:
    return ModelVersion.objects.select_related("requested_by").order_by("-number")


def model_version_get(*, version_id: Any) -> ModelVersion:
    try:
        version = ModelVersion.objects.filter(id=version_id).first()
    except (ValueError, TypeError, DjangoValidationError):
        version = None
    if version is None:
        raise NotFound()
    return version


def active_version_key() -> tuple[str, int, str, str] | None:
    """(id, number, artefact, sha256) of the served version, or None."""
    row = (ModelVersion.objects.filter(is_active=True, status=ModelStatus.READY)
           .values_list("id", "number", "artefact", "sha256").first())
    return (str(row[0]), row[1], row[2], row[3]) if row else None


def next_version_number() -> int:
    return (ModelVersion.all_objects.aggregate(n=Max("number"))["n"] or 0) + 1


def suggestion_get(*, suggestion_id: Any) -> Suggestion:
    try:
        suggestion = Suggestion.objects.select_related("model_version").filter(id=suggestion_id).first()
    except (ValueError, TypeError, DjangoValidationError):
        suggestion = None
    if suggestion is None:
        raise NotFound()
    return suggestion


def latest_suggestion_for_ticket(*, ticket_id: Any) -> Suggestion | None:
    return (Suggestion.objects.select_related("model_version").filter(ticket_id=ticket_id)
            .order_by("-created_at").first())


def department_switches() -> dict[str, DepartmentSwitch]:
    return {str(s.department_id): s for s in DepartmentSwitch.objects.all()}


def departments_switched_off() -> frozenset[str]:
    return frozenset(str(i) for i in DepartmentSwitch.objects.filter(suggestions_enabled=False)
                     .values_list("department_id", flat=True))
