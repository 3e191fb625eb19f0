from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hdms.communication.models import Message
from hdms.testing.factories_communication import add_participant, make_ticket, post_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user, department):
    return {
        "requestor": make_user(role="requestor"),
        "assignee": make_user(role="assignee", department=department),
        "moderator": make_user(role="moderator"),
        "admin": make_user(role="admin"),
        "stranger": make_user(role="requestor"),
    }


@pytest.fixture
def ticket(people):
    return make_ticket(requestor=people["requestor"], assignee=people["assignee"], status="assigned")


def url(ticket, suffix=""):
    return f"tickets/{ticket.id}/messages{suffix}"


def test_post_message_stores_sanitised_body_and_returns_it(api, people, ticket):
    response = api(people["requestor"]).post(
        url(ticket), {"body": "<b>Hi</b> <script>alert(1)</script><a href='javascript:x()'>x</a> <i>ok</i>",
                      "client_id": "c-1"},
    )
    assert response.status_code == 201, response.content
    body = response.json()["body"]
    assert "<script" not in body and "alert(1)" not in body and "javascript:" not in body
    assert "<b>Hi</b>" in body and "<i>ok</i>" in body
    assert Message.objects.get(id=response.json()["id"]).body == body
    assert response.json()["seq"] == 1 and response.json()["client_id"] == "c-1"


def test_resend_with_same_client_id_returns_the_stored_message_once(api, people, ticket):
    client = api(people["requestor"])
    first = client.post(url(ticket), {"body": "Printer jammed", "client_id": "same"})
    again = client.post(url(ticket), {"body": "Printer jammed", "client_id": "same"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Message.objects.filter(room_id=ticket.id).count() == 1


def test_same_client_id_from_another_author_is_another_message(api, people, ticket):
    api(people["requestor"]).post(url(ticket), {"body": "one", "client_id": "x"})
    response = api(people["assignee"]).post(url(ticket), {"body": "two", "client_id": "x"})
    assert response.status_code == 201
    assert Message.objects.filter(room_id=ticket.id).count() == 2


def test_script_only_body_is_refused_as_empty(api, people, ticket):
    response = api(people["requestor"]).post(url(ticket), {"body": "<script>alert(1)</script>"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_stranger_gets_404_for_messages_of_an_invisible_ticket(api, people, ticket):
    assert api(people["stranger"]).get(url(ticket)).status_code == 404
    assert api(people["stranger"]).post(url(ticket), {"body": "hello"}).status_code == 404


def test_participant_sees_messages_from_joined_at_and_moderator_sees_all(api, people, ticket, make_user):
    ticket.participants.filter(user=people["requestor"]).update(joined_at=timezone.now() - timedelta(hours=3))
    early = post_message(author=people["requestor"], ticket=ticket, body="before",
                         created_at=timezone.now() - timedelta(hours=2))
    late_joiner = make_user(role="assignee")
    add_participant(ticket, late_joiner, joined_at=timezone.now() - timedelta(hours=1))
    later = post_message(author=people["requestor"], ticket=ticket, body="after")

    seen = [m["id"] for m in api(late_joiner).get(url(ticket)).json()["items"]]
    assert seen == [str(later.id)]
    assert api(late_joiner).get(url(ticket)).json()["count"] == 1
    for role in ("moderator", "admin", "requestor"):
        items = api(people[role]).get(url(ticket)).json()["items"]
        assert {m["id"] for m in items} == {str(early.id), str(later.id)}, role


def test_late_joiner_is_told_how_many_earlier_messages_are_hidden(api, people, ticket, make_user):
    ticket.participants.filter(user=people["requestor"]).update(joined_at=timezone.now() - timedelta(hours=3))
    for i in range(3):
        post_message(author=people["requestor"], ticket=ticket, body=f"before {i}",
                     created_at=timezone.now() - timedelta(hours=2))
    late_joiner = make_user(role="assignee")
    add_participant(ticket, late_joiner, joined_at=timezone.now() - timedelta(hours=1))
    post_message(author=people["requestor"], ticket=ticket, body="after")

    page = api(late_joiner).get(url(ticket)).json()
    assert page["hidden_before_join"] == 3 and page["count"] == 1
    assert all("before" not in m["body"] for m in page["items"])  # the count, never the text
    # People who see the whole room have nothing hidden.
    for role in ("moderator", "requestor"):
        assert api(people[role]).get(url(ticket)).json()["hidden_before_join"] == 0, role


def test_sub_ticket_shares_the_parent_room(api, people, ticket, make_user, department):
    sub_assignee = make_user(role="assignee", department=department)
    sub = make_ticket(requestor=people["requestor"], assignee=sub_assignee, parent=ticket, status="assigned")
    posted = api(sub_assignee).post(url(sub), {"body": "From the sub-ticket"}).json()
    assert posted["room_id"] == str(ticket.id) and posted["ticket_id"] == str(sub.id)
    items = api(people["requestor"]).get(url(ticket)).json()["items"]
    assert [m["id"] for m in items] == [posted["id"]]


def test_history_pages_back_with_a_cursor_and_after_returns_exactly_what_was_missed(api, people, ticket):
    ids = [str(post_message(author=people["requestor"], ticket=ticket, body=f"m{i}").id) for i in range(7)]
    client = api(people["assignee"])
    first = client.get(url(ticket), {"limit": 3}).json()
    assert [m["id"] for m in first["items"]] == ids[6:3:-1]
    assert first["count"] == 7 and first["next"]
    second = client.get(first["next"]).json()
    assert [m["id"] for m in second["items"]] == ids[3:0:-1]
    third = client.get(second["next"]).json()
    assert [m["id"] for m in third["items"]] == ids[0:1] and third["next"] is None

    missed = client.get(url(ticket), {"after": ids[2], "limit": 2}).json()
    assert [m["id"] for m in missed["items"]] == ids[3:5]
    rest = client.get(missed["next"]).json()
    assert [m["id"] for m in rest["items"]] == ids[5:7] and rest["next"] is None


def test_after_an_unknown_message_is_404_and_bad_cursor_is_422(api, people, ticket):
    client = api(people["requestor"])
    assert client.get(url(ticket), {"after": "00000000-0000-0000-0000-000000000000"}).status_code == 404
    assert client.get(url(ticket), {"cursor": "not-a-cursor"}).status_code == 422


def test_author_edits_within_15_minutes_and_it_shows_as_edited(api, people, ticket):
    message = post_message(author=people["requestor"], ticket=ticket, body="typo")
    response = api(people["requestor"]).patch(url(ticket, f"/{message.id}"), {"body": "fixed"})
    assert response.status_code == 200, response.content
    assert response.json()["body"] == "fixed" and response.json()["edited_at"]


def test_edit_after_15_minutes_is_refused(api, people, ticket):
    message = post_message(author=people["requestor"], ticket=ticket, body="typo")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = api(people["requestor"]).patch(url(ticket, f"/{message.id}"), {"body": "late"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden" and "15 minutes" in response.json()["detail"]
    message.refresh_from_db()
    assert message.body == "typo" and message.edited_at is None


def test_only_the_author_may_edit(api, people, ticket):
    message = post_message(author=people["requestor"], ticket=ticket, body="mine")
    response = api(people["moderator"]).patch(url(ticket, f"/{message.id}"), {"body": "theirs"})
    assert response.status_code == 403
    assert api(people["stranger"]).patch(url(ticket, f"/{message.id}"), {"body": "x"}).status_code == 404


def test_unknown_fields_and_overlong_bodies_are_refused(api, people, ticket):
    client = api(people["requestor"])
    assert client.post(url(ticket), {"body": "x", "author_id": "someone"}).status_code == 422
    assert client.post(url(ticket), {"body": "x" * 10_001}).status_code == 422


def _attachment(ticket, uploader):
    from hdms.files.models import Attachment

    return Attachment.objects.create(ticket_id=ticket.id, room_id=ticket.parent_id or ticket.id, uploader=uploader,
                                     original_name="a.pdf", stored_name=f"s{Attachment.objects.count()}", size=10,
                                     kind="pdf", content_type="application/pdf", sha256="0" * 64)


def test_a_message_may_only_point_at_files_of_its_own_ticket(api, people, ticket):
    """Issue 10 item 12: attachment_ids of another ticket (even one the author sees) or unknown ids are 422."""
    own = _attachment(ticket, people["requestor"])
    other_ticket = make_ticket(requestor=people["requestor"], title="Another of mine")
    elsewhere = _attachment(other_ticket, people["requestor"])
    hidden = _attachment(make_ticket(requestor=people["stranger"]), people["stranger"])
    client = api(people["requestor"])
    for ids in ([str(elsewhere.id)], [str(hidden.id)], [str(own.id), "7d3c1a52-5b0b-4c38-9a25-2a4f4f7b1c11"]):
        response = client.post(url(ticket), {"body": "see attached", "attachment_ids": ids})
        assert response.status_code == 422 and response.json()["code"] == "validation_error", ids
    assert not Message.objects.exists()
    response = client.post(url(ticket), {"body": "see attached", "attachment_ids": [str(own.id)]})
    assert response.status_code == 201 and response.json()["attachment_ids"] == [str(own.id)]


def test_an_admin_observes_silently_and_cannot_post(api, people, ticket):
    response = api(people["admin"]).post(url(ticket), {"body": "I am here"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert api(people["admin"]).get(url(ticket)).status_code == 200  # still reads everything
    assert not Message.objects.filter(room_id=ticket.id).exists()


@pytest.mark.parametrize("status", ["closed", "rejected", "withdrawn"])
def test_a_finished_tickets_chat_is_read_only(api, people, status):
    ticket = make_ticket(requestor=people["requestor"], assignee=people["assignee"], status="assigned")
    message = post_message(author=people["requestor"], ticket=ticket, body="before")
    ticket.status = status
    ticket.save(update_fields=["status"])
    for role in ("requestor", "assignee", "moderator"):
        response = api(people[role]).post(url(ticket), {"body": "after"})
        assert response.status_code == 409 and response.json()["code"] == "invalid_transition", role
    edit = api(people["requestor"]).patch(url(ticket, f"/{message.id}"), {"body": "changed"})
    assert edit.status_code == 409
    assert list(Message.objects.filter(room_id=ticket.id).values_list("body", flat=True)) == ["before"]
    assert api(people["requestor"]).get(url(ticket)).json()["items"][0]["body"] == "before"


def test_a_closed_parent_makes_its_subtickets_chat_read_only(api, people):
    parent = make_ticket(requestor=people["requestor"], status="closed")
    sub = make_ticket(requestor=people["requestor"], assignee=people["assignee"], status="resolved", parent=parent)
    response = api(people["assignee"]).post(url(sub), {"body": "late"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
