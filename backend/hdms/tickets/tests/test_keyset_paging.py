"""Keyset pages for every ordering of GET tickets (DESIGN §10: no cap on how far one can page).

Paging through each ordering with small pages returns every ticket exactly once, in the order
the ordering defines, with ties (equal keys, broken by id) and empty keys (no SLA, unassigned,
no department: last in both directions) spread over page boundaries.
"""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_tickets import TicketFactory
from hdms.tickets.models import Priority, Ticket
from hdms.tickets.schemas import ORDERING_NAMES

pytestmark = pytest.mark.django_db

RANK = {name: rank for rank, name in enumerate(Priority.values)}


@pytest.fixture
def tickets(desk):
    """17 tickets whose every sort key has ties and (where nullable) empty values."""
    now = timezone.now().replace(microsecond=0)
    alpha, bravo = DepartmentFactory(code="ALP", name="Alpha"), DepartmentFactory(code="BRV", name="Bravo")
    people = [UserFactory(role="assignee", full_name=name, department=alpha) for name in ("Amna", "Bilal", "Bilal")]
    requestors = [UserFactory(role="requestor", full_name=name) for name in ("Zara", "Yusuf", "Yusuf")]
    made = []
    for i in range(17):
        ticket = TicketFactory(requestor=requestors[i % 3], priority=Priority.values[i % 3],
                               assignee=people[i % 4] if i % 4 < 3 else None,
                               department=[alpha, bravo, None][i % 3])
        made.append(ticket.id)
        Ticket.objects.filter(id=ticket.id).update(
            created_at=now - timedelta(hours=i // 3), updated_at=now - timedelta(minutes=i % 5),
            resolution_due=None if i % 4 == 0 else now + timedelta(hours=i % 3),
            sla_risk=None if i % 5 == 0 else (i % 3) / 4)
    return list(Ticket.objects.filter(id__in=made).select_related("requestor", "assignee", "department"))


def _key(ticket, key):
    return {
        "created_at": ticket.created_at, "age": ticket.created_at, "updated_at": ticket.updated_at,
        "updated": ticket.updated_at, "priority": RANK[ticket.priority], "resolution_due": ticket.resolution_due,
        "sla_due": ticket.resolution_due, "number": ticket.number, "requestor": ticket.requestor.full_name,
        "assignee": ticket.assignee.full_name if ticket.assignee else None,
        "department": ticket.department.name if ticket.department else None, "risk": ticket.sla_risk,
    }[key]


def _expected(tickets, ordering):
    """The ordering's definition, computed here: key then id, both in the ordering's direction;
    empty keys last either way (``age`` is time since filing: ascending = youngest first)."""
    key = ordering.lstrip("-")
    descending = ordering.startswith("-") != (key == "age")
    keyed = [t for t in tickets if _key(t, key) is not None]
    empty = [t for t in tickets if _key(t, key) is None]
    keyed.sort(key=lambda t: (_key(t, key), t.id), reverse=descending)
    empty.sort(key=lambda t: t.id, reverse=descending)
    return [str(t.id) for t in keyed + empty]


def _walk(client, ordering, page_size):
    seen, url, pages = [], f"tickets?ordering={ordering}&page_size={page_size}&cursor=", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["count"] is not None) == (pages == 0)  # the count comes with the first page only
        assert len(body["items"]) <= page_size
        seen += [item["id"] for item in body["items"]]
        url, pages = body["next"], pages + 1
        assert pages < 100
    return seen


@pytest.mark.parametrize("ordering", ORDERING_NAMES)
def test_every_ordering_pages_by_keyset_each_ticket_once_in_order(desk, api, tickets, ordering):
    client = api(desk.moderator)
    expected = _expected(tickets, ordering)
    assert len(set(expected)) == 17
    for page_size in (1, 4):
        assert _walk(client, ordering, page_size) == expected, (ordering, page_size)
    # The offset pages of the same ordering agree (one definition of the order).
    assert [i["id"] for i in client.get("tickets", {"ordering": ordering, "page_size": 50}).json()["items"]] == expected


def test_nullable_keys_have_ties_and_empties_across_pages(tickets):
    assert sum(t.resolution_due is None for t in tickets) >= 4
    assert sum(t.assignee is None for t in tickets) >= 4
    assert len({t.resolution_due for t in tickets if t.resolution_due}) < 13  # ties


def test_a_cursor_of_another_ordering_or_forged_is_refused(desk, api, tickets):
    client = api(desk.moderator)
    first = client.get("tickets", {"ordering": "sla_due", "page_size": 2, "cursor": ""}).json()
    cursor = first["next"].split("cursor=")[1]
    assert client.get("tickets", {"ordering": "sla_due", "cursor": cursor}).status_code == 200
    refused = client.get("tickets", {"ordering": "-priority", "cursor": cursor})
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == ["query", "cursor"]

    def forged(*parts):
        return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode()

    for ordering, cursor in (("priority", forged("priority", "high", str(tickets[0].id))),
                             ("sla_due", forged("sla_due", "not a time", str(tickets[0].id))),
                             ("requestor", forged("requestor", 5, str(tickets[0].id))),
                             ("number", forged("number", "HT-1", "not-a-uuid")),
                             ("number", "!!!")):
        response = client.get("tickets", {"ordering": ordering, "cursor": cursor})
        assert response.status_code == 422 and response.json()["code"] == "validation_error", (ordering, cursor)


def test_changes_since_the_list_was_read_are_counted_for_its_filters(desk, api):
    """The "N new or changed — refresh" banner's count (GET tickets/changes?since=<the list's as_of>)."""
    from hdms.testing.factories_tickets import submitted_ticket
    from hdms.tickets import services

    client = api(desk.moderator)
    it_ticket = submitted_ticket(desk.requestor, title="Keyboard", department_id=desk.it.id)
    listed = client.get("tickets", {"department": str(desk.it.id)}).json()
    since = listed["as_of"]
    assert since and [i["id"] for i in listed["items"]] == [str(it_ticket.id)]
    changes = client.get("tickets/changes", {"department": str(desk.it.id), "since": since}).json()
    assert changes["count"] == 0 and changes["as_of"] >= since

    submitted_ticket(desk.requestor, title="Mouse", department_id=desk.it.id)  # new in the list
    submitted_ticket(desk.requestor, title="Leak", department_id=desk.mnt.id)  # another list's
    services.ticket_update(ticket_id=it_ticket.id, by=desk.moderator, version=it_ticket.version,
                           changes={"priority": "high"})  # changed
    assert client.get("tickets/changes", {"department": str(desk.it.id), "since": since}).json()["count"] == 2
    assert client.get("tickets/changes", {"since": since}).json()["count"] == 3
    # A requestor counts only what they see.
    assert api(desk.other_requestor).get("tickets/changes", {"since": since}).json()["count"] == 0
    bad = client.get("tickets/changes", {"since": "yesterday"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"][-1] == "since"
    assert client.get("tickets/changes").status_code == 422
