"""Approvals (DESIGN §3): a moderator sends a ticket for approval, Finance first, then the CEO when
its amount is above the desk threshold; each step is approved or rejected by an approver of its
kind (or an admin), and every step is recorded. The SLA clock waits meanwhile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max

from hdms.core.errors import InvalidTransition, NotFound
from hdms.core.notification_kinds import NotificationKind as Kind
from hdms.core.roles import ApproverKind
from hdms.tickets import policy, selectors
from hdms.tickets.models import ApprovalStatus, ApprovalStep, Ticket, TicketStatus
from hdms.tickets.policy import Action
from hdms.tickets.services.base import (
    TicketId,
    approver_ids,
    change_begin,
    change_of,
    check_version,
    lock,
    moderator_ids,
    notify,
    now,
    require,
    required_reason,
    user_ids,
)
from hdms.tickets.services.participants import join_acting_moderator
from hdms.tickets.services.sla_clock import first_response, sla_pause, sla_resume

if TYPE_CHECKING:
    from hdms.users.models import User

S = TicketStatus


@transaction.atomic
def ticket_request_approval(*, ticket_id: TicketId, by: User, version: int, reason: str = "") -> Ticket:
    """Send for approval: Finance first, then the CEO when the amount is above the desk threshold."""
    change = change_begin(ticket_id, by=by, version=version, action=Action.REQUEST_APPROVAL)
    ticket = change.ticket
    change.move(ticket.request_approval, "request approval for")
    at = now()
    first_response(ticket, at)
    sla_pause(ticket, at)
    chain = [ApproverKind.FINANCE]
    threshold = selectors.desk_settings_get().ceo_approval_threshold
    if ticket.amount is not None and ticket.amount > threshold:
        chain.append(ApproverKind.CEO)
    last_round = ApprovalStep.objects.filter(ticket=ticket).aggregate(m=Max("round"))["m"] or 0
    for index, kind in enumerate(chain, start=1):
        ApprovalStep.objects.create(ticket=ticket, step=index, approver_kind=kind, round=last_round + 1,
                                    status=ApprovalStatus.PENDING if index == 1 else ApprovalStatus.WAITING)
    join_acting_moderator(ticket, by)
    notify(user_ids=approver_ids(chain[0]), kind=Kind.APPROVAL_REQUESTED,
           title=f"Approval needed for {ticket.number}", body=ticket.title, ticket=ticket, urgent=True, actor=by)
    return change.finish(reason=reason or "", extra_after={"approval_chain": list(chain)})


def pending_step(ticket: Ticket) -> ApprovalStep:
    """The step waiting now, locked; 409 when there is none (the permit saw one, a concurrent
    decision took it under our lock)."""
    step = (ApprovalStep.objects.select_for_update().filter(ticket=ticket, status=ApprovalStatus.PENDING)
            .order_by("-round", "step").first())
    if step is None:
        raise InvalidTransition("This approval step is not pending.", state=ticket.status)
    return step


@transaction.atomic
def ticket_approve(*, ticket_id: TicketId, by: User, version: int, reason: str = "") -> Ticket:
    """``POST tickets/{id}/actions/approve``: approve the step waiting now (as ``approvals/{id}/approve``)."""
    change = change_begin(ticket_id, by=by, version=version, action=Action.APPROVE)
    return approval_approve(change.ticket, pending_step(change.ticket), by=by, reason=reason)


@transaction.atomic
def approval_decide(*, approval_id: TicketId, by: User, decision: str, version: int,
                    reason: str = "") -> ApprovalStep:
    """Approve or reject the pending step ``approval_id``; every step is recorded. The person must
    be able to decide that step (its kind), so the check is the step's, not the ticket's permit."""
    step = ApprovalStep.objects.filter(id=approval_id).first()
    if step is None:
        raise NotFound("Approval not found.")
    ticket = lock(step.ticket_id)
    step = ApprovalStep.objects.select_for_update().get(id=step.id)
    require(policy.may_decide_approval(by, step.approver_kind), "This approval is not waiting on you.")
    check_version(ticket, version)
    if step.status != ApprovalStatus.PENDING or ticket.status != S.PENDING_APPROVAL:
        raise InvalidTransition("This approval step is not pending.", state=ticket.status)
    if decision == "reject":
        approval_reject(ticket, step, by=by, reason=reason)
        step.refresh_from_db()
        return step
    approval_approve(ticket, step, by=by, reason=reason)
    return step


def approval_reject(ticket: Ticket, step: ApprovalStep, *, by: User, reason: str) -> Ticket:
    """Reject the pending ``step`` of the locked ``ticket`` (checked by the caller): the ticket is
    rejected, the round's later steps cancelled."""
    reason = required_reason(reason)
    change = change_of(ticket, by=by, action="approval_reject")
    change.move(ticket.reject, "reject")
    at = now()
    step.status, step.decided_by, step.decided_at, step.reason = ApprovalStatus.REJECTED, by, at, reason
    step.version += 1
    step.save()
    ApprovalStep.objects.filter(ticket=ticket, round=step.round, status=ApprovalStatus.WAITING).update(
        status=ApprovalStatus.CANCELLED)
    sla_resume(ticket, at)
    ticket.resolution = reason
    notify(user_ids=user_ids(ticket.requestor_id, *moderator_ids()), kind=Kind.APPROVAL_REJECTED,
           title=f"{ticket.number} was not approved", body=reason, ticket=ticket, urgent=True, actor=by)
    return change.finish(reason=reason, extra_after={"approval_step": step.step, "approver_kind": step.approver_kind})


def approval_approve(ticket: Ticket, step: ApprovalStep, *, by: User, reason: str) -> Ticket:
    """Approve the pending ``step`` of the locked ``ticket`` (checked by the caller): the next step
    of the round waits on its approvers, or, after the last, the ticket is approved."""
    at = now()
    change = change_of(ticket, by=by, action=Action.APPROVE)
    step.status, step.decided_by, step.decided_at, step.reason = ApprovalStatus.APPROVED, by, at, reason or ""
    step.version += 1
    step.save()
    following = ApprovalStep.objects.filter(ticket=ticket, round=step.round, step=step.step + 1).first()
    if following is not None:
        change.move(ticket.approve_step)
        following.status = ApprovalStatus.PENDING
        following.version += 1
        following.save()
        notify(user_ids=approver_ids(following.approver_kind), kind=Kind.APPROVAL_REQUESTED,
               title=f"Approval needed for {ticket.number}", body=ticket.title, ticket=ticket, urgent=True,
               actor=by)
    else:
        change.move(ticket.approve_final)
        sla_resume(ticket, at)
        notify(user_ids=user_ids(ticket.requestor_id, *moderator_ids()), kind=Kind.APPROVAL_APPROVED,
               title=f"{ticket.number} was approved", body=reason or ticket.title, ticket=ticket, urgent=True,
               actor=by)
    return change.finish(reason=reason or "",
                         extra_after={"approval_step": step.step, "approver_kind": step.approver_kind})
