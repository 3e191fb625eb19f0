"""Settings of the tickets service, imported by hdms.settings.base."""

import os
from datetime import timedelta

import environ
from celery.schedules import crontab

env = environ.Env()

# Periodic jobs (technical document §21). hdms.jobs merges this into the Celery app's beat schedule
# at start-up; in embedded mode (no broker) hdms.jobs.scheduler runs the same jobs in-process.
HDMS_TICKET_BEAT_SCHEDULE = {
    "tickets-sla-check": {
        "task": "tickets.sla_check_all",
        "schedule": timedelta(seconds=env.int("HDMS_SLA_CHECK_SECONDS", default=300)),
        "options": {"queue": "high"},
    },
    "tickets-postponed-reminders": {
        "task": "tickets.postponed_reminders",
        "schedule": timedelta(hours=1),
        "options": {"queue": "default"},
    },
    "tickets-auto-close": {
        "task": "tickets.auto_close_resolved",
        "schedule": timedelta(hours=1),
        "options": {"queue": "default"},
    },
    "tickets-send-due-reports": {
        "task": "tickets.send_due_reports",
        "schedule": timedelta(minutes=5),
        "options": {"queue": "low"},
    },
    "audit-archive-monthly": {
        "task": "tickets.archive_audit",
        "schedule": crontab(minute=30, hour=2, day_of_month=1),
        "options": {"queue": "low"},
    },
}

# Run those jobs in a thread of the web process when there is no beat (embedded mode); never
# under the test settings.
HDMS_EMBEDDED_SCHEDULER = env.bool(
    "HDMS_EMBEDDED_SCHEDULER", default=os.environ.get("DJANGO_SETTINGS_MODULE") != "hdms.settings.test"
)
HDMS_EMBEDDED_SCHEDULER_TICK = env.int("HDMS_EMBEDDED_SCHEDULER_TICK", default=30)
HDMS_AUDIT_RETENTION_YEARS = env.int("HDMS_AUDIT_RETENTION_YEARS", default=7)

# Which queue each periodic ticket job goes to (DESIGN §1: high, default, low).
HDMS_TICKET_TASK_ROUTES = {
    "tickets.sla_check_all": {"queue": "high"},
    "tickets.postponed_reminders": {"queue": "default"},
    "tickets.auto_close_resolved": {"queue": "default"},
    "tickets.archive_audit": {"queue": "low"},
    "tickets.send_due_reports": {"queue": "low"},
}
