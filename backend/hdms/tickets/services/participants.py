"""Who is in a ticket's chat room (a sub-ticket's room is its parent's): joining on purpose
(opening the chat, being added by staff) and by acting on the ticket (assignees, moderators)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from django.db import transaction

from hdms.audit.services import audit_record
from hdms.core.errors import NotFound, ValidationFailed
from hdms.core.notification_kinds import NotificationKind as Kind
from hdms.core.roles import Role
from hdms.tickets import policy, selectors
from hdms.tickets.models import Ticket, TicketParticipant
from hdms.tickets.services.base import TicketId, active_user, notify, now, require

if TYPE_CHECKING:
    from hdms.users.models import User


def participant_ensure(*, room_id: TicketId, user: User | TicketId, added_by: User | None = None) -> TicketParticipant:
    """Make ``user`` a participant of the room (idempotent; keeps the first ``joined_at``)."""
    participant, _ = TicketParticipant.objects.get_or_create(
        ticket_id=room_id, user_id=getattr(user, "id", user),
        defaults={"joined_at": now(), "added_by_id": getattr(added_by, "id", None)},
    )
    return participant


def chat_join(*, user: User, ticket_id: TicketId) -> selectors.ChatAccess:
    """Open the ticket's chat: someone who may see the ticket but is not in its room yet (a
    colleague from the department queue, a pending approver) joins it now and from then on sees
    the messages posted after this moment. Moderators and admins read every room without joining."""
    access = selectors.chat_access(user=user, ticket_id=ticket_id)
    if access.sees_all or access.is_participant:
        return access
    participant = participant_ensure(room_id=access.room_id, user=user, added_by=None)
    return dataclasses.replace(access, joined_at=participant.joined_at, is_participant=True)


def join_acting_moderator(ticket: Ticket, by: User) -> None:
    # Admins observe silently; only moderators join the room by acting on a ticket.
    if by.role == Role.MODERATOR:
        participant_ensure(room_id=ticket.room_id, user=by, added_by=by)


@transaction.atomic
def participant_add(*, ticket_id: TicketId, by: User, user_id: TicketId) -> TicketParticipant:
    """Moderators and admins add a person to a ticket's room."""
    require(policy.is_staff(by))
    ticket = Ticket.objects.filter(id=ticket_id).first()
    if ticket is None:
        raise NotFound("Ticket not found.")
    user = active_user(user_id)
    if user is None:
        raise ValidationFailed("Unknown user.", errors=[{"loc": ["body", "user_id"], "msg": "not found"}])
    existed = TicketParticipant.objects.filter(ticket_id=ticket.room_id, user_id=user.id).exists()
    participant = participant_ensure(room_id=ticket.room_id, user=user, added_by=by)
    if not existed:
        audit_record(action="ticket.participant_add", actor=by, object_type="ticket", object_id=ticket.room_id,
                     after={"user_id": str(user.id)})
        notify(user_ids=[user.id], kind=Kind.TICKET_PARTICIPANT_ADDED, title=f"You were added to {ticket.number}",
               body=ticket.title, ticket=ticket, actor=by)
    return participant
