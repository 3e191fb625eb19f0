"""Probe tasks for the task-throughput benchmark and the topology test (take ids, idempotent)."""

import logging
import time

from celery import shared_task

from hdms.ops import services

logger = logging.getLogger("hdms.ops.tasks")


@shared_task(name="hdms.ops.probe_write", acks_late=True, reject_on_worker_lost=True)
def probe_write(key: str, hold_seconds: float = 0.0) -> str:
    """Writes one probe row. ``hold_seconds`` keeps the task busy first, so a benchmark can kill
    the worker while tasks are mid-flight; the write happens after, so a killed attempt writes nothing."""
    if hold_seconds:
        time.sleep(min(hold_seconds, 30.0))
    probe = services.task_probe_record(key=key)
    logger.info("probe written", extra={"probe_key": key})
    return str(probe.id)
