"""Periodic jobs: the Celery beat schedule, and the same jobs in-process in embedded mode.

With Redis (``CELERY_TASK_ALWAYS_EAGER`` false) ``celery beat`` sends the jobs of
every ``HDMS_<SERVICE>_BEAT_SCHEDULE`` (settings/tickets.py, settings/files.py, merged into the
Celery app's beat schedule here) to the workers. In embedded mode there is no broker and no beat: the first HTTP request
served by the process starts one daemon thread that checks the same schedule every
``HDMS_EMBEDDED_SCHEDULER_TICK`` seconds and runs due jobs in-process (``task.apply()``, with the
same retries and dead-lettering). It never starts under tests or management commands
(``HDMS_EMBEDDED_SCHEDULER`` false in the test settings, and no request is served there).
"""

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.signals import request_started
from django.db import close_old_connections
from django.utils import timezone

from hdms.celery import app

logger = logging.getLogger("hdms.jobs")

_started = False
_lock = threading.Lock()


def install_beat_schedule() -> None:
    schedule = dict(app.conf.beat_schedule or {})
    # Each service names its periodic jobs in settings as HDMS_<SERVICE>_BEAT_SCHEDULE.
    for name in dir(settings):
        if name.startswith("HDMS_") and name.endswith("_BEAT_SCHEDULE"):
            schedule.update(getattr(settings, name))
    app.conf.beat_schedule = schedule


def _as_schedule(value: Any) -> Any:
    from celery.schedules import schedule

    if isinstance(value, timedelta | int | float):
        return schedule(run_every=value if isinstance(value, timedelta) else timedelta(seconds=value))
    return value


def load_task_modules() -> None:
    """Import every app's ``tasks`` module (a worker does this through autodiscovery; a web process
    running the jobs in-process must do it itself)."""
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tasks":
                raise


def run_due_jobs(last_run: dict[str, datetime], now: datetime | None = None) -> list[str]:
    """Run every job of the beat schedule that is due; returns the names it ran."""
    load_task_modules()
    ran = []
    for name, entry in (app.conf.beat_schedule or {}).items():
        sched = _as_schedule(entry["schedule"])
        last = last_run.get(name)
        if last is None:
            last_run[name] = now or timezone.now()  # first due one interval after start
            continue
        due, _ = sched.is_due(last)
        if not due:
            continue
        last_run[name] = now or timezone.now()
        task = app.tasks.get(entry["task"])
        if task is None:
            logger.warning("Scheduled task %s is not registered", entry["task"])
            continue
        try:
            task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
        except Exception:
            logger.exception("Embedded job %s failed", name)
        finally:
            close_old_connections()
        ran.append(name)
    return ran


def _loop() -> None:
    last_run: dict[str, datetime] = {}
    tick = getattr(settings, "HDMS_EMBEDDED_SCHEDULER_TICK", 30)
    while True:
        try:
            run_due_jobs(last_run)
        except Exception:
            logger.exception("Embedded scheduler tick failed")
        time.sleep(tick)


def start_embedded_scheduler(**_: Any) -> bool:
    global _started
    if _started or not settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    with _lock:
        if _started:
            return False
        _started = True
    threading.Thread(target=_loop, name="hdms-embedded-scheduler", daemon=True).start()
    logger.info("Embedded scheduler started")
    return True


def connect_embedded_scheduler() -> None:
    if getattr(settings, "HDMS_EMBEDDED_SCHEDULER", False) and settings.CELERY_TASK_ALWAYS_EAGER:
        request_started.connect(start_embedded_scheduler, dispatch_uid="hdms-embedded-scheduler")
