"""Test data for the communication service: tickets with chat rooms, and messages.

Until the ticket service ships its own factories, tickets and participants are created here
directly (test setup only; the code under test reads them through hdms.tickets.selectors).
"""

import itertools
from datetime import datetime
from typing import Any

from django.utils import timezone

from hdms.communication.models import Message
from hdms.communication.services import message_create, room_enter
from hdms.tickets.models import Ticket, TicketParticipant

_numbers = itertools.count(1)


def make_ticket(
    *, requestor: Any, assignee: Any = None, department: Any = None, status: str = "submitted",
    parent: Any = None, title: str = "Printer on floor 2 is jammed",
) -> Ticket:
    ticket = Ticket.objects.create(
        number=f"CT-{next(_numbers):06d}-{timezone.now().strftime('%H%M%S%f')}"[:16],
        title=title, description="It does not print.", requestor=requestor, assignee=assignee,
        department=department or getattr(assignee, "department", None), status=status, parent=parent,
    )
    room = parent or ticket
    add_participant(room, requestor, joined_at=ticket.created_at)
    if assignee is not None:
        add_participant(room, assignee, joined_at=ticket.created_at)
    return ticket


def add_participant(ticket: Ticket, user: Any, *, joined_at: datetime | None = None) -> TicketParticipant:
    participant, _ = TicketParticipant.objects.get_or_create(
        ticket=ticket, user=user, defaults={"joined_at": joined_at or timezone.now()}
    )
    return participant


def post_message(*, author: Any, ticket: Any, body: str = "Salaam, any update?", client_id: str = "",
                 created_at: datetime | None = None) -> Message:
    access = room_enter(user=author, ticket_id=ticket.id)
    message, _ = message_create(author=author, access=access, body=body, client_id=client_id)
    if created_at is not None:
        Message.objects.filter(id=message.id).update(created_at=created_at)
        message.refresh_from_db()
    return message
