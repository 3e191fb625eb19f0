"""Merging a duplicate (DESIGN §10) is heard in both tickets' rooms over a real socket."""

import pytest
from channels.db import database_sync_to_async

from hdms.communication.tests.test_chat_consumer import frames_until, join
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_tickets import assigned_ticket, submitted_ticket
from hdms.tickets import services as ticket_services

pytestmark = pytest.mark.django_db(transaction=True)


async def test_merge_reaches_the_duplicates_room_and_the_targets(db):
    it = await database_sync_to_async(DepartmentFactory)(code="IT", name="IT")
    requestor = await database_sync_to_async(UserFactory)(role="requestor")
    other = await database_sync_to_async(UserFactory)(role="requestor")
    moderator = await database_sync_to_async(UserFactory)(role="moderator")
    assignee = await database_sync_to_async(UserFactory)(role="assignee", department=it)
    target = await database_sync_to_async(assigned_ticket)(requestor, moderator, assignee)
    duplicate = await database_sync_to_async(submitted_ticket)(other, title="Same problem")
    in_duplicate, _ = await join(other, duplicate)
    in_target, _ = await join(assignee, target)
    await database_sync_to_async(ticket_services.ticket_merge)(ticket_id=duplicate.id, by=moderator,
                                                               version=duplicate.version, into_id=target.id)
    seen_by_duplicate, _ = await frames_until(in_duplicate, "ticket.updated")
    assert seen_by_duplicate["ticket"]["status"] == "merged"
    assert seen_by_duplicate["ticket"]["merged_into_id"] == str(target.id)
    assert "merge" not in seen_by_duplicate["ticket"]["allowed_actions"]
    seen_by_target, _ = await frames_until(in_target, "ticket.updated")
    assert seen_by_target["ticket"]["id"] == str(target.id)
    assert seen_by_target["ticket"]["version"] == target.version + 1
    await in_duplicate.disconnect()
    await in_target.disconnect()
    # The duplicate's requestor is now in the target's room: their socket there is accepted.
    joined, _ = await join(other, target)
    await joined.disconnect()
