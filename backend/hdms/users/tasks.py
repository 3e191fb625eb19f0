"""Celery tasks of the user service: take plain values, idempotent enough to retry."""

from django.conf import settings
from django.core.mail import send_mail

from hdms.celery import app
from hdms.jobs.tasks import ReliableTask
from hdms.users.sms import users_sync_scheduled


@app.task(name="users.send_email", base=ReliableTask, acks_late=True, max_retries=12, retry_backoff_max=900)
def send_email(*, subject: str, message: str, to: str) -> None:
    """An email SMTP refused when it was first sent: retried with backoff (up to about two hours),
    then kept as a dead letter for an admin to replay."""
    send_mail(subject=subject, message=message, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[to])


@app.task(name="users.sms_sync_scheduled", acks_late=True)
def sms_sync_scheduled() -> str:
    """Beat's tick: the SMS sync runs when the admin's interval has passed (hdms.users.sms)."""
    run = users_sync_scheduled()
    return f"{run.status} {run.id}" if run is not None else "not due"
