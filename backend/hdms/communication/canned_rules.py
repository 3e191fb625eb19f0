"""Who uses and who manages canned responses (DESIGN §10): the one home of these rules.

The staff who answer tickets (moderators, assignees, admins) use them; requestors have none.
Each reads the desk's, their department's (moderators and admins: every department's) and their
own. An item is managed by its owner (personal) and by admins (any); department and desk-wide
items are the admins'. Items carry ``editable`` for the caller, computed here, so the web app
never keeps a copy of these rules.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hdms.core.errors import Forbidden
from hdms.core.roles import Role

USERS = (Role.MODERATOR, Role.ASSIGNEE, Role.ADMIN)


def may_use(user: Any) -> bool:
    return user is not None and user.role in USERS


def ensure_may_use(user: Any) -> None:
    if not may_use(user):
        raise Forbidden("Canned responses are for the staff who answer tickets.")


def visible_filter(user: Any) -> Q:
    """The items ``user`` reads, as a filter of ``CannedResponse``."""
    if user.role == Role.ADMIN:
        return Q()
    shared = Q(owner__isnull=True)  # the desk's and the departments'
    if user.role == Role.ASSIGNEE:
        shared &= Q(department_id__isnull=True) | Q(department_id=user.department_id)
    return shared | Q(owner_id=user.id)


def may_manage(user: Any, *, owner_id: Any) -> bool:
    """Whether ``user`` may create, change or delete an item of this scope (``owner_id``: personal)."""
    if not may_use(user):
        return False
    return user.role == Role.ADMIN or (owner_id is not None and str(owner_id) == str(user.id))


def ensure_may_manage(user: Any, *, owner_id: Any) -> None:
    if not may_manage(user, owner_id=owner_id):
        raise Forbidden("Department and desk-wide canned responses are managed by admins; "
                        "personal ones by their owner.")
