"""The transactional outbox (hdms/core/outbox.py): written with the write, delivered after commit,
kept while delivery fails, drained later, each row delivered once even by parallel drains."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from hdms.core import events, outbox
from hdms.core.models import OutboxMessage
from hdms.core.outbox import outbox_drain, outbox_event


@pytest.fixture
def received():
    seen: list[dict[str, Any]] = []
    state = {"fail": False}

    def handler(**payload: Any) -> None:
        if state["fail"]:
            raise ConnectionError("the channel layer is down")
        seen.append(payload)

    events.subscribe("test.happened", handler)
    yield seen, state
    events._subscribers["test.happened"].remove(handler)
    outbox._paused_until = 0.0


@pytest.mark.django_db
def test_rolled_back_write_leaves_no_event(received):
    seen, _ = received
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_event("test.happened", {"n": 1})
        raise RuntimeError("the write failed")
    assert OutboxMessage.objects.count() == 0
    assert seen == []


@pytest.mark.django_db
def test_event_is_delivered_after_commit_and_its_row_removed(received, django_capture_on_commit_callbacks):
    seen, _ = received
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        outbox_event("test.happened", {"n": 1})
        assert seen == []  # not before commit
    assert [p["n"] for p in seen] == [1]
    assert seen[0]["event_id"].startswith("outbox:")
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_failed_delivery_keeps_the_event_and_a_later_drain_delivers_it_once_with_the_same_id(
        received, django_capture_on_commit_callbacks):
    seen, state = received
    state["fail"] = True
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox_event("test.happened", {"n": 2})
    kept = OutboxMessage.objects.get(id=row.id)
    assert kept.attempts == 1 and kept.last_error.startswith("ConnectionError")
    # While paused, this process leaves new rows to the drain instead of trying again at once.
    with django_capture_on_commit_callbacks(execute=True):
        outbox_event("test.happened", {"n": 3})
    assert OutboxMessage.objects.get(payload__n=3).attempts == 0
    state["fail"] = False
    assert outbox_drain() == 1  # the new row was given to the drain at once; n=2 waits out its backoff
    OutboxMessage.objects.update(available_at="2000-01-01T00:00:00Z")
    assert outbox_drain() == 1
    assert [p["n"] for p in seen] == [3, 2]
    assert seen[1]["event_id"] == f"outbox:{row.id}"
    assert outbox_drain() == 0 and OutboxMessage.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_parallel_drains_deliver_each_row_once(received, postgres_only):
    seen, _ = received
    rows = [OutboxMessage(kind="event", name="test.happened", payload={"n": n}, available_at="2000-01-01T00:00Z")
            for n in range(40)]
    OutboxMessage.objects.bulk_create(rows)
    barrier = threading.Barrier(4)
    counts: list[int] = []

    def drain() -> None:
        barrier.wait()
        try:
            counts.append(outbox_drain())
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 40
    assert sorted(p["n"] for p in seen) == list(range(40))
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_notification_redelivered_with_the_same_event_id_notifies_once(make_user):
    from hdms.communication.handlers import on_notification_requested
    from hdms.communication.models import Notification

    user = make_user(role="moderator")
    for _ in range(2):
        on_notification_requested(user_ids=[str(user.id)], kind="ticket.submitted", title="New ticket",
                                  event_id="outbox:77")
    assert Notification.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_a_new_row_is_leased_to_its_writer_delivered_without_a_claim_and_never_by_a_drain_too(
        received, django_capture_on_commit_callbacks, django_assert_num_queries):
    seen, _ = received
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        outbox_event("test.happened", {"n": 1})
    assert outbox_drain() == 0  # committed, not yet delivered: its lease keeps a drain off it
    with django_assert_num_queries(1):  # the delete after delivery, no claim before it
        for callback in callbacks:
            callback()
    assert [p["n"] for p in seen] == [1] and OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_a_transaction_as_long_as_the_lease_claims_the_row_first(received, django_capture_on_commit_callbacks):
    seen, _ = received
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        taken = outbox_event("test.happened", {"n": 1})
        kept = outbox_event("test.happened", {"n": 2})
    # Both leases ran out before the commit's callbacks; a drain took the first one meanwhile.
    past = timezone.now() - timedelta(seconds=1)
    OutboxMessage.objects.update(available_at=past)
    taken.available_at = kept.available_at = past
    rows = outbox._claim_batch(1)
    assert [r.id for r in rows] == [taken.id]
    for callback in callbacks:
        callback()
    assert [p["n"] for p in seen] == [2]  # the taken row is the drain's to deliver, not delivered twice
    assert list(OutboxMessage.objects.values_list("id", flat=True)) == [taken.id]
