"""Sub-tickets (DESIGN §3): a moderator splits a ticket into one assigned sub-ticket per department;
their people join the parent's chat room."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet

from hdms.audit.services import audit_record
from hdms.core.errors import ValidationFailed
from hdms.core.events import publish_on_commit
from hdms.core.notification_kinds import NotificationKind as Kind
from hdms.core.text import clean_line, clean_text
from hdms.tickets import selectors
from hdms.tickets.models import SUBTICKET_DONE_STATUSES, Ticket, TicketStatus
from hdms.tickets.policy import Action
from hdms.tickets.services.base import (
    TicketId,
    assignee_or_error,
    change_begin,
    department_required,
    next_number,
    notify,
    now,
    ticket_snapshot,
)
from hdms.tickets.services.participants import join_acting_moderator, participant_ensure
from hdms.tickets.services.sla_clock import first_response, sla_start

if TYPE_CHECKING:
    from hdms.users.models import User

S = TicketStatus


def open_subtickets_of(ticket: Ticket) -> QuerySet[Ticket]:
    return Ticket.objects.filter(parent_id=ticket.id).exclude(status__in=SUBTICKET_DONE_STATUSES)


@transaction.atomic
def ticket_split(*, ticket_id: TicketId, by: User, items: list[dict[str, Any]], version: int) -> list[Ticket]:
    """A moderator splits a submitted (or approved) ticket into one sub-ticket per department, each
    assigned; the parent moves to in_progress owned by the moderator. An already split parent that
    its owner works on (in_progress) can get more sub-tickets, never a second open one for a
    department (a database constraint as well: ``ticket_one_open_subticket_per_department``)."""
    change = change_begin(ticket_id, by=by, version=version, action=Action.SPLIT)
    parent = change.ticket
    if not items:
        raise ValidationFailed("Give at least one sub-ticket.", errors=[{"loc": ["body", "items"], "msg": "empty"}])
    departments = [str(item["department_id"]) for item in items]
    if len(set(departments)) != len(departments):
        raise ValidationFailed("One sub-ticket per department.",
                               errors=[{"loc": ["body", "items"], "msg": "duplicate department"}])
    already_open = {str(d) for d in open_subtickets_of(parent).values_list("department_id", flat=True)}
    for index, department_id in enumerate(departments):
        if department_id in already_open:
            raise ValidationFailed("This ticket already has an open sub-ticket for that department.",
                                   errors=[{"loc": ["body", "items", index, "department_id"],
                                            "msg": "open sub-ticket exists"}])
    resolved_items = []
    for index, item in enumerate(items):
        department = department_required(item["department_id"], field=f"items.{index}.department_id")
        assignee = assignee_or_error(item["assignee_id"], department, field=f"items.{index}.assignee_id")
        resolved_items.append((item, department, assignee))
    if parent.status in (S.SUBMITTED, S.APPROVED):
        change.move(parent.split)
    at = now()
    first_response(parent, at)
    parent.owner = by
    join_acting_moderator(parent, by)
    created = []
    for item, department, assignee in resolved_items:
        sub = Ticket(
            number=next_number(),
            title=clean_line(item.get("title") or f"{parent.title} ({department.name})", field="title")[:200],
            description=clean_text(item.get("description")) or parent.description, department=department,
            category=parent.category, priority=parent.priority, requestor_id=parent.requestor_id,
            assignee=assignee, parent=parent, status=S.ASSIGNED, submitted_at=at, first_responded_at=at,
        )
        sla_start(sub, at)
        sub.save()
        participant_ensure(room_id=parent.id, user=assignee, added_by=by)
        audit_record(action="ticket.create", actor=by, object_type="ticket", object_id=sub.id,
                     after={**ticket_snapshot(sub), "parent_id": str(parent.id)})
        sub = selectors.ticket_base_qs().get(id=sub.id)
        sub.sub_total, sub.sub_done = 0, 0
        publish_on_commit("subticket.created", room_id=str(parent.id), subticket=selectors.ticket_payload(sub),
                          facts=selectors.policy_facts(sub).as_dict(), actor_id=str(by.id))
        notify(user_ids=[assignee.id], kind=Kind.TICKET_ASSIGNED, title=f"{sub.number} was assigned to you",
               body=sub.title, ticket=sub, actor=by)
        created.append(sub)
    change.finish(extra_after={"subtickets": [str(sub.id) for sub in created]})
    notify(user_ids=[parent.requestor_id], kind=Kind.TICKET_STATUS, title=f"{parent.number} is in progress",
           body=f"Split across {len(created)} department(s).", ticket=parent, actor=by)
    return created
