"""Celery tasks of the communication service: take ids, idempotent, call services."""

from typing import Any

from hdms.celery import app
from hdms.communication import services
from hdms.communication.selectors import notified_user_ids


@app.task(name="communication.message_notify", acks_late=True)
def message_notify(message_id: str) -> None:
    services.message_notify_recipients(message_id=message_id)


@app.task(name="communication.notification_create", acks_late=True)
def notification_create_task(
    *, user_ids: list[str], kind: str, title: str, body: str = "", ticket_id: str | None = None,
    urgent: bool = False, dedupe_key: str = "", params: dict | None = None, actor_id: str | None = None,
) -> None:
    if dedupe_key:  # a retry after a crash: skip the users already notified
        done = notified_user_ids(dedupe_key=dedupe_key)
        user_ids = [u for u in user_ids if str(u) not in done]
    services.notification_create(user_ids=user_ids, kind=kind, title=title, body=body, ticket_id=ticket_id,
                        urgent=urgent, dedupe_key=dedupe_key, params=params, actor_id=actor_id)


@app.task(name="communication.notification_email_flush", acks_late=True, autoretry_for=(OSError,),
          retry_backoff=True, max_retries=5)
def notification_email_flush(user_id: str) -> Any:
    return services.notification_email_flush(user_id=user_id)


@app.task(name="communication.email_send_deliver", acks_late=True)
def email_send_deliver(send_id: str) -> bool:
    return services.email_send_deliver(send_id=send_id)


@app.task(name="communication.email_pending_sweep", acks_late=True)
def email_pending_sweep() -> int:
    return services.notification_email_sweep()


@app.task(name="communication.email_digests_send", acks_late=True)
def email_digests_send() -> int:
    return services.email_digests_send()
