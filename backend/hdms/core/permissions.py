"""The one permission layer the routers call (DESIGN §2).

Role checks raise ``Forbidden`` (403) for resources the caller can see. Visibility of a
single object is the owning service's selector's job and yields ``NotFound`` (404).
"""

from typing import Any

from hdms.core.errors import Forbidden
from hdms.core.roles import Role

STAFF_ROLES = (Role.MODERATOR, Role.ADMIN)


def require_role(user: Any, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden()


def require_admin(user: Any) -> None:
    require_role(user, Role.ADMIN)


def require_staff(user: Any) -> None:
    """Moderators and admins."""
    require_role(user, *STAFF_ROLES)


def require_approver(user: Any) -> None:
    if not user.is_approver and user.role != Role.ADMIN:
        raise Forbidden()


def is_staff(user: Any) -> bool:
    return user.role in STAFF_ROLES
