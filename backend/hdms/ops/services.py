"""Writes of the ops app: task probes (benchmarks, topology test)."""

import os

from django.db import transaction
from django.db.models import F

from hdms.core.context import request_id_var, user_id_var
from hdms.ops.models import TaskProbe


def task_probe_record(*, key: str) -> TaskProbe:
    """Idempotent: a redelivered task finds its row and only counts the extra attempt."""
    with transaction.atomic():
        probe, created = TaskProbe.objects.get_or_create(
            key=key,
            defaults={"request_id": request_id_var.get(), "user_id": user_id_var.get(), "worker_pid": os.getpid()},
        )
        if not created:
            TaskProbe.objects.filter(pk=probe.pk).update(attempts=F("attempts") + 1)
    return probe
