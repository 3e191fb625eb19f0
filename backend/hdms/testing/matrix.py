"""The role x endpoint matrix (DESIGN §2): every API operation, every role, the expected status.

Each app provides ``hdms/<app>/tests/role_matrix.py`` with ``cases(world) -> list[Case]``; the
world holds one user per role (``world.users[role]``) and the demo-like departments
(``world.departments[code]``). ``hdms/core/tests/test_role_matrix.py`` runs every case for every
role, each in a rolled-back savepoint, and fails when an operation of the OpenAPI schema has no case.
"""

from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "requestor", "assignee", "moderator", "admin")


@dataclass
class Case:
    method: str  # GET, POST, PATCH, DELETE
    template: str  # the OpenAPI path, e.g. "/api/v1/tickets/{ticket_id}"
    path: str  # the concrete path to call
    expect: dict[str, int]  # role -> status; roles left out expect 403 (signed in) / 401 (anonymous)
    body: Any = None
    multipart: dict | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    def expected_for(self, role: str) -> int:
        if role in self.expect:
            return self.expect[role]
        return 401 if role == "anonymous" else 403


@dataclass
class World:
    users: dict[str, Any]
    departments: dict[str, Any]
