"""The ticket's life cycle (DESIGN §3): every ``POST tickets/{id}/actions/{action}`` but the
approval ones (``approvals.py``), each through the skeleton of ``base.py``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from hdms.core.errors import NotFound, ValidationFailed
from hdms.core.events import publish_on_commit
from hdms.core.notification_kinds import NotificationKind as Kind
from hdms.tickets.models import Ticket, TicketStatus
from hdms.tickets.policy import Action
from hdms.tickets.services import approvals, links
from hdms.tickets.services.base import (
    Change,
    TicketId,
    assignee_or_error,
    change_begin,
    change_of,
    department_required,
    jsonable,
    lock,
    moderator_ids,
    notify,
    now,
    required_reason,
    user_ids,
)
from hdms.tickets.services.participants import join_acting_moderator, participant_ensure
from hdms.tickets.services.sla_clock import first_response, sla_pause, sla_resume, sla_start
from hdms.tickets.services.splitting import open_subtickets_of

if TYPE_CHECKING:
    from hdms.users.models import User

S = TicketStatus


def apply_submit(change: Change) -> None:
    """``change.by`` is the requestor (every caller knows it): no lazy load of ``ticket.requestor``."""
    ticket = change.ticket
    change.move(ticket.submit)
    at = now()
    ticket.submitted_at = at
    sla_start(ticket, at)
    notify(user_ids=moderator_ids(), kind=Kind.TICKET_SUBMITTED, title=f"New ticket {ticket.number}",
           body=ticket.title, ticket=ticket, actor=change.by)


@transaction.atomic
def ticket_submit(*, ticket_id: TicketId, by: User, version: int) -> Ticket:
    change = change_begin(ticket_id, by=by, version=version, action=Action.SUBMIT)
    apply_submit(change)
    return change.finish()


@transaction.atomic
def ticket_withdraw(*, ticket_id: TicketId, by: User, version: int, reason: str = "") -> Ticket:
    change = change_begin(ticket_id, by=by, version=version, action=Action.WITHDRAW)
    ticket = change.ticket
    change.move(ticket.withdraw)
    ticket.sla_paused_at = None
    if change.before["status"] == S.SUBMITTED:
        notify(user_ids=moderator_ids(), kind=Kind.TICKET_WITHDRAWN, title=f"{ticket.number} was withdrawn",
               body=ticket.title, ticket=ticket, actor=by)
    return change.finish(reason=reason or "")


@transaction.atomic
def ticket_reject(*, ticket_id: TicketId, by: User, version: int, reason: str) -> Ticket:
    """A moderator rejects a submitted ticket; an approver rejects one waiting on them."""
    change = change_begin(ticket_id, by=by, version=version, action=Action.REJECT)
    ticket = change.ticket
    if ticket.status == S.PENDING_APPROVAL:
        return approvals.approval_reject(ticket, approvals.pending_step(ticket), by=by, reason=reason)
    reason = required_reason(reason)
    change.move(ticket.reject)
    first_response(ticket, now())
    ticket.sla_paused_at = None
    ticket.resolution = reason
    join_acting_moderator(ticket, by)
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_REJECTED, title=f"{ticket.number} was rejected",
           body=reason, ticket=ticket, actor=by)
    return change.finish(reason=reason)


@transaction.atomic
def ticket_assign(*, ticket_id: TicketId, by: User, version: int, department_id: TicketId | None,
                  assignee_id: TicketId | None) -> Ticket:
    change = change_begin(ticket_id, by=by, version=version, action=Action.ASSIGN)
    ticket = change.ticket
    department = department_required(department_id)
    assignee = assignee_or_error(assignee_id, department)
    change.move(ticket.assign)
    first_response(ticket, now())
    ticket.department, ticket.assignee = department, assignee
    participant_ensure(room_id=ticket.room_id, user=assignee, added_by=by)
    join_acting_moderator(ticket, by)
    notify(user_ids=[assignee.id], kind=Kind.TICKET_ASSIGNED, title=f"{ticket.number} was assigned to you",
           body=ticket.title, ticket=ticket, actor=by)
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_STATUS, title=f"{ticket.number} is assigned",
           body=f"{department.name}: {assignee.full_name}", ticket=ticket, actor=by)
    return change.finish()


@transaction.atomic
def ticket_reassign(*, ticket_id: TicketId, by: User, version: int, assignee_id: TicketId | None,
                    reason: str = "") -> Ticket:
    change = change_begin(ticket_id, by=by, version=version, action=Action.REASSIGN)
    ticket = change.ticket
    assignee = assignee_or_error(assignee_id, ticket.department)
    change.move(ticket.reassign)
    old_assignee_id = ticket.assignee_id
    ticket.assignee = assignee
    participant_ensure(room_id=ticket.room_id, user=assignee, added_by=by)
    join_acting_moderator(ticket, by)
    notify(user_ids=[assignee.id], kind=Kind.TICKET_ASSIGNED, title=f"{ticket.number} was assigned to you",
           body=ticket.title, ticket=ticket, actor=by)
    notify(user_ids=[old_assignee_id], kind=Kind.TICKET_REASSIGNED, title=f"{ticket.number} was reassigned",
           body=f"Now with {assignee.full_name}", ticket=ticket, actor=by, params={"assignee_name": assignee.full_name})
    publish_on_commit("ticket.access_changed", ticket_id=str(ticket.id), room_id=str(ticket.room_id),
                      user_ids=user_ids(old_assignee_id))
    return change.finish(reason=reason or "", extra_after={"old_assignee_id": jsonable(old_assignee_id)})


@transaction.atomic
def ticket_start(*, ticket_id: TicketId, by: User, version: int) -> Ticket:
    change = change_begin(ticket_id, by=by, version=version, action=Action.START)
    ticket = change.ticket
    change.move(ticket.start)
    first_response(ticket, now())
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_STATUS, title=f"Work started on {ticket.number}",
           body=ticket.title, ticket=ticket, actor=by)
    return change.finish()


@transaction.atomic
def ticket_postpone(*, ticket_id: TicketId, by: User, version: int, reason: str, until: datetime | None) -> Ticket:
    change = change_begin(ticket_id, by=by, version=version, action=Action.POSTPONE)
    ticket = change.ticket
    reason = required_reason(reason)
    at = now()
    if until is None or until <= at:
        raise ValidationFailed("The postponement must end in the future.",
                               errors=[{"loc": ["body", "until"], "msg": "must be in the future"}])
    change.move(ticket.postpone)
    ticket.postponed_until, ticket.postponed_reason, ticket.last_reminder_at = until, reason, at
    sla_pause(ticket, at)
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_STATUS, title=f"{ticket.number} is postponed",
           body=f"Until {until:%Y-%m-%d}: {reason}", ticket=ticket, actor=by,
           params={"until": timezone.localtime(until).date().isoformat(), "reason": reason})
    return change.finish(reason=reason)


@transaction.atomic
def ticket_resume(*, ticket_id: TicketId, by: User, version: int) -> Ticket:
    change = change_begin(ticket_id, by=by, version=version, action=Action.RESUME)
    ticket = change.ticket
    change.move(ticket.resume)
    sla_resume(ticket, now())
    ticket.postponed_until, ticket.last_reminder_at = None, None
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_STATUS, title=f"Work resumed on {ticket.number}",
           body=ticket.title, ticket=ticket, actor=by)
    return change.finish()


def apply_resolve(change: Change, resolution: str, at: datetime) -> None:
    ticket = change.ticket
    change.move(ticket.resolve)
    ticket.resolved_at = at
    ticket.auto_close_warned_at = None
    if resolution:
        ticket.resolution = resolution
    first_response(ticket, at)
    if ticket.resolution_due and at > ticket.resolution_due:
        ticket.resolution_breached = True
        ticket.sla_breached = True
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_RESOLVED,
           title=f"{ticket.number} is resolved: please confirm or reopen",
           body=ticket.resolution or ticket.title, ticket=ticket)


@transaction.atomic
def ticket_resolve(*, ticket_id: TicketId, by: User, version: int, resolution: str = "") -> Ticket:
    change = change_begin(ticket_id, by=by, version=version, action=Action.RESOLVE)
    apply_resolve(change, resolution or "", now())
    fresh = change.finish(reason=resolution or "")
    if change.ticket.parent_id:
        _parent_resolve_if_done(change.ticket.parent_id)
    return fresh


def _parent_resolve_if_done(parent_id: TicketId) -> None:
    """When the last open sub-ticket is resolved, the parent resolves itself (DESIGN §3)."""
    parent = lock(parent_id)
    if parent.status != S.IN_PROGRESS or open_subtickets_of(parent).exists():
        return
    change = change_of(parent, by=None, action=Action.RESOLVE)
    apply_resolve(change, parent.resolution, now())
    # Said by the desk, not a person: a cause the clients put in words (audit.kinds.SYSTEM_CAUSES).
    change.finish(extra_after={"cause": "subtickets_resolved"})


@transaction.atomic
def ticket_reopen(*, ticket_id: TicketId, by: User, version: int, reason: str) -> Ticket:
    change = change_begin(ticket_id, by=by, version=version, action=Action.REOPEN)
    ticket = change.ticket
    reason = required_reason(reason)
    change.move(ticket.reopen)
    ticket.resolved_at, ticket.auto_close_warned_at = None, None
    # A reopened parent goes back to its owner (the splitting moderator); others to their assignee.
    notify(user_ids=user_ids(ticket.owner_id or ticket.assignee_id), kind=Kind.TICKET_REOPENED,
           title=f"{ticket.number} was reopened", body=reason, ticket=ticket, actor=by)
    fresh = change.finish(reason=reason)
    parent = change.parent  # locked by change_begin: the reopen rule reads its state
    if parent is not None and parent.status == S.RESOLVED:
        follow = change_of(parent, by=by, action=Action.REOPEN)
        follow.move(parent.reopen)
        parent.resolved_at, parent.auto_close_warned_at = None, None
        follow.finish(extra_after={"cause": "subticket_reopened", "subticket": ticket.number})
    return fresh


def apply_close(change: Change, at: datetime) -> None:
    change.move(change.ticket.close)
    change.ticket.closed_at = at


@transaction.atomic
def ticket_close(*, ticket_id: TicketId, by: User, version: int) -> Ticket:
    change = change_begin(ticket_id, by=by, version=version, action=Action.CLOSE)
    ticket = change.ticket
    apply_close(change, now())
    notify(user_ids=user_ids(ticket.assignee_id, ticket.owner_id), kind=Kind.TICKET_CLOSED,
           title=f"{ticket.number} was closed", body=ticket.title, ticket=ticket, actor=by)
    return change.finish()


@transaction.atomic
def ticket_rate(*, ticket_id: TicketId, by: User, version: int, score: int, comment: str = "") -> Ticket:
    change = change_begin(ticket_id, by=by, version=version, action=Action.RATE)
    ticket = change.ticket
    if not 1 <= int(score) <= 5:
        raise ValidationFailed(errors=[{"loc": ["body", "score"], "msg": "must be 1 to 5"}])
    ticket.rating, ticket.rating_comment = int(score), comment or ""
    notify(user_ids=user_ids(ticket.assignee_id), kind=Kind.TICKET_RATED,
           title=f"{ticket.number} was rated {score}/5", body=comment or "", ticket=ticket, actor=by,
           params={"score": score})
    return change.finish()


# ---------------------------------------------------------------- one entry point for actions

def ticket_act(*, ticket_id: TicketId, by: User, action: str, version: int, fields: dict[str, Any]) -> Ticket:
    """Dispatch ``POST tickets/{id}/actions/{action}`` to its service."""
    f = fields
    handlers: dict[str, Callable[[], Ticket]] = {
        "submit": lambda: ticket_submit(ticket_id=ticket_id, by=by, version=version),
        "withdraw": lambda: ticket_withdraw(ticket_id=ticket_id, by=by, version=version, reason=f.get("reason") or ""),
        "reject": lambda: ticket_reject(ticket_id=ticket_id, by=by, version=version, reason=f.get("reason") or ""),
        "request_approval": lambda: approvals.ticket_request_approval(ticket_id=ticket_id, by=by, version=version,
                                                                      reason=f.get("reason") or ""),
        "assign": lambda: ticket_assign(ticket_id=ticket_id, by=by, version=version,
                                        department_id=f.get("department_id"), assignee_id=f.get("assignee_id")),
        "reassign": lambda: ticket_reassign(ticket_id=ticket_id, by=by, version=version,
                                            assignee_id=f.get("assignee_id"), reason=f.get("reason") or ""),
        "start": lambda: ticket_start(ticket_id=ticket_id, by=by, version=version),
        "postpone": lambda: ticket_postpone(ticket_id=ticket_id, by=by, version=version,
                                            reason=f.get("reason") or "", until=f.get("until")),
        "resume": lambda: ticket_resume(ticket_id=ticket_id, by=by, version=version),
        "resolve": lambda: ticket_resolve(ticket_id=ticket_id, by=by, version=version,
                                          resolution=f.get("resolution") or ""),
        "reopen": lambda: ticket_reopen(ticket_id=ticket_id, by=by, version=version, reason=f.get("reason") or ""),
        "close": lambda: ticket_close(ticket_id=ticket_id, by=by, version=version),
        "rate": lambda: ticket_rate(ticket_id=ticket_id, by=by, version=version, score=f.get("score") or 0,
                                    comment=f.get("comment") or ""),
        "approve": lambda: approvals.ticket_approve(ticket_id=ticket_id, by=by, version=version,
                                                    reason=f.get("reason") or ""),
        "merge": lambda: links.ticket_merge(ticket_id=ticket_id, by=by, version=version, into_id=f.get("into_id")),
    }
    if action not in handlers:
        raise NotFound(f"Unknown action {action!r}.")
    return handlers[action]()
