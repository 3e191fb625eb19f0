"""What every ticket write shares: the transition skeleton (``Change``) and the checks and
notifications the services have in common.

Every transition runs the same steps, in one transaction: lock the row (``select_for_update``),
check the ``version`` (409 ``version_conflict``: a stale client reloads first), ask the policy
(``tickets/policy.py``: 403 ``forbidden``, or 409 ``invalid_transition`` with the ticket
unchanged; split and PATCH ask it before the version), take the django-fsm transition and change
fields, then bump ``version``, save, write the audit entry (the ticket's history) with the
before/after state and the reason, and after commit publish ``ticket.updated`` and invalidate the
dashboard caches. ``change_begin`` runs the steps before the change, ``Change.move`` the state
machine, ``Change.finish`` the steps after; a service only says what its transition changes and
whom it tells.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_fsm import can_proceed

from hdms.audit.services import audit_record
from hdms.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed, VersionConflict
from hdms.core.events import publish_on_commit
from hdms.core.notification_kinds import NotificationKind as Kind
from hdms.core.prepared import Prepared
from hdms.core.roles import Role
from hdms.tickets import cache as ticket_cache
from hdms.tickets import policy, selectors
from hdms.tickets.models import DeskSettings, Priority, SlaPolicy, Ticket, TicketStatus
from hdms.tickets.policy import Action
from hdms.users import selectors as users_selectors

if TYPE_CHECKING:
    from hdms.users.models import Department, User

S = TicketStatus
TicketId = uuid.UUID | str
Snapshot = dict[str, Any]
SNAPSHOT_FIELDS = ("status", "priority", "department_id", "assignee_id", "owner_id", "title", "category",
                   "amount", "due_at", "postponed_until", "postponed_reason", "resolution", "rating",
                   "form_category_id", "form_values", "merged_into_id", "version")


def now() -> datetime:
    return timezone.now()


def jsonable(value: Any) -> Any:
    """A field value as the audit entry stores it (JSON: ISO date-times, other values as text)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):  # a request form's values (text already)
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def ticket_snapshot(ticket: Ticket) -> Snapshot:
    return {name: jsonable(getattr(ticket, name)) for name in SNAPSHOT_FIELDS}


# The row lock of every change, compiled once (``Prepared``; compiling it cost ~0.4 ms of each action).
_LOCKED: Prepared[Ticket] = Prepared(
    lambda ticket_id: Ticket.objects.select_for_update().filter(id=ticket_id).order_by()[:1], uuid.UUID(int=0x10C4ED))


def lock(ticket_id: TicketId) -> Ticket:
    """The ticket, its row locked until the transaction ends (call inside one); 404 when absent."""
    try:
        ticket = next(iter(_LOCKED.rows(ticket_id)), None)
    except (ValueError, TypeError, DjangoValidationError):  # not a UUID
        ticket = None
    if ticket is None:
        raise NotFound("Ticket not found.")
    return ticket


def check_version(row: Ticket | SlaPolicy | DeskSettings, version: int | None) -> None:
    if version is None or int(version) != row.version:
        raise VersionConflict(current_version=row.version)


def require(condition: bool, detail: str = "You are not allowed to do this.") -> None:
    if not condition:
        raise Forbidden(detail)


def permit(ticket: Ticket, by: User, action: Action) -> policy.Permit:
    """Ask the policy whether ``by`` may take ``action`` on the locked ticket: 403 ``forbidden`` or
    409 ``invalid_transition`` (ticket unchanged) when not."""
    return policy.permit(by, ticket, action, selectors.policy_facts(ticket, action=action))


def required_reason(reason: str | None, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("A reason is required.", errors=[{"loc": ["body", field], "msg": "required"}])
    return reason


def check_priority(priority: str | None) -> None:
    if priority is not None and priority not in Priority.values:
        raise ValidationFailed(errors=[{"loc": ["body", "priority"], "msg": "must be low, medium, high or urgent"}])


def department_or_error(department_id: object, field: str = "department_id") -> Department | None:
    if department_id in (None, ""):
        return None
    department = users_selectors.department_get(department_id=department_id)
    if department is None:
        raise ValidationFailed("Unknown department.", errors=[{"loc": ["body", field], "msg": "not found"}])
    return department


def department_required(department_id: object, field: str = "department_id") -> Department:
    department = department_or_error(department_id, field)
    if department is None:
        raise ValidationFailed("A department is required.", errors=[{"loc": ["body", field], "msg": "required"}])
    return department


def active_user(user_id: object) -> User | None:
    user = users_selectors.user_get(user_id=user_id)
    return user if user is not None and user.is_active else None


def assignee_or_error(assignee_id: object, department: Department | None, field: str = "assignee_id") -> User:
    user = active_user(assignee_id)
    if user is None:
        raise ValidationFailed("Unknown assignee.", errors=[{"loc": ["body", field], "msg": "not found"}])
    if user.role not in (Role.ASSIGNEE, Role.MODERATOR, Role.ADMIN):
        raise ValidationFailed("This person cannot be assigned tickets.",
                               errors=[{"loc": ["body", field], "msg": "not an assignee"}])
    if department is not None and user.role == Role.ASSIGNEE and user.department_id != department.id:
        raise ValidationFailed("The assignee is not in that department.",
                               errors=[{"loc": ["body", field], "msg": "not in department"}])
    return user


def next_number() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('tickets_ticket_number_seq')")
            value = cursor.fetchone()[0]
    else:  # SQLite serialises writers (IMMEDIATE transactions), so max + 1 is safe there
        last = Ticket.all_objects.aggregate(m=Max("number"))["m"]
        value = int(last.split("-")[1]) + 1 if last else 1
    return f"HD-{value:06d}"


# ---------------------------------------------------------------- notifications

def user_ids(*users: object) -> list[str]:
    """Distinct ids, in order, of users or ids (``None`` left out)."""
    ids: list[str] = []
    for user in users:
        uid = getattr(user, "id", user)
        if uid and str(uid) not in ids:
            ids.append(str(uid))
    return ids


def moderator_ids() -> list[str]:
    return users_selectors.user_ids_with_role(roles=[Role.MODERATOR])


def approver_ids(kind: str) -> list[str]:
    return [str(i) for i in users_selectors.approvers(kind=kind).values_list("id", flat=True)]


def notification_params(ticket: Ticket | None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a client needs to say a ticket notification in the reader's language (DESIGN §9):
    the ticket's number, title, status and priority, plus the kind's own values."""
    params: dict[str, Any] = {}
    if ticket is not None:
        params = {"number": ticket.number, "title": ticket.title, "status": str(ticket.status),
                  "priority": str(ticket.priority)}
    params.update(extra or {})
    return params


def notify(*, user_ids: Iterable[object], kind: Kind, title: str, body: str = "", ticket: Ticket | None = None,
           urgent: bool = False, actor: User | None = None, params: dict[str, Any] | None = None) -> None:
    """Ask the communication service for a notification (after commit). The actor is named: their
    own action notifies them only if they turned "mute my own actions" off (DESIGN §8)."""
    actor_id = str(actor.id) if actor is not None else None
    recipients = list(dict.fromkeys(str(u) for u in user_ids if u))
    if not recipients:
        return
    publish_on_commit("notification.requested", user_ids=recipients, kind=kind, title=title, body=body,
                      ticket_id=str(ticket.id) if ticket else None, urgent=urgent, actor_id=actor_id,
                      params=notification_params(ticket, params))


# ---------------------------------------------------------------- the transition skeleton

@dataclass
class Change:
    """One change of a locked ticket, between ``change_begin`` (or ``change_of``) and ``finish``.

    ``action`` names the audit entry (``ticket.<action>``) and the event; ``parent`` is the parent
    ticket, locked, when the action's rule reads its state."""

    ticket: Ticket
    by: User | None
    action: str
    before: Snapshot
    parent: Ticket | None = None

    def move(self, transition: Callable[[], None], verb: str = "") -> None:
        """Take a django-fsm transition of the ticket; 409 ``invalid_transition`` (ticket unchanged)
        when the state does not allow it."""
        ticket = self.ticket
        if not can_proceed(transition):
            state = ticket.status.replace("_", " ")
            verb = verb or self.action.replace("_", " ")
            raise InvalidTransition(f"Cannot {verb} a ticket that is {state}.", state=ticket.status)
        transition()

    def finish(self, *, reason: str = "", extra_after: dict[str, Any] | None = None, created: bool = False) -> Ticket:
        """Bump the version, save, audit, and after commit publish ``ticket.updated`` and drop the
        dashboard caches; the ticket as a re-read returns it. ``created``: the ticket was inserted
        in this transaction (filed and submitted at once), so it is not read again (``as_reread``)."""
        ticket, by = self.ticket, self.by
        ticket.version += 1
        ticket.save()
        after = ticket_snapshot(ticket)
        if extra_after:
            after.update(extra_after)
        audit_record(action=f"ticket.{self.action}", actor=by, object_type="ticket", object_id=ticket.id,
                     before=self.before, after=after, reason=reason)
        if created:
            fresh = selectors.with_policy_facts([as_reread(ticket)])[0]
        else:
            fresh = selectors.ticket_read(ticket.id)
            # Sub-ticket progress counted once, for the event here and for the API's response.
            selectors.with_subticket_progress([fresh])
        payload = selectors.ticket_payload(fresh)
        # The room's readers each get their own allowed_actions, computed by the consumer from these facts.
        publish_on_commit("ticket.updated", ticket=payload, facts=selectors.policy_facts(fresh).as_dict(),
                          room_id=payload["room_id"], action=self.action,
                          actor_id=str(by.id) if by is not None else None,
                          from_status=self.before.get("status"), to_status=ticket.status)
        transaction.on_commit(ticket_cache.invalidate_dashboards)
        return fresh


AMOUNT_PLACES = Ticket._meta.get_field("amount").decimal_places


def as_reread(ticket: Ticket) -> Ticket:
    """A ticket inserted in this transaction as ``selectors.ticket_base_qs`` would read it back,
    without reading it: what the database normalises (the amount's scale, date-times in UTC)
    normalised the same way, no parent and no sub-tickets yet. Its requestor, department and form
    category are the objects it was made with."""
    if ticket.amount is not None:
        # PostgreSQL's numeric rounds ties away from zero, as ROUND_HALF_UP does.
        ticket.amount = Decimal(str(ticket.amount)).quantize(Decimal(1).scaleb(-AMOUNT_PLACES), rounding=ROUND_HALF_UP)
    for field in Ticket._meta.concrete_fields:
        value = getattr(ticket, field.attname)
        if isinstance(value, datetime):
            if timezone.is_naive(value):
                value = timezone.make_aware(value, timezone.get_default_timezone())
            setattr(ticket, field.attname, value.astimezone(UTC))
    ticket.sub_total, ticket.sub_done = 0, 0
    ticket.parent_status = None  # type: ignore[attr-defined]  # what ticket_base_qs annotates
    return ticket


def recorded_as(action: Action | str) -> str:
    """The name a change is audited (``ticket.<name>``) and announced under: the action's own, but
    a PATCH (permitted as ``edit``) is recorded as ``update``."""
    return "update" if action == policy.EDIT else str(action)


# Split and PATCH ask who may act (403) before the version, as they always have; a state action
# checks the version first, so a stale client reloads before it learns that the state moved on.
POLICY_BEFORE_VERSION = frozenset({Action.SPLIT, policy.EDIT})


def change_begin(ticket_id: TicketId, *, by: User, version: int | None, action: Action | str,
                 fields: Iterable[str] = ()) -> Change:
    """The steps before a change: lock the row, check the version, ask the policy (for ``EDIT``,
    whether ``by`` may PATCH ``fields``; ``POLICY_BEFORE_VERSION`` ask it first). Call inside the
    service's transaction."""
    ticket = lock(ticket_id)
    if action not in POLICY_BEFORE_VERSION:
        check_version(ticket, version)
    parent = None
    if ticket.parent_id and "parent_status" in policy.READS.get(action, frozenset()):
        # The rule reads the parent's state: read it under the parent's lock (child, then parent).
        parent = lock(ticket.parent_id)
    if action == policy.EDIT:
        policy.permit_edit(by, ticket, fields, selectors.policy_facts(ticket, action=policy.EDIT))
    else:
        permit(ticket, by, Action(action))
    if action in POLICY_BEFORE_VERSION:
        check_version(ticket, version)
    return Change(ticket=ticket, by=by, action=recorded_as(action), before=ticket_snapshot(ticket), parent=parent)


def change_of(ticket: Ticket, *, by: User | None, action: str) -> Change:
    """A change of a ticket the caller has locked and checked itself: one the desk makes on its
    own (automatic close, a parent following its sub-tickets) or a decision on a named step."""
    return Change(ticket=ticket, by=by, action=recorded_as(action), before=ticket_snapshot(ticket))
