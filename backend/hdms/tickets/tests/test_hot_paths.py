"""The hot routes' internals made cheaper (bench/RESULTS.md) without changing what they answer:
the fast renderer gives Ninja's exact bytes, create and submit use fewer queries, and the cached
SLA configuration follows every write to desk settings, holidays and policies."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.http import HttpRequest
from django.urls import resolve

from hdms.testing.factories_tickets import TicketFactory
from hdms.tickets import render, selectors, services
from hdms.tickets.models import DeskSettings, Holiday, SlaPolicy, Ticket


def _ninja_bytes(path: str, method: str, data) -> bytes:
    """What Ninja itself sends when the operation at ``path`` returns ``data`` (its own response
    validation and rendering, as before the fast path)."""
    view = resolve(path).func  # Ninja's view closes over the PathView with the mounted operations
    path_view = next(c.cell_contents for c in view.__closure__ if hasattr(c.cell_contents, "operations"))
    operation = next(op for op in path_view.operations if method in op.methods)
    request = HttpRequest()
    response = operation._result_to_response(request, data, operation.api.create_temporal_response(request))
    return response.content


def _full_ticket(desk) -> Ticket:
    parent = TicketFactory(requestor=desk.requestor, assignee=desk.assignee, owner=desk.moderator,
                           department=desk.it, status="in_progress", amount=Decimal("1234.50"),
                           due_at=datetime(2027, 3, 1, 9, 30, 15, 123456, tzinfo=UTC), resolution="Fixed ü",
                           postponed_until=datetime(2027, 2, 1, tzinfo=UTC), postponed_reason="wait \"parts\"",
                           rating=4, rating_comment="ok", submitted_at=datetime(2027, 1, 1, 8, 0, 0, 1, tzinfo=UTC),
                           first_responded_at=datetime(2027, 1, 1, 8, 5, tzinfo=UTC),
                           sla_started_at=datetime(2027, 1, 1, 8, 0, tzinfo=UTC),
                           first_response_due=datetime(2027, 1, 1, 12, 0, tzinfo=UTC),
                           resolution_due=datetime(2027, 1, 3, 12, 0, 0, 999999, tzinfo=UTC),
                           sla_paused_at=datetime(2027, 1, 2, tzinfo=UTC), sla_paused_minutes=7, sla_breached=True,
                           sla_risk=0.4375, sla_risk_level="medium")
    TicketFactory(requestor=desk.requestor, parent=parent, department=desk.mnt, status="resolved")
    return parent


@pytest.mark.django_db
def test_fast_ticket_rendering_is_byte_for_byte_what_ninja_renders(desk):
    parent = _full_ticket(desk)
    plain = TicketFactory(requestor=desk.requestor, status="draft")
    tickets = selectors.with_subticket_progress(list(selectors.ticket_base_qs().filter(
        id__in=[parent.id, plain.id]).order_by("created_at")))
    child = selectors.ticket_base_qs().get(parent_id=parent.id)
    payloads = [selectors.ticket_payload_for(t, desk.requestor) for t in [*tickets, child]]
    assert payloads[0]["subtickets"] == {"total": 1, "done": 1} and payloads[0]["amount"] == "1234.50"
    assert payloads[1]["allowed_actions"] == ["submit", "withdraw", "delete", "message"]
    assert "title" in payloads[1]["editable_fields"]
    assert payloads[0]["sla_risk"] is None  # staff only (DESIGN §12)
    payloads.append(selectors.ticket_payload_for(tickets[0], desk.moderator))
    assert payloads[-1]["sla_risk"] == {"probability": 0.4375, "level": "medium"}
    for payload in payloads:
        ninja = _ninja_bytes(f"/api/v1/tickets/{payload['id']}", "GET", payload)
        assert render.ticket_response(payload).content == ninja
    as_of = datetime(2027, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    page = {"items": payloads, "count": None, "next": "/api/v1/tickets?cursor=abc", "as_of": as_of}
    ninja = _ninja_bytes("/api/v1/tickets", "GET", page)
    assert render.ticket_page_response(payloads, None, page["next"], as_of).content == ninja
    empty = _ninja_bytes("/api/v1/tickets", "GET", {"items": [], "count": 0, "next": None, "as_of": None})
    assert render.ticket_page_response([], 0, None).content == empty
    body = json.loads(render.ticket_response(payloads[0]).content)
    assert body["due_at"] == "2027-03-01T09:30:15.123Z" and body["sla"]["paused"] is True


@pytest.mark.django_db
def test_hot_routes_answer_json_with_ninjas_content_type(desk, api):
    client = api(desk.requestor)
    created = client.post("tickets", {"title": "Printer", "department_id": str(desk.it.id), "amount": "10.5",
                                      "due_at": "2027-05-01T10:00:00+05:00"})
    assert created.status_code == 201 and created["Content-Type"] == "application/json; charset=utf-8"
    body = created.json()
    # The values a re-read from the database would give: the amount's scale, due_at in UTC.
    assert body["amount"] == "10.50" and body["due_at"] == "2027-05-01T05:00:00Z"
    assert body["subtickets"] == {"total": 0, "done": 0} and body["requestor"]["id"] == str(desk.requestor.id)
    detail = client.get(f"tickets/{body['id']}").json()
    assert detail == body
    assert client.get("tickets").json()["items"] == [body]


@pytest.mark.django_db
def test_create_and_submit_use_fewer_queries(desk, api, django_assert_num_queries):
    client = api(desk.requestor)
    # Inside the test's transaction the service's atomic block is a SAVEPOINT/RELEASE pair (+2).
    # auth user, number, department, insert, participant, audit (was 12: re-read + sub-ticket count,
    # participant get_or_create's select and its savepoint pair)
    with django_assert_num_queries(6 + 2):
        created = client.post("tickets", {"title": "Projector", "department_id": str(desk.it.id)})
    assert created.status_code == 201
    ticket = created.json()
    selectors.work_calendar()  # the SLA configuration is cached (as after the first submit)
    # auth user, visible ticket, lock, moderators, update, audit, re-read, sub-ticket count (was 14:
    # policy, desk settings, holidays, the requestor reloaded, the sub-tickets counted twice); and
    # the two events' outbox rows (notification.requested, ticket.updated: hdms/core/outbox.py)
    with django_assert_num_queries(8 + 2 + 2):
        submitted = client.post(f"tickets/{ticket['id']}/actions/submit", {"version": ticket["version"]})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["sla"]["first_response_due"] is not None


@pytest.mark.django_db
def test_cached_sla_configuration_follows_every_write(desk):
    SlaPolicy.objects.update_or_create(priority="urgent", defaults={"first_response_minutes": 60,
                                                                    "resolution_minutes": 240})
    assert selectors.sla_policy_for("urgent").first_response_minutes == 60
    policy = SlaPolicy.objects.get(priority="urgent")
    services.sla_policy_update(by=desk.admin, policy_id=policy.id, version=policy.version,
                               changes={"first_response_minutes": 30})
    assert selectors.sla_policy_for("urgent").first_response_minutes == 30
    services.sla_policy_delete(by=desk.admin, policy_id=policy.id)
    assert selectors.sla_policy_for("urgent") is None

    day = (datetime.now(UTC) + timedelta(days=40)).date()
    assert day not in selectors.work_calendar().holidays
    holiday = services.holiday_add(by=desk.admin, date=day, name="Eid")
    assert day in selectors.work_calendar().holidays
    services.holiday_delete(by=desk.admin, holiday_id=holiday.id)
    assert day not in selectors.work_calendar().holidays

    desk_row = selectors.desk_settings_get()
    services.desk_settings_update(by=desk.admin, version=desk_row.version, changes={"work_days": [0, 1, 2]})
    assert selectors.work_calendar().work_days == (0, 1, 2)
    DeskSettings.objects.filter(singleton=True).first().save()  # any ORM save drops the entry too
    Holiday.objects.create(date=day, name="Direct")
    assert day in selectors.work_calendar().holidays


@pytest.mark.django_db
@pytest.mark.parametrize("submit", [False, True])
@pytest.mark.parametrize("amount", [None, "10", "10.5", "10.125", "0.005", "99999.995"])
@pytest.mark.parametrize("due_at", [None, datetime(2027, 5, 1, 10, 0, 0, 123456),
                                    datetime(2027, 5, 1, 10, 0, tzinfo=UTC) + timedelta(hours=0)])
def test_created_ticket_is_what_a_reread_from_the_database_gives(desk, amount, due_at, submit):
    """Filed as a draft or filed and submitted at once, the ticket the service returns is not read
    back (bench/RESULTS.md): its payload and the rules' facts must be a re-read's."""
    created = services.ticket_create(requestor=desk.requestor, title="Chairs", department_id=desk.it.id,
                                     amount=Decimal(amount) if amount else None, due_at=due_at, submit=submit)
    reread = selectors.with_subticket_progress([selectors.ticket_base_qs().get(id=created.id)])[0]
    assert created.status == ("submitted" if submit else "draft")
    assert selectors.ticket_payload(created) == selectors.ticket_payload(reread)
    assert selectors.policy_facts(created).as_dict() == selectors.policy_facts(reread).as_dict()
    assert selectors.ticket_payload_for(created, desk.requestor) == selectors.ticket_payload_for(reread, desk.requestor)
