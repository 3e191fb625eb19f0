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
