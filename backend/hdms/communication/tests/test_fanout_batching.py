"""The notification fan-out batches its per-recipient work (bench/RESULTS.md): the unread counts
pushed with each new notification come from one query and equal the per-user count."""

import pytest

from hdms.communication.models import Notification
from hdms.communication.selectors import notification_unread_count, notification_unread_counts
from hdms.communication.services import notification_create


@pytest.mark.django_db
def test_unread_counts_for_many_users_take_one_query_and_match_each_users_count(make_user,
                                                                                django_assert_num_queries):
    alice, bob, carol = make_user(role="moderator"), make_user(role="admin"), make_user(role="moderator")
    notification_create(user_ids=[alice.id, bob.id], kind="ticket.submitted", title="One")
    notification_create(user_ids=[alice.id], kind="ticket.submitted", title="Two")
    Notification.objects.filter(user=bob).update(read_at="2026-01-01T00:00:00Z")
    with django_assert_num_queries(1):
        counts = notification_unread_counts(user_ids=[alice.id, bob.id, carol.id])
    assert counts == {str(alice.id): 2, str(bob.id): 0, str(carol.id): 0}
    assert counts == {str(u.id): notification_unread_count(user_id=u.id) for u in (alice, bob, carol)}


@pytest.mark.django_db
def test_posting_to_an_existing_room_locks_it_without_a_separate_lookup(make_user, department, api,
                                                                        django_assert_num_queries):
    from hdms.testing.factories_communication import make_ticket

    requestor = make_user(role="requestor")
    ticket = make_ticket(requestor=requestor, assignee=make_user(role="assignee", department=department),
                         status="assigned")
    client = api(requestor)
    first = client.post(f"tickets/{ticket.id}/messages", {"body": "one", "client_id": "a"})
    assert first.status_code == 201 and first.json()["seq"] == 1
    # auth user, ticket, participant, savepoint, room locked, client_id check, room update, insert,
    # two outbox rows (message.created, the notify task: hdms/core/outbox.py), release (was 11
    # before the outbox: the room looked up before locking, the client_id checked twice)
    with django_assert_num_queries(11):
        second = client.post(f"tickets/{ticket.id}/messages", {"body": "two", "client_id": "b"})
    assert second.status_code == 201 and second.json()["seq"] == 2
    again = client.post(f"tickets/{ticket.id}/messages", {"body": "two", "client_id": "b"})
    assert again.json()["id"] == second.json()["id"] and again.json()["seq"] == 2
