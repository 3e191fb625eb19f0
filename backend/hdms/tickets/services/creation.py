"""Filing, editing and deleting tickets (DESIGN §3, §4: ``POST``, ``PATCH``, ``DELETE tickets``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from hdms.audit.services import audit_record
from hdms.core.events import publish_on_commit
from hdms.core.notification_kinds import NotificationKind as Kind
from hdms.core.roles import Role
from hdms.core.text import clean_line, clean_text
from hdms.tickets import cache as ticket_cache
from hdms.tickets import policy
from hdms.tickets.models import Priority, Ticket, TicketParticipant, TicketStatus
from hdms.tickets.policy import Action
from hdms.tickets.services.base import (
    TicketId,
    as_reread,
    change_begin,
    change_of,
    check_priority,
    department_or_error,
    lock,
    next_number,
    notify,
    now,
    permit,
    ticket_snapshot,
    user_ids,
)
from hdms.tickets.services.forms import form_category_for, form_values_clean
from hdms.tickets.services.participants import join_acting_moderator
from hdms.tickets.services.sla_clock import sla_recompute_dues
from hdms.tickets.services.transitions import apply_submit

if TYPE_CHECKING:
    from hdms.users.models import User

S = TicketStatus


@transaction.atomic
def ticket_create(
    *,
    requestor: User,
    title: str,
    description: str = "",
    department_id: TicketId | None = None,
    category: str = "",
    priority: str | None = None,
    amount: Decimal | None = None,
    due_at: datetime | None = None,
    submit: bool = False,
    category_id: TicketId | None = None,
    fields: dict[str, Any] | None = None,
) -> Ticket:
    check_priority(priority)
    title = clean_line(title, field="title")
    form_category = form_category_for(category_id, department_id)
    values = form_values_clean(form_category, fields)
    department = department_or_error(department_id)
    if form_category is not None:
        # The category names its department; its name is the ticket's category word (the ai reads it).
        department = department or form_category.department
        category = category or form_category.name_en[:64]
        # A form's money field keyed "amount" is the ticket's amount (approvals read it, DESIGN §3).
        if amount is None and form_category.sets_amount:
            amount = Decimal(values["amount"]) if "amount" in values else None
    ticket = Ticket(
        number=next_number(), title=title, description=clean_text(description),
        department=department, category=category or "",
        priority=priority or Priority.MEDIUM, requestor=requestor, amount=amount, due_at=due_at,
        form_category=form_category, form_values=values,
    )
    ticket.save()
    # A brand-new room has no participants yet: a plain insert (participant_ensure's
    # get_or_create would spend a SELECT and a savepoint to learn that).
    TicketParticipant.objects.create(ticket_id=ticket.id, user_id=requestor.id, joined_at=now(),
                                     added_by_id=requestor.id)
    audit_record(action="ticket.create", actor=requestor, object_type="ticket", object_id=ticket.id,
                 after=ticket_snapshot(ticket))
    if submit:
        # Filed and submitted at once: the requestor's own new row, so no lock or permit to ask for.
        change = change_of(ticket, by=requestor, action=Action.SUBMIT)
        apply_submit(change)
        return change.finish(created=True)
    transaction.on_commit(ticket_cache.invalidate_dashboards)
    return as_reread(ticket)


@transaction.atomic
def ticket_update(*, ticket_id: TicketId, by: User, version: int, changes: dict[str, Any]) -> Ticket:
    """PATCH: the requestor edits their own draft; moderators and admins set priority, category and
    due date on any ticket that is still open."""
    change = change_begin(ticket_id, by=by, version=version, action=policy.EDIT, fields=changes)
    ticket = change.ticket
    check_priority(changes.get("priority"))
    if "title" in changes:
        ticket.title = clean_line(changes["title"], field="title")
    if "description" in changes:
        changes["description"] = clean_text(changes["description"])
    if "department_id" in changes:
        ticket.department = department_or_error(changes["department_id"])
    if "category_id" in changes or "fields" in changes:
        category_id = changes.get("category_id", ticket.form_category_id)
        ticket.form_category = form_category_for(category_id, ticket.department_id)
        same = (str(ticket.form_category_id) == str(change.before["form_category_id"])
                and "fields" not in changes)
        ticket.form_values = form_values_clean(ticket.form_category,
                                               ticket.form_values if same else changes.get("fields"))
    for name in ("description", "category", "amount", "due_at"):
        if name in changes:
            value = changes[name]
            setattr(ticket, name, "" if value is None and name in ("description", "category") else value)
    if changes.get("priority") and changes["priority"] != ticket.priority:
        ticket.priority = changes["priority"]
        sla_recompute_dues(ticket)
    if by.role == Role.MODERATOR:
        join_acting_moderator(ticket, by)
    fresh = change.finish()
    if change.before["priority"] != fresh.priority and by.id != ticket.requestor_id and ticket.status != S.DRAFT:
        notify(user_ids=user_ids(ticket.requestor_id, ticket.assignee_id), kind=Kind.TICKET_PRIORITY_CHANGED,
               title=f"{ticket.number} priority is now {ticket.priority}", ticket=ticket, actor=by)
    return fresh


@transaction.atomic
def ticket_delete(*, ticket_id: TicketId, by: User) -> None:
    """Soft delete: the requestor deletes their own draft; admins may delete any ticket. Not a
    transition (no version in ``DELETE tickets/{id}``): the room hears ``ticket.deleted``."""
    ticket = lock(ticket_id)
    permit(ticket, by, Action.DELETE)
    before = ticket_snapshot(ticket)
    ticket.is_deleted = True
    ticket.version += 1
    ticket.save()
    audit_record(action="ticket.delete", actor=by, object_type="ticket", object_id=ticket.id, before=before)
    transaction.on_commit(ticket_cache.invalidate_dashboards)
    publish_on_commit("ticket.deleted", ticket_id=str(ticket.id), room_id=str(ticket.room_id))
