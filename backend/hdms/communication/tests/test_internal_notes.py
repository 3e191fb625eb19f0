"""Internal notes (DESIGN §10, issue 16): staff-only messages a requestor never sees, on any path:
the message list and its counts, the ticket's allowed actions, search, notifications and their
email, unread counts, and files. The WebSocket paths are in test_internal_notes_ws.py."""

import pytest

from hdms.communication.models import EmailSend, Message, Notification
from hdms.communication.services import notification_email_flush
from hdms.testing.factories_communication import add_participant, make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

NOTE_WORD = "quasarfluxnote"


@pytest.fixture
def people(make_user, department):
    return {
        "requestor": make_user(role="requestor", employee_code="REQ-1"),
        "assignee": make_user(role="assignee", department=department, employee_code="ASG-1"),
        "moderator": make_user(role="moderator", employee_code="MOD-1"),
        "admin": make_user(role="admin", employee_code="ADM-1"),
        "colleague": make_user(role="requestor", employee_code="COL-1"),
    }


@pytest.fixture
def ticket(people):
    ticket = make_ticket(requestor=people["requestor"], assignee=people["assignee"], status="assigned")
    add_participant(ticket, people["moderator"])
    add_participant(ticket, people["colleague"])  # a requestor-role person added to the room
    return ticket


def url(ticket, suffix=""):
    return f"tickets/{ticket.id}/messages{suffix}"


def _note(api, author, ticket, body=f"Check the warranty first {NOTE_WORD}", **extra):
    response = api(author).post(url(ticket), {"body": body, "internal": True, **extra})
    assert response.status_code == 201, response.content
    assert response.json()["internal"] is True
    return response.json()


def test_a_note_is_listed_for_staff_and_never_for_the_requestor_or_a_requestor_role_participant(api, people, ticket):
    api(people["requestor"]).post(url(ticket), {"body": "Any news?"})
    note = _note(api, people["assignee"], ticket)
    for reader in ("assignee", "moderator", "admin"):
        page = api(people[reader]).get(url(ticket)).json()
        assert note["id"] in [m["id"] for m in page["items"]], reader
        assert page["count"] == 2
    for outsider in ("requestor", "colleague"):
        page = api(people[outsider]).get(url(ticket)).json()
        assert [m["internal"] for m in page["items"]] == [False], outsider
        assert page["count"] == 1
        # Catching up after it (a reconnect) does not find it either.
        assert api(people[outsider]).get(url(ticket), {"after": note["id"]}).status_code == 404


def test_only_ticket_staff_may_write_a_note_and_the_ticket_says_so(api, people, ticket):
    for role in ("requestor", "colleague"):
        response = api(people[role]).post(url(ticket), {"body": "let me in", "internal": True})
        assert response.status_code == 403 and response.json()["code"] == "forbidden", role
        assert "note" not in api(people[role]).get(f"tickets/{ticket.id}").json()["allowed_actions"]
    for role in ("assignee", "moderator", "admin"):
        assert "note" in api(people[role]).get(f"tickets/{ticket.id}").json()["allowed_actions"], role
    # Admins observe the conversation silently, but may leave a note for the staff.
    assert api(people["admin"]).post(url(ticket), {"body": "public"}).status_code == 403
    _note(api, people["admin"], ticket, body="Escalated to the vendor")
    assert not Message.objects.filter(internal=False, author=people["admin"]).exists()


def test_a_staff_member_who_requested_the_ticket_does_not_read_its_notes(api, people, make_user, department):
    own = make_ticket(requestor=people["assignee"], assignee=make_user(role="assignee", department=department),
                      status="assigned")
    _note(api, own.assignee, own, body=f"About our colleague's laptop {NOTE_WORD}")
    page = api(people["assignee"]).get(url(own)).json()
    assert page["count"] == 0 and page["items"] == []
    assert api(people["assignee"]).post(url(own), {"body": "me too", "internal": True}).status_code == 403
    assert api(people["assignee"]).get("tickets", {"q": NOTE_WORD}).json()["count"] == 0


def test_notes_carry_no_files_and_files_cannot_name_a_note(api, people, ticket):
    from hdms.communication.selectors import message_in_room

    response = api(people["assignee"]).post(
        url(ticket), {"body": "see file", "internal": True, "attachment_ids": [str(ticket.id)]})
    assert response.status_code == 422
    note = _note(api, people["assignee"], ticket)
    # An upload naming a message (files.services._check_message_belongs) may not name a note: its file
    # would be listed among the ticket's attachments for the requestor.
    assert message_in_room(room_id=ticket.id, message_id=note["id"]) is False


def test_search_finds_a_note_for_staff_and_never_for_the_requestor(api, people, ticket):
    _note(api, people["assignee"], ticket)
    for role in ("assignee", "moderator", "admin"):
        found = api(people[role]).get("tickets", {"q": NOTE_WORD}).json()
        assert [t["id"] for t in found["items"]] == [str(ticket.id)], role
    for role in ("requestor", "colleague"):
        assert api(people[role]).get("tickets", {"q": NOTE_WORD}).json()["count"] == 0, role


def test_a_note_notifies_away_staff_only_and_emails_nobody_else(smtp_server, api, people, ticket):
    before = api(people["requestor"]).get("notifications").json()["unread"]
    _note(api, people["assignee"], ticket, body="Vendor says Tuesday")
    notified = set(Notification.objects.values_list("user_id", "kind"))
    assert notified == {(people["moderator"].id, "message")}
    note_notification = Notification.objects.get()
    assert "internal note" in note_notification.title and note_notification.params["internal"] is True
    # The requestor's unread count and mail stay as they were.
    assert api(people["requestor"]).get("notifications").json()["unread"] == before
    for person in people.values():
        notification_email_flush(user_id=person.id)
    recipients = [m["to"] for m in smtp_server.messages]
    assert [people["requestor"].email] not in recipients and [people["colleague"].email] not in recipients
    assert not EmailSend.objects.filter(user__in=[people["requestor"], people["colleague"]]).exists()
    # A reply the requestor may read still reaches them (the check above could fail).
    api(people["assignee"]).post(url(ticket), {"body": "Coming Tuesday"})
    assert Notification.objects.filter(user=people["requestor"], kind="message").count() == 1


def test_hidden_before_join_counts_no_notes_for_a_requestor_role_latecomer(api, people, ticket, make_user):
    api(people["requestor"]).post(url(ticket), {"body": "before you came"})
    _note(api, people["assignee"], ticket)
    latecomer = make_user(role="requestor")
    add_participant(ticket, latecomer)
    page = api(latecomer).get(url(ticket)).json()
    assert page["hidden_before_join"] == 1 and page["count"] == 0


def test_a_note_edit_stays_a_note(api, people, ticket):
    note = _note(api, people["assignee"], ticket)
    edited = api(people["assignee"]).patch(url(ticket, f"/{note['id']}"), {"body": "Warranty ends in May"})
    assert edited.status_code == 200 and edited.json()["internal"] is True
    assert api(people["requestor"]).get(url(ticket)).json()["count"] == 0
    # An admin edits their own note (they may not reply, but notes are theirs too).
    own = _note(api, people["admin"], ticket, body="Vendor called")
    assert api(people["admin"]).patch(url(ticket, f"/{own['id']}"), {"body": "Vendor called twice"}).status_code == 200
