"""The transactional outbox: events and tasks that survive a Redis outage (DESIGN §7 "Faults").

A write calls ``outbox_event`` / ``outbox_task`` inside its transaction; the row commits or rolls
back with the write. After commit the same process delivers it (publishes the event to its
subscribers, or sends the task to Celery) and deletes the row. If delivery fails (Redis, the
broker and channel layer, is down) the row stays, this process stops trying for a few seconds
(requests stay fast during an outage), and ``outbox_drain`` delivers it later: run every few
seconds by beat in a worker (``core.outbox_drain``), by the embedded scheduler, and by a process
whose delivery works again after it saw a failure.

A transaction's rows are delivered together: the first row's callback after commit claims it
and the rows this thread wrote after it (one ``UPDATE ... RETURNING``), sends them in order and
deletes the sent ones (one ``DELETE``); the later rows' callbacks then find nothing left to do.

Delivery is at least once. A row is claimed before it is delivered (after commit, a conditional
update of rows never tried; in the drain, ``SELECT ... FOR UPDATE SKIP LOCKED`` of due rows that
moves ``available_at`` past a lease), so
two processes never deliver one row at the same time; a process that dies between delivering and
deleting leaves the row to be delivered again after the lease. Tasks are idempotent (STYLE.md) and
event handlers get ``event_id`` (the same on every delivery of the row) to make theirs so.
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

LEASE = timedelta(seconds=60)
BATCH = 50

_outage = Outage("redis", "events and tasks wait in the outbox until it is back")
_paused_until = 0.0
_pause_lock = threading.Lock()
_fresh = threading.local()


def _written() -> list[OutboxMessage]:
    """The rows this thread wrote whose delivery after commit has not started, oldest first."""
    rows: list[OutboxMessage] | None = getattr(_fresh, "rows", None)
    if rows is None:
        rows = _fresh.rows = []
    return rows


def _after_commit(row: OutboxMessage) -> None:
    _written().append(row)
    transaction.on_commit(lambda: _deliver_fresh(row), robust=True)


def outbox_event(event_type: str, payload: dict[str, Any]) -> OutboxMessage:
    """Record ``event_type`` in the current transaction; delivered to its subscribers after commit."""
    row = OutboxMessage.objects.create(kind=OutboxMessage.Kind.EVENT, name=event_type, payload=payload,
                                       available_at=timezone.now())
    _after_commit(row)
    return row


def outbox_task(task: Any, *, args: list[Any] | tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None,
                queue: str | None = None, countdown: float | None = None) -> OutboxMessage:
    """Record a Celery task in the current transaction; sent to the broker after commit.

    ``task`` is the task or its registered name: services name their tasks so they do not import
    the tasks module (which imports them: tasks > services is a layer, core/tests check the names)."""
    now = timezone.now()
    eta = (now + timedelta(seconds=countdown)).isoformat() if countdown else None
    row = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.TASK, name=task if isinstance(task, str) else task.name, available_at=now,
        payload={"args": list(args), "kwargs": dict(kwargs or {}), "queue": queue, "eta": eta},
    )
    _after_commit(row)
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
        sent = _deliver_claimed(rows)
        delivered += sent
        if sent < len(rows):
            return delivered
    return delivered


# ------------------------------------------------------------------------------------- internals


def _paused() -> bool:
    return time.monotonic() < _paused_until


def _pause() -> None:
    global _paused_until
    with _pause_lock:
        _paused_until = time.monotonic() + settings.HDMS_OUTBOX_RETRY_SECONDS


def _deliver_fresh(row: OutboxMessage) -> None:
    """Right after commit: deliver ``row`` and the rows written after it, unless this process just
    saw the broker down (the drain delivers them then)."""
    written = _written()
    at = next((i for i, r in enumerate(written) if r is row), None)
    if at is None:
        return  # an earlier row's callback of the same commit took it
    batch = written[at:]
    # Callbacks run in the order they were registered, after the outermost commit: a row before
    # this one still in the list was rolled back (its callback was dropped). Inside an atomic block
    # (a test running captured callbacks) the rows before it may belong to a transaction still open.
    del written[0 if not connection.in_atomic_block else at:]
    if _paused():
        return
    try:
        claimed = _claim_fresh([r.id for r in batch])
    except Exception:
        logger.warning("Outbox rows %s not claimed after commit", [r.id for r in batch], exc_info=True)
        return
    # Not rolled back, not taken by a drain. SQLite gives a rolled-back row's id to the next row
    # (its sequence rolls back too): of rows sharing an id, only the last written can exist.
    last = {r.id: r for r in batch}
    rows = [r for r in batch if r.id in claimed and last[r.id] is r]
    if not rows:
        return
    for r in rows:
        r.attempts += 1
    was_down = _outage.down
    if _deliver_claimed(rows) == len(rows) and was_down:
        outbox_drain(limit=200)  # this process left rows behind during the outage


def _claim_fresh(ids: list[int]) -> set[int]:
    """Claim the rows never tried yet (a drain that got there first counted its try), in one
    statement. No clock is compared, so processes whose clocks differ never both take one."""
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    lease_end = connection.ops.adapt_datetimefield_value(timezone.now() + LEASE)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET available_at = %s, attempts = 1 "  # noqa: S608 - names, not input
                       f"WHERE id IN ({marks}) AND attempts = 0 RETURNING id", [lease_end, *ids])
        return {row_id for (row_id,) in cursor.fetchall()}


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


def _deliver_claimed(rows: list[OutboxMessage]) -> int:
    """Send claimed rows in order and delete the sent ones in one statement. At the first failure
    that row keeps the error and a backoff, the rows after it are released for the drain, and
    this process pauses. Returns how many were sent."""
    sent: list[int] = []
    failure: Exception | None = None
    for row in rows:
        try:
            _send(row)
        except Exception as exc:  # noqa: BLE001 - any failure leaves the row for a later try
            failure = exc
            break
        sent.append(row.id)
    if sent:
        OutboxMessage.objects.filter(id__in=sent).delete()
    if failure is None:
        _outage.recovered()
        return len(sent)
    failed = rows[len(sent)]
    cause = failure.__cause__ or failure  # DeliveryFailed says which subscriber's error it was
    _outage.failed(cause)
    _pause()
    delay = min(60, 2 ** min(failed.attempts, 6))
    OutboxMessage.objects.filter(id=failed.id).update(
        available_at=timezone.now() + timedelta(seconds=delay),
        last_error=f"{type(cause).__name__}: {cause}"[:2000])
    _release([r.id for r in rows[len(sent) + 1:]])
    return len(sent)


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
