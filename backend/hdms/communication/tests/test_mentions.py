"""Mentions (DESIGN §10, issue 16): ``@employee_code`` notifies a person who reads the conversation
(kind ``mention``) and never widens who sees the ticket: anyone else is refused, nobody is added."""

import pytest

from hdms.communication.models import Message, Notification
from hdms.testing.factories_communication import add_participant, make_ticket
from hdms.tickets.models import TicketParticipant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(make_user, department):
    return {
        "requestor": make_user(role="requestor", employee_code="REQ-1", full_name="Rabia Requestor"),
        "assignee": make_user(role="assignee", department=department, employee_code="ASG-1",
                              full_name="Asad Assignee"),
        "queue": make_user(role="assignee", department=department, employee_code="ASG-2", full_name="Qasim Queue"),
        "moderator": make_user(role="moderator", employee_code="MOD-1", full_name="Maryam Moderator"),
        "admin": make_user(role="admin", employee_code="ADM-1", full_name="Adil Admin"),
        "stranger": make_user(role="requestor", employee_code="STR-1", full_name="Sana Stranger"),
    }


@pytest.fixture
def ticket(people):
    return make_ticket(requestor=people["requestor"], assignee=people["assignee"], status="assigned")


def url(ticket):
    return f"tickets/{ticket.id}/messages"


def _participants(ticket):
    return set(TicketParticipant.objects.filter(ticket_id=ticket.id).values_list("user_id", flat=True))


def test_a_mention_notifies_the_person_and_is_stored_on_the_message(api, people, ticket):
    response = api(people["requestor"]).post(url(ticket), {"body": "@asg-1 and @MOD-1 please look"})
    assert response.status_code == 201, response.content
    assert set(response.json()["mentions"]) == {str(people["assignee"].id), str(people["moderator"].id)}
    kinds = set(Notification.objects.values_list("user_id", "kind"))
    assert kinds == {(people["assignee"].id, "mention"), (people["moderator"].id, "mention")}
    assert Notification.objects.filter(kind="mention").first().params["number"] == ticket.number


@pytest.mark.parametrize("who", ["stranger", "queue", "admin", "nobody"])
def test_a_mention_of_someone_who_does_not_read_the_conversation_is_refused_and_adds_nobody(api, people, ticket,
                                                                                           who):
    code = "NOBODY-9" if who == "nobody" else people[who].employee_code
    before = _participants(ticket)
    response = api(people["assignee"]).post(url(ticket), {"body": f"Asking @{code} to look"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and f"@{code}" in body["detail"]
    assert body["errors"][0]["type"] == "mention_not_allowed"
    # An unknown code gets the same answer: the refusal tells nothing about who exists.
    assert not Message.objects.exists() and not Notification.objects.exists()
    assert _participants(ticket) == before
    if who == "stranger":  # still cannot see the ticket
        assert api(people[who]).get(url(ticket)).status_code == 404


def test_a_note_mentions_only_note_readers(api, people, ticket):
    refused = api(people["assignee"]).post(url(ticket), {"body": "@REQ-1 see this", "internal": True})
    assert refused.status_code == 422 and "@REQ-1" in refused.json()["detail"]
    ok = api(people["assignee"]).post(url(ticket), {"body": "@MOD-1 vendor issue", "internal": True})
    assert ok.status_code == 201 and ok.json()["mentions"] == [str(people["moderator"].id)]
    assert set(Notification.objects.values_list("user_id", "kind")) == {(people["moderator"].id, "mention")}
    assert Notification.objects.get().params["internal"] is True


def test_mentionable_lists_who_reads_the_conversation(api, people, ticket):
    add_participant(ticket, people["stranger"])  # now in the room: mentionable
    client = api(people["assignee"])
    names = [p["employee_code"] for p in client.get(f"tickets/{ticket.id}/mentionable").json()["items"]]
    assert names == ["MOD-1", "REQ-1", "STR-1"]  # by name; not the caller, not the admin, not the queue
    notes = [p["employee_code"] for p in
             client.get(f"tickets/{ticket.id}/mentionable", {"internal": "true"}).json()["items"]]
    assert notes == ["MOD-1"]
    narrowed = client.get(f"tickets/{ticket.id}/mentionable", {"q": "rab"}).json()["items"]
    assert [p["employee_code"] for p in narrowed] == ["REQ-1"]
    assert api(people["requestor"]).get(f"tickets/{ticket.id}/mentionable",
                                        {"internal": "true"}).json()["items"] == []


def test_mentionable_of_an_invisible_ticket_is_404(api, people, ticket, make_user):
    other = make_ticket(requestor=make_user(role="requestor"))
    assert api(people["requestor"]).get(f"tickets/{other.id}/mentionable").status_code == 404


def test_an_edit_may_not_mention_an_outsider(api, people, ticket):
    posted = api(people["requestor"]).post(url(ticket), {"body": "hello"}).json()
    edited = api(people["requestor"]).patch(f"{url(ticket)}/{posted['id']}", {"body": "hello @STR-1"})
    assert edited.status_code == 422
    assert Message.objects.get().body == "hello"
