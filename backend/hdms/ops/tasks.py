"""Probe tasks for the task-throughput benchmark and the topology test (take ids, idempotent), and
the nightly backup and monthly restore drill run by Celery beat (hdms/settings/ops.py)."""

import logging
import time

from celery import shared_task
from django.conf import settings

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


@shared_task(name="ops.backup_daily", acks_late=False)
def backup_daily() -> str:
    """Celery beat, nightly (HDMS_OPS_BEAT_SCHEDULE). Not retried: a failure is already recorded,
    audited and sent to the admins, and the next night's run starts from scratch."""
    if not settings.HDMS_BACKUPS_ENABLED:
        return "disabled"
    try:
        run = services.backup_run(reason="scheduled")
    except Exception:  # noqa: BLE001 - reported by backup_run
        return "failed"
    return f"ok {run.name if run else ''}".strip()


@shared_task(name="ops.restore_drill", acks_late=False)
def restore_drill() -> str:
    """Celery beat, monthly: restore the newest off-site backup into a scratch database and compare."""
    if not settings.HDMS_BACKUPS_ENABLED:
        return "disabled"
    run = services.restore_drill_run()
    return f"{run.status} {run.name}"
