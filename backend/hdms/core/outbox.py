"""The transactional outbox: events and tasks that survive a Redis outage (DESIGN §7 "Faults").

A write calls ``outbox_event`` / ``outbox_task`` inside its transaction; the row commits or rolls
back with the write. After commit the same process delivers it (publishes the event to its
subscribers, or sends the task to Celery) and deletes the row. If delivery fails (Redis, the
broker and channel layer, is down) the row stays, this process stops trying for a few seconds
(requests stay fast during an outage), and ``outbox_drain`` delivers it later: run every few
seconds by beat in a worker (``core.outbox_drain``), by the embedded scheduler, and by a process
whose delivery works again after it saw a failure.

Delivery is at least once. A row is leased before it is delivered, so two processes never
deliver one row at the same time: a new row is written already leased to the process writing it
(``available_at`` a lease ahead), so after commit that process delivers it without claiming it
first (one statement less per row on every write: bench/RESULTS.md); the drain claims due rows
with ``SELECT ... FOR UPDATE SKIP LOCKED`` and moves ``available_at`` past a lease. A process that
dies before delivering, or between delivering and deleting, leaves the row to the drain once the
lease is over; one that saw the broker down a moment ago gives its new rows to the drain at once.
Tasks are idempotent (STYLE.md) and event handlers get ``event_id`` (the same on every delivery of
the row) to make theirs so.
"""

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hdms.celery import app
from hdms.core.faults import Outage
from hdms.core.models import OutboxMessage
from hdms.core.subscribers import deliver

logger = logging.getLogger("hdms.outbox")

_DELETE_SQL = f"DELETE FROM {OutboxMessage._meta.db_table} WHERE id = %s"  # noqa: S608 - the model's table
LEASE = timedelta(seconds=60)
# A new row whose lease has less than this left at commit is claimed before it is delivered.
LEASE_MARGIN = timedelta(seconds=15)
BATCH = 50

_outage = Outage("redis", "events and tasks wait in the outbox until it is back")
_paused_until = 0.0
_pause_lock = threading.Lock()


def outbox_event(event_type: str, payload: dict[str, Any]) -> OutboxMessage:
    """Record ``event_type`` in the current transaction; delivered to its subscribers after commit."""
    row = OutboxMessage.objects.create(kind=OutboxMessage.Kind.EVENT, name=event_type, payload=payload,
                                       available_at=timezone.now() + LEASE)
    transaction.on_commit(lambda: _deliver_fresh(row), robust=True)
    return row


def outbox_task(task: Any, *, args: list[Any] | tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None,
                queue: str | None = None, countdown: float | None = None) -> OutboxMessage:
    """Record a Celery task in the current transaction; sent to the broker after commit.

    ``task`` is the task or its registered name: services name their tasks so they do not import
    the tasks module (which imports them: tasks > services is a layer, core/tests check the names)."""
    now = timezone.now()
    eta = (now + timedelta(seconds=countdown)).isoformat() if countdown else None
    row = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.TASK, name=task if isinstance(task, str) else task.name, available_at=now + LEASE,
        payload={"args": list(args), "kwargs": dict(kwargs or {}), "queue": queue, "eta": eta},
    )
    transaction.on_commit(lambda: _deliver_fresh(row), robust=True)
    return row


def outbox_pending_count() -> int:
    return OutboxMessage.objects.count()


def outbox_drain(*, limit: int = 1000) -> int:
    """Deliver the rows that are due, oldest first; stops at the first failure. Returns how many."""
    delivered = 0
    while delivered < limit:
        rows = _claim_batch(min(BATCH, limit - delivered))
        if not rows:
            break
        for index, row in enumerate(rows):
            if not _deliver_claimed(row):
                _release([r.id for r in rows[index + 1:]])
                return delivered
            delivered += 1
    return delivered


# ------------------------------------------------------------------------------------- internals


def _paused() -> bool:
    return time.monotonic() < _paused_until


def _pause() -> None:
    global _paused_until
    with _pause_lock:
        _paused_until = time.monotonic() + settings.HDMS_OUTBOX_RETRY_SECONDS


def _deliver_fresh(row: OutboxMessage) -> None:
    """Right after commit: deliver this row (leased to this process when it was written) unless
    this process just saw the broker down; then it is the drain's at once."""
    if _paused():
        try:
            _release([row.id])
        except Exception:  # the lease runs out and the drain takes it then
            logger.warning("Outbox row %s not released to the drain", row.id, exc_info=True)
        return
    if timezone.now() >= row.available_at - LEASE_MARGIN:
        # A transaction that lasted about as long as the lease: a drain may have taken the row.
        # Claimed only if its lease is still the one it was written with.
        claimed = OutboxMessage.objects.filter(id=row.id, available_at=row.available_at).update(
            available_at=timezone.now() + LEASE)
        if not claimed:
            return
    row.attempts += 1
    was_down = _outage.down
    if _deliver_claimed(row) and was_down:
        outbox_drain(limit=200)  # this process left rows behind during the outage


def _claim_batch(size: int) -> list[OutboxMessage]:
    now = timezone.now()
    with transaction.atomic():
        rows = list(OutboxMessage.objects.select_for_update(skip_locked=True)
                    .filter(available_at__lte=now).order_by("id")[:size])
        if rows:
            OutboxMessage.objects.filter(id__in=[r.id for r in rows]).update(
                available_at=now + LEASE, attempts=F("attempts") + 1)
    for row in rows:
        row.attempts += 1
    return rows


def _release(ids: list[int]) -> None:
    if ids:
        OutboxMessage.objects.filter(id__in=ids).update(available_at=timezone.now())


def _deliver_claimed(row: OutboxMessage) -> bool:
    try:
        _send(row)
    except Exception as failure:  # noqa: BLE001 - any failure leaves the row for a later try
        exc = failure.__cause__ or failure  # DeliveryFailed says which subscriber's error it was
        _outage.failed(exc)
        _pause()
        delay = min(60, 2 ** min(row.attempts, 6))
        OutboxMessage.objects.filter(id=row.id).update(  # a new row's first try is counted here
            available_at=timezone.now() + timedelta(seconds=delay), attempts=row.attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000])
        return False
    _outage.recovered()
    _delete(row.id)
    return True


def _delete(row_id: int) -> None:
    """One plain ``DELETE``: ``QuerySet.delete`` asks its collector about cascades and signals
    first, 0.32 ms of CPU a row against 0.09 (two or three rows on every write, bench/RESULTS.md).
    Nothing refers to an outbox row and no signal listens for its deletion."""
    with connection.cursor() as cursor:
        cursor.execute(_DELETE_SQL, [row_id])


def _send(row: OutboxMessage) -> None:
    if row.kind == OutboxMessage.Kind.EVENT:
        deliver(row.name, {**row.payload, "event_id": f"outbox:{row.id}"})
        return
    payload = row.payload
    eta: datetime | None = parse_datetime(payload["eta"]) if payload.get("eta") else None
    options: dict[str, Any] = {"queue": payload.get("queue") or None,
                               "eta": eta if eta and eta > timezone.now() else None}
    task = app.tasks.get(row.name)
    if task is None:  # services name their tasks: load every app's tasks module once (autodiscovery)
        app.loader.import_default_modules()
        task = app.tasks.get(row.name)
    if task is None:  # still unknown here: the broker's workers may know it
        app.send_task(row.name, args=payload["args"], kwargs=payload["kwargs"], retry=False, **options)
    else:
        # No publish retries here: the outbox is the retry.
        task.apply_async(args=payload["args"], kwargs=payload["kwargs"], retry=False, **options)
