"""The notification fan-out batches its per-recipient work (bench/RESULTS.md): the unread counts
pushed with each new notification come from one query and equal the per-user count, and everyone's
preferences are read once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hdms.communication.models import Notification, NotificationPreference
from hdms.communication.selectors import notification_unread_count, notification_unread_counts
from hdms.communication.services import notification_create
from hdms.core.models import OutboxMessage


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
def test_unread_counts_stop_at_the_cap_and_say_so_for_each_user(make_user, django_assert_num_queries):
    """The badge shows "99+" past 99: the count stops at UNREAD_CAP instead of reading every unread
    row of someone who never reads; email-only and read notifications are not counted."""
    from hdms.communication.selectors import UNREAD_CAP

    flooded, few = make_user(role="moderator"), make_user(role="moderator")
    Notification.objects.bulk_create(
        [Notification(user=flooded, kind="ticket.submitted", title=str(i)) for i in range(UNREAD_CAP + 5)]
        + [Notification(user=few, kind="ticket.submitted", title="unread")]
        + [Notification(user=few, kind="ticket.submitted", title="email only", in_app=False)]
        + [Notification(user=few, kind="ticket.submitted", title="read", read_at="2026-01-01T00:00:00Z")])
    with django_assert_num_queries(1):
        counts = notification_unread_counts(user_ids=[flooded.id, few.id, flooded.id])
    assert counts == {str(flooded.id): UNREAD_CAP, str(few.id): 1}
    assert notification_unread_count(user_id=flooded.id) == UNREAD_CAP
    assert notification_unread_count(user_id=few.id) == 1


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


@pytest.mark.django_db
def test_a_fan_out_reads_everyones_preferences_once_and_applies_each(make_user):
    """The actor's mute, the in-app switches and the digests come from one read of the preferences,
    and each person's choice is still applied: the muted actor gets nothing, a kind switched off in
    the app and by email is dropped, off in the app only is emailed, a digest waits for the digest."""
    actor, plain, silenced, email_only, digest = (make_user(role="moderator", employee_code=f"FAN-{n}")
                                                   for n in range(5))
    NotificationPreference.objects.create(user=silenced, in_app_kinds={"ticket.status": False}, email_enabled=False)
    NotificationPreference.objects.create(user=email_only, in_app_kinds={"ticket.status": False})
    NotificationPreference.objects.create(user=digest, digest="daily")
    everyone = [actor, plain, silenced, email_only, digest]

    with CaptureQueriesContext(connection) as queries:
        created = notification_create(user_ids=[u.id for u in everyone], kind="ticket.status", title="HD-1 assigned",
                                      actor_id=actor.id)

    reads = [q["sql"] for q in queries.captured_queries if "communication_notificationpreference" in q["sql"]]
    assert len(reads) == 1
    by_user = {str(n.user_id): n for n in created}
    plain_id, email_only_id, digest_id = str(plain.id), str(email_only.id), str(digest.id)
    assert set(by_user) == {plain_id, email_only_id, digest_id}
    assert (by_user[plain_id].in_app, by_user[email_only_id].in_app, by_user[digest_id].in_app) == (True, False, True)
    assert by_user[email_only_id].email_pending
    flushes = OutboxMessage.objects.filter(name="communication.notification_email_flush")
    assert sorted(m.payload["args"][0] for m in flushes) == sorted([str(plain.id), str(email_only.id)])  # no digest


@pytest.mark.django_db
def test_a_fan_out_pushes_to_and_counts_the_unread_of_only_who_has_a_socket_open(make_user,
                                                                                django_capture_on_commit_callbacks):
    """30 staff told of a new ticket, one online: one push, and one unread count read, theirs."""
    from asgiref.sync import async_to_sync
    from channels.layers import InMemoryChannelLayer, get_channel_layer

    from hdms.communication.realtime import user_group

    layer = get_channel_layer()
    assert not isinstance(layer, InMemoryChannelLayer), "the suite runs with REDIS_URL: Redis's layer here"
    staff = [make_user(role="moderator", employee_code=f"LIVE-{n}") for n in range(30)]
    online = staff[17]
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(online.id), channel)
    try:
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            created = notification_create(user_ids=[u.id for u in staff], kind="ticket.submitted", title="HD-9 new")

        assert len(created) == 30
        counted = [q["sql"] for q in queries.captured_queries if "read_at IS NULL" in q["sql"]]
        assert len(counted) == 1 and str(online.id).replace("-", "") in counted[0].replace("-", "")
        assert all(str(u.id).replace("-", "") not in counted[0].replace("-", "") for u in staff if u != online)

        async def receive():
            return await layer.receive(channel)

        pushed = async_to_sync(receive)()
        assert pushed["type"] == "notification.new" and pushed["unread"] == 1
        assert pushed["notification"]["title"] == "HD-9 new"
    finally:
        async_to_sync(layer.group_discard)(user_group(online.id), channel)
