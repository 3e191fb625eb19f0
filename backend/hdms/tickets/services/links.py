"""Links between tickets and merging a duplicate into another (DESIGN §10).

A link is shown on both of its tickets. Merging closes the duplicate as ``merged`` (terminal) with
``merged_into`` set, records a ``duplicate`` link, makes its requestor and room the target's
participants and tells them; both tickets' histories keep an entry and both rooms hear
``ticket.updated``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from hdms.audit.services import audit_record
from hdms.core.errors import NotFound, ValidationFailed
from hdms.core.notification_kinds import NotificationKind as Kind
from hdms.tickets import policy, selectors
from hdms.tickets.models import TERMINAL_STATUSES, LinkKind, Ticket, TicketLink, TicketParticipant, TicketStatus
from hdms.tickets.policy import Action
from hdms.tickets.services.base import TicketId, change_begin, change_of, lock, notify, now, require, user_ids
from hdms.tickets.services.participants import join_acting_moderator, participant_ensure

if TYPE_CHECKING:
    from hdms.users.models import User

S = TicketStatus


def _target_not_found() -> ValidationFailed:
    return ValidationFailed("Ticket not found.", errors=[{"loc": ["body", "into_id"], "msg": "not found"}])


def _other_ticket(by: User, ticket_id: Any, field: str) -> Ticket:
    """The ticket named in the body: one ``by`` sees, else 422 naming ``field`` (not a 404: the
    path's ticket exists)."""
    if ticket_id in (None, ""):
        raise ValidationFailed(errors=[{"loc": ["body", field], "msg": "required"}])
    try:
        return selectors.ticket_get_visible(user=by, ticket_id=ticket_id)
    except NotFound:
        raise ValidationFailed("Ticket not found.", errors=[{"loc": ["body", field], "msg": "not found"}]) from None


@transaction.atomic
def link_create(*, by: User, ticket_id: TicketId, to_id: Any, kind: str = LinkKind.RELATED) -> TicketLink:
    """Link two tickets the caller sees (moderators and admins); linking them again, either way
    round, changes nothing and returns the link."""
    ticket = selectors.ticket_get_visible(user=by, ticket_id=ticket_id)
    require(policy.may_link(by), "Only moderators link tickets.")
    if kind not in LinkKind.values:
        raise ValidationFailed(errors=[{"loc": ["body", "kind"], "msg": "related or duplicate",
                                        "code": "invalid_choice"}])
    other = _other_ticket(by, to_id, "to_id")
    if other.id == ticket.id:
        raise ValidationFailed("A ticket cannot be linked to itself.",
                               errors=[{"loc": ["body", "to_id"], "msg": "the same ticket", "code": "invalid"}])
    existing = selectors.link_between(ticket.id, other.id)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            link = TicketLink.objects.create(from_ticket=ticket, to_ticket=other, kind=kind, created_by=by)
    except IntegrityError:  # the same link made at the same moment
        found = selectors.link_between(ticket.id, other.id)
        if found is None:
            raise
        return found
    audit_record(action="ticket.link", actor=by, object_type="ticket", object_id=ticket.id,
                 after={"to_id": str(other.id), "to_number": other.number, "kind": kind})
    return link


@transaction.atomic
def link_delete(*, by: User, ticket_id: TicketId, link_id: Any) -> None:
    """Unlink (from either ticket); a merge's ``duplicate`` link stays with the merge."""
    ticket = selectors.ticket_get_visible(user=by, ticket_id=ticket_id)
    require(policy.may_link(by), "Only moderators unlink tickets.")
    link = selectors.link_of(ticket_id=ticket.id, link_id=link_id)
    merged = {link.from_ticket.merged_into_id, link.to_ticket.merged_into_id}
    if link.kind == LinkKind.DUPLICATE and merged & {link.from_ticket_id, link.to_ticket_id}:
        raise ValidationFailed("This link records a merge and stays.",
                               errors=[{"loc": ["path", "link_id"], "msg": "records a merge", "code": "invalid"}])
    TicketLink.objects.filter(id=link.id).soft_delete()
    audit_record(action="ticket.unlink", actor=by, object_type="ticket", object_id=ticket.id,
                 before={"to_id": str(link.to_ticket_id), "from_id": str(link.from_ticket_id), "kind": link.kind})


@transaction.atomic
def ticket_merge(*, ticket_id: TicketId, by: User, version: int, into_id: Any) -> Ticket:
    """Merge the duplicate ``ticket_id`` into ``into_id`` (moderators and admins; DESIGN §10)."""
    if into_id in (None, ""):
        raise ValidationFailed(errors=[{"loc": ["body", "into_id"], "msg": "required"}])
    if str(into_id) == str(ticket_id):
        raise ValidationFailed("A ticket cannot be merged into itself.",
                               errors=[{"loc": ["body", "into_id"], "msg": "the same ticket", "code": "invalid"}])

    def lock_target() -> Ticket:
        try:
            return lock(into_id)
        except NotFound:
            raise _target_not_found() from None

    # Two merges of the same pair lock the rows in the same order (by id), so they never deadlock.
    target = lock_target() if str(into_id) < str(ticket_id) else None
    change = change_begin(ticket_id, by=by, version=version, action=Action.MERGE)
    target = target or lock_target()
    if not selectors.ticket_can_see(user=by, ticket=target):
        raise _target_not_found()
    if target.parent_id is not None or target.status in (S.DRAFT, *TERMINAL_STATUSES):
        raise ValidationFailed("Merge into an open top-level ticket.",
                               errors=[{"loc": ["body", "into_id"], "msg": "not an open top-level ticket",
                                        "code": "invalid_choice"}])
    duplicate = change.ticket
    change.move(duplicate.merge)
    at = now()
    duplicate.merged_into = target
    duplicate.closed_at = at
    duplicate.sla_paused_at = None
    # The duplicate's requestor and room (it is top-level: its room is its own) join the target's.
    people = user_ids(duplicate.requestor_id,
                      *TicketParticipant.objects.filter(ticket_id=duplicate.id).values_list("user_id", flat=True))
    for person in people:
        participant_ensure(room_id=target.id, user=person, added_by=by)
    join_acting_moderator(target, by)
    TicketLink.objects.filter(from_ticket=target, to_ticket=duplicate).soft_delete()
    TicketLink.objects.update_or_create(from_ticket=duplicate, to_ticket=target, is_deleted=False,
                                        defaults={"kind": LinkKind.DUPLICATE, "created_by": by})
    notify(user_ids=[p for p in people if p != str(by.id)], kind=Kind.TICKET_MERGED,
           title=f"{duplicate.number} was merged into {target.number}", body=target.title, ticket=duplicate,
           actor=by, params={"target_number": target.number, "target_id": str(target.id)})
    fresh = change.finish(extra_after={"merged_into_id": str(target.id), "into_number": target.number})
    into = change_of(target, by=by, action="merged_in")
    into.finish(extra_after={"from_number": duplicate.number, "from_id": str(duplicate.id)})
    return fresh
