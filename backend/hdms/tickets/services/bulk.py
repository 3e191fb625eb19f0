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
}


@dataclass(frozen=True)
class BulkResult:
    id: Any
    ticket: Ticket | None = None
    code: str | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.code is None


def _runner(action: str, by: User, fields: dict[str, Any]) -> Callable[[Any, int], Ticket]:
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
    }
    return runners[action]


def ticket_bulk(*, by: User, action: str, ids: list[Any], fields: dict[str, Any]) -> list[BulkResult]:
    """Act on each ticket of ``ids`` (at most ``BULK_MAX_IDS``, repeats once) as if alone, at the
    version it has when its turn comes; a result per ticket, in the order asked."""
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
    run = _runner(action, by, fields)
    results = []
    for ticket_id in unique:
        try:
            current = selectors.ticket_get_visible(user=by, ticket_id=ticket_id)  # 404 when not theirs to see
            results.append(BulkResult(id=ticket_id, ticket=run(ticket_id, current.version)))
        except DomainError as error:
            results.append(BulkResult(id=ticket_id, code=error.code, detail=error.detail))
    return results
