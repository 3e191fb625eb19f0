"""A room's first page, its count and the hidden count come from statements compiled once per shape
(communication/selectors.py, hdms/core/prepared.py): for every shape (notes read or not, the whole
history or from a join time) and page size they are what the ORM gives when it builds the query."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hdms.communication.models import Message
from hdms.communication.selectors import RoomAccess, message_hidden_count, message_page
from hdms.testing.factories_communication import make_ticket, post_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(make_user, department):
    requestor = make_user(role="requestor", employee_code="PP-REQ")
    assignee = make_user(role="assignee", employee_code="PP-ASG", department=department)
    ticket = make_ticket(requestor=requestor, assignee=assignee, status="in_progress")
    start = timezone.now() - timedelta(hours=2)
    for n in range(7):
        message = post_message(author=requestor if n % 2 else assignee, ticket=ticket, body=f"Message {n}",
                               created_at=start + timedelta(minutes=10 * n))
        if n in (2, 5):  # two internal notes
            Message.objects.filter(id=message.id).update(internal=True)
    return ticket, start


@pytest.mark.parametrize("reads_notes", [True, False])
@pytest.mark.parametrize("sees_all", [True, False])
@pytest.mark.parametrize("limit", [2, 50])
def test_the_first_page_and_counts_match_the_orm_for_every_shape(room, reads_notes, sees_all, limit):
    ticket, start = room
    joined_at = start + timedelta(minutes=25)  # after messages 0-2
    access = RoomAccess(ticket_id=str(ticket.id), room_id=str(ticket.id), sees_all=sees_all, silent=False,
                        joined_at=joined_at, reads_notes=reads_notes)
    visible = Message.objects.filter(room_id=ticket.id)
    if not reads_notes:
        visible = visible.filter(internal=False)
    hidden = visible.filter(created_at__lt=joined_at)
    if not sees_all:
        visible = visible.filter(created_at__gte=joined_at)
    expected = list(visible.order_by("-seq").values_list("body", flat=True))

    for _ in range(2):  # compiled on the first call, run as compiled on the second
        page = message_page(access=access, limit=limit)
        assert [m.body for m in page.items] == expected[:limit]
        assert page.count == len(expected)
        assert (page.next_cursor is not None) == (len(expected) > limit)
        assert page.items[0].author.full_name  # the author, joined
        assert message_hidden_count(access=access) == (0 if sees_all else hidden.count())
