"""Celery tasks of core: the outbox drain, sent by beat every few seconds (hdms.core.outbox)."""

from hdms.celery import app
from hdms.core.idempotency import idempotency_key_purge
from hdms.core.outbox import outbox_drain


@app.task(name="core.outbox_drain", acks_late=True, ignore_result=True)
def outbox_drain_task() -> int:
    return outbox_drain()


@app.task(name="core.idempotency_purge", acks_late=True, ignore_result=True)
def idempotency_purge_task() -> int:
    return idempotency_key_purge()
