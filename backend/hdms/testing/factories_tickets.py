"""Factories and small builders for the ticket service's tests (real services, no shortcuts
around the state machine unless a test asks for a raw row)."""

from typing import Any

import factory

from hdms.testing.factories import UserFactory
from hdms.tickets import services
from hdms.tickets.models import Priority, Ticket, TicketStatus


class TicketFactory(factory.django.DjangoModelFactory):
    """A raw ticket row (no SLA, no audit): for list/visibility tests that need many rows fast."""

    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: f"HT-{n:07d}")
    title = factory.Sequence(lambda n: f"Ticket {n}")
    description = "Something is broken."
    priority = Priority.MEDIUM
    status = TicketStatus.SUBMITTED
    requestor = factory.SubFactory(UserFactory)


def submitted_ticket(requestor: Any, **kwargs: Any) -> Ticket:
    kwargs.setdefault("title", "Projector does not turn on")
    kwargs.setdefault("description", "Room 12 projector shows no picture.")
    return services.ticket_create(requestor=requestor, submit=True, **kwargs)


def assigned_ticket(requestor: Any, moderator: Any, assignee: Any, **kwargs: Any) -> Ticket:
    ticket = submitted_ticket(requestor, **kwargs)
    return services.ticket_assign(ticket_id=ticket.id, by=moderator, version=ticket.version,
                                  department_id=assignee.department_id, assignee_id=assignee.id)


def in_progress_ticket(requestor: Any, moderator: Any, assignee: Any, **kwargs: Any) -> Ticket:
    ticket = assigned_ticket(requestor, moderator, assignee, **kwargs)
    return services.ticket_start(ticket_id=ticket.id, by=assignee, version=ticket.version)


def resolved_ticket(requestor: Any, moderator: Any, assignee: Any, **kwargs: Any) -> Ticket:
    ticket = in_progress_ticket(requestor, moderator, assignee, **kwargs)
    return services.ticket_resolve(ticket_id=ticket.id, by=assignee, version=ticket.version, resolution="Fixed")
