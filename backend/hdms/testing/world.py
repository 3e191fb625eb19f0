"""The world the role matrix runs in: demo-like departments and one user per role."""

from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.matrix import World


def build_world() -> World:
    departments = {
        code: DepartmentFactory(code=code, name=name)
        for code, name in [("IT", "IT"), ("FIN", "Finance"), ("MNT", "Maintenance"), ("ACD", "Academics"),
                           ("ADM", "Administration")]
    }
    users = {
        "requestor": UserFactory(employee_code="w-req", role="requestor", department=departments["ACD"]),
        "other_requestor": UserFactory(employee_code="w-req2", role="requestor", department=departments["ACD"]),
        "assignee": UserFactory(employee_code="w-it", role="assignee", department=departments["IT"]),
        "other_assignee": UserFactory(employee_code="w-mnt", role="assignee", department=departments["MNT"]),
        "moderator": UserFactory(employee_code="w-mod", role="moderator", department=departments["ADM"]),
        "admin": UserFactory(employee_code="w-admin", role="admin", department=departments["ADM"]),
        "finance_approver": UserFactory(employee_code="w-fin", role="assignee", department=departments["FIN"],
                                        is_approver=True, approver_kind="finance"),
        "ceo_approver": UserFactory(employee_code="w-ceo", role="requestor", department=departments["ADM"],
                                    is_approver=True, approver_kind="ceo"),
    }
    return World(users=users, departments=departments)
