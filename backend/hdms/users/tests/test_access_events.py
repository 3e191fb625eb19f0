"""The user service tells open sockets when a user's rights change (issue 10, item 5):
``user.access_changed`` after commit, for deactivation, deletion, role and department changes."""

from typing import Any

import pytest

from hdms.core import events
from hdms.core.roles import Role
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.users import services


@pytest.fixture
def access_events():
    seen: list[dict] = []

    def handler(**payload: Any) -> None:
        seen.append(payload)

    events.subscribe("user.access_changed", handler)
    yield seen
    events._subscribers["user.access_changed"].remove(handler)


@pytest.fixture
def people(db):
    return {"admin": UserFactory(role=Role.ADMIN), "user": UserFactory(role=Role.MODERATOR)}


@pytest.mark.parametrize(("change", "active"), [
    ({"is_active": False}, False),
    ({"role": Role.REQUESTOR}, True),
    ({"is_approver": True, "approver_kind": "finance"}, True),
])
@pytest.mark.django_db
def test_a_change_of_rights_is_announced(people, access_events, django_capture_on_commit_callbacks, change, active):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(by=people["admin"], user_id=people["user"].id, **change)
    assert access_events == [{"user_id": str(people["user"].id), "active": active,
                              "event_id": access_events[0]["event_id"]}]


@pytest.mark.django_db
def test_department_change_and_deletion_are_announced(people, access_events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(by=people["admin"], user_id=people["user"].id, department_id=DepartmentFactory().id)
    with django_capture_on_commit_callbacks(execute=True):
        services.user_delete(by=people["admin"], user_id=people["user"].id)
    assert [e["active"] for e in access_events] == [True, False]


@pytest.mark.django_db
def test_a_change_that_grants_nothing_new_is_not_announced(people, access_events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(by=people["admin"], user_id=people["user"].id, full_name="New Name", email="n@x.example")
    assert access_events == []
