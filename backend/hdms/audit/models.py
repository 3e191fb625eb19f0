"""The append-only audit log. On PostgreSQL a trigger refuses UPDATE and DELETE on it;
the only change allowed is the monthly archiving flag going from false to true."""

import uuid

from django.db import models


class AuditEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Actors are kept by id and code, not by foreign key, so the log outlives any user row.
    actor_id = models.UUIDField(null=True, blank=True, db_index=True)
    actor_code = models.CharField(max_length=64, blank=True)
    # The actor's name when they acted: the log shows who did it then, whatever the user row says now.
    actor_name = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["object_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_code} {self.action} {self.object_type}:{self.object_id}"
