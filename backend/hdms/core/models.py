
"""The base every domain model inherits (DESIGN §1)."""

import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F


class SoftDeleteQuerySet(models.QuerySet[Any]):
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


class OutboxMessage(models.Model):
    """A side effect (a domain event or a Celery task) written in the same transaction as the write
    that causes it, so a committed write never loses it; ``hdms.core.outbox`` delivers it after
    commit and, while Redis is down, later (docs/decisions.md, "Transactional outbox")."""

    class Kind(models.TextChoices):
        EVENT = "event"
        TASK = "task"

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=200)
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    attempts = models.PositiveIntegerField(default=0)
    # Claimed rows move this into the future (a lease); failed ones, by the retry backoff.
    available_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.kind} {self.name} #{self.id}"


class IdempotencyKey(models.Model):
    """The first answer to a request sent with an ``Idempotency-Key`` (DESIGN §9), stored in the
    same transaction as the write it answers (hdms/core/idempotency.py)."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user_id = models.UUIDField()
    key = models.CharField(max_length=255)
    # What the key was first used for: method, path and a hash of the body (JSON requests).
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True, default="")
    body = models.BinaryField(default=b"")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "key"], name="idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"
