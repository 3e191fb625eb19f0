from datetime import timedelta

import pytest
from django.utils import timezone

from hdms.celery import app
from hdms.jobs.scheduler import run_due_jobs


def test_ticket_jobs_are_in_the_beat_schedule_on_their_queues():
    schedule = app.conf.beat_schedule
    assert schedule["tickets-sla-check"]["options"]["queue"] == "high"
    assert schedule["tickets-postponed-reminders"]["task"] == "tickets.postponed_reminders"
    assert schedule["audit-archive-monthly"]["options"]["queue"] == "low"


@pytest.mark.django_db
def test_embedded_scheduler_runs_due_jobs_in_process():
    last_run: dict = {}
    assert run_due_jobs(last_run) == []  # the first tick only starts the clocks
    assert run_due_jobs(last_run) == []  # nothing is due a moment later
    long_ago = {name: timezone.now() - timedelta(days=40) for name in last_run}
    ran = run_due_jobs(long_ago)
    assert {"tickets-sla-check", "tickets-postponed-reminders", "tickets-auto-close",
            "audit-archive-monthly"} <= set(ran)
