"""PostgreSQL row locks and versions under real parallel requests."""

import threading

import pytest
from django.db import connection

from hdms.audit.selectors import audit_for_object
from hdms.testing.client import ApiClient
from hdms.testing.factories_tickets import assigned_ticket
from hdms.tickets.models import Ticket


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_conflicting_actions_at_once_apply_exactly_one(postgres_only, desk):
    """20 rounds: the assignee starts while the moderator reassigns, both with the same version."""
    assignee, moderator = ApiClient(desk.assignee), ApiClient(desk.moderator)
    for _ in range(20):
        ticket = assigned_ticket(desk.requestor, desk.moderator, desk.assignee)
        version = ticket.version
        responses = _race([
            lambda t=ticket, v=version: assignee.post(f"tickets/{t.id}/actions/start", {"version": v}),
            lambda t=ticket, v=version: moderator.post(f"tickets/{t.id}/actions/reassign",
                                                       {"version": v, "assignee_id": str(desk.assignee2.id)}),
        ])
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409], [r.json() for r in responses]
        loser = next(r for r in responses if r.status_code == 409)
        assert loser.json()["code"] in ("version_conflict", "invalid_transition")
        after = Ticket.objects.get(id=ticket.id)
        assert after.version == version + 1
        changes = [e.action for e in audit_for_object(object_type="ticket", object_id=ticket.id)
                   if e.action in ("ticket.start", "ticket.reassign")]
        assert len(changes) == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_patches_with_one_version_give_one_200_and_49_conflicts(postgres_only, desk):
    ticket = assigned_ticket(desk.requestor, desk.moderator, desk.assignee)
    clients = [ApiClient(desk.moderator) for _ in range(50)]
    priorities = ["low", "high", "urgent"]
    responses = _race([
        lambda c=client, i=i: c.patch(f"tickets/{ticket.id}", {"version": ticket.version,
                                                               "priority": priorities[i % 3]})
        for i, client in enumerate(clients)
    ])
    codes = [r.status_code for r in responses]
    assert codes.count(200) == 1 and codes.count(409) == 49
    assert all(r.json()["code"] == "version_conflict" for r in responses if r.status_code == 409)
    assert Ticket.objects.get(id=ticket.id).version == ticket.version + 1


@pytest.mark.django_db(transaction=True)
def test_five_identical_parallel_splits_create_one_subticket(postgres_only, desk):
    """Issue 10 item 11: five moderators' clients split the same ticket at once with one version."""
    from hdms.testing.factories_tickets import submitted_ticket

    parent = submitted_ticket(desk.requestor)
    body = {"version": parent.version,
            "items": [{"department_id": str(desk.it.id), "assignee_id": str(desk.assignee.id)}]}
    clients = [ApiClient(desk.moderator) for _ in range(5)]
    responses = _race([lambda c=client: c.post(f"tickets/{parent.id}/subtickets", body) for client in clients])
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409, 409, 409, 409], [r.json() for r in responses]
    assert all(r.json()["code"] == "version_conflict" for r in responses if r.status_code == 409)
    assert Ticket.objects.filter(parent_id=parent.id).count() == 1
    # Without a version the same five are refused before anything is locked.
    body.pop("version")
    responses = _race([lambda c=client: c.post(f"tickets/{parent.id}/subtickets", body) for client in clients])
    assert [r.status_code for r in responses] == [422] * 5
    assert Ticket.objects.filter(parent_id=parent.id).count() == 1
