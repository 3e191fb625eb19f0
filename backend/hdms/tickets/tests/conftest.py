from dataclasses import dataclass
from typing import Any

import pytest

from hdms.core.roles import ApproverKind, Role
from hdms.testing.events import recorded_events
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.smtp import smtp_server  # noqa: F401 - a fixture of these tests


@dataclass
class Desk:
    it: Any
    fin: Any
    mnt: Any
    requestor: Any
    other_requestor: Any
    moderator: Any
    admin: Any
    assignee: Any  # IT
    assignee2: Any  # IT
    mnt_assignee: Any
    finance: Any  # finance approver (an assignee in FIN)
    ceo: Any


@pytest.fixture
def desk(db) -> Desk:
    it = DepartmentFactory(code="IT", name="IT")
    fin = DepartmentFactory(code="FIN", name="Finance")
    mnt = DepartmentFactory(code="MNT", name="Maintenance")
    acd = DepartmentFactory(code="ACD", name="Academics")
    return Desk(
        it=it, fin=fin, mnt=mnt,
        requestor=UserFactory(role=Role.REQUESTOR, department=acd),
        other_requestor=UserFactory(role=Role.REQUESTOR, department=acd),
        moderator=UserFactory(role=Role.MODERATOR),
        admin=UserFactory(role=Role.ADMIN),
        assignee=UserFactory(role=Role.ASSIGNEE, department=it),
        assignee2=UserFactory(role=Role.ASSIGNEE, department=it),
        mnt_assignee=UserFactory(role=Role.ASSIGNEE, department=mnt),
        finance=UserFactory(role=Role.ASSIGNEE, department=fin, is_approver=True, approver_kind=ApproverKind.FINANCE),
        ceo=UserFactory(role=Role.REQUESTOR, department=acd, is_approver=True, approver_kind=ApproverKind.CEO),
    )


EVENT_TYPES = ("ticket.updated", "subticket.created", "notification.requested")


@pytest.fixture
def published():
    """Subscribes to the ticket service's events for the test and records what was delivered."""
    with recorded_events(*EVENT_TYPES) as seen:
        yield seen
