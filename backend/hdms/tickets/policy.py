"""Who may do what to a ticket, from which states (DESIGN §3, §9): the one home of these rules.

Every action has one ``Rule``: who may take it, from which states, and any further condition on
the ticket. ``decide`` answers for one person, ticket and action; services demand a ``Permit``
from ``permit`` before they change anything (a caller cannot act without asking), and ticket
payloads carry ``allowed_actions``/``editable_fields`` computed by the same functions, so the web
app never keeps a copy. Checks run in a fixed order: who (403 ``forbidden``), then state and the
ticket's other conditions (409 ``invalid_transition``).

The rules read plain facts (``TicketFacts``: the row's fields plus what a payload already loads:
open sub-tickets, the pending approval step's kind, the parent's status), so computing them for a
page of tickets costs no query per ticket, and the WebSocket consumer can compute them for each
recipient of a ``ticket.updated`` event from the facts the event carries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Protocol

from hdms.core.errors import Forbidden, InvalidTransition
from hdms.core.roles import Role
from hdms.tickets.models import OPEN_STATUSES, TERMINAL_STATUSES, Ticket, TicketStatus

S = TicketStatus


class Action(StrEnum):
    """The action names of ``POST tickets/{id}/actions/{action}`` and of ``allowed_actions``.

    ``split`` is ``POST tickets/{id}/subtickets``, ``delete`` is ``DELETE tickets/{id}``, ``message``
    is ``POST tickets/{id}/messages`` (or ``message.send`` over WebSocket); the rest are actions."""

    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    REJECT = "reject"
    REQUEST_APPROVAL = "request_approval"
    APPROVE = "approve"
    ASSIGN = "assign"
    REASSIGN = "reassign"
    START = "start"
    POSTPONE = "postpone"
    RESUME = "resume"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CLOSE = "close"
    RATE = "rate"
    SPLIT = "split"
    DELETE = "delete"
    MESSAGE = "message"
    NOTE = "note"  # an internal note: POST tickets/{id}/messages {internal: true} (DESIGN §10)
    MERGE = "merge"  # close this duplicate into another ticket (DESIGN §10)


# The actions taken through POST tickets/{id}/actions/{action}.
STATE_ACTIONS = tuple(a for a in Action if a not in (Action.SPLIT, Action.DELETE, Action.MESSAGE, Action.NOTE))

# PATCH tickets/{id}: the requestor edits their own draft; moderators and admins triage open tickets.
EDITABLE_BY_REQUESTOR = ("title", "description", "department_id", "category", "priority", "amount", "due_at",
                         "category_id", "fields")
EDITABLE_BY_STAFF = ("priority", "category", "due_at")
# Before a ticket is assigned its department is triage's routing choice, so staff may set it then
# (a bulk "set department" is this PATCH); afterwards the department changes only with assign.
ROUTING_BY_STAFF = ("department_id",)
UNROUTED_STATUSES = (S.SUBMITTED, S.PENDING_APPROVAL, S.APPROVED)
EDIT = "edit"  # the permit PATCH takes (shown to clients as ``editable_fields``, not an action)


class Actor(Protocol):
    """The person acting: a ``users`` user (only these attributes are read)."""

    id: Any
    role: str
    is_approver: bool
    approver_kind: str | None


@dataclass(frozen=True)
class TicketFacts:
    """What the rules read about one ticket; ids as strings."""

    status: str
    requestor_id: str
    assignee_id: str | None
    owner_id: str | None
    parent_id: str | None
    rated: bool
    open_subtickets: int
    pending_approver_kind: str | None  # the kind of the approval step waiting now, if any
    parent_status: str | None  # a sub-ticket's parent's status
    sibling_open: bool  # a resolved sub-ticket: another open sub-ticket of its department exists

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def facts_from(data: dict[str, Any]) -> TicketFacts:
    return TicketFacts(**data)


# ---------------------------------------------------------------- who

def is_staff(user: Actor | None) -> bool:
    return user is not None and user.role in (Role.MODERATOR, Role.ADMIN)


def is_admin(user: Actor | None) -> bool:
    return user is not None and user.role == Role.ADMIN


def _is_requestor(user: Actor, t: TicketFacts) -> bool:
    return str(user.id) == t.requestor_id


def _requestor_or_admin(user: Actor, t: TicketFacts) -> bool:
    return _is_requestor(user, t) or is_admin(user)


def _staff(user: Actor, t: TicketFacts) -> bool:
    return is_staff(user)


def is_worker(user: Actor, t: TicketFacts) -> bool:
    """The person doing the work: the assignee, a split parent's owner, or an admin."""
    return str(user.id) in (t.assignee_id, t.owner_id) or is_admin(user)


def may_decide_approval(user: Actor, approver_kind: str | None) -> bool:
    """An admin, or an approver of the step's kind (Finance, CEO)."""
    return is_admin(user) or (bool(getattr(user, "is_approver", False)) and approver_kind is not None
                              and user.approver_kind == approver_kind)


def _pending_approver(user: Actor, t: TicketFacts) -> bool:
    return may_decide_approval(user, t.pending_approver_kind)


def _rejecter(user: Actor, t: TicketFacts) -> bool:
    # A submitted ticket is rejected by a moderator; one waiting on approval by its approver.
    return _pending_approver(user, t) if t.status == S.PENDING_APPROVAL else is_staff(user)


def approves_only(user: Actor, t: TicketFacts) -> bool:
    """An approver (Finance, CEO) on a ticket that is not theirs to file or work: they decide its
    approval and read it, but neither chat nor attach files there."""
    return (bool(getattr(user, "is_approver", False)) and not is_staff(user)
            and str(user.id) not in (t.requestor_id, t.assignee_id, t.owner_id))


# The roles that work tickets: internal notes are theirs (DESIGN §10).
NOTE_ROLES = (Role.MODERATOR, Role.ADMIN, Role.ASSIGNEE)


def reads_notes(user: Actor | None, t: TicketFacts) -> bool:
    """Whether ``user`` (who can see the ticket) reads its internal notes: moderators, admins and
    department staff (its assignees, its department's queue, staff added to its room), never its
    requestor, whatever their role, and never approvers or requestor-role participants."""
    return (user is not None and user.role in NOTE_ROLES and not _is_requestor(user, t)
            and not approves_only(user, t))


def _chat_writer(user: Actor, t: TicketFacts) -> bool:
    # Admins observe every chat silently (DESIGN §2, §5); approvers only decide.
    return not is_admin(user) and not approves_only(user, t)


# ---------------------------------------------------------------- further conditions (409 when unmet)

def _no_open_subtickets(t: TicketFacts) -> str | None:
    return "Every sub-ticket must be resolved or closed first." if t.open_subtickets else None


def _not_rated(t: TicketFacts) -> str | None:
    return "This ticket is already rated." if t.rated else None


def _reopenable(t: TicketFacts) -> str | None:
    if t.parent_id is None:
        return None
    if t.parent_status in (S.CLOSED, S.WITHDRAWN, S.REJECTED):
        return "The parent ticket is finished; open a new ticket."
    if t.sibling_open:
        return "Another sub-ticket of this department is open on the parent; work there."
    return None


def _splittable(t: TicketFacts) -> str | None:
    if t.parent_id is not None:
        return "A sub-ticket cannot be split again."
    if t.status == S.IN_PROGRESS and t.owner_id is None:
        return "Cannot split a ticket that is in progress."  # only an already split parent grows
    return None


def _not_split(t: TicketFacts) -> str | None:
    # A split parent is worked through its sub-tickets (its owner is the splitting moderator).
    return "A split ticket is worked through its sub-tickets; reassign those instead." if t.owner_id else None


def _mergeable(t: TicketFacts) -> str | None:
    if t.parent_id is not None:
        return "A sub-ticket cannot be merged; merge its parent."
    if t.owner_id is not None or t.open_subtickets:
        return "A split ticket is worked through its sub-tickets and cannot be merged."
    return None


def _chat_open(t: TicketFacts) -> str | None:
    room_status = t.parent_status if t.parent_id is not None else t.status
    return "The chat of a finished ticket is read-only." if room_status in TERMINAL_STATUSES else None


def _fsm_sources(method: Any) -> frozenset[str]:
    """The source states django-fsm declares for a transition of ``Ticket`` (models.py)."""
    return frozenset(str(state) for state in method._django_fsm.transitions)


ANY_STATE = frozenset(str(s) for s in S)

# The facts beyond the row each rule reads (a service acting loads only these).
READS: dict[str, frozenset[str]] = {
    "resolve": frozenset({"open_subtickets"}),
    "reject": frozenset({"pending_approver_kind"}),
    "approve": frozenset({"pending_approver_kind"}),
    "reopen": frozenset({"parent_status", "sibling_open"}),
    "message": frozenset({"parent_status"}),
    "note": frozenset({"parent_status"}),
    "merge": frozenset({"open_subtickets"}),
}


@dataclass(frozen=True)
class Rule:
    who: Callable[[Actor, TicketFacts], bool]
    states: frozenset[str]
    refused: str  # said to someone who may not take the action at all (403)
    condition: Callable[[TicketFacts], str | None] | None = None  # a further 409 reason, if any
    verb: str = ""  # for "Cannot <verb> a ticket that is <state>."


RULES: dict[Action, Rule] = {
    Action.SUBMIT: Rule(_is_requestor, _fsm_sources(Ticket.submit), "Only the requestor submits their draft."),
    Action.WITHDRAW: Rule(_requestor_or_admin, _fsm_sources(Ticket.withdraw),
                          "Only the requestor withdraws a ticket."),
    Action.REJECT: Rule(_rejecter, _fsm_sources(Ticket.reject), "Only moderators, or the pending approver, "
                                                                  "reject tickets."),
    Action.REQUEST_APPROVAL: Rule(_staff, _fsm_sources(Ticket.request_approval),
                                  "Only moderators send tickets for approval.", verb="request approval for"),
    Action.APPROVE: Rule(_pending_approver, frozenset({S.PENDING_APPROVAL}),
                         "This approval is not waiting on you."),
    Action.ASSIGN: Rule(_staff, _fsm_sources(Ticket.assign), "Only moderators assign tickets."),
    Action.REASSIGN: Rule(_staff, _fsm_sources(Ticket.reassign), "Only moderators reassign tickets.",
                          _not_split),
    Action.START: Rule(is_worker, _fsm_sources(Ticket.start), "Only the assignee starts work."),
    Action.POSTPONE: Rule(is_worker, _fsm_sources(Ticket.postpone), "Only the assignee postpones work."),
    Action.RESUME: Rule(is_worker, _fsm_sources(Ticket.resume), "Only the assignee resumes work."),
    Action.RESOLVE: Rule(is_worker, _fsm_sources(Ticket.resolve), "Only the assignee resolves a ticket.",
                         _no_open_subtickets),
    Action.REOPEN: Rule(_requestor_or_admin, _fsm_sources(Ticket.reopen), "Only the requestor reopens a ticket.",
                        _reopenable),
    Action.CLOSE: Rule(_requestor_or_admin, _fsm_sources(Ticket.close), "Only the requestor closes a ticket."),
    Action.RATE: Rule(_is_requestor, frozenset({S.CLOSED}), "Only the requestor rates the service.", _not_rated),
    # A submitted or approved ticket is split (the parent goes to in_progress, owned by the
    # moderator); an already split parent in progress can get more sub-tickets.
    Action.SPLIT: Rule(_staff, _fsm_sources(Ticket.split) | {S.IN_PROGRESS}, "Only moderators split tickets.",
                       _splittable),
    # Admins may delete any ticket; the requestor only their draft (withdraw the rest).
    Action.DELETE: Rule(_requestor_or_admin, ANY_STATE, "You are not allowed to do this."),
    Action.MESSAGE: Rule(_chat_writer, ANY_STATE, "Admins observe chats silently and approvers only decide; "
                                                  "neither posts.",
                         _chat_open),
    # Admins observe the conversation silently but may leave notes for the staff (DESIGN §10).
    Action.NOTE: Rule(reads_notes, ANY_STATE, "Internal notes are for the staff working the ticket.", _chat_open,
                      verb="add a note to"),
    Action.MERGE: Rule(_staff, _fsm_sources(Ticket.merge), "Only moderators merge tickets.", _mergeable),
}


# ---------------------------------------------------------------- answers

@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str = ""  # "forbidden" | "invalid_transition" when refused
    detail: str = ""


_WHO = "who"
_STATE = "state"


def _refusal(user: Actor, ticket: TicketFacts, action: Action) -> str | None:
    """Which check refuses ``action``: ``_WHO``, ``_STATE`` or the condition's reason; ``None``
    when it is allowed. Nothing is worded here: ``allowed_actions`` asks this of every action on
    every ticket of a page, and only a refusal sent to the caller needs words (``decide``)."""
    rule = RULES[action]
    if not rule.who(user, ticket):
        return _WHO
    if ticket.status not in rule.states or (action == Action.DELETE and not is_admin(user)
                                            and ticket.status != S.DRAFT):
        return _STATE
    return rule.condition(ticket) if rule.condition is not None else None


def decide(user: Actor, ticket: TicketFacts, action: Action) -> Decision:
    refusal = _refusal(user, ticket, action)
    if refusal is None:
        return Decision(True)
    if refusal == _WHO:
        return Decision(False, Forbidden.code, RULES[action].refused)
    if refusal != _STATE:
        return Decision(False, InvalidTransition.code, refusal)
    if action == Action.RATE:
        detail = "Only a closed ticket can be rated."
    elif action == Action.DELETE:
        detail = "Only drafts can be deleted; withdraw the ticket instead."
    else:
        verb = RULES[action].verb or action.value.replace("_", " ")
        detail = f"Cannot {verb} a ticket that is {ticket.status.replace('_', ' ')}."
    return Decision(False, InvalidTransition.code, detail)


@dataclass(frozen=True)
class Permit:
    """Proof that ``user`` may take ``action`` on the ticket now: services that change a ticket
    take one, so no write skips the rules."""

    action: str  # an ``Action`` or ``EDIT``
    user: Any
    ticket_id: str


def permit(user: Actor, ticket: Ticket, action: Action, facts: TicketFacts) -> Permit:
    """The permit, or ``Forbidden`` (403) / ``InvalidTransition`` (409, ticket unchanged)."""
    decision = decide(user, facts, action)
    if not decision.allowed:
        if decision.code == Forbidden.code:
            raise Forbidden(decision.detail)
        raise InvalidTransition(decision.detail, state=ticket.status)
    return Permit(action=action, user=user, ticket_id=str(ticket.id))


def allowed_actions(user: Actor | None, ticket: TicketFacts) -> list[str]:
    """The action names ``user`` may take on the ticket now, in ``Action`` order."""
    if user is None:
        return []
    return [action.value for action in Action if _refusal(user, ticket, action) is None]


def editable_fields(user: Actor | None, ticket: TicketFacts) -> list[str]:
    """What ``PATCH tickets/{id}`` accepts from ``user`` now."""
    if user is None:
        return []
    if ticket.status == S.DRAFT and _is_requestor(user, ticket):
        return list(EDITABLE_BY_REQUESTOR)
    if is_staff(user) and ticket.status in (S.DRAFT, *OPEN_STATUSES):
        routing = ROUTING_BY_STAFF if ticket.status in UNROUTED_STATUSES and ticket.parent_id is None else ()
        return [*EDITABLE_BY_STAFF, *routing]
    return []


def permit_edit(user: Actor, ticket: Ticket, fields: Iterable[str], facts: TicketFacts) -> Permit:
    """The permit to PATCH ``fields``; 403 for a field this person may never edit here, 409 when
    the ticket is finished (staff)."""
    if facts.status == S.DRAFT and _is_requestor(user, facts):
        allowed: tuple[str, ...] = EDITABLE_BY_REQUESTOR
    elif is_staff(user):
        allowed = (*EDITABLE_BY_STAFF, *ROUTING_BY_STAFF)
    else:
        raise Forbidden("Only the author can edit a draft; moderators set priority.")
    unknown = sorted(name for name in fields if name not in allowed)
    if unknown:
        raise Forbidden(f"You cannot change {', '.join(unknown)} here.")
    editable = editable_fields(user, facts)
    if not editable:
        raise InvalidTransition("A finished ticket cannot be edited.", state=ticket.status)
    if any(name not in editable for name in fields):
        raise InvalidTransition("Once assigned or split, a ticket changes department only by assigning it.",
                                state=ticket.status)
    return Permit(action=EDIT, user=user, ticket_id=str(ticket.id))


def caller_fields(user: Actor | None, facts: TicketFacts) -> dict[str, list[str]]:
    """The payload fields that depend on who reads the ticket."""
    return {"allowed_actions": allowed_actions(user, facts), "editable_fields": editable_fields(user, facts)}


# ---------------------------------------------------------------- saved views (DESIGN §10)

# Who may receive a scheduled report (DESIGN §11): it is made as its admin sees the whole desk, so
# only people who see the whole desk themselves.
REPORT_RECIPIENT_ROLES = (Role.MODERATOR, Role.ADMIN)
VIEW_SHARERS = (Role.MODERATOR, Role.ADMIN)
VIEW_READERS_OF_SHARED = (Role.MODERATOR, Role.ADMIN, Role.ASSIGNEE)  # the people who work tickets


def view_may_share(user: Actor) -> bool:
    """Who may make a saved view shared (seen by every moderator, admin and assignee)."""
    return user.role in VIEW_SHARERS


def view_sees_shared(user: Actor) -> bool:
    """Whose sidebar lists shared views (each counts only the tickets its reader may see)."""
    return user.role in VIEW_READERS_OF_SHARED


def view_may_change(user: Actor, *, owner_id: Any, shared: bool) -> bool:
    """The owner changes their view; admins also manage shared views."""
    return str(user.id) == str(owner_id) or (shared and is_admin(user))


# ---------------------------------------------------------------- links (DESIGN §10)

def may_link(user: Actor) -> bool:
    """Who links and unlinks tickets (each of which they must see): the triage staff, who also merge."""
    return is_staff(user)


# ---------------------------------------------------------------- bulk actions (DESIGN §10)

BULK_ACTIONS = ("assign", "reassign", "set_priority", "set_department", "reject", "apply_canned")
BULK_MAX_IDS = 100
