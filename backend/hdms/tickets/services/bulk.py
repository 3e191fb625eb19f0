"""Bulk actions for moderators (DESIGN §10): one request, each ticket acted on alone.

Every ticket goes through the same service as ``POST tickets/{id}/actions/{action}`` or ``PATCH
tickets/{id}`` (so the same visibility, policy, state and version checks), in its own transaction
(a savepoint when the request already runs in one, as with an ``Idempotency-Key``): one ticket's
refusal is reported beside it and never undoes the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from hdms.core.errors import DomainError, ValidationFailed
from hdms.tickets import selectors
from hdms.tickets.models import Ticket
from hdms.tickets.policy import BULK_ACTIONS, BULK_MAX_IDS
from hdms.tickets.services.creation import ticket_update
from hdms.tickets.services.transitions import ticket_assign, ticket_reassign, ticket_reject

if TYPE_CHECKING:
    from hdms.users.models import User

# The fields each bulk action needs (checked once for the whole request: 422 naming them).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "assign": ("department_id", "assignee_id"),
    "reassign": ("assignee_id",),
    "set_priority": ("priority",),
    "set_department": ("department_id",),
    "reject": ("reason",),
    "apply_canned": ("canned_id",),
}
# Posts a reply on one ticket (``communication.services.canned_reply_for``: the communication
# service depends on this one, so the caller hands it in).
Reply = Callable[[Any], object]


@dataclass(frozen=True)
class BulkResult:
    id: Any
    ticket: Ticket | None = None
    code: str | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.code is None


def _replied(reply: Reply | None, by: User, ticket_id: Any) -> Ticket:
    if reply is None:
        raise ValidationFailed("apply_canned needs a canned response.",
                               errors=[{"loc": ["body", "fields", "canned_id"], "msg": "required"}])
    with transaction.atomic():  # its own savepoint, like the other actions' services
        reply(ticket_id)
    return selectors.ticket_get_visible(user=by, ticket_id=ticket_id)


def _runner(action: str, by: User, fields: dict[str, Any], reply: Reply | None) -> Callable[[Any, int], Ticket]:
    f = fields
    runners: dict[str, Callable[[Any, int], Ticket]] = {
        "assign": lambda tid, version: ticket_assign(ticket_id=tid, by=by, version=version,
                                                     department_id=f["department_id"], assignee_id=f["assignee_id"]),
        "reassign": lambda tid, version: ticket_reassign(ticket_id=tid, by=by, version=version,
                                                         assignee_id=f["assignee_id"], reason=f.get("reason") or ""),
        "set_priority": lambda tid, version: ticket_update(ticket_id=tid, by=by, version=version,
                                                           changes={"priority": f["priority"]}),
        "set_department": lambda tid, version: ticket_update(ticket_id=tid, by=by, version=version,
                                                             changes={"department_id": f["department_id"]}),
        "reject": lambda tid, version: ticket_reject(ticket_id=tid, by=by, version=version, reason=f["reason"]),
        "apply_canned": lambda tid, version: _replied(reply, by, tid),
    }
    return runners[action]


def ticket_bulk(*, by: User, action: str, ids: list[Any], fields: dict[str, Any],
                reply: Reply | None = None) -> list[BulkResult]:
    """Act on each ticket of ``ids`` (at most ``BULK_MAX_IDS``, repeats once) as if alone, at the
    version it has when its turn comes; a result per ticket, in the order asked. ``apply_canned``
    posts with ``reply`` (one ticket's reply, checked as if posted alone)."""
    if action not in BULK_ACTIONS:
        raise ValidationFailed(f"Unknown bulk action {action!r}.",
                               errors=[{"loc": ["body", "action"], "msg": "unknown"}])
    unique = list(dict.fromkeys(ids))
    if not 1 <= len(unique) <= BULK_MAX_IDS:
        raise ValidationFailed(f"Send 1 to {BULK_MAX_IDS} ticket ids.", errors=[{"loc": ["body", "ids"],
                                                                                "msg": f"1 to {BULK_MAX_IDS} ids"}])
    missing = [name for name in REQUIRED_FIELDS[action] if not str(fields.get(name) or "").strip()]
    if missing:
        raise ValidationFailed(f"{action} needs {', '.join(missing)}.",
                               errors=[{"loc": ["body", "fields", name], "msg": "required"} for name in missing])
    run = _runner(action, by, fields, reply)
    results = []
    for ticket_id in unique:
        try:
            current = selectors.ticket_get_visible(user=by, ticket_id=ticket_id)  # 404 when not theirs to see
            results.append(BulkResult(id=ticket_id, ticket=run(ticket_id, current.version)))
        except DomainError as error:
            results.append(BulkResult(id=ticket_id, code=error.code, detail=error.detail))
    return results
