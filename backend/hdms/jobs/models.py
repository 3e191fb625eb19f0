"""Tasks that failed for good after their retries: kept for an admin to inspect and replay."""

import uuid

from django.db import models


class DeadLetter(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    failed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    task_name = models.CharField(max_length=200, db_index=True)
    task_id = models.CharField(max_length=64, blank=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    queue = models.CharField(max_length=32, blank=True)
    retries = models.PositiveSmallIntegerField(default=0)
    exception = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Replayed by an admin (the admin page, POST jobs/dead-letters/{id}/replay).
    replayed_at = models.DateTimeField(null=True, blank=True)
    replayed_by_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ("-failed_at",)

    def __str__(self) -> str:
        return f"{self.task_name} {self.failed_at:%Y-%m-%d %H:%M}"
