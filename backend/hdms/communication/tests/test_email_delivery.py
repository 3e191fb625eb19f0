"""Notification email after commit (issue 12 item 7): no row lock is held while SMTP answers, a
send record makes delivery happen once, and a redelivered notification task notifies once."""

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from hdms.communication.models import EmailSend, Notification
from hdms.communication.services import email_send_deliver, notification_create
from hdms.communication.tasks import notification_create_task
from hdms.communication.tests.conftest import free_port
from hdms.testing.smtp import Collect

pytestmark = pytest.mark.django_db(transaction=True)


def _locked_elsewhere(table: str) -> bool:
    """Whether another session holds a row lock in ``table`` (tried with NOWAIT from a new session)."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other:
        try:
            rows = other.execute(f"SELECT id FROM {table} FOR UPDATE NOWAIT").fetchall()
            assert rows, f"{table} is empty: nothing to check"
        except psycopg.errors.LockNotAvailable:
            return True
        finally:
            other.rollback()
    return False


class _CheckingLocks(Collect):
    """Records, when the message arrives, whether the notifications' rows are locked."""

    def __init__(self) -> None:
        super().__init__()
        self.locked: list[bool] = []

    async def handle_DATA(self, server, session, envelope):
        self.locked.append(_locked_elsewhere("communication_notification")
                           or _locked_elsewhere("communication_emailsend"))
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def checking_smtp(settings, postgres_only):
    handler = _CheckingLocks()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", controller.port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield handler
    finally:
        controller.stop()


def test_email_goes_out_after_commit_with_no_row_lock_held(checking_smtp, make_user):
    user = make_user(role="requestor")
    notification_create(user_ids=[user.id], kind="approval.requested", title="Approval needed", urgent=True)
    assert len(checking_smtp.messages) == 1
    assert checking_smtp.locked == [False]
    send = EmailSend.objects.get()
    assert send.status == "sent" and send.sent_at is not None
    assert Notification.objects.get().emailed_at is not None


def test_a_send_record_is_delivered_once(smtp_server, make_user):
    user = make_user(role="requestor")
    notification_create(user_ids=[user.id], kind="approval.requested", title="Approval needed", urgent=True)
    send = EmailSend.objects.get()
    assert len(smtp_server.messages) == 1 and send.status == "sent"
    assert email_send_deliver(send_id=send.id) is False  # a redelivered task
    assert len(smtp_server.messages) == 1


def test_the_notification_task_run_twice_notifies_and_emails_once(smtp_server, make_user):
    people = [make_user(role="requestor"), make_user(role="assignee")]
    kwargs = {"user_ids": [str(p.id) for p in people], "kind": "ticket.status", "title": "HD-000001 is assigned",
              "body": "IT", "ticket_id": None, "urgent": True, "dedupe_key": "event-1"}
    notification_create_task.apply(kwargs=kwargs)
    notification_create_task.apply(kwargs=kwargs)  # the broker redelivered it
    assert Notification.objects.filter(dedupe_key="event-1").count() == 2
    assert len(smtp_server.messages) == 2  # one each
    # Two deliveries racing past the task's check: the unique (user, dedupe_key) still holds.
    assert notification_create(user_ids=kwargs["user_ids"], kind="ticket.status", title="again",
                               dedupe_key="event-1") == []
    assert Notification.objects.filter(dedupe_key="event-1").count() == 2
    assert len(smtp_server.messages) == 2

