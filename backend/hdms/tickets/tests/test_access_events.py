"""The ticket service tells open sockets when who may see a ticket changes (issue 10, item 5):
``ticket.deleted`` and ``ticket.access_changed``, after commit (docs/realtime.md)."""


import pytest

from hdms.core.errors import InvalidTransition
from hdms.testing.events import recorded_events
from hdms.testing.factories_tickets import assigned_ticket, submitted_ticket
from hdms.tickets import services

ACCESS_EVENTS = ("ticket.deleted", "ticket.access_changed")


@pytest.fixture
def access_events():
    with recorded_events(*ACCESS_EVENTS) as seen:
        yield seen


def _only(seen: list[tuple[str, dict]]) -> tuple[str, dict]:
    assert len(seen) == 1, seen
    return seen[0]


@pytest.mark.django_db
def test_deleting_a_ticket_announces_it_to_its_room(desk, access_events, django_capture_on_commit_callbacks):
    ticket = assigned_ticket(desk.requestor, desk.moderator, desk.assignee)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_delete(ticket_id=ticket.id, by=desk.admin)
    kind, payload = _only(access_events)
    assert kind == "ticket.deleted"
    assert payload["ticket_id"] == str(ticket.id) and payload["room_id"] == str(ticket.id)


@pytest.mark.django_db
def test_a_refused_delete_announces_nothing(desk, access_events, django_capture_on_commit_callbacks):
    ticket = submitted_ticket(desk.requestor)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransition):
        services.ticket_delete(ticket_id=ticket.id, by=desk.requestor)  # only drafts, for the requestor
    assert access_events == []


@pytest.mark.django_db
def test_reassigning_asks_the_old_assignee_to_recheck(desk, access_events, django_capture_on_commit_callbacks):
    ticket = assigned_ticket(desk.requestor, desk.moderator, desk.assignee)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reassign(ticket_id=ticket.id, by=desk.moderator, version=ticket.version,
                                 assignee_id=desk.assignee2.id)
    kind, payload = _only(access_events)
    assert kind == "ticket.access_changed"
    assert payload["user_ids"] == [str(desk.assignee.id)] and payload["room_id"] == str(ticket.id)
