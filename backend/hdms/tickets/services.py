"""Every write of the ticket service: creation, edits, the state machine (DESIGN §3), sub-tickets,
approvals, participants, SLA bookkeeping and desk settings.

Each transition runs in one transaction: lock the row (``select_for_update``), check the
``version`` (409 ``version_conflict``: a stale client reloads first), check who may act (403),
check the state machine (409 ``invalid_transition``, ticket unchanged), change fields, bump
``version``, write an audit entry
with the before/after state and the reason, then after commit publish ``ticket.updated`` and the
``notification.requested`` events and invalidate the dashboard caches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_fsm import can_proceed

from hdms.audit.services import audit_record
from hdms.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed, VersionConflict
from hdms.core.events import publish_on_commit
from hdms.core.notification_kinds import NotificationKind as Kind
from hdms.core.roles import ApproverKind, Role
from hdms.core.text import clean_line, clean_text
from hdms.tickets import cache as ticket_cache
from hdms.tickets import policy, selectors
from hdms.tickets.models import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    SUBTICKET_DONE_STATUSES,
    ApprovalStatus,
    ApprovalStep,
    DeskSettings,
    Holiday,
    Priority,
    SlaPolicy,
    Ticket,
    TicketParticipant,
    TicketStatus,
)
from hdms.tickets.policy import Action
from hdms.tickets.sla import add_working_minutes, working_minutes_between
from hdms.users import selectors as users_selectors

S = TicketStatus
AMOUNT_PLACES = Ticket._meta.get_field("amount").decimal_places
SNAPSHOT_FIELDS = ("status", "priority", "department_id", "assignee_id", "owner_id", "title", "category",
                   "amount", "due_at", "postponed_until", "postponed_reason", "resolution", "rating", "version")


# ---------------------------------------------------------------- helpers

def _now() -> datetime:
    return timezone.now()


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def ticket_snapshot(ticket: Ticket) -> dict[str, Any]:
    return {name: _jsonable(getattr(ticket, name)) for name in SNAPSHOT_FIELDS}


def _lock(ticket_id: Any) -> Ticket:
    ticket = Ticket.objects.select_for_update().filter(id=ticket_id).first()
    if ticket is None:
        raise NotFound("Ticket not found.")
    return ticket


def _check_version(row: Ticket | SlaPolicy | DeskSettings, version: int | None) -> None:
    if version is None or int(version) != row.version:
        raise VersionConflict(current_version=row.version)


def _fsm(ticket: Ticket, method: Callable[[], None], action: str) -> None:
    if not can_proceed(method):
        state = ticket.status.replace("_", " ")
        raise InvalidTransition(f"Cannot {action.replace('_', ' ')} a ticket that is {state}.", state=ticket.status)
    method()


_is_staff = policy.is_staff
_is_admin = policy.is_admin


def _require(condition: bool, detail: str = "You are not allowed to do this.") -> None:
    if not condition:
        raise Forbidden(detail)


def _permit(ticket: Ticket, by: Any, action: Action) -> policy.Permit:
    """Ask the policy (tickets/policy.py) whether ``by`` may take ``action`` on the locked ticket:
    403 ``forbidden`` or 409 ``invalid_transition`` (ticket unchanged) when not."""
    return policy.permit(by, ticket, action, selectors.policy_facts(ticket, action=action))


def _reason(reason: str | None, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("A reason is required.", errors=[{"loc": ["body", field], "msg": "required"}])
    return reason


def _user_ids(*users: Any) -> list[str]:
    ids = []
    for user in users:
        uid = getattr(user, "id", user)
        if uid and str(uid) not in ids:
            ids.append(str(uid))
    return ids


def _moderator_ids() -> list[str]:
    return users_selectors.user_ids_with_role(roles=[Role.MODERATOR])


def _approver_ids(kind: str) -> list[str]:
    return [str(i) for i in users_selectors.approvers(kind=kind).values_list("id", flat=True)]


def _active_user(user_id: Any) -> Any:
    user = users_selectors.user_get(user_id=user_id)
    return user if user is not None and user.is_active else None


def notification_params(ticket: Ticket | None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a client needs to say a ticket notification in the reader's language (DESIGN §9):
    the ticket's number, title, status and priority, plus the kind's own values."""
    params: dict[str, Any] = {}
    if ticket is not None:
        params = {"number": ticket.number, "title": ticket.title, "status": str(ticket.status),
                  "priority": str(ticket.priority)}
    params.update(extra or {})
    return params


def notify(*, user_ids: Iterable[Any], kind: Kind, title: str, body: str = "", ticket: Ticket | None = None,
           urgent: bool = False, actor: Any = None, params: dict[str, Any] | None = None) -> None:
    """Ask the communication service for a notification (after commit); the actor is left out."""
    actor_id = str(actor.id) if actor is not None else None
    recipients = [uid for uid in dict.fromkeys(str(u) for u in user_ids if u) if uid != actor_id]
    if not recipients:
        return
    publish_on_commit("notification.requested", user_ids=recipients, kind=kind, title=title, body=body,
                      ticket_id=str(ticket.id) if ticket else None, urgent=urgent, actor_id=actor_id,
                      params=notification_params(ticket, params))


def _finish(ticket: Ticket, *, action: str, by: Any, before: dict[str, Any], reason: str = "",
            extra_after: dict[str, Any] | None = None) -> Ticket:
    """Bump the version, save, audit, and publish ``ticket.updated`` after commit."""
    ticket.version += 1
    ticket.save()
    after = ticket_snapshot(ticket)
    if extra_after:
        after.update(extra_after)
    audit_record(action=f"ticket.{action}", actor=by, object_type="ticket", object_id=ticket.id,
                 before=before, after=after, reason=reason)
    fresh = selectors.ticket_base_qs().get(id=ticket.id)
    # Sub-ticket progress counted once, for the event here and for the API's response.
    selectors.with_subticket_progress([fresh])
    payload = selectors.ticket_payload(fresh)
    # The room's readers each get their own allowed_actions, computed by the consumer from these facts.
    publish_on_commit("ticket.updated", ticket=payload, facts=selectors.policy_facts(fresh).as_dict(),
                      room_id=payload["room_id"], action=action,
                      actor_id=str(by.id) if by is not None else None,
                      from_status=before.get("status"), to_status=ticket.status)
    transaction.on_commit(ticket_cache.invalidate_dashboards)
    return fresh


def _next_number() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('tickets_ticket_number_seq')")
            value = cursor.fetchone()[0]
    else:  # SQLite serialises writers (IMMEDIATE transactions), so max + 1 is safe there
        last = Ticket.all_objects.aggregate(m=Max("number"))["m"]
        value = int(last.split("-")[1]) + 1 if last else 1
    return f"HD-{value:06d}"


# ---------------------------------------------------------------- participants

def participant_ensure(*, room_id: Any, user: Any, added_by: Any = None) -> TicketParticipant:
    """Make ``user`` a participant of the room (idempotent; keeps the first ``joined_at``)."""
    participant, _ = TicketParticipant.objects.get_or_create(
        ticket_id=room_id, user_id=user.id if hasattr(user, "id") else user,
        defaults={"joined_at": _now(), "added_by_id": getattr(added_by, "id", None)},
    )
    return participant


def chat_join(*, user: Any, ticket_id: Any) -> selectors.ChatAccess:
    """Open the ticket's chat: someone who may see the ticket but is not in its room yet (a
    colleague from the department queue, a pending approver) joins it now and from then on sees
    the messages posted after this moment. Moderators and admins read every room without joining."""
    access = selectors.chat_access(user=user, ticket_id=ticket_id)
    if access.sees_all or access.is_participant:
        return access
    participant = participant_ensure(room_id=access.room_id, user=user, added_by=None)
    return dataclasses.replace(access, joined_at=participant.joined_at, is_participant=True)


def _join_acting_moderator(ticket: Ticket, by: Any) -> None:
    # Admins observe silently; only moderators join the room by acting on a ticket.
    if by is not None and by.role == Role.MODERATOR:
        participant_ensure(room_id=ticket.room_id, user=by, added_by=by)


@transaction.atomic
def participant_add(*, ticket_id: Any, by: Any, user_id: Any) -> TicketParticipant:
    """Moderators and admins add a person to a ticket's room."""
    _require(_is_staff(by))
    ticket = Ticket.objects.filter(id=ticket_id).first()
    if ticket is None:
        raise NotFound("Ticket not found.")
    user = _active_user(user_id)
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


# ---------------------------------------------------------------- SLA bookkeeping

def _sla_start(ticket: Ticket, at: datetime) -> None:
    ticket.sla_started_at = at
    ticket.sla_paused_minutes = 0
    ticket.sla_paused_at = None
    sla_recompute_dues(ticket)


def sla_recompute_dues(ticket: Ticket) -> None:
    """Dues = start + target + paused working minutes, all in working time (DESIGN §3)."""
    if ticket.sla_started_at is None:
        return
    policy = selectors.sla_policy_for(ticket.priority)
    if policy is None:
        ticket.first_response_due = ticket.resolution_due = None
        ticket.first_response_warn_at = ticket.resolution_warn_at = None
        return
    calendar = selectors.work_calendar()
    start, paused = ticket.sla_started_at, ticket.sla_paused_minutes
    ticket.first_response_due = add_working_minutes(start, policy.first_response_minutes + paused, calendar)
    ticket.first_response_warn_at = add_working_minutes(start, policy.first_response_minutes * 0.8 + paused, calendar)
    ticket.resolution_due = add_working_minutes(start, policy.resolution_minutes + paused, calendar)
    ticket.resolution_warn_at = add_working_minutes(start, policy.resolution_minutes * 0.8 + paused, calendar)


def _sla_pause(ticket: Ticket, at: datetime) -> None:
    if ticket.sla_started_at is not None and ticket.sla_paused_at is None:
        ticket.sla_paused_at = at


def _sla_resume(ticket: Ticket, at: datetime) -> None:
    if ticket.sla_paused_at is None:
        return
    paused = working_minutes_between(ticket.sla_paused_at, at, selectors.work_calendar())
    ticket.sla_paused_minutes += round(paused)
    ticket.sla_paused_at = None
    sla_recompute_dues(ticket)


def _first_response(ticket: Ticket, at: datetime) -> None:
    if ticket.first_responded_at is None and ticket.sla_started_at is not None:
        ticket.first_responded_at = at
        if ticket.first_response_due and at > ticket.first_response_due:
            ticket.first_response_breached = True
            ticket.sla_breached = True


# ---------------------------------------------------------------- create, edit, delete

def _department_or_error(department_id: Any, field: str = "department_id") -> Any:
    if department_id in (None, ""):
        return None
    department = users_selectors.department_get(department_id=department_id)
    if department is None:
        raise ValidationFailed("Unknown department.", errors=[{"loc": ["body", field], "msg": "not found"}])
    return department


def _assignee_or_error(assignee_id: Any, department: Any, field: str = "assignee_id") -> Any:
    user = _active_user(assignee_id)
    if user is None:
        raise ValidationFailed("Unknown assignee.", errors=[{"loc": ["body", field], "msg": "not found"}])
    if user.role not in (Role.ASSIGNEE, Role.MODERATOR, Role.ADMIN):
        raise ValidationFailed("This person cannot be assigned tickets.",
                               errors=[{"loc": ["body", field], "msg": "not an assignee"}])
    if department is not None and user.role == Role.ASSIGNEE and user.department_id != department.id:
        raise ValidationFailed("The assignee is not in that department.",
                               errors=[{"loc": ["body", field], "msg": "not in department"}])
    return user


def _check_priority(priority: str | None) -> None:
    if priority is not None and priority not in Priority.values:
        raise ValidationFailed(errors=[{"loc": ["body", "priority"], "msg": "must be low, medium, high or urgent"}])


@transaction.atomic
def ticket_create(
    *,
    requestor: Any,
    title: str,
    description: str = "",
    department_id: Any = None,
    category: str = "",
    priority: str | None = None,
    amount: Decimal | None = None,
    due_at: datetime | None = None,
    submit: bool = False,
) -> Ticket:
    _check_priority(priority)
    title = clean_line(title, field="title")
    ticket = Ticket(
        number=_next_number(), title=title, description=clean_text(description),
        department=_department_or_error(department_id), category=category or "",
        priority=priority or Priority.MEDIUM, requestor=requestor, amount=amount, due_at=due_at,
    )
    ticket.save()
    # A brand-new room has no participants yet: a plain insert (participant_ensure's
    # get_or_create would spend a SELECT and a savepoint to learn that).
    TicketParticipant.objects.create(ticket_id=ticket.id, user_id=requestor.id, joined_at=_now(),
                                     added_by_id=requestor.id)
    audit_record(action="ticket.create", actor=requestor, object_type="ticket", object_id=ticket.id,
                 after=ticket_snapshot(ticket))
    if submit:
        before = ticket_snapshot(ticket)
        _do_submit(ticket, by=requestor)
        return _finish(ticket, action="submit", by=requestor, before=before)
    transaction.on_commit(ticket_cache.invalidate_dashboards)
    return _as_loaded(ticket)


def _as_loaded(ticket: Ticket) -> Ticket:
    """The just-inserted ticket as a re-read would return it, without the re-read: the values the
    database normalises (the amount's scale, ``due_at`` in UTC) normalised the same way, and no
    sub-tickets yet."""
    if ticket.amount is not None:
        # PostgreSQL's numeric rounds ties away from zero, as ROUND_HALF_UP does.
        ticket.amount = Decimal(str(ticket.amount)).quantize(Decimal(1).scaleb(-AMOUNT_PLACES), rounding=ROUND_HALF_UP)
    if ticket.due_at is not None:
        due_at = ticket.due_at
        if timezone.is_naive(due_at):
            due_at = timezone.make_aware(due_at, timezone.get_default_timezone())
        ticket.due_at = due_at.astimezone(UTC)
    ticket.sub_total, ticket.sub_done = 0, 0
    return ticket


@transaction.atomic
def ticket_update(*, ticket_id: Any, by: Any, version: int, changes: dict[str, Any]) -> Ticket:
    """PATCH: the requestor edits their own draft; moderators and admins set priority, category and
    due date on any ticket that is still open."""
    ticket = _lock(ticket_id)
    policy.permit_edit(by, ticket, changes, selectors.policy_facts(ticket, action=policy.EDIT))
    _check_version(ticket, version)
    _check_priority(changes.get("priority"))
    before = ticket_snapshot(ticket)
    if "title" in changes:
        ticket.title = clean_line(changes["title"], field="title")
    if "description" in changes:
        changes["description"] = clean_text(changes["description"])
    if "department_id" in changes:
        ticket.department = _department_or_error(changes["department_id"])
    for name in ("description", "category", "amount", "due_at"):
        if name in changes:
            value = changes[name]
            setattr(ticket, name, "" if value is None and name in ("description", "category") else value)
    if changes.get("priority") and changes["priority"] != ticket.priority:
        ticket.priority = changes["priority"]
        sla_recompute_dues(ticket)
    if by.role == Role.MODERATOR:
        _join_acting_moderator(ticket, by)
    fresh = _finish(ticket, action="update", by=by, before=before)
    if before["priority"] != fresh.priority and by.id != ticket.requestor_id and ticket.status != S.DRAFT:
        notify(user_ids=_user_ids(ticket.requestor_id, ticket.assignee_id), kind=Kind.TICKET_PRIORITY_CHANGED,
               title=f"{ticket.number} priority is now {ticket.priority}", ticket=ticket, actor=by)
    return fresh


@transaction.atomic
def ticket_delete(*, ticket_id: Any, by: Any) -> None:
    """Soft delete: the requestor deletes their own draft; admins may delete any ticket."""
    ticket = _lock(ticket_id)
    _permit(ticket, by, Action.DELETE)
    before = ticket_snapshot(ticket)
    ticket.is_deleted = True
    ticket.version += 1
    ticket.save()
    audit_record(action="ticket.delete", actor=by, object_type="ticket", object_id=ticket.id, before=before)
    transaction.on_commit(ticket_cache.invalidate_dashboards)
    publish_on_commit("ticket.deleted", ticket_id=str(ticket.id), room_id=str(ticket.room_id))


# ---------------------------------------------------------------- transitions

def _do_submit(ticket: Ticket, *, by: Any) -> None:
    """``by`` is the requestor (both callers check it): no lazy load of ``ticket.requestor``."""
    _fsm(ticket, ticket.submit, "submit")
    now = _now()
    ticket.submitted_at = now
    _sla_start(ticket, now)
    notify(user_ids=_moderator_ids(), kind=Kind.TICKET_SUBMITTED, title=f"New ticket {ticket.number}",
           body=ticket.title, ticket=ticket, actor=by)


@transaction.atomic
def ticket_submit(*, ticket_id: Any, by: Any, version: int) -> Ticket:
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.SUBMIT)
    before = ticket_snapshot(ticket)
    _do_submit(ticket, by=by)
    return _finish(ticket, action="submit", by=by, before=before)


@transaction.atomic
def ticket_withdraw(*, ticket_id: Any, by: Any, version: int, reason: str = "") -> Ticket:
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.WITHDRAW)
    before = ticket_snapshot(ticket)
    _fsm(ticket, ticket.withdraw, "withdraw")
    ticket.sla_paused_at = None
    if before["status"] == S.SUBMITTED:
        notify(user_ids=_moderator_ids(), kind=Kind.TICKET_WITHDRAWN, title=f"{ticket.number} was withdrawn",
               body=ticket.title, ticket=ticket, actor=by)
    return _finish(ticket, action="withdraw", by=by, before=before, reason=reason or "")


@transaction.atomic
def ticket_reject(*, ticket_id: Any, by: Any, version: int, reason: str) -> Ticket:
    """A moderator rejects a submitted ticket; an approver rejects one waiting on them."""
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.REJECT)
    if ticket.status == S.PENDING_APPROVAL:
        step = _pending_step(ticket)
        if step is None:  # the permit saw one; a concurrent decision took it under our lock
            raise InvalidTransition("This approval step is not pending.", state=ticket.status)
        return _approval_reject(ticket, step, by=by, reason=reason)
    reason = _reason(reason)
    before = ticket_snapshot(ticket)
    _fsm(ticket, ticket.reject, "reject")
    now = _now()
    _first_response(ticket, now)
    ticket.sla_paused_at = None
    ticket.resolution = reason
    _join_acting_moderator(ticket, by)
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_REJECTED, title=f"{ticket.number} was rejected",
           body=reason, ticket=ticket, actor=by)
    return _finish(ticket, action="reject", by=by, before=before, reason=reason)


@transaction.atomic
def ticket_request_approval(*, ticket_id: Any, by: Any, version: int, reason: str = "") -> Ticket:
    """Send for approval: Finance first, then the CEO when the amount is above the desk threshold."""
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.REQUEST_APPROVAL)
    before = ticket_snapshot(ticket)
    _fsm(ticket, ticket.request_approval, "request approval for")
    now = _now()
    _first_response(ticket, now)
    _sla_pause(ticket, now)
    chain = [ApproverKind.FINANCE]
    threshold = selectors.desk_settings_get().ceo_approval_threshold
    if ticket.amount is not None and ticket.amount > threshold:
        chain.append(ApproverKind.CEO)
    last_round = ApprovalStep.objects.filter(ticket=ticket).aggregate(m=Max("round"))["m"] or 0
    for index, kind in enumerate(chain, start=1):
        ApprovalStep.objects.create(ticket=ticket, step=index, approver_kind=kind, round=last_round + 1,
                                    status=ApprovalStatus.PENDING if index == 1 else ApprovalStatus.WAITING)
    _join_acting_moderator(ticket, by)
    notify(user_ids=_approver_ids(chain[0]), kind=Kind.APPROVAL_REQUESTED,
           title=f"Approval needed for {ticket.number}", body=ticket.title, ticket=ticket, urgent=True, actor=by)
    return _finish(ticket, action="request_approval", by=by, before=before, reason=reason or "",
                   extra_after={"approval_chain": list(chain)})


def _pending_step(ticket: Ticket) -> ApprovalStep | None:
    return (ApprovalStep.objects.select_for_update().filter(ticket=ticket, status=ApprovalStatus.PENDING)
            .order_by("-round", "step").first())


def _may_decide(user: Any, step: ApprovalStep) -> bool:
    return policy.may_decide_approval(user, step.approver_kind)


def _approval_reject(ticket: Ticket, step: ApprovalStep, *, by: Any, reason: str) -> Ticket:
    reason = _reason(reason)
    before = ticket_snapshot(ticket)
    _fsm(ticket, ticket.reject, "reject")
    now = _now()
    step.status, step.decided_by, step.decided_at, step.reason = ApprovalStatus.REJECTED, by, now, reason
    step.version += 1
    step.save()
    ApprovalStep.objects.filter(ticket=ticket, round=step.round, status=ApprovalStatus.WAITING).update(
        status=ApprovalStatus.CANCELLED)
    _sla_resume(ticket, now)
    ticket.resolution = reason
    notify(user_ids=_user_ids(ticket.requestor_id, *_moderator_ids()), kind=Kind.APPROVAL_REJECTED,
           title=f"{ticket.number} was not approved", body=reason, ticket=ticket, urgent=True, actor=by)
    return _finish(ticket, action="approval_reject", by=by, before=before, reason=reason,
                   extra_after={"approval_step": step.step, "approver_kind": step.approver_kind})


@transaction.atomic
def approval_decide(*, approval_id: Any, by: Any, decision: str, version: int, reason: str = "") -> ApprovalStep:
    """Approve or reject the pending step ``approval_id``; every step is recorded."""
    step = ApprovalStep.objects.filter(id=approval_id).first()
    if step is None:
        raise NotFound("Approval not found.")
    ticket = _lock(step.ticket_id)
    step = ApprovalStep.objects.select_for_update().get(id=step.id)
    _require(_may_decide(by, step), "This approval is not waiting on you.")
    _check_version(ticket, version)
    if step.status != ApprovalStatus.PENDING or ticket.status != S.PENDING_APPROVAL:
        raise InvalidTransition("This approval step is not pending.", state=ticket.status)
    if decision == "reject":
        _approval_reject(ticket, step, by=by, reason=reason)
        step.refresh_from_db()
        return step
    _approval_approve(ticket, step, by=by, reason=reason)
    return step


@transaction.atomic
def ticket_approve(*, ticket_id: Any, by: Any, version: int, reason: str = "") -> Ticket:
    """``POST tickets/{id}/actions/approve``: approve the step waiting now (as ``approvals/{id}/approve``)."""
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.APPROVE)
    step = _pending_step(ticket)
    if step is None:  # the permit saw one; a concurrent decision took it under our lock
        raise InvalidTransition("This approval step is not pending.", state=ticket.status)
    return _approval_approve(ticket, step, by=by, reason=reason)


def _approval_approve(ticket: Ticket, step: ApprovalStep, *, by: Any, reason: str) -> Ticket:
    now = _now()
    before = ticket_snapshot(ticket)
    step.status, step.decided_by, step.decided_at, step.reason = ApprovalStatus.APPROVED, by, now, reason or ""
    step.version += 1
    step.save()
    following = ApprovalStep.objects.filter(ticket=ticket, round=step.round, step=step.step + 1).first()
    if following is not None:
        _fsm(ticket, ticket.approve_step, "approve")
        following.status = ApprovalStatus.PENDING
        following.version += 1
        following.save()
        notify(user_ids=_approver_ids(following.approver_kind), kind=Kind.APPROVAL_REQUESTED,
               title=f"Approval needed for {ticket.number}", body=ticket.title, ticket=ticket, urgent=True,
               actor=by)
    else:
        _fsm(ticket, ticket.approve_final, "approve")
        _sla_resume(ticket, now)
        notify(user_ids=_user_ids(ticket.requestor_id, *_moderator_ids()), kind=Kind.APPROVAL_APPROVED,
               title=f"{ticket.number} was approved", body=reason or ticket.title, ticket=ticket, urgent=True,
               actor=by)
    return _finish(ticket, action="approve", by=by, before=before, reason=reason or "",
                   extra_after={"approval_step": step.step, "approver_kind": step.approver_kind})


@transaction.atomic
def ticket_assign(*, ticket_id: Any, by: Any, version: int, department_id: Any, assignee_id: Any) -> Ticket:
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.ASSIGN)
    department = _department_or_error(department_id)
    if department is None:
        raise ValidationFailed("A department is required.", errors=[{"loc": ["body", "department_id"],
                                                                    "msg": "required"}])
    assignee = _assignee_or_error(assignee_id, department)
    before = ticket_snapshot(ticket)
    _fsm(ticket, ticket.assign, "assign")
    _first_response(ticket, _now())
    ticket.department, ticket.assignee = department, assignee
    participant_ensure(room_id=ticket.room_id, user=assignee, added_by=by)
    _join_acting_moderator(ticket, by)
    notify(user_ids=[assignee.id], kind=Kind.TICKET_ASSIGNED, title=f"{ticket.number} was assigned to you",
           body=ticket.title, ticket=ticket, actor=by)
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_STATUS, title=f"{ticket.number} is assigned",
           body=f"{department.name}: {assignee.full_name}", ticket=ticket, actor=by)
    return _finish(ticket, action="assign", by=by, before=before)


@transaction.atomic
def ticket_reassign(*, ticket_id: Any, by: Any, version: int, assignee_id: Any, reason: str = "") -> Ticket:
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.REASSIGN)
    assignee = _assignee_or_error(assignee_id, ticket.department)
    before = ticket_snapshot(ticket)
    _fsm(ticket, ticket.reassign, "reassign")
    old_assignee_id = ticket.assignee_id
    ticket.assignee = assignee
    participant_ensure(room_id=ticket.room_id, user=assignee, added_by=by)
    _join_acting_moderator(ticket, by)
    notify(user_ids=[assignee.id], kind=Kind.TICKET_ASSIGNED, title=f"{ticket.number} was assigned to you",
           body=ticket.title, ticket=ticket, actor=by)
    notify(user_ids=[old_assignee_id], kind=Kind.TICKET_REASSIGNED, title=f"{ticket.number} was reassigned",
           body=f"Now with {assignee.full_name}", ticket=ticket, actor=by, params={"assignee_name": assignee.full_name})
    publish_on_commit("ticket.access_changed", ticket_id=str(ticket.id), room_id=str(ticket.room_id),
                      user_ids=_user_ids(old_assignee_id))
    return _finish(ticket, action="reassign", by=by, before=before, reason=reason or "",
                   extra_after={"old_assignee_id": _jsonable(old_assignee_id)})


@transaction.atomic
def ticket_start(*, ticket_id: Any, by: Any, version: int) -> Ticket:
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.START)
    before = ticket_snapshot(ticket)
    _fsm(ticket, ticket.start, "start")
    _first_response(ticket, _now())
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_STATUS, title=f"Work started on {ticket.number}",
           body=ticket.title, ticket=ticket, actor=by)
    return _finish(ticket, action="start", by=by, before=before)


@transaction.atomic
def ticket_postpone(*, ticket_id: Any, by: Any, version: int, reason: str, until: datetime | None) -> Ticket:
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.POSTPONE)
    reason = _reason(reason)
    now = _now()
    if until is None or until <= now:
        raise ValidationFailed("The postponement must end in the future.",
                               errors=[{"loc": ["body", "until"], "msg": "must be in the future"}])
    before = ticket_snapshot(ticket)
    _fsm(ticket, ticket.postpone, "postpone")
    ticket.postponed_until, ticket.postponed_reason, ticket.last_reminder_at = until, reason, now
    _sla_pause(ticket, now)
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_STATUS, title=f"{ticket.number} is postponed",
           body=f"Until {until:%Y-%m-%d}: {reason}", ticket=ticket, actor=by,
           params={"until": timezone.localtime(until).date().isoformat(), "reason": reason})
    return _finish(ticket, action="postpone", by=by, before=before, reason=reason)


@transaction.atomic
def ticket_resume(*, ticket_id: Any, by: Any, version: int) -> Ticket:
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.RESUME)
    before = ticket_snapshot(ticket)
    _fsm(ticket, ticket.resume, "resume")
    _sla_resume(ticket, _now())
    ticket.postponed_until, ticket.last_reminder_at = None, None
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_STATUS, title=f"Work resumed on {ticket.number}",
           body=ticket.title, ticket=ticket, actor=by)
    return _finish(ticket, action="resume", by=by, before=before)


def _open_subtickets_of(ticket: Ticket) -> Any:
    return Ticket.objects.filter(parent_id=ticket.id).exclude(status__in=SUBTICKET_DONE_STATUSES)


def _open_subtickets(ticket: Ticket) -> int:
    return _open_subtickets_of(ticket).count()


def _do_resolve(ticket: Ticket, resolution: str, at: datetime) -> None:
    _fsm(ticket, ticket.resolve, "resolve")
    ticket.resolved_at = at
    ticket.auto_close_warned_at = None
    if resolution:
        ticket.resolution = resolution
    _first_response(ticket, at)
    if ticket.resolution_due and at > ticket.resolution_due:
        ticket.resolution_breached = True
        ticket.sla_breached = True
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_RESOLVED,
           title=f"{ticket.number} is resolved: please confirm or reopen",
           body=ticket.resolution or ticket.title, ticket=ticket)


@transaction.atomic
def ticket_resolve(*, ticket_id: Any, by: Any, version: int, resolution: str = "") -> Ticket:
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.RESOLVE)
    before = ticket_snapshot(ticket)
    _do_resolve(ticket, resolution or "", _now())
    fresh = _finish(ticket, action="resolve", by=by, before=before, reason=resolution or "")
    if ticket.parent_id:
        _parent_resolve_if_done(ticket.parent_id)
    return fresh


def _parent_resolve_if_done(parent_id: Any) -> None:
    """When the last open sub-ticket is resolved, the parent resolves itself (DESIGN §3)."""
    parent = _lock(parent_id)
    if parent.status != S.IN_PROGRESS or _open_subtickets(parent):
        return
    before = ticket_snapshot(parent)
    _do_resolve(parent, parent.resolution or "Every sub-ticket is resolved.", _now())
    _finish(parent, action="resolve", by=None, before=before, reason="last sub-ticket resolved")


@transaction.atomic
def ticket_reopen(*, ticket_id: Any, by: Any, version: int, reason: str) -> Ticket:
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    parent = _lock(ticket.parent_id) if ticket.parent_id else None  # locked before the policy reads it
    _permit(ticket, by, Action.REOPEN)
    reason = _reason(reason)
    before = ticket_snapshot(ticket)
    _fsm(ticket, ticket.reopen, "reopen")
    ticket.resolved_at, ticket.auto_close_warned_at = None, None
    # A reopened parent goes back to its owner (the splitting moderator); others to their assignee.
    notify(user_ids=_user_ids(ticket.owner_id or ticket.assignee_id), kind=Kind.TICKET_REOPENED,
           title=f"{ticket.number} was reopened", body=reason, ticket=ticket, actor=by)
    fresh = _finish(ticket, action="reopen", by=by, before=before, reason=reason)
    if parent is not None and parent.status == S.RESOLVED:
        parent_before = ticket_snapshot(parent)
        parent.reopen()
        parent.resolved_at, parent.auto_close_warned_at = None, None
        _finish(parent, action="reopen", by=by, before=parent_before, reason=f"sub-ticket {ticket.number} reopened")
    return fresh


def _do_close(ticket: Ticket, at: datetime) -> None:
    _fsm(ticket, ticket.close, "close")
    ticket.closed_at = at


@transaction.atomic
def ticket_close(*, ticket_id: Any, by: Any, version: int) -> Ticket:
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.CLOSE)
    before = ticket_snapshot(ticket)
    _do_close(ticket, _now())
    notify(user_ids=_user_ids(ticket.assignee_id, ticket.owner_id), kind=Kind.TICKET_CLOSED,
           title=f"{ticket.number} was closed", body=ticket.title, ticket=ticket, actor=by)
    return _finish(ticket, action="close", by=by, before=before)


@transaction.atomic
def ticket_rate(*, ticket_id: Any, by: Any, version: int, score: int, comment: str = "") -> Ticket:
    ticket = _lock(ticket_id)
    _check_version(ticket, version)
    _permit(ticket, by, Action.RATE)
    if not 1 <= int(score) <= 5:
        raise ValidationFailed(errors=[{"loc": ["body", "score"], "msg": "must be 1 to 5"}])
    before = ticket_snapshot(ticket)
    ticket.rating, ticket.rating_comment = int(score), comment or ""
    notify(user_ids=_user_ids(ticket.assignee_id), kind=Kind.TICKET_RATED,
           title=f"{ticket.number} was rated {score}/5", body=comment or "", ticket=ticket, actor=by,
           params={"score": score})
    return _finish(ticket, action="rate", by=by, before=before)


# ---------------------------------------------------------------- sub-tickets

@transaction.atomic
def ticket_split(*, ticket_id: Any, by: Any, items: list[dict[str, Any]], version: int) -> list[Ticket]:
    """A moderator splits a submitted (or approved) ticket into one sub-ticket per department, each
    assigned; the parent moves to in_progress owned by the moderator. An already split parent that
    its owner works on (in_progress) can get more sub-tickets, never a second open one for a
    department (a database constraint as well: ``ticket_one_open_subticket_per_department``)."""
    parent = _lock(ticket_id)
    _permit(parent, by, Action.SPLIT)
    _check_version(parent, version)
    if not items:
        raise ValidationFailed("Give at least one sub-ticket.", errors=[{"loc": ["body", "items"], "msg": "empty"}])
    departments = [str(item["department_id"]) for item in items]
    if len(set(departments)) != len(departments):
        raise ValidationFailed("One sub-ticket per department.",
                               errors=[{"loc": ["body", "items"], "msg": "duplicate department"}])
    already_open = {str(d) for d in _open_subtickets_of(parent).values_list("department_id", flat=True)}
    for index, department_id in enumerate(departments):
        if department_id in already_open:
            raise ValidationFailed("This ticket already has an open sub-ticket for that department.",
                                   errors=[{"loc": ["body", "items", index, "department_id"],
                                            "msg": "open sub-ticket exists"}])
    resolved_items = []
    for index, item in enumerate(items):
        department = _department_or_error(item["department_id"], field=f"items.{index}.department_id")
        assignee = _assignee_or_error(item["assignee_id"], department, field=f"items.{index}.assignee_id")
        resolved_items.append((item, department, assignee))
    before = ticket_snapshot(parent)
    if parent.status in (S.SUBMITTED, S.APPROVED):
        _fsm(parent, parent.split, "split")
    now = _now()
    _first_response(parent, now)
    parent.owner = by
    _join_acting_moderator(parent, by)
    created = []
    for item, department, assignee in resolved_items:
        sub = Ticket(
            number=_next_number(),
            title=clean_line(item.get("title") or f"{parent.title} ({department.name})", field="title")[:200],
            description=clean_text(item.get("description")) or parent.description, department=department,
            category=parent.category, priority=parent.priority, requestor_id=parent.requestor_id,
            assignee=assignee, parent=parent, status=S.ASSIGNED, submitted_at=now, first_responded_at=now,
        )
        _sla_start(sub, now)
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
    _finish(parent, action="split", by=by, before=before,
            extra_after={"subtickets": [str(sub.id) for sub in created]})
    notify(user_ids=[parent.requestor_id], kind=Kind.TICKET_STATUS, title=f"{parent.number} is in progress",
           body=f"Split across {len(created)} department(s).", ticket=parent, actor=by)
    return created


# ---------------------------------------------------------------- one entry point for actions

def ticket_act(*, ticket_id: Any, by: Any, action: str, version: int, fields: dict[str, Any]) -> Ticket:
    """Dispatch ``POST tickets/{id}/actions/{action}`` to its service."""
    f = fields
    handlers: dict[str, Callable[[], Ticket]] = {
        "submit": lambda: ticket_submit(ticket_id=ticket_id, by=by, version=version),
        "withdraw": lambda: ticket_withdraw(ticket_id=ticket_id, by=by, version=version, reason=f.get("reason") or ""),
        "reject": lambda: ticket_reject(ticket_id=ticket_id, by=by, version=version, reason=f.get("reason") or ""),
        "request_approval": lambda: ticket_request_approval(ticket_id=ticket_id, by=by, version=version,
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
        "approve": lambda: ticket_approve(ticket_id=ticket_id, by=by, version=version, reason=f.get("reason") or ""),
    }
    if action not in handlers:
        raise NotFound(f"Unknown action {action!r}.")
    return handlers[action]()


# ---------------------------------------------------------------- scheduled work (called by tasks)

@transaction.atomic
def ticket_auto_close(*, ticket_id: Any, now: datetime | None = None) -> bool:
    """Close a ticket resolved ``auto_close_days`` ago; idempotent (False when nothing to do)."""
    now = now or _now()
    ticket = Ticket.objects.select_for_update(skip_locked=True).filter(id=ticket_id).first()
    days = selectors.desk_settings_get().auto_close_days
    if ticket is None or ticket.status != S.RESOLVED or not ticket.resolved_at \
            or ticket.resolved_at > now - timedelta(days=days):
        return False
    before = ticket_snapshot(ticket)
    _do_close(ticket, now)
    notify(user_ids=_user_ids(ticket.requestor_id, ticket.assignee_id), kind=Kind.TICKET_CLOSED,
           title=f"{ticket.number} was closed automatically", body=ticket.title, ticket=ticket)
    _finish(ticket, action="close", by=None, before=before, reason=f"closed automatically {days} days after resolution")
    return True


@transaction.atomic
def ticket_auto_close_warn(*, ticket_id: Any, now: datetime | None = None) -> bool:
    """Warn the requestor one day before the automatic close; idempotent."""
    now = now or _now()
    ticket = Ticket.objects.select_for_update(skip_locked=True).filter(id=ticket_id).first()
    days = selectors.desk_settings_get().auto_close_days
    if ticket is None or ticket.status != S.RESOLVED or ticket.auto_close_warned_at is not None \
            or not ticket.resolved_at or ticket.resolved_at > now - timedelta(days=days - 1):
        return False
    Ticket.objects.filter(id=ticket.id).update(auto_close_warned_at=now)
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_AUTO_CLOSE_WARNING,
           title=f"{ticket.number} closes automatically tomorrow",
           body="Reopen it if the problem is not solved.", ticket=ticket)
    return True


@transaction.atomic
def ticket_postponed_remind(*, ticket_id: Any, now: datetime | None = None) -> bool:
    """Remind the assignee (and requestor) of a ticket postponed for ``reminder_days``; idempotent."""
    now = now or _now()
    ticket = Ticket.objects.select_for_update(skip_locked=True).filter(id=ticket_id).first()
    days = selectors.desk_settings_get().reminder_days
    if ticket is None or ticket.status != S.POSTPONED or (
            ticket.last_reminder_at and ticket.last_reminder_at > now - timedelta(days=days)):
        return False
    Ticket.objects.filter(id=ticket.id).update(last_reminder_at=now)
    notify(user_ids=_user_ids(ticket.assignee_id or ticket.owner_id, ticket.requestor_id),
           kind=Kind.TICKET_POSTPONED_REMINDER, title=f"{ticket.number} is still postponed",
           body=f"Until {ticket.postponed_until:%Y-%m-%d}: {ticket.postponed_reason}" if ticket.postponed_until
           else ticket.postponed_reason, ticket=ticket)
    return True


@transaction.atomic
def ticket_sla_check(*, ticket_id: Any, now: datetime | None = None) -> list[str]:
    """Mark and announce SLA near-breaches (80 %) and breaches of one open ticket; idempotent.
    Paused tickets (postponed, pending approval) are skipped: their clock is stopped."""
    now = now or _now()
    ticket = Ticket.objects.select_for_update(skip_locked=True).filter(id=ticket_id).first()
    if ticket is None or ticket.sla_started_at is None or ticket.status in PAUSED_STATUSES \
            or ticket.status not in OPEN_STATUSES:
        return []
    events: list[str] = []
    changed: dict[str, Any] = {}
    if ticket.first_responded_at is None:
        if ticket.first_response_due and now >= ticket.first_response_due and not ticket.first_response_breached:
            changed.update(first_response_breached=True, sla_breached=True, first_response_near_notified=True)
            events.append("first_response_breached")
        elif (ticket.first_response_warn_at and now >= ticket.first_response_warn_at
              and not ticket.first_response_near_notified and not ticket.first_response_breached):
            changed["first_response_near_notified"] = True
            events.append("first_response_near_breach")
    if ticket.resolution_due and now >= ticket.resolution_due and not ticket.resolution_breached:
        changed.update(resolution_breached=True, sla_breached=True, resolution_near_notified=True)
        events.append("resolution_breached")
    elif (ticket.resolution_warn_at and now >= ticket.resolution_warn_at and not ticket.resolution_near_notified
          and not ticket.resolution_breached):
        changed["resolution_near_notified"] = True
        events.append("resolution_near_breach")
    if not changed:
        return []
    Ticket.objects.filter(id=ticket.id).update(**changed)
    recipients = _user_ids(ticket.assignee_id, ticket.owner_id, *_moderator_ids())
    for event in events:
        breached = event.endswith("_breached")
        what = "first response" if event.startswith("first") else "resolution"
        notify(user_ids=recipients, kind=Kind.SLA_BREACH if breached else Kind.SLA_NEAR_BREACH,
               title=f"{ticket.number}: {what} SLA {'breached' if breached else 'at 80 %'}",
               body=ticket.title, ticket=ticket, urgent=True,
               params={"target": "first_response" if event.startswith("first") else "resolution"})
        audit_record(action=f"ticket.sla_{'breach' if breached else 'near_breach'}", actor=None,
                     object_type="ticket", object_id=ticket.id, after={"event": event})
    if any(e.endswith("_breached") for e in events):
        transaction.on_commit(ticket_cache.invalidate_dashboards)
    return events


# ---------------------------------------------------------------- SLA policies, holidays, desk settings

@transaction.atomic
def sla_policy_upsert(*, by: Any, priority: str, first_response_minutes: int, resolution_minutes: int,
                      is_active: bool = True) -> SlaPolicy:
    _require(_is_admin(by))
    _check_priority(priority)
    if first_response_minutes <= 0 or resolution_minutes <= 0:
        raise ValidationFailed(errors=[{"loc": ["body"], "msg": "targets must be positive"}])
    policy = SlaPolicy.all_objects.select_for_update().filter(priority=priority).first()
    before = None
    if policy is None:
        policy = SlaPolicy(priority=priority, first_response_minutes=first_response_minutes,
                           resolution_minutes=resolution_minutes, is_active=is_active)
    else:
        before = {"first_response_minutes": policy.first_response_minutes,
                  "resolution_minutes": policy.resolution_minutes, "is_active": policy.is_active}
        policy.first_response_minutes, policy.resolution_minutes = first_response_minutes, resolution_minutes
        policy.is_active, policy.is_deleted = is_active, False
        policy.version += 1
    policy.save()
    audit_record(action="sla.policy_set", actor=by, object_type="sla_policy", object_id=policy.id, before=before,
                 after={"priority": priority, "first_response_minutes": first_response_minutes,
                        "resolution_minutes": resolution_minutes, "is_active": is_active})
    return policy


@transaction.atomic
def sla_policy_update(*, by: Any, policy_id: Any, version: int, changes: dict[str, Any]) -> SlaPolicy:
    _require(_is_admin(by))
    policy = SlaPolicy.objects.select_for_update().filter(id=policy_id).first()
    if policy is None:
        raise NotFound("SLA policy not found.")
    _check_version(policy, version)
    before = {"first_response_minutes": policy.first_response_minutes,
              "resolution_minutes": policy.resolution_minutes, "is_active": policy.is_active}
    for name in ("first_response_minutes", "resolution_minutes", "is_active"):
        if changes.get(name) is not None:
            setattr(policy, name, changes[name])
    policy.version += 1
    policy.save()
    audit_record(action="sla.policy_update", actor=by, object_type="sla_policy", object_id=policy.id,
                 before=before, after={"first_response_minutes": policy.first_response_minutes,
                                       "resolution_minutes": policy.resolution_minutes,
                                       "is_active": policy.is_active})
    return policy


@transaction.atomic
def sla_policy_delete(*, by: Any, policy_id: Any) -> None:
    _require(_is_admin(by))
    policy = SlaPolicy.objects.select_for_update().filter(id=policy_id).first()
    if policy is None:
        raise NotFound("SLA policy not found.")
    policy.is_deleted, policy.is_active = True, False
    policy.version += 1
    policy.save()
    audit_record(action="sla.policy_delete", actor=by, object_type="sla_policy", object_id=policy.id,
                 before={"priority": policy.priority})


@transaction.atomic
def holiday_add(*, by: Any, date: Any, name: str = "") -> Holiday:
    _require(_is_admin(by))
    holiday = Holiday.all_objects.filter(date=date).first()
    if holiday is not None and not holiday.is_deleted:
        raise ValidationFailed("That date is already a holiday.", errors=[{"loc": ["body", "date"], "msg": "taken"}])
    if holiday is None:
        holiday = Holiday.objects.create(date=date, name=name or "")
    else:
        holiday.is_deleted, holiday.name = False, name or ""
        holiday.version += 1
        holiday.save()
    audit_record(action="sla.holiday_add", actor=by, object_type="holiday", object_id=holiday.id,
                 after={"date": str(date), "name": name})
    return holiday


@transaction.atomic
def holiday_delete(*, by: Any, holiday_id: Any) -> None:
    _require(_is_admin(by))
    holiday = Holiday.objects.filter(id=holiday_id).first()
    if holiday is None:
        raise NotFound("Holiday not found.")
    # Hard delete keeps the unique date free; the audit entry keeps the record.
    audit_record(action="sla.holiday_delete", actor=by, object_type="holiday", object_id=holiday.id,
                 before={"date": str(holiday.date), "name": holiday.name})
    holiday.delete()


DESK_FIELDS = ("timezone", "work_days", "work_start", "work_end", "ceo_approval_threshold", "auto_close_days",
               "reminder_days")


@transaction.atomic
def desk_settings_update(*, by: Any, version: int, changes: dict[str, Any]) -> DeskSettings:
    _require(_is_admin(by))
    DeskSettings.objects.get_or_create(singleton=True)  # the defaults become a row on the first change
    desk = DeskSettings.objects.select_for_update().get(singleton=True)
    _check_version(desk, version)
    before = {name: _jsonable(getattr(desk, name)) for name in DESK_FIELDS}
    for name in DESK_FIELDS:
        if changes.get(name) is not None:
            setattr(desk, name, changes[name])
    if desk.work_end <= desk.work_start:
        raise ValidationFailed("The working day must end after it starts.",
                               errors=[{"loc": ["body", "work_end"], "msg": "before start"}])
    if not desk.work_days or any(day not in range(7) for day in desk.work_days):
        raise ValidationFailed(errors=[{"loc": ["body", "work_days"], "msg": "days are 0 (Monday) to 6"}])
    desk.work_days = sorted(set(desk.work_days))
    desk.version += 1
    desk.save()
    audit_record(action="desk.settings_update", actor=by, object_type="desk_settings", object_id=desk.id,
                 before=before, after={name: _jsonable(getattr(desk, name)) for name in DESK_FIELDS})
    return desk
