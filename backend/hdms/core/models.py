"""The base every domain model inherits (DESIGN §1)."""

import uuid

from django.db import models
from django.db.models import F


class SoftDeleteQuerySet(models.QuerySet):
    def soft_delete(self) -> int:
        return self.update(is_deleted=True, version=F("version") + 1)


class SoftDeleteManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """Hides soft-deleted rows; ``deleted()`` and ``with_deleted()`` are the explicit ways to see them."""

    def get_queryset(self) -> SoftDeleteQuerySet:
        return super().get_queryset().filter(is_deleted=False)

    def with_deleted(self) -> SoftDeleteQuerySet:
        return super().get_queryset()

    def deleted(self) -> SoftDeleteQuerySet:
        return super().get_queryset().filter(is_deleted=True)


class BaseModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_deleted = models.BooleanField(default=False)
    # Incremented by every service write; optimistic concurrency checks compare against it.
    version = models.PositiveIntegerField(default=1)

    objects = SoftDeleteManager()
    all_objects = models.Manager()  # noqa: DJ012 - a second manager, not a field

    class Meta:
        abstract = True
        base_manager_name = "all_objects"
