"""Notifications: produced from events and messages, the HTTP API, and email over real SMTP."""

import time

import pytest

from hdms.communication.models import Notification
from hdms.communication.search import message_ticket_ids_matching
from hdms.communication.services import notification_create
from hdms.core.events import publish
from hdms.testing.factories_communication import make_ticket, post_message

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(make_user, department):
    return {
        "requestor": make_user(role="requestor", employee_code="T-100"),
        "assignee": make_user(role="assignee", department=department, employee_code="IT-7"),
        "moderator": make_user(role="moderator"),
        "outsider": make_user(role="requestor", employee_code="OUT-1"),
    }


@pytest.fixture
def ticket(people):
    return make_ticket(requestor=people["requestor"], assignee=people["assignee"], status="assigned")


def test_notification_requested_event_stores_one_per_user_and_skips_the_actor(people, ticket):
    publish("notification.requested", user_ids=[str(people["requestor"].id), str(people["moderator"].id)],
            kind="ticket.status", title="HD-000001 is assigned", body="", ticket_id=str(ticket.id),
            urgent=False, actor_id=str(people["moderator"].id))
    rows = list(Notification.objects.all())
    assert [(r.user_id, r.kind) for r in rows] == [(people["requestor"].id, "ticket.status")]


def test_new_message_notifies_participants_not_in_the_room_and_mentions_by_employee_code(people, ticket):
    post_message(author=people["requestor"], ticket=ticket, body="@IT-7 please look")
    kinds = {(n.user_id, n.kind) for n in Notification.objects.all()}
    # The assignee is mentioned (one notification, not two).
    assert kinds == {(people["assignee"].id, "mention")}
    post_message(author=people["assignee"], ticket=ticket, body="On it")
    assert Notification.objects.filter(user=people["requestor"], kind="message").count() == 1


def test_notifications_api_lists_marks_read_and_reads_all(api, people):
    user = people["requestor"]
    notification_create(user_ids=[user.id], kind="ticket.status", title="one")
    notification_create(user_ids=[user.id], kind="ticket.status", title="two")
    notification_create(user_ids=[people["assignee"].id], kind="ticket.status", title="not mine")
    client = api(user)
    listing = client.get("notifications").json()
    assert [n["title"] for n in listing["items"]] == ["two", "one"]
    assert listing["count"] == 2 and listing["unread"] == 2 and listing["next"] is None
    first = listing["items"][0]["id"]
    read = client.post(f"notifications/{first}/read")
    assert read.status_code == 200 and read.json()["read_at"]
    assert client.get("notifications").json()["unread"] == 1
    assert client.get("notifications", {"unread": "true"}).json()["count"] == 1
    foreign = Notification.objects.get(title="not mine")
    assert client.post(f"notifications/{foreign.id}/read").status_code == 404
    assert client.post("notifications/read-all").json() == {"updated": 1, "unread": 0}


def test_preferences_default_to_email_everything_and_can_turn_a_kind_off(api, people):
    client = api(people["requestor"])
    prefs = client.get("notifications/preferences").json()
    assert prefs["email_enabled"] is True and prefs["email_kinds"]["message"] is True
    updated = client.patch("notifications/preferences", {"email_kinds": {"message": False}}).json()
    assert updated["email_kinds"]["message"] is False and updated["email_kinds"]["mention"] is True
    assert client.patch("notifications/preferences", {"email_kinds": {"Bad Kind!": True}}).status_code == 422
    assert client.patch("notifications/preferences", {"colour": "red"}).status_code == 422


def test_offline_user_gets_an_email_over_smtp_with_text_and_html(smtp_server, people, ticket):
    publish("notification.requested", user_ids=[str(people["requestor"].id)], kind="approval.requested",
            title="Approval needed for HD-000009", body="New laptops", ticket_id=str(ticket.id), urgent=True,
            actor_id=None)
    assert len(smtp_server.messages) == 1
    sent = smtp_server.messages[0]
    assert sent["to"] == [people["requestor"].email]
    message = sent["message"]
    assert message["Subject"] == "[HDMS] Approval needed for HD-000009"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "New laptops" in text and f"/tickets/{ticket.id}" in text
    assert "<a href=" in html and "Approval needed for HD-000009" in html
    assert Notification.objects.get().emailed_at is not None


def test_a_burst_of_messages_becomes_one_digest_email(smtp_server, celery_worker_thread, settings, people, ticket):
    settings.HDMS_EMAIL_DIGEST_SECONDS = 2
    for n in range(5):
        post_message(author=people["assignee"], ticket=ticket, body=f"update {n}")
    deadline = time.monotonic() + 15
    while not smtp_server.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # anything else the worker would send arrives by now
    assert Notification.objects.filter(user=people["requestor"], kind="message").count() == 5
    to_requestor = [m for m in smtp_server.messages if m["to"] == [people["requestor"].email]]
    assert len(to_requestor) == 1
    assert to_requestor[0]["message"]["Subject"] == "[HDMS] 5 new notifications"
    assert "update 4" in to_requestor[0]["message"].get_body(preferencelist=("plain",)).get_content()


def test_no_email_for_a_kind_the_user_turned_off(smtp_server, api, people, ticket):
    api(people["requestor"]).patch("notifications/preferences", {"email_kinds": {"message": False}})
    post_message(author=people["assignee"], ticket=ticket, body="quiet please")
    assert Notification.objects.filter(user=people["requestor"]).count() == 1
    assert smtp_server.messages == []


async def test_no_email_for_a_user_who_is_online(smtp_server, people, ticket):
    from channels.db import database_sync_to_async

    from hdms.asgi import application
    from hdms.communication.tests.conftest import ORIGIN, PatientCommunicator, token_for

    comm = PatientCommunicator(application, "/ws/notifications/", headers=[(b"origin", ORIGIN.encode())],
                                 subprotocols=["bearer", token_for(people["requestor"])])
    assert (await comm.connect())[0]
    await database_sync_to_async(post_message)(author=people["assignee"], ticket=ticket, body="you are here")
    frame = await comm.receive_json_from()
    frame = await comm.receive_json_from() if frame["type"] == "notifications.unread" else frame
    assert frame["type"] == "notification.new"
    assert smtp_server.messages == []
    await comm.disconnect()


def test_message_search_finds_tickets_by_words_in_their_chat(people, ticket, make_user):
    other = make_ticket(requestor=make_user(role="requestor"), title="Another")
    post_message(author=people["requestor"], ticket=ticket, body="The toner cartridge is empty again")
    post_message(author=other.requestor, ticket=other, body="Projector bulb")
    assert list(message_ticket_ids_matching(q="toner empty")) == [ticket.id]
    assert list(message_ticket_ids_matching(q="")) == []


def test_message_search_finds_spelling_variants_through_the_vocabulary_alone(
        postgres_only, people, ticket, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    variant = make_ticket(requestor=make_user(role="requestor"), title="Another")
    post_message(author=people["requestor"], ticket=ticket, body="The generator stopped")
    # The message's words joined the vocabulary as it was written: "generators" is found at once.
    post_message(author=variant.requestor, ticket=variant, body="The generators stopped")
    with CaptureQueriesContext(connection) as queries:
        found = message_ticket_ids_matching(q="generator")
    assert sorted(map(str, found)) == sorted([str(ticket.id), str(variant.id)])
    vocabulary = [q["sql"] for q in queries.captured_queries if "FROM search_word" in q["sql"]]
    messages = [q["sql"] for q in queries.captured_queries if 'FROM "communication_message"' in q["sql"]]
    assert len(vocabulary) == 1 and len(messages) == 1 and "<%" not in messages[0]
    assert message_ticket_ids_matching(q="generator", limit=1) in ([ticket.id], [variant.id])


def test_email_refused_while_smtp_is_down_is_sent_by_the_sweep_once_it_is_back(smtp_server, settings, people,
                                                                               ticket):
    import socket
    from datetime import timedelta

    from django.utils import timezone

    from hdms.communication.services import notification_email_sweep

    up_port = settings.EMAIL_PORT
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    settings.EMAIL_PORT = closed.getsockname()[1]  # bound, not listening: SMTP refuses connections
    try:
        publish("notification.requested", user_ids=[str(people["requestor"].id)], kind="approval.requested",
                title="Approval needed for HD-000010", body="Chairs", ticket_id=str(ticket.id), urgent=True,
                actor_id=None)
    finally:
        closed.close()
    notification = Notification.objects.get(user=people["requestor"])
    assert notification.email_pending is True and notification.emailed_at is None  # kept, not dropped
    assert smtp_server.messages == []
    settings.EMAIL_PORT = up_port
    Notification.objects.filter(id=notification.id).update(created_at=timezone.now() - timedelta(hours=1))
    assert notification_email_sweep() == 1
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["message"]["Subject"] == "[HDMS] Approval needed for HD-000010"
    assert notification_email_sweep() == 0  # sent once
