from django.db import models

from hdms.core.models import BaseModel


class TaskProbe(BaseModel):
    """One row per probe task: the task-throughput benchmark and the topology test write here to
    prove tasks ran exactly once (``key`` is unique) and carried the request context."""

    key = models.CharField(max_length=100, unique=True)
    request_id = models.CharField(max_length=64, blank=True, default="")
    user_id = models.CharField(max_length=64, blank=True, default="")
    worker_pid = models.IntegerField(default=0)
    attempts = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "ops_task_probe"


class BackupRun(BaseModel):
    """One backup or restore drill and how it ended (deploy/README.md, "Backups: RPO and RTO").
    The audit log gets an entry for each too; this table is what the drill and the admins read."""

    class Kind(models.TextChoices):
        BACKUP = "backup", "Full backup"
        DRILL = "drill", "Restore drill"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.CharField(max_length=32, blank=True, default="")  # scheduled, pre-migrate, manual
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    name = models.CharField(max_length=200, blank=True, default="")  # the backup set
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        db_table = "ops_backup_run"
        ordering = ("-created_at",)
