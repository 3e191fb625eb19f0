"""Periodic and background jobs of the ticket service (technical document §21).

Each task takes ids (or nothing), is idempotent and calls services; the scans only pick rows that
still need work, and the per-ticket services re-check under a row lock, so a job run twice (a
redelivered message after a worker died, or beat and the embedded scheduler overlapping) does
nothing the second time. Base class ``hdms.jobs.tasks.ReliableTask``: 3 retries with exponential
backoff, then the dead-letter table and an admin notification.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hdms.audit.services import audit_archive
from hdms.celery import app
from hdms.jobs.tasks import ReliableTask
from hdms.tickets import selectors, services
from hdms.tickets.models import OPEN_STATUSES, PAUSED_STATUSES, Ticket, TicketStatus

S = TicketStatus
# The tickets whose SLA clock runs: open and not waiting (what services.ticket_sla_check looks at).
RUNNING = tuple(status for status in OPEN_STATUSES if status not in PAUSED_STATUSES)


@app.task(name="tickets.sla_check_all", base=ReliableTask)
def sla_check_all() -> int:
    now = timezone.now()
    due = Ticket.objects.filter(status__in=RUNNING, sla_started_at__isnull=False).filter(
        Q(first_responded_at__isnull=True, first_response_warn_at__lte=now, first_response_breached=False)
        & (Q(first_response_near_notified=False) | Q(first_response_due__lte=now))
        | Q(resolution_warn_at__lte=now, resolution_breached=False)
        & (Q(resolution_near_notified=False) | Q(resolution_due__lte=now))
    )
    count = 0
    for ticket_id in due.values_list("id", flat=True).iterator():
        count += bool(services.ticket_sla_check(ticket_id=ticket_id, now=now))
    return count


@app.task(name="tickets.sla_warnings_recompute", base=ReliableTask)
def sla_warnings_recompute() -> int:
    return services.sla_warnings_recompute()


@app.task(name="tickets.send_due_reports", base=ReliableTask)
def send_due_reports() -> int:
    """Scheduled reports whose time has come (DESIGN §11), each sent once."""
    now = timezone.now()
    due = selectors.schedule_list().filter(next_run_at__lte=now).values_list("id", flat=True)
    return sum(services.schedule_run_due(schedule_id=schedule_id, now=now) for schedule_id in list(due))


@app.task(name="tickets.postponed_reminders", base=ReliableTask)
def postponed_reminders() -> int:
    now = timezone.now()
    days = selectors.desk_settings_get().reminder_days
    due = Ticket.objects.filter(status=S.POSTPONED).filter(
        Q(last_reminder_at__isnull=True) | Q(last_reminder_at__lte=now - timedelta(days=days)))
    return sum(services.ticket_postponed_remind(ticket_id=tid, now=now)
               for tid in due.values_list("id", flat=True).iterator())


@app.task(name="tickets.auto_close_resolved", base=ReliableTask)
def auto_close_resolved() -> dict[str, int]:
    """Warn one day before, close ``auto_close_days`` after resolution."""
    now = timezone.now()
    days = selectors.desk_settings_get().auto_close_days
    resolved = Ticket.objects.filter(status=S.RESOLVED)
    closed = sum(services.ticket_auto_close(ticket_id=tid, now=now) for tid in
                 resolved.filter(resolved_at__lte=now - timedelta(days=days)).values_list("id", flat=True))
    warned = sum(services.ticket_auto_close_warn(ticket_id=tid, now=now) for tid in
                 resolved.filter(auto_close_warned_at__isnull=True, resolved_at__lte=now - timedelta(days=days - 1))
                 .values_list("id", flat=True))
    return {"closed": closed, "warned": warned}


@app.task(name="tickets.archive_audit", base=ReliableTask)
def archive_audit() -> int:
    """Monthly: audit entries older than the retention period are marked archived, never deleted."""
    years = settings.HDMS_AUDIT_RETENTION_YEARS
    now = timezone.now()
    try:
        cutoff = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - years, day=28)
    return audit_archive(older_than=cutoff)
