"""SLA risk on ticket payloads (DESIGN §12): stored per open ticket by the ai service's refresh job
(``services.ticket_sla_risk_store``), carried for staff on lists and details, the "at risk" ordering,
no query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hdms.testing.factories_tickets import TicketFactory, assigned_ticket, submitted_ticket
from hdms.testing.queries import data_statements
from hdms.tickets import services
from hdms.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _risks(response):
    return {item["id"]: item["sla_risk"] for item in response.json()["items"]}


def test_staff_read_the_stored_risk_and_sort_at_risk_first(desk, api):
    low = submitted_ticket(desk.requestor, title="low")
    high = assigned_ticket(desk.requestor, desk.moderator, desk.assignee, title="high")
    unknown = submitted_ticket(desk.requestor, title="no estimate")
    version = Ticket.objects.get(id=high.id).version
    assert services.ticket_sla_risk_store(risks={str(low.id): (0.12, "low"), str(high.id): (0.81, "high")}) == 2
    assert Ticket.objects.get(id=high.id).version == version  # an estimate, not an edit: no 409 for anyone

    moderator = api(desk.moderator)
    listed = moderator.get("tickets", {"ordering": "-risk"})
    assert listed.status_code == 200, listed.content
    ids = [item["id"] for item in listed.json()["items"]]
    assert ids[:2] == [str(high.id), str(low.id)] and ids[-1] == str(unknown.id)  # no estimate last
    assert _risks(listed)[str(high.id)] == {"probability": 0.81, "level": "high"}
    assert _risks(listed)[str(unknown.id)] is None
    assert moderator.get(f"tickets/{high.id}").json()["sla_risk"] == {"probability": 0.81, "level": "high"}

    # A requestor reads their tickets without it, and cannot sort by it.
    requestor = api(desk.requestor)
    assert set(_risks(requestor.get("tickets")).values()) == {None}
    assert requestor.get(f"tickets/{high.id}").json()["sla_risk"] is None
    mine = [item["id"] for item in requestor.get("tickets", {"ordering": "-risk"}).json()["items"]]
    assert mine == [str(t.id) for t in Ticket.objects.filter(requestor=desk.requestor).order_by("-created_at", "-id")]


def test_a_refresh_replaces_changed_risks_and_clears_the_rest(desk, api):
    a = submitted_ticket(desk.requestor, title="a")
    b = submitted_ticket(desk.requestor, title="b")
    services.ticket_sla_risk_store(risks={str(a.id): (0.4, "medium"), str(b.id): (0.2, "low")})
    assert services.ticket_sla_risk_store(risks={str(a.id): (0.4, "medium"), str(b.id): (0.2, "low")}) == 0
    assert services.ticket_sla_risk_store(risks={str(a.id): (0.7, "high")}) == 2  # a changed, b cleared
    rows = dict(Ticket.objects.filter(id__in=[a.id, b.id]).values_list("id", "sla_risk_level"))
    assert rows == {a.id: "high", b.id: ""}
    # A finished ticket shows no risk even before the next refresh clears it.
    Ticket.objects.filter(id=a.id).update(status="withdrawn")
    assert api(desk.moderator).get(f"tickets/{a.id}").json()["sla_risk"] is None


def test_the_at_risk_list_costs_the_same_queries_at_any_size(desk, api):
    client = api(desk.moderator)
    TicketFactory.create_batch(3, requestor=desk.requestor, department=desk.it, status="submitted")
    services.ticket_sla_risk_store(risks={str(i): (0.5, "medium") for i in Ticket.objects.values_list("id", flat=True)})

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("tickets", {"ordering": "-risk", "page_size": 50}).status_code == 200
        return len(data_statements(ctx.captured_queries))

    small = count()
    TicketFactory.create_batch(30, requestor=desk.requestor, department=desk.it, status="submitted")
    services.ticket_sla_risk_store(risks={str(i): (0.3, "medium") for i in Ticket.objects.values_list("id", flat=True)})
    assert count() == small <= 8
