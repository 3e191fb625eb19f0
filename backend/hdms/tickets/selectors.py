"""Every read of the ticket service: visibility (DESIGN §2), lists, payloads, chat access.

Visibility for people who are not moderators or admins is built as an OR of *indexable*
conditions (requestor, assignee, department queue, explicit id lists for rooms they joined and
approvals they are on), so PostgreSQL can combine index scans (BitmapOr) instead of scanning
the table; the two id lists are fetched first with one small query each.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    Expression,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.utils import timezone

from hdms.audit.selectors import audit_for_object
from hdms.communication.search import message_ticket_ids_matching
from hdms.core import search
from hdms.core.errors import NotFound, ValidationFailed
from hdms.core.prepared import Prepared
from hdms.core.roles import Role
from hdms.core.schema_types import DeskClock, parse_datetime_input
from hdms.tickets import policy
from hdms.tickets.models import (
    DEPARTMENT_QUEUE_STATUSES,
    SUBTICKET_DONE_STATUSES,
    ApprovalStatus,
    ApprovalStep,
    DeskSettings,
    Holiday,
    Priority,
    ReportSchedule,
    RequestCategory,
    SavedView,
    SlaPolicy,
    Ticket,
    TicketLink,
    TicketParticipant,
    TicketStatus,
)
from hdms.tickets.models import TERMINAL_STATUSES as TERMINAL_STATUSES  # for other services (files)
from hdms.tickets.schemas import ORDERING_NAMES, TicketFilters
from hdms.tickets.sla import WorkCalendar
from hdms.users import selectors as users_selectors

STAFF = (Role.MODERATOR, Role.ADMIN)


def is_staff(user: Any) -> bool:
    return getattr(user, "role", None) in STAFF


# ---------------------------------------------------------------- visibility

class _IdsArrayText(Aggregate):
    """``array_agg(<column>)::text``: the ids as one PostgreSQL array literal (``{id,id,...}``),
    ``None`` over no rows."""

    function = "ARRAY_AGG"
    template = "%(function)s(%(expressions)s)::text"
    output_field = TextField()


def _room_ids_of(user: Any) -> str | list[Any] | None:
    """The tickets whose chat room ``user`` is in. On PostgreSQL one array literal, read and bound
    back as text: a caller in hundreds of rooms no longer pays psycopg loading each UUID, Django
    preparing it and psycopg dumping it again, for the page and again for the count (~3 ms of CPU
    per list at 682 rooms, bench/RESULTS.md issue 18 item 4)."""
    if connection.vendor == "postgresql":
        return next(iter(_ROOM_IDS.rows(user.id)), None)
    return list(TicketParticipant.objects.filter(user_id=user.id).values_list("ticket_id", flat=True))


# Fixed-shape statements of every list page, compiled once (hdms/core/prepared.py). The stand-ins:
_SOME_ID = uuid.UUID(int=0x5EED_1D)
_SOME_IDS = "{00000000-0000-0000-0000-0000005eed1d}"  # an id array's literal (``_ids_in``)
_ROOM_IDS: Prepared[str] = Prepared(
    lambda user_id: TicketParticipant.objects.filter(user_id=user_id).values("user_id")
    .annotate(ids=_IdsArrayText("ticket_id")).values_list("ids", flat=True),
    _SOME_ID, vendors=("postgresql",))


class _AnyOf(Expression):
    """``<column> = ANY(%s::uuid[])`` with the ids as one array literal: the same condition as
    ``<column> IN (...)`` (PostgreSQL plans the list as ``= ANY(ARRAY[...])`` anyway), but Django
    prepares and binds one value instead of each id apart. A caller in hundreds of chat rooms paid
    ~5 ms of CPU per list query for the ``IN`` lists (bench/RESULTS.md, issue 18 item 4)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, ids: str) -> None:
        super().__init__()
        self.column: Any = F(column)
        self.ids = ids

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.column)
        return f"{sql} = ANY(%s::uuid[])", [*params, self.ids]


def _ids_in(column: str, ids: str | list[Any]) -> Q:
    if isinstance(ids, str):
        return Q(_AnyOf(column, ids))
    return Q(**{f"{column}__in": ids})


def _approval_ticket_ids_of(user: Any) -> list[Any]:
    if not getattr(user, "is_approver", False) or not user.approver_kind:
        return []
    return list(
        ApprovalStep.objects.filter(
            Q(status=ApprovalStatus.PENDING, approver_kind=user.approver_kind, ticket__status="pending_approval")
            | Q(decided_by_id=user.id)
        ).values_list("ticket_id", flat=True).distinct()
    )


def _staff_qs(user: Any) -> QuerySet[Ticket]:
    # Drafts are private to their author, even for staff.
    return Ticket.objects.filter(~Q(status=TicketStatus.DRAFT) | Q(requestor_id=user.id))


@dataclass(frozen=True)
class Visible:
    """What a person who is neither moderator nor admin sees (DESIGN §2), as the OR of indexable
    terms: their requests, what is assigned to them, the tickets of the rooms they are in and those
    tickets' sub-tickets, what waits on (or was decided by) their approval, and an assignee's
    department queue. Drafts are their author's alone (``ticket_visible_qs``)."""

    user_id: Any
    rooms: str | list[Any] | None = None  # ``_room_ids_of``
    approvals: str | list[Any] | None = None  # ``_ids_param`` of ``_approval_ticket_ids_of``
    department: Any = None  # an assignee's: its queue (``DEPARTMENT_QUEUE_STATUSES``)

    def _own(self) -> list[Q]:
        own = [Q(requestor_id=self.user_id), Q(assignee_id=self.user_id)]
        if self.rooms:
            own += [_ids_in("id", self.rooms), _ids_in("parent_id", self.rooms)]
        if self.approvals:
            own.append(_ids_in("id", self.approvals))
        return own

    def condition(self) -> Q:
        condition = Q()
        for term in self._own():
            condition |= term
        if self.department is not None:
            condition |= Q(department_id=self.department, status__in=DEPARTMENT_QUEUE_STATUSES)
        return condition

    def parts(self) -> list[Q]:
        """The terms of ``condition`` one by one, the queue one per status: each has an index that
        reads it in the order of filing (the queue's: ``ticket_dept_status_created``)."""
        queue = [Q(department_id=self.department, status=s) for s in DEPARTMENT_QUEUE_STATUSES]
        return self._own() + (queue if self.department is not None else [])


def visible_to(user: Any) -> Visible | None:
    """``Visible`` of ``user``, read now (their rooms and approvals); None for moderators, admins
    and the anonymous, who have no such terms."""
    if user is None or not getattr(user, "is_authenticated", False) or is_staff(user):
        return None
    approvals = _approval_ticket_ids_of(user)
    queue = user.role == Role.ASSIGNEE and user.department_id
    return Visible(user.id, _room_ids_of(user) or None, _ids_param(approvals) if approvals else None,
                   user.department_id if queue else None)


def ticket_visible_qs(*, user: Any, visible: Visible | None = None) -> QuerySet[Ticket]:
    """Tickets ``user`` may see (DESIGN §2): requestor, participant of its room, assignee, its
    department's queue (assignees of that department), moderators and admins, pending approvers.
    ``visible``: ``visible_to(user)`` when the caller has read it already."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Ticket.objects.none()
    if is_staff(user):
        return _staff_qs(user)
    condition = (visible or visible_to(user) or Visible(user.id)).condition()
    return _not_others_drafts(Ticket.objects.filter(condition), user)


def _not_others_drafts(qs: QuerySet[Ticket], user: Any) -> QuerySet[Ticket]:
    return qs.exclude(Q(status=TicketStatus.DRAFT) & ~Q(requestor_id=user.id))


def _department_queue(user: Any) -> Q | None:
    """An assignee's department queue: part of what they see (``Visible``), never a draft."""
    if user.role == Role.ASSIGNEE and user.department_id:
        return Q(department_id=user.department_id, status__in=DEPARTMENT_QUEUE_STATUSES)
    return None


def _counted_apart(user: Any) -> Q | None:
    """A part of what ``user`` sees that an index counts alone (``ticket_count``): an assignee's
    department queue; for moderators and admins, every ticket but drafts (their own drafts are the
    rest), counted from ``ticket_dept_queue_live`` without reading the table: 2 ms for 10,001
    instead of 12-25 ms for the table's rows (bench/RESULTS.md)."""
    if is_staff(user):
        return ~Q(status=TicketStatus.DRAFT)
    return _department_queue(user)


def ticket_can_see(*, user: Any, ticket: Ticket) -> bool:
    """The same rule as ``ticket_visible_qs`` for one loaded ticket (at most two small queries)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if ticket.status == TicketStatus.DRAFT:
        return ticket.requestor_id == user.id
    if is_staff(user) or user.id in (ticket.requestor_id, ticket.assignee_id):
        return True
    if (user.role == Role.ASSIGNEE and user.department_id and ticket.department_id == user.department_id
            and ticket.status in DEPARTMENT_QUEUE_STATUSES):
        return True
    room_ids = {ticket.id, ticket.parent_id} - {None}
    if TicketParticipant.objects.filter(user_id=user.id, ticket_id__in=room_ids).exists():
        return True
    return ticket.id in _approval_ticket_ids_of(user)


def ticket_base_qs() -> QuerySet[Ticket]:
    return (Ticket.objects.select_related("requestor", "assignee", "department", "owner", "form_category")
            .annotate(parent_status=F("parent__status")))


# A ticket by id, with what ``ticket_base_qs`` joins: compiled once (``Prepared``), as compiling it
# cost 0.55 ms of CPU for every detail, message list and action (bench/RESULTS.md). Not ``.first()``:
# its ORDER BY (the model's ordering) costs nothing in PostgreSQL for a primary key, but compiling
# it hashes every selected column of the five joined tables.
_TICKET_BY_ID: Prepared[Ticket] = Prepared(
    lambda ticket_id: ticket_base_qs().filter(id=ticket_id).order_by()[:1], uuid.UUID(int=0x7E57_1D))


def ticket_by_id(ticket_id: Any) -> Ticket | None:
    """The ticket as ``ticket_base_qs`` reads it, or None (regardless of who asks)."""
    return next(iter(_TICKET_BY_ID.rows(ticket_id)), None)


def ticket_read(ticket_id: Any) -> Ticket:
    """``ticket_by_id`` that raises ``Ticket.DoesNotExist`` when absent, as ``.get`` does."""
    ticket = ticket_by_id(ticket_id)
    if ticket is None:
        raise Ticket.DoesNotExist("Ticket matching query does not exist.")
    return ticket


def ticket_get_visible(*, user: Any, ticket_id: Any) -> Ticket:
    """The ticket if ``user`` may see it; ``NotFound`` when absent or invisible (never 403)."""
    try:
        ticket = ticket_by_id(ticket_id)
    except (ValueError, TypeError, DjangoValidationError):  # not a UUID
        ticket = None
    if ticket is None or not ticket_can_see(user=user, ticket=ticket):
        raise NotFound("Ticket not found.")
    return ticket


def ticket_exists(*, ticket_id: Any) -> bool:
    """Whether the ticket exists and is not deleted, whoever may see it (not for answers to users:
    it tells an open chat socket "deleted" from "no longer yours", docs/realtime.md)."""
    try:
        return Ticket.objects.filter(id=ticket_id).exists()
    except (ValueError, TypeError, DjangoValidationError):
        return False


# ---------------------------------------------------------------- chat rooms

@dataclass(frozen=True)
class ChatAccess:
    room_id: str
    sees_all: bool
    silent: bool
    joined_at: datetime | None
    post_refusal: tuple[str, str] | None  # (code, detail) when ``user`` may not post: policy.Action.MESSAGE
    is_participant: bool = True  # False: may see the ticket but has not joined its room yet
    reads_notes: bool = False  # sees the room's internal notes (policy.reads_notes, DESIGN §10)
    note_refusal: tuple[str, str] | None = None  # (code, detail) when ``user`` may not add a note: Action.NOTE


def chat_post_refusal(*, user: Any, facts: policy.TicketFacts) -> tuple[str, str] | None:
    """Why ``user`` may not post in the ticket's room now (admins observe silently; a finished
    ticket's chat is read-only), or None."""
    decision = policy.decide(user, facts, policy.Action.MESSAGE)
    return None if decision.allowed else (decision.code, decision.detail)


def attach_refusal(*, user: Any, ticket: Ticket) -> str | None:
    """Why ``user`` may not add files to ``ticket`` (an approver who only decides it), or None."""
    if policy.approves_only(user, policy_facts(ticket, action="attach")):
        return "Approvers decide the approval; they do not add files to the ticket."
    return None


def chat_access(*, user: Any, ticket_id: Any) -> ChatAccess:
    """How ``user`` may use the chat room of ``ticket_id`` (a sub-ticket's room is its parent's).

    Moderators and admins see the whole history (admins silently). Anyone else sees the messages
    from when they joined the room; someone who may see the ticket but has not joined yet (a
    colleague from the department queue, a pending approver) sees none so far (``joined_at`` now,
    ``is_participant`` False) until ``services.chat_join`` makes them a participant. A read: it
    writes nothing."""
    ticket = ticket_get_visible(user=user, ticket_id=ticket_id)
    room_id = ticket.parent_id or ticket.id
    facts = policy_facts(ticket, action=policy.Action.MESSAGE)  # what the note rule reads too
    refusal = chat_post_refusal(user=user, facts=facts)
    note = policy.decide(user, facts, policy.Action.NOTE)
    reads_notes = policy.reads_notes(user, facts)
    note_refusal = None if note.allowed else (note.code, note.detail)
    if is_staff(user):
        return ChatAccess(room_id=str(room_id), sees_all=True, silent=user.role == Role.ADMIN, joined_at=None,
                          post_refusal=refusal, reads_notes=reads_notes, note_refusal=note_refusal)
    joined_at = next(iter(_JOINED_AT.rows(room_id, user.id)), None)
    return ChatAccess(room_id=str(room_id), sees_all=False, silent=False, joined_at=joined_at or timezone.now(),
                      post_refusal=refusal, is_participant=joined_at is not None, reads_notes=reads_notes,
                      note_refusal=note_refusal)


# When a person joined a room (fixed shape, compiled once: every message list asks it).
_JOINED_AT: Prepared[datetime] = Prepared(
    lambda room_id, user_id: TicketParticipant.objects.filter(ticket_id=room_id, user_id=user_id)
    .order_by().values_list("joined_at", flat=True)[:1],
    uuid.UUID(int=0x500_1D), uuid.UUID(int=0x05E1D))


def room_participant_ids(*, room_id: Any) -> list[str]:
    """User ids of the people in a room: requestor, assignees (also of sub-tickets), acting
    moderators and people added. Admins observing silently are never participants unless added."""
    return [str(uid) for uid in TicketParticipant.objects.filter(ticket_id=room_id)
            .order_by("joined_at").values_list("user_id", flat=True)]


def _room_facts(room_id: Any) -> policy.TicketFacts:
    room = Ticket.objects.filter(id=room_id).first()
    if room is None:
        raise NotFound("Ticket not found.")
    return policy_facts(room, action=policy.Action.NOTE)


def note_reader_ids(*, room_id: Any, user_ids: list[Any]) -> set[str]:
    """Those of ``user_ids`` (people who can see the room) who read its internal notes
    (``policy.reads_notes``): who a note may notify. Sub-tickets share the parent's requestor."""
    facts = _room_facts(room_id)
    users = users_selectors.users_among_or_with_role(ids=[str(u) for u in user_ids], roles=[])
    return {str(u.id) for u in users if policy.reads_notes(u, facts)}


MENTIONABLE_LIMIT = 20


def mentionable_users(*, user: Any, ticket_id: Any, internal: bool = False, q: str = "",
                      codes: list[str] | None = None) -> list[Any]:
    """Who ``user`` may @mention in a message (``internal``: a note) on the ticket (DESIGN §10):
    the people who read that conversation now, the room's participants and the moderators, and for
    a note only those who read notes (``policy.reads_notes``). Admins observe silently: listed only
    if added to the room. Narrowed by ``q`` (autocomplete) or ``codes`` (the mentions of a body).
    ``NotFound`` when ``user`` cannot see the ticket. A read: a mention never adds anyone."""
    ticket = ticket_get_visible(user=user, ticket_id=ticket_id)
    facts = policy_facts(ticket, action=policy.Action.NOTE)
    if internal and not policy.reads_notes(user, facts):
        return []  # no notes of theirs to mention anyone in
    room_id = ticket.parent_id or ticket.id
    people = users_selectors.users_among_or_with_role(
        ids=TicketParticipant.objects.filter(ticket_id=room_id).values("user_id"), roles=[Role.MODERATOR],
        q=q, codes=codes)
    found = []
    for person in people.exclude(id=user.id)[: 200 if codes is None else len(codes) + 1]:
        if internal and not policy.reads_notes(person, facts):
            continue
        found.append(person)
        if len(found) >= (MENTIONABLE_LIMIT if codes is None else len(codes)):
            break
    return found


def participant_list(*, room_id: Any) -> QuerySet[TicketParticipant]:
    return TicketParticipant.objects.filter(ticket_id=room_id).select_related("user").order_by("joined_at")


# ---------------------------------------------------------------- payloads

def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _user_brief(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": str(user.id), "employee_code": user.employee_code, "full_name": user.full_name}


def subticket_progress(ticket: Ticket) -> dict[str, int]:
    total = getattr(ticket, "sub_total", None)
    done = getattr(ticket, "sub_done", None)
    if total is None or done is None:
        if ticket.parent_id is not None:
            return {"total": 0, "done": 0}
        _parent, total, done = next(iter(_SUBTICKET_COUNTS.rows(_ids_param([ticket.id]))), (None, 0, 0))
    return {"total": total, "done": done}


def form_payload(ticket: Ticket) -> dict[str, Any] | None:
    """The request form the ticket was filed with: its category's names and each field's labels
    with the ticket's value (fields the category has since lost are listed by their key)."""
    category = ticket.form_category if ticket.form_category_id else None
    if category is None:
        return None
    values = dict(ticket.form_values or {})
    fields = [{**{k: d[k] for k in ("key", "label_en", "label_ur", "type")}, "value": values.pop(d["key"], None)}
              for d in category.fields]
    fields += [{"key": key, "label_en": key, "label_ur": key, "type": "text", "value": value}
               for key, value in values.items()]
    return {"category_id": str(category.id), "name_en": category.name_en, "name_ur": category.name_ur,
            "fields": fields}


def ticket_payload(ticket: Ticket) -> dict[str, Any]:
    """The API dict of a ticket (DESIGN §4), JSON-able; used by the API and in events."""
    department = ticket.department if ticket.department_id else None
    amount: Decimal | None = ticket.amount
    return {
        "id": str(ticket.id),
        "number": ticket.number,
        "title": ticket.title,
        "description": ticket.description,
        "status": ticket.status,
        "priority": ticket.priority,
        "category": ticket.category,
        "department_id": str(ticket.department_id) if ticket.department_id else None,
        "department": {"id": str(department.id), "code": department.code, "name": department.name}
        if department else None,
        "requestor_id": str(ticket.requestor_id),
        "requestor": _user_brief(ticket.requestor),
        "requestor_name": ticket.requestor.full_name,
        "assignee_id": str(ticket.assignee_id) if ticket.assignee_id else None,
        "assignee": _user_brief(ticket.assignee) if ticket.assignee_id else None,
        "assignee_name": ticket.assignee.full_name if ticket.assignee is not None else None,
        "owner_id": str(ticket.owner_id) if ticket.owner_id else None,
        "parent_id": str(ticket.parent_id) if ticket.parent_id else None,
        "room_id": str(ticket.parent_id or ticket.id),
        "amount": str(amount) if amount is not None else None,
        "category_id": str(ticket.form_category_id) if ticket.form_category_id else None,
        "fields": ticket.form_values or {},
        "form": form_payload(ticket),
        "merged_into_id": str(ticket.merged_into_id) if ticket.merged_into_id else None,
        "due_at": _iso(ticket.due_at),
        "sla_due_at": _iso(ticket.resolution_due),
        "resolution": ticket.resolution,
        "postponed_until": _iso(ticket.postponed_until),
        "postponed_reason": ticket.postponed_reason,
        "rating": ticket.rating,
        "rating_comment": ticket.rating_comment,
        "version": ticket.version,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "submitted_at": _iso(ticket.submitted_at),
        "first_responded_at": _iso(ticket.first_responded_at),
        "resolved_at": _iso(ticket.resolved_at),
        "closed_at": _iso(ticket.closed_at),
        "subtickets": subticket_progress(ticket),
        "sla": {
            "started_at": _iso(ticket.sla_started_at),
            "first_response_due": _iso(ticket.first_response_due),
            "resolution_due": _iso(ticket.resolution_due),
            "first_response_breached": ticket.first_response_breached,
            "resolution_breached": ticket.resolution_breached,
            "breached": ticket.sla_breached,
            "paused": ticket.sla_paused_at is not None,
            "paused_minutes": ticket.sla_paused_minutes,
        },
        "sla_risk": {"probability": ticket.sla_risk, "level": ticket.sla_risk_level}
        if ticket.sla_risk is not None and ticket.status in OPEN_STATUSES_FOR_SLA else None,
        "triage": ticket.triage,
    }


# ---------------------------------------------------------------- lists

PRIORITY_RANK = Case(*(When(priority=name, then=Value(rank)) for rank, name in enumerate(Priority.values)),
                     output_field=IntegerField())

# Sort key -> (column or expression, nullable). Every ordering ends with ``id`` in the same
# direction, so rows with equal keys keep one order from page to page (DESIGN §10). ``age`` sorts
# by time since filing (``age`` = youngest first); ``sla_due`` is the resolution target.
SORT_EXPRESSIONS: dict[str, tuple[Any, bool]] = {
    "created_at": (F("created_at"), False),
    "updated_at": (F("updated_at"), False),
    "updated": (F("updated_at"), False),
    "priority": (PRIORITY_RANK, False),
    "resolution_due": (F("resolution_due"), True),
    "sla_due": (F("resolution_due"), True),
    "number": (F("number"), False),
    "requestor": (F("requestor__full_name"), False),
    "assignee": (F("assignee__full_name"), True),
    "department": (F("department__name"), True),
    "risk": (F("sla_risk"), True),  # "-risk": moderators' "at risk" ordering (DESIGN §12)
}


def _ordering(name: str) -> tuple[Any, ...]:
    descending = name.startswith("-")
    key = name.lstrip("-")
    if key == "age":  # young first = newest filing first
        key, descending = "created_at", not descending
    expression, nullable = SORT_EXPRESSIONS[key]
    nulls = {"nulls_last": True} if nullable else {}  # unassigned, no department, no SLA: at the end
    first = expression.desc(**nulls) if descending else expression.asc(**nulls)
    return (first, "-id" if descending else "id")


ORDERINGS = {name: _ordering(name) for name in ORDERING_NAMES}  # every name GET tickets accepts
DEFAULT_ORDERING = "-created_at"
# Matching messages looked at for a search (search.COUNT_CAP: a search counts at most that many
# tickets anyway): the first this many found, not the best, when a word is in more messages.
MESSAGE_MATCH_LIMIT = search.COUNT_CAP
NUMBER_QUERY = re.compile(r"^(?:hd[-\s]?)?#?0*(\d{1,9})$", re.IGNORECASE)


def room_joins(*, user: Any) -> QuerySet[TicketParticipant]:
    """The rooms ``user`` is in and since when (``room``, ``since``): what they may read of each chat."""
    return TicketParticipant.objects.filter(user_id=user.id).annotate(room=F("ticket_id"), since=F("joined_at"))


# The ticket row's stored search document and its text: the columns and expressions of migration
# 0007's GIN indexes.
TICKET_DOCUMENT = "{t}.search_document"
TICKET_TEXT = "{t}.title || ' ' || {t}.description"


def _search(qs: QuerySet[Ticket], q: str, *, user: Any) -> QuerySet[Ticket]:
    """Tickets matching ``q`` (docs/decisions.md "Search"): title and description (full text, with
    spelling variants), the number, and the messages the caller could read in the ticket's chat."""
    q = search.normalise(q)
    if not q:
        return qs
    prepared = None
    if connection.vendor == "postgresql":
        prepared = search.prepare(q)
        text_match: Any = prepared.match(TICKET_DOCUMENT, folded=True)
        if prepared.rare_in(Ticket._meta.db_table):
            # Few matches: their ids through the index first, so the newest-first page does not walk
            # the date index testing every ticket for a word it will hardly find (docs/decisions.md
            # "Search"). Bounded, the newest kept, in case the statistics were wrong.
            with search.through_the_index():
                found = list(qs.filter(text_match).order_by(*ORDERINGS[DEFAULT_ORDERING])
                             .values_list("id", flat=True)[:search.RARE_MATCH_LIMIT])
            text_match = Q(id__in=found)
    else:
        text_match = Q(title__icontains=q) | Q(description__icontains=q)
    # Plain equality on the stored (upper-case) number: an index lookup, unlike UPPER(number).
    match = text_match | Q(number=q.upper())
    number = _number_in(q)
    if number:  # "11", "HD-11", "hd000011": the ticket HD-000011, as people say its number
        match |= Q(number=number)
    # Materialised (bounded) rather than a subquery: an id list lets PostgreSQL OR it with the
    # other indexed conditions, and keeps working whatever SQL the other service builds.
    # Internal notes match for those who read notes (policy.reads_notes, as a query): the note
    # roles, except in the rooms of the tickets they requested themselves.
    notes: bool | QuerySet[Any] = False
    if user.role in policy.NOTE_ROLES:
        notes = Ticket.objects.filter(requestor_id=user.id).values("id")
    ids = list(dict.fromkeys(message_ticket_ids_matching(
        q=q, joins=None if is_staff(user) else room_joins(user=user), notes=notes, limit=MESSAGE_MATCH_LIMIT,
        prepared=prepared)))
    if ids:
        match |= Q(id__in=ids) | Q(parent_id__in=ids)
    return qs.filter(match)


def _number_in(q: str) -> str | None:
    found = NUMBER_QUERY.match(q)
    return f"HD-{int(found.group(1)):06d}" if found else None


def _search_rank(q: str) -> Any:
    """Higher first: the ticket whose number was typed, then how well title and description match
    (full-text rank plus trigram similarity on PostgreSQL, a title hit on SQLite); tickets found
    only through their messages come after, newest first."""
    q = search.normalise(q)
    numbers = {q.upper(), _number_in(q) or q.upper()}
    exact = Case(When(number__in=numbers, then=Value(10.0)), default=Value(0.0), output_field=FloatField())
    if connection.vendor == "postgresql":
        return exact + search.text_rank(TICKET_DOCUMENT, TICKET_TEXT, q)
    return exact + Case(When(title__icontains=q, then=Value(1.0)), default=Value(0.0), output_field=FloatField())


def ordering_name(user: Any, filters: dict[str, Any]) -> str:
    """The ordering ``user`` gets for ``filters`` (the at-risk one is staff's only)."""
    name = filters.get("ordering") or DEFAULT_ORDERING
    if name.lstrip("-") == "risk" and not is_staff(user):  # the risk is staff's to read (DESIGN §12)
        return DEFAULT_ORDERING
    return name


_BRIEF_USER_FIELDS = ("id", "employee_code", "full_name")  # what ``_user_brief`` shows


def _ids_param(ids: Any) -> str | list[Any]:
    """Ids as ``_ids_in`` takes them: on PostgreSQL one array literal (a statement of one shape for
    any number of ids, so ``Prepared`` keeps it), elsewhere a list."""
    if connection.vendor == "postgresql":
        return "{" + ",".join(str(i) for i in ids) + "}"
    return list(ids)


_SUBTICKET_COUNTS: Prepared[tuple[Any, int, int]] = Prepared(
    lambda parents: Ticket.objects.filter(_ids_in("parent_id", parents)).values("parent_id")
    .annotate(total=Count("id"), done=Count("id", filter=Q(status__in=SUBTICKET_DONE_STATUSES)))
    .values_list("parent_id", "total", "done"),
    _SOME_IDS, vendors=("postgresql",))
# The base manager, as a join or a ticket's own ``requestor`` reads them: a deleted person's
# tickets still name them.
_BRIEF_USERS: Prepared[Any] = Prepared(
    lambda ids: Ticket._meta.get_field("requestor").related_model._base_manager  # type: ignore[union-attr]
    .only(*_BRIEF_USER_FIELDS).filter(_ids_in("id", ids)).order_by(),
    _SOME_IDS, vendors=("postgresql",))


def with_brief_users(tickets: list[Ticket]) -> list[Ticket]:
    """A page's requestors and assignees, with only what ``_user_brief`` shows of them, read in one
    query for the page's rows (``ticket_list(brief_users=True)`` does not join them). Joining both
    to the page's query made PostgreSQL weigh more plans for every page (1.2-1.8 ms of planning
    instead of 0.4) and sometimes scan thousands of users to merge them in (bench/RESULTS.md)."""
    ids = {t.requestor_id for t in tickets} | {t.assignee_id for t in tickets if t.assignee_id}
    if not ids:
        return tickets
    requestor: Any = Ticket._meta.get_field("requestor")
    assignee: Any = Ticket._meta.get_field("assignee")
    people = {person.id: person for person in _BRIEF_USERS.rows(_ids_param(ids))}
    for ticket in tickets:
        requestor.set_cached_value(ticket, people.get(ticket.requestor_id))
        assignee.set_cached_value(ticket, people.get(ticket.assignee_id) if ticket.assignee_id else None)
    return tickets


def ticket_list(*, user: Any, filters: dict[str, Any], brief_users: bool = False,
                visible: Visible | None = None) -> QuerySet[Ticket]:
    """Visible tickets filtered as ``GET tickets`` asks (DESIGN §4) in the requested order; a search
    (``q``) without an ordering, outside cursor mode, comes best match first. ``brief_users``: the
    requestor and assignee are not joined: the page's are read for its rows by ``with_brief_users``
    (the API's page; an export or report reads more of them and leaves it off). ``visible``:
    ``visible_to(user)`` when the caller has read it already."""
    qs = _listed(ticket_filtered(user=user, filters=filters, visible=visible), brief_users=brief_users)
    if search.normalise(filters.get("q")) and not filters.get("ordering") and filters.get("cursor") is None:
        ranked = qs.annotate(search_rank=_search_rank(filters["q"]))
        return ranked.order_by("-search_rank", *ORDERINGS[DEFAULT_ORDERING])
    return qs.order_by(*ORDERINGS.get(ordering_name(user, filters), ORDERINGS[DEFAULT_ORDERING]))


def _listed(qs: QuerySet[Ticket], *, brief_users: bool) -> QuerySet[Ticket]:
    """A list's rows as ``ticket_list`` reads them: the department (and the people, unless
    ``brief_users``) joined, and the parent's status."""
    people = () if brief_users else ("requestor", "assignee")
    return qs.select_related(*people, "department").annotate(parent_status=F("parent__status"))


def search_capped_ordering(user: Any, filters: dict[str, Any]) -> tuple[Any, ...]:
    """The order of a search's rows once it matches more than the count cap: the asked ordering,
    else newest first (ranking every one of thousands of matches costs more than it tells)."""
    return ORDERINGS.get(ordering_name(user, filters), ORDERINGS[DEFAULT_ORDERING])


def ticket_changed_count(*, user: Any, filters: dict[str, Any], since: datetime) -> int:
    """Tickets of the list (same filters, same visibility) created or changed after ``since``;
    filing sets ``updated_at`` too. A ticket changed so that it left the list is not counted."""
    with search.custom_plans():
        return ticket_filtered(user=user, filters=filters).filter(updated_at__gt=since).count()


def ticket_filtered(*, user: Any, filters: dict[str, Any], visible: Visible | None = None) -> QuerySet[Ticket]:
    """The rows of ``ticket_list`` without order or joins: what a list's ``count`` and a saved
    view's count both count, so the two always agree."""
    qs = ticket_visible_qs(user=user, visible=visible)
    if filters.get("status"):
        qs = qs.filter(status__in=filters["status"])
    if filters.get("priority"):
        qs = qs.filter(priority__in=filters["priority"])
    if filters.get("department"):
        qs = qs.filter(department_id=filters["department"])
    if filters.get("assignee"):
        qs = qs.filter(assignee_id=None if filters["assignee"] == "none" else filters["assignee"])
    if filters.get("requestor"):
        qs = qs.filter(requestor_id=filters["requestor"])
    if filters.get("parent"):
        qs = qs.filter(parent_id=filters["parent"])
    if filters.get("top_level"):
        qs = qs.filter(parent_id__isnull=True)
    if filters.get("created_after"):
        qs = qs.filter(created_at__gte=filters["created_after"])
    if filters.get("created_before"):
        qs = qs.filter(created_at__lt=filters["created_before"])
    if filters.get("sla_breached") is not None:
        qs = qs.filter(sla_breached=filters["sla_breached"])
    if filters.get("q"):
        qs = _search(qs, filters["q"], user=user)
    return qs


# The filters with which an assignee's queue is still counted from its index alone. Any other
# filter that is set (one added later too) makes ``ticket_count`` count everything.
_QUEUE_COUNT_FILTERS = frozenset({"status", "ordering", "cursor"})


def ticket_count(*, user: Any, filters: dict[str, Any],
                 listed: Callable[[], QuerySet[Ticket]] | None = None) -> tuple[int, bool]:
    """``GET tickets``' ``count`` and whether it stopped at the cap; a saved view's count is the
    same. ``listed``: makes the list's own queryset, when the caller has one (a search's matches
    are then looked up once), and only if the count needs it. An assignee sees their
    department's queue besides their own tickets and rooms: when the queue alone passes the cap,
    so does the whole, and the queue is counted from an index alone
    (``ticket_dept_queue_live``): 3 ms for 10,001 of them, against 60-100 ms for the OR of all
    they see (bench/RESULTS.md); without a status filter, through a statement compiled once
    (``_apart_count``). Only without other filters than the status and their own department:
    with them the queue is no cheaper."""
    with search.custom_plans():
        return _ticket_count(user=user, filters=filters, listed=listed)


def _ticket_count(*, user: Any, filters: dict[str, Any], listed: Callable[[], QuerySet[Ticket]] | None,
                  ) -> tuple[int, bool]:
    cap = search.count_cap(filters.get("q"))
    queue = _counted_apart(user) if getattr(user, "is_authenticated", False) else None
    others = {name for name, value in filters.items()
              if name not in _QUEUE_COUNT_FILTERS and value is not None and value not in ("", [])}
    if (others == {"department"} and not is_staff(user)
            and str(filters["department"]) == str(user.department_id)):
        others = set()  # an assignee's own department: the queue is all in it
    if queue is not None and not others:
        if filters.get("status"):
            counted, capped = search.capped_count(Ticket.objects.filter(queue, status__in=filters["status"]), cap=cap)
        else:
            counted = _apart_count(user, cap)
            counted, capped = min(counted, cap), counted > cap
        if capped:
            return counted, capped
    return search.capped_count(listed() if listed is not None else ticket_filtered(user=user, filters=filters),
                               cap=cap)


# ``_counted_apart``'s counts without a status filter, compiled once per kind (staff or an
# assignee's queue) and cap: building and compiling one cost ~0.4 ms of a list's CPU.
_APART_COUNTS: dict[tuple[bool, int], Prepared[Any]] = {}


def _apart_count(user: Any, cap: int) -> int:
    """The rows of ``_counted_apart(user)``, counted up to ``cap + 1``."""
    staff = is_staff(user)
    statement = _APART_COUNTS.get((staff, cap))
    if statement is None:
        def build(*department: Any) -> QuerySet[Ticket]:
            caller = _StandIn(_SOME_ID, user.role if staff else Role.ASSIGNEE,
                              department_id=next(iter(department), None))
            return Ticket.objects.filter(_counted_apart(caller)).order_by().values("pk")[: cap + 1]

        statement = _APART_COUNTS.setdefault((staff, cap), Prepared(build, *(() if staff else (_SOME_DEPARTMENT,)),
                                                                     vendors=("postgresql",)))
    return statement.count(*(() if staff else (user.department_id,)))


def with_subticket_progress(tickets: list[Ticket]) -> list[Ticket]:
    """Attach sub-ticket counts to a page of tickets with one query (no N+1)."""
    parents = [t.id for t in tickets if t.parent_id is None]
    counts: dict[Any, tuple[int, int]] = {}
    if parents:
        counts = {parent: (total, done) for parent, total, done in _SUBTICKET_COUNTS.rows(_ids_param(parents))}
    for ticket in tickets:
        ticket.sub_total, ticket.sub_done = counts.get(ticket.id, (0, 0))
    return with_policy_facts(tickets)


def with_policy_facts(tickets: list[Ticket]) -> list[Ticket]:
    """Attach what the rules (``policy.TicketFacts``) read beyond the row, for a page at once: the
    pending approval step's kind (one query when the page has tickets pending approval) and, for
    resolved sub-tickets, whether their department has another open sub-ticket (one query when the
    page has any). The parent's status comes with the row (``parent_status`` annotation)."""
    pending = [t.id for t in tickets if t.status == TicketStatus.PENDING_APPROVAL]
    kinds: dict[Any, str] = {}
    if pending:
        for ticket_id, kind in (ApprovalStep.objects.filter(ticket_id__in=pending, status=ApprovalStatus.PENDING)
                                .order_by("ticket_id", "-round", "step").values_list("ticket_id", "approver_kind")):
            kinds.setdefault(ticket_id, kind)
    resolved_subs = [t for t in tickets if t.parent_id is not None and t.status == TicketStatus.RESOLVED]
    open_pairs: set[tuple[Any, Any]] = set()
    if resolved_subs:
        open_pairs = set(Ticket.objects.filter(parent_id__in={t.parent_id for t in resolved_subs})
                         .exclude(status__in=SUBTICKET_DONE_STATUSES).values_list("parent_id", "department_id"))
    for ticket in tickets:
        ticket.pending_approver_kind = kinds.get(ticket.id)
        ticket.sibling_open = (ticket.parent_id, ticket.department_id) in open_pairs
    return tickets


_UNSET = object()


def policy_facts(ticket: Ticket, *, action: str | None = None) -> policy.TicketFacts:
    """The facts the rules read about ``ticket`` (``policy.TicketFacts``); what a page loader did
    not attach is queried here. With ``action``, only what that action's rule reads is loaded
    (the others are left empty): a service acting spends no query on facts it does not need."""
    reads = policy.READS.get(action, frozenset()) if action is not None else None

    def needs(name: str) -> bool:
        return reads is None or name in reads

    if needs("open_subtickets"):
        progress = subticket_progress(ticket)
        open_subtickets = progress["total"] - progress["done"]
    else:
        open_subtickets = 0
    kind = getattr(ticket, "pending_approver_kind", _UNSET)
    if kind is _UNSET:
        kind = None
        if ticket.status == TicketStatus.PENDING_APPROVAL and needs("pending_approver_kind"):
            kind = (ApprovalStep.objects.filter(ticket_id=ticket.id, status=ApprovalStatus.PENDING)
                    .order_by("-round", "step").values_list("approver_kind", flat=True).first())
    parent_status = getattr(ticket, "parent_status", _UNSET)
    if parent_status is _UNSET:
        parent_status = (Ticket.objects.filter(id=ticket.parent_id).values_list("status", flat=True).first()
                         if ticket.parent_id and needs("parent_status") else None)
    sibling_open = getattr(ticket, "sibling_open", _UNSET)
    if sibling_open is _UNSET:
        sibling_open = needs("sibling_open") and bool(ticket.parent_id) and ticket.status == TicketStatus.RESOLVED and (
            Ticket.objects.filter(parent_id=ticket.parent_id, department_id=ticket.department_id)
            .exclude(id=ticket.id).exclude(status__in=SUBTICKET_DONE_STATUSES).exists())
    return policy.TicketFacts(
        status=str(ticket.status), requestor_id=str(ticket.requestor_id),
        assignee_id=str(ticket.assignee_id) if ticket.assignee_id else None,
        owner_id=str(ticket.owner_id) if ticket.owner_id else None,
        parent_id=str(ticket.parent_id) if ticket.parent_id else None,
        rated=ticket.rating is not None, open_subtickets=open_subtickets,
        pending_approver_kind=str(kind) if kind else None, parent_status=str(parent_status) if parent_status else None,
        sibling_open=bool(sibling_open),
    )


def ticket_payload_for(ticket: Ticket, user: Any) -> dict[str, Any]:
    """``ticket_payload`` with what ``user`` may do with it now (DESIGN §9)."""
    return _for_reader({**ticket_payload(ticket), **policy.caller_fields(user, policy_facts(ticket))}, user)


def _for_reader(payload: dict[str, Any], user: Any) -> dict[str, Any]:
    """SLA risk and the ai's triage are for staff (DESIGN §12): others read the ticket without them."""
    if (payload.get("sla_risk") is not None or payload.get("triage") is not None) and not is_staff(user):
        return {**payload, "sla_risk": None, "triage": None}
    return payload


def event_payload_for(payload: dict[str, Any], facts: dict[str, Any] | None, user: Any) -> dict[str, Any]:
    """A ``ticket.updated``/``subticket.created`` event's ticket as ``user`` reads it: the facts the
    event carries (``policy_facts(...).as_dict()``) give their ``allowed_actions`` and
    ``editable_fields`` without a query."""
    if facts is None:
        return _for_reader(payload, user)
    return _for_reader({**payload, **policy.caller_fields(user, policy.facts_from(facts))}, user)


# Keyset pages for every ordering (DESIGN §10: no cap on how far one can page, at constant cost).
# The cursor carries the ordering's name, the last row's sort key and its id; the next page is
# the rows after that pair in the ordering. Empty keys (no SLA, unassigned) sort last in both
# directions, so a page is read in two parts: the rows with a key after the cursor (an index
# range where there is one, e.g. ``ticket_sla_due_id``), then, when those run out, the rows
# without a key by id. Each part is a plain ``ORDER BY key, id LIMIT n``.
_KEY_KINDS = {"created_at": "time", "updated_at": "time", "resolution_due": "time", "priority": "int",
              "number": "text", "requestor": "text", "assignee": "text", "department": "text", "risk": "float"}
_CANONICAL = {"updated": "updated_at", "sla_due": "resolution_due"}


def _sort_spec(ordering: str) -> tuple[str, Any, bool, bool]:
    """(canonical key, expression, nullable, descending) of an ordering name."""
    descending, key = ordering.startswith("-"), ordering.lstrip("-")
    if key == "age":
        key, descending = "created_at", not descending
    expression, nullable = SORT_EXPRESSIONS[key]
    return _CANONICAL.get(key, key), expression, nullable, descending


def _key_out(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _key_in(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "time":
        return parse_datetime_input(value)
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "text" and isinstance(value, str):
        return value
    if kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError("bad key")


def encode_cursor(ticket: Ticket, ordering: str) -> str:
    """The cursor after ``ticket`` (a ``keyset_page`` row, which carries its ``sort_key``)."""
    raw = json.dumps([ordering, _key_out(getattr(ticket, "sort_key", None)), str(ticket.id)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, ordering: str) -> tuple[Any, uuid.UUID]:
    """(key, id) of a cursor made for ``ordering``; 422 on anything else (another ordering's too)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, key, ticket_id = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if name != ordering:
            raise ValueError("the cursor belongs to another ordering")
        return _key_in(_KEY_KINDS[_sort_spec(ordering)[0]], key), uuid.UUID(str(ticket_id))
    except (ValueError, TypeError, KeyError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed("Invalid cursor.", errors=[{"loc": ["query", "cursor"], "msg": "invalid"}]) from exc


def keyset_page(qs: QuerySet[Ticket], *, ordering: str, cursor: str, limit: int) -> tuple[list[Ticket], str | None]:
    """Up to ``limit`` rows of ``qs`` after ``cursor`` ("" = the first page) in ``ordering`` and
    the cursor of the next page (None at the end)."""
    ordering = ordering or DEFAULT_ORDERING
    after: tuple[Any, uuid.UUID] | None = decode_cursor(cursor, ordering) if cursor else None
    rows: list[Ticket] = []
    if after is None or after[0] is not None:
        rows = list(_keyed_page(qs, ordering, after, limit))
    return _page_end(lambda: qs, rows, ordering, after, limit)


def _keyed_page(qs: QuerySet[Ticket], ordering: str, after: tuple[Any, uuid.UUID] | None,
                limit: int) -> QuerySet[Ticket]:
    """The first ``limit + 1`` rows of ``qs`` with a sort key, after the cursor's (``after``)."""
    _, expression, nullable, descending = _sort_spec(ordering)
    keyed = qs.annotate(sort_key=expression)
    if nullable:
        keyed = keyed.filter(sort_key__isnull=False)
    if after is not None:
        key, last_id = after
        if descending:
            keyed = keyed.filter(Q(sort_key__lte=key), Q(sort_key__lt=key) | Q(id__lt=last_id))
        else:
            keyed = keyed.filter(Q(sort_key__gte=key), Q(sort_key__gt=key) | Q(id__gt=last_id))
    key_order = F("sort_key").desc() if descending else F("sort_key").asc()
    return keyed.order_by(key_order, "-id" if descending else "id")[: limit + 1]


def _page_end(listed: Callable[[], QuerySet[Ticket]], rows: list[Ticket], ordering: str,
              after: tuple[Any, uuid.UUID] | None, limit: int) -> tuple[list[Ticket], str | None]:
    """The page from its keyed ``rows``: in a nullable ordering, filled up with the rows without a
    key (by id); and the next page's cursor."""
    _, expression, nullable, descending = _sort_spec(ordering)
    id_order = "-id" if descending else "id"
    if nullable and len(rows) <= limit:
        empty = listed().annotate(sort_key=expression).filter(sort_key__isnull=True)
        if after is not None and after[0] is None:
            empty = empty.filter(id__lt=after[1]) if descending else empty.filter(id__gt=after[1])
        rows += list(empty.order_by(id_order)[: limit + 1 - len(rows)])
    more, rows = len(rows) > limit, rows[:limit]
    return rows, (encode_cursor(rows[-1], ordering) if more and rows else None)


# ``GET tickets``' keyset pages without filters in the two orderings by date (the API's default,
# newest first, and the web app's, last changed first), compiled once per shape (``Prepared``):
# building and compiling the page's statement cost ~1 ms of a list's CPU (bench/RESULTS.md).
_PREPARED_PAGE_KEYS = frozenset({"created_at", "updated_at"})
_PAGE_FILTERS = frozenset({"ordering", "cursor"})  # with any other filter set, the page is built
_SOME_TIME = datetime(2001, 2, 3, 4, 5, 6, 789_000, tzinfo=UTC)  # stand-ins of the page's values
_SOME_DEPARTMENT = uuid.UUID(int=0x5EED_DE)
_SOME_LAST_ID = uuid.UUID(int=0x5EED_1A)
_SOME_APPROVALS = "{00000000-0000-0000-0000-0000005eed1a}"
_PAGES: dict[tuple[Any, ...], Prepared[Ticket]] = {}


@dataclass(frozen=True)
class _StandIn:
    """The caller of a compiled statement's first build: the id of ``_SOME_ID``, the staff or not
    of theirs, a department's stand-in."""

    id: uuid.UUID
    role: str
    department_id: Any = None
    is_authenticated: bool = True


def ticket_keyset_page(*, user: Any, visible: Visible | None, filters: dict[str, Any],
                       listed: Callable[[], QuerySet[Ticket]], limit: int) -> tuple[list[Ticket], str | None]:
    """``keyset_page`` of ``GET tickets`` (``listed`` makes ``ticket_list``'s queryset, built
    with ``visible``; called only when the page needs it). A page without filters in an ordering
    by date runs a statement compiled once for its shape (who asks: staff or not, with rooms,
    approvals, a department queue; first page or a cursor's; the size) with the caller's values;
    ``ticket_list`` and ``keyset_page`` build it, so it is the same query (an assignee's page in the
    order of filing: the same rows, read through ``_first_of_parts``)."""
    ordering = ordering_name(user, filters)
    cursor = filters.get("cursor") or ""
    set_filters = {name for name, value in filters.items() if value is not None and value not in ("", [])}
    if (connection.vendor != "postgresql" or set_filters - _PAGE_FILTERS
            or _sort_spec(ordering)[0] not in _PREPARED_PAGE_KEYS):
        return keyset_page(listed(), ordering=ordering, cursor=cursor, limit=limit)
    after = decode_cursor(cursor, ordering) if cursor else None
    staff = is_staff(user)
    seen = visible or Visible(user.id)
    shape = (staff, bool(seen.rooms), bool(seen.approvals), seen.department is not None, ordering,
             after is not None, limit)
    # The values the shape's statement takes, by name: (its stand-in, the caller's).
    slots: dict[str, tuple[Any, Any]] = {"user_id": (_SOME_ID, user.id)}
    if seen.rooms:
        slots["rooms"] = (_SOME_IDS, seen.rooms)
    if seen.approvals:
        slots["approvals"] = (_SOME_APPROVALS, seen.approvals)
    if seen.department is not None:
        slots["department"] = (_SOME_DEPARTMENT, seen.department)
    if after is not None:
        slots["key"], slots["last_id"] = (_SOME_TIME, after[0]), (_SOME_LAST_ID, after[1])
    statement = _PAGES.get(shape)
    if statement is None:
        role = user.role if staff else Role.REQUESTOR
        used = list(slots)

        def build(*values: Any) -> QuerySet[Ticket]:
            given = dict(zip(used, values, strict=True))
            caller = _StandIn(given["user_id"], role)
            seen_as = None if staff else Visible(given["user_id"], given.get("rooms"), given.get("approvals"),
                                                 given.get("department"))
            at = (given["key"], given["last_id"]) if "key" in given else None
            if seen_as is not None and seen_as.department is not None and _sort_spec(ordering)[0] == "created_at":
                return _keyed_page(_first_of_parts(seen_as, caller, ordering, at, limit), ordering, at, limit)
            built = ticket_list(user=caller, filters={"ordering": ordering, "cursor": ""}, brief_users=True,
                                visible=seen_as)
            return _keyed_page(built, ordering, at, limit)

        statement = _PAGES.setdefault(shape, Prepared(build, *(stand_in for stand_in, _ in slots.values()),
                                                      vendors=("postgresql",)))
    values = [value for _, value in slots.values()]
    return _page_end(listed, statement.rows(*values), ordering, after, limit)


def _first_of_parts(visible: Visible, caller: Any, ordering: str, after: tuple[Any, uuid.UUID] | None,
                    limit: int) -> QuerySet[Ticket]:
    """An assignee's list (``ticket_list``'s rows and joins) narrowed to the first ``limit + 1`` rows
    after the cursor of each part of what they see (``Visible.parts``), each read through its own
    index in the order of filing. One condition for all of it walks the date index from the newest
    ticket and tests each: past every request filed and not yet triaged, which a load test piles up
    (8-14 ms of PostgreSQL's CPU per page after two runs, against a flat ~3 ms this way; at a pile
    of a few hundred the walk is cheaper, bench/RESULTS.md). The page's first rows are among the
    parts' first rows: every row it may show is in some part."""
    firsts = [_keyed_page(_not_others_drafts(Ticket.objects.filter(part), caller), ordering, after, limit)
              .values("id") for part in visible.parts()]
    return _listed(Ticket.objects.filter(id__in=firsts[0].union(*firsts[1:], all=True)), brief_users=True)


def subticket_list(*, ticket: Ticket) -> QuerySet[Ticket]:
    return ticket_base_qs().filter(parent_id=ticket.id).order_by("created_at", "id")


def ticket_history(*, ticket: Ticket) -> QuerySet[Any]:
    return audit_for_object(object_type="ticket", object_id=ticket.id)


# ---------------------------------------------------------------- links and request forms (DESIGN §10)

def link_between(a: Any, b: Any) -> TicketLink | None:
    """The live link between two tickets, either way round."""
    return TicketLink.objects.filter(Q(from_ticket_id=a, to_ticket_id=b) | Q(from_ticket_id=b, to_ticket_id=a)).first()


def link_of(*, ticket_id: Any, link_id: Any) -> TicketLink:
    try:
        link = (TicketLink.objects.select_related("from_ticket", "to_ticket")
                .filter(Q(from_ticket_id=ticket_id) | Q(to_ticket_id=ticket_id), id=link_id).first())
    except (ValueError, TypeError, DjangoValidationError):
        link = None
    if link is None:
        raise NotFound("Link not found.")
    return link


def link_list(*, user: Any, ticket: Ticket) -> list[dict[str, Any]]:
    """The ticket's links as ``user`` reads them: only the other tickets they may see (a link
    never shows a ticket's number or title to someone who cannot open it)."""
    links = list(TicketLink.objects.filter(Q(from_ticket_id=ticket.id) | Q(to_ticket_id=ticket.id))
                 .order_by("created_at", "id"))
    other_ids = [link.to_ticket_id if link.from_ticket_id == ticket.id else link.from_ticket_id for link in links]
    others = {t.id: t for t in ticket_visible_qs(user=user).filter(id__in=other_ids)}
    out = []
    for link, other_id in zip(links, other_ids, strict=True):
        other = others.get(other_id)
        if other is None:
            continue
        outgoing = link.from_ticket_id == ticket.id
        out.append({"id": str(link.id), "kind": link.kind,
                    # "duplicate_of": this ticket repeats the other; "duplicated_by": the other repeats it.
                    "direction": "outgoing" if outgoing else "incoming",
                    "ticket_id": str(other.id), "number": other.number, "title": other.title,
                    "status": other.status, "merged": (other.merged_into_id == ticket.id
                                                       or ticket.merged_into_id == other.id),
                    "created_at": _iso(link.created_at)})
    return out


def category_list(*, department_id: Any = None) -> QuerySet[RequestCategory]:
    qs = RequestCategory.objects.select_related("department").order_by("department__name", "name_en", "id")
    return qs.filter(department_id=department_id) if department_id else qs


def category_get(*, category_id: Any) -> RequestCategory:
    try:
        category = RequestCategory.objects.filter(id=category_id).first()
    except (ValueError, TypeError, DjangoValidationError):
        category = None
    if category is None:
        raise NotFound("Category not found.")
    return category


def category_payload(category: RequestCategory) -> dict[str, Any]:
    return {"id": str(category.id), "department_id": str(category.department_id), "name_en": category.name_en,
            "name_ur": category.name_ur, "fields": category.fields, "version": category.version,
            "sets_amount": category.sets_amount}


# ---------------------------------------------------------------- saved views (DESIGN §10)

def view_list_for(*, user: Any) -> QuerySet[SavedView]:
    """The caller's own views, then the shared views they may read (``policy.view_sees_shared``)."""
    condition = Q(owner_id=user.id)
    if policy.view_sees_shared(user):
        condition |= Q(shared=True)
    return SavedView.objects.filter(condition).order_by(
        Case(When(owner_id=user.id, then=Value(0)), default=Value(1)), "name", "id")


def view_get_visible(*, user: Any, view_id: Any) -> SavedView:
    try:
        view = view_list_for(user=user).filter(id=view_id).first()
    except (ValueError, TypeError, DjangoValidationError):
        view = None
    if view is None:
        raise NotFound("View not found.")
    return view


def view_filters(view: SavedView) -> dict[str, Any]:
    """The view's stored filters as ``GET tickets`` reads them (re-validated: a department deleted
    since is simply a filter that matches nothing)."""
    return {**TicketFilters.model_validate({**view.filters, "ordering": view.ordering or None}).dict(),
            "cursor": None}


def view_count(*, user: Any, view: SavedView) -> tuple[int, bool]:
    """How many tickets ``user`` sees in ``view`` and whether that stopped at the cap: the count
    ``GET tickets?<its filters>`` answers."""
    return ticket_count(user=user, filters=view_filters(view))


def view_payload(view: SavedView, user: Any) -> dict[str, Any]:
    return {"id": str(view.id), "name": view.name, "filters": view.filters, "ordering": view.ordering or None,
            "shared": view.shared, "owner_id": str(view.owner_id),
            "can_change": policy.view_may_change(user, owner_id=view.owner_id, shared=view.shared),
            **dict(zip(("count", "count_capped"), view_count(user=user, view=view), strict=True))}


def view_counts(*, user: Any) -> dict[str, Any]:
    counted = {str(view.id): view_count(user=user, view=view) for view in view_list_for(user=user)}
    return {"counts": {view_id: count for view_id, (count, _) in counted.items()},
            "capped": [view_id for view_id, (_, capped) in counted.items() if capped]}


# ---------------------------------------------------------------- scheduled reports (DESIGN §11)

def schedule_list() -> QuerySet[ReportSchedule]:
    return ReportSchedule.objects.select_related("view").order_by("name", "id")


def schedule_get(*, schedule_id: Any) -> ReportSchedule | None:
    return ReportSchedule.objects.select_related("owner", "view").filter(id=schedule_id).first()


def schedule_recipient_choices() -> list[dict[str, str]]:
    """Who may receive a scheduled report (``policy.REPORT_RECIPIENT_ROLES``, active, with an email)."""
    people = users_selectors.users_among_or_with_role(ids=[], roles=list(policy.REPORT_RECIPIENT_ROLES))
    return [{"id": str(u.id), "employee_code": u.employee_code, "full_name": u.full_name}
            for u in people if u.email]


def schedule_payload(schedule: ReportSchedule) -> dict[str, Any]:
    return {"id": str(schedule.id), "name": schedule.name, "kind": schedule.kind,
            "view_id": str(schedule.view_id) if schedule.view_id else None, "recipients": schedule.recipient_ids,
            "cadence": schedule.cadence, "language": schedule.language, "format": schedule.format,
            "next_run_at": _iso(schedule.next_run_at), "last_sent_at": _iso(schedule.last_sent_at),
            "version": schedule.version}


# ---------------------------------------------------------------- approvals

def approval_waiting_for(*, user: Any) -> QuerySet[ApprovalStep]:
    qs = ApprovalStep.objects.filter(status=ApprovalStatus.PENDING, ticket__status=TicketStatus.PENDING_APPROVAL)
    if user.role == Role.ADMIN:
        pass
    elif getattr(user, "is_approver", False) and user.approver_kind:
        qs = qs.filter(approver_kind=user.approver_kind)
    else:
        return qs.none()
    return qs.select_related("ticket", "ticket__requestor", "ticket__department").order_by("created_at")


def approval_get_visible(*, user: Any, approval_id: Any) -> ApprovalStep:
    """The approval step if its ticket is visible to ``user``; NotFound otherwise."""
    step = ApprovalStep.objects.filter(id=approval_id).first()
    if step is None:
        raise NotFound("Approval not found.")
    ticket_get_visible(user=user, ticket_id=step.ticket_id)
    return step


def approval_steps_of(*, ticket: Ticket) -> QuerySet[ApprovalStep]:
    return ApprovalStep.objects.filter(ticket_id=ticket.id).order_by("round", "step")


def approval_payload(step: ApprovalStep) -> dict[str, Any]:
    return {
        "id": str(step.id),
        "ticket_id": str(step.ticket_id),
        "step": step.step,
        "round": step.round,
        "approver_kind": step.approver_kind,
        "status": step.status,
        "decided_by": str(step.decided_by_id) if step.decided_by_id else None,
        "decided_at": _iso(step.decided_at),
        "reason": step.reason,
        "created_at": _iso(step.created_at),
    }


# ---------------------------------------------------------------- desk settings and SLA

def desk_settings_get() -> DeskSettings:
    """The desk settings; their defaults (unsaved) until an admin first changes one
    (``services.desk_settings_update`` writes the row). A read: it writes nothing."""
    return DeskSettings.objects.filter(singleton=True).first() or DeskSettings(singleton=True)


def _work_calendar_uncached() -> WorkCalendar:
    desk = desk_settings_get()
    holidays = frozenset(Holiday.objects.values_list("date", flat=True))
    start, end = desk.work_start, desk.work_end
    if isinstance(start, str):
        start = datetime.strptime(start, "%H:%M").time()
    if isinstance(end, str):
        end = datetime.strptime(end, "%H:%M").time()
    return WorkCalendar(timezone=desk.timezone, work_days=tuple(desk.work_days), work_start=start,
                        work_end=end, holidays=holidays)


# Cache-aside for the SLA configuration every submit and SLA recomputation reads (desk settings,
# holidays, policies: three queries otherwise). Any save or delete of those rows drops the entry
# at once and again after commit (signals below); the TTL only bounds a race with a concurrent read.
SLA_CONFIG_KEY = "tickets:sla-config:v2"
SLA_CONFIG_TTL = 300


def _sla_config() -> dict[str, Any]:
    config = cache.get(SLA_CONFIG_KEY)
    if config is None:
        policies = {p.priority: p for p in SlaPolicy.objects.filter(is_active=True).order_by("created_at")}
        config = {"calendar": _work_calendar_uncached(), "policies": policies,
                  "warning_share": desk_settings_get().sla_warning_percent / 100}
        cache.set(SLA_CONFIG_KEY, config, timeout=SLA_CONFIG_TTL)
    return config


def sla_config_invalidate(**_: Any) -> None:
    """Connected to saves and deletes of the SLA configuration's rows in ``apps.TicketsConfig.ready``."""
    cache.delete(SLA_CONFIG_KEY)
    transaction.on_commit(lambda: cache.delete(SLA_CONFIG_KEY))


def work_calendar() -> WorkCalendar:
    return _sla_config()["calendar"]


def desk_clock() -> DeskClock:
    """The desk's zone and end of the working day, for reading zone-less date-times (DESIGN §9)."""
    calendar = work_calendar()
    return DeskClock(tz=calendar.tz, day_end=calendar.work_end)


def sla_warning_share() -> float:
    """When ``sla.warning`` goes out: this share of each SLA target (an admin setting, 75 % by default)."""
    return float(_sla_config()["warning_share"])


def sla_policy_for(priority: str) -> SlaPolicy | None:
    return _sla_config()["policies"].get(priority)


def sla_policy_list() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.all().order_by("priority")


def holiday_list() -> QuerySet[Holiday]:
    return Holiday.objects.all().order_by("date")


def now() -> datetime:
    return timezone.now()


# ---------------------------------------------------------------- for the ai service (DESIGN §12)
# The ai service learns from the desk's history through these reads only (never the tables).

ROUTED_STATUSES = DEPARTMENT_QUEUE_STATUSES


def triage_history(*, limit: int | None = None) -> list[dict[str, Any]]:
    """Where requests ended up: each routed top-level ticket's text with its final department and
    category, and for a split ticket its text once per sub-ticket's department (what the moderator
    decided). Newest first, at most ``limit``; each row has ``created_at`` for a split in time."""
    fields = ("id", "title", "description", "department_id", "category", "created_at")
    routed = (Ticket.objects.filter(parent__isnull=True, department__isnull=False, status__in=ROUTED_STATUSES)
              .exclude(subtickets__isnull=False).order_by("-created_at").values(*fields))
    split = (Ticket.objects.filter(parent__isnull=False, department__isnull=False).order_by("-created_at")
             .values("parent_id", "department_id", "category", "parent__title", "parent__description",
                     "parent__created_at"))
    if limit is not None:
        routed, split = routed[:limit], split[:limit]
    rows = [{**row, "id": str(row["id"]), "department_id": str(row["department_id"])} for row in routed]
    rows += [{"id": str(row["parent_id"]), "title": row["parent__title"], "description": row["parent__description"],
              "department_id": str(row["department_id"]), "category": row["category"],
              "created_at": row["parent__created_at"]} for row in split]
    rows.sort(key=lambda row: row["created_at"], reverse=True)
    return rows[:limit] if limit is not None else rows


SLA_FIELDS = ("id", "department_id", "category", "priority", "requestor_id", "assignee_id", "parent_id", "status",
              "sla_started_at", "resolution_due", "resolved_at", "closed_at", "updated_at", "resolution_breached",
              "title", "description", "amount")


def _sla_row(row: dict[str, Any]) -> dict[str, Any]:
    finished = row["resolved_at"] or row["closed_at"]
    if finished is None and row["status"] in TERMINAL_STATUSES:
        finished = row["updated_at"]  # rejected or withdrawn: the clock stopped with that change
    return {
        "id": str(row["id"]), "department_id": str(row["department_id"] or ""), "category": row["category"],
        "priority": row["priority"], "requestor_id": str(row["requestor_id"]),
        "assignee_id": str(row["assignee_id"] or ""), "is_subticket": row["parent_id"] is not None,
        "started_at": row["sla_started_at"], "due_at": row["resolution_due"], "finished_at": finished,
        "breached": bool(row["resolution_breached"]) or bool(finished and finished > row["resolution_due"]),
        "text_length": len(row["title"]) + len(row["description"]), "has_amount": row["amount"] is not None,
        "open": row["status"] in OPEN_STATUSES_FOR_SLA,
    }


OPEN_STATUSES_FOR_SLA = (TicketStatus.SUBMITTED, TicketStatus.PENDING_APPROVAL, TicketStatus.APPROVED,
                         TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS, TicketStatus.POSTPONED)


def sla_history(*, since: datetime | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Every ticket whose resolution clock ran (newest first, from ``since``), with when it finished
    and whether it breached: the SLA risk model's training rows and the desk's load over time."""
    qs = Ticket.objects.filter(sla_started_at__isnull=False, resolution_due__isnull=False)
    if since is not None:
        qs = qs.filter(sla_started_at__gte=since)
    values = qs.order_by("-sla_started_at").values(*SLA_FIELDS)
    return [_sla_row(row) for row in (values[:limit] if limit is not None else values)]


def sla_open(*, ticket_ids: list[Any] | None = None) -> list[dict[str, Any]]:
    """Open tickets with a running resolution clock (all, or those of ``ticket_ids``)."""
    qs = Ticket.objects.filter(status__in=OPEN_STATUSES_FOR_SLA, sla_started_at__isnull=False,
                               resolution_due__isnull=False)
    if ticket_ids is not None:
        qs = qs.filter(id__in=ticket_ids)
    return [_sla_row(row) for row in qs.values(*SLA_FIELDS)]


def open_ticket_texts(*, limit: int = 5000) -> list[dict[str, Any]]:
    """The newest open tickets' texts (for similar-ticket search)."""
    rows = (Ticket.objects.filter(status__in=OPEN_STATUSES_FOR_SLA).order_by("-created_at")
            .values("id", "number", "title", "description", "status", "parent_id")[:limit])
    return [{**row, "id": str(row["id"]), "parent_id": str(row["parent_id"]) if row["parent_id"] else None}
            for row in rows]


def visible_ticket_ids(*, user: Any, ticket_ids: list[Any]) -> set[str]:
    """Which of ``ticket_ids`` ``user`` may see."""
    if not ticket_ids:
        return set()
    return {str(i) for i in ticket_visible_qs(user=user).filter(id__in=ticket_ids).values_list("id", flat=True)}
