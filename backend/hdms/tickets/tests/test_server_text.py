"""Everything the server says carries a machine kind/code and params (DESIGN §9, issue 13): field
errors name the field, a code and its params; history entries a kind and what changed; ticket
notifications the ticket's number, status and the kind's values."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hdms.communication.models import Notification
from hdms.core.field_errors import FIELD_ERROR_CODES
from hdms.testing.client import ApiClient
from hdms.testing.factories_tickets import in_progress_ticket, submitted_ticket
from hdms.tickets import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_long_title_is_reported_as_field_title_code_too_long_with_its_maximum(desk):
    response = ApiClient(desk.requestor).post("tickets", {"title": "a" * 201, "description": "x"})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    entry = next(e for e in body["errors"] if e["field"] == "title")
    assert (entry["code"], entry["params"]) == ("too_long", {"max": 200})
    assert "payload." not in body["detail"] and "body." not in body["detail"]
    for error in body["errors"]:
        assert error["code"] in FIELD_ERROR_CODES and "loc" in error and "msg" in error  # §4 shape kept


def test_a_service_error_without_a_code_gets_one_from_the_vocabulary(desk):
    ticket = in_progress_ticket(desk.requestor, desk.moderator, desk.assignee)
    past = (timezone.now() - timedelta(days=1)).isoformat()
    response = ApiClient(desk.assignee).post(f"tickets/{ticket.id}/actions/postpone",
                                             {"version": ticket.version, "reason": "parts", "until": past})
    assert response.status_code == 422, response.content
    [entry] = response.json()["errors"]
    assert (entry["field"], entry["code"], entry["params"]) == ("until", "must_be_future", {})


def test_history_entries_carry_a_kind_and_a_status_change_only_when_the_status_changed(desk):
    ticket = submitted_ticket(desk.requestor)
    ticket = services.ticket_update(ticket_id=ticket.id, by=desk.moderator, version=ticket.version,
                                    changes={"priority": "high"})
    items = ApiClient(desk.moderator).get(f"tickets/{ticket.id}/history").json()["items"]
    by_kind = {item["kind"]: item for item in items}
    assert by_kind["ticket.submit"]["params"]["to_status"] == "submitted"
    update = by_kind["ticket.update"]
    assert "to_status" not in update["params"] and "from_status" not in update["params"]
    assert update["params"]["priority"] == "high" and "priority" in update["params"]["changed"]
    audit = ApiClient(desk.admin).get("audit", {"object_id": str(ticket.id)}).json()["items"]
    assert {e["kind"] for e in audit} >= {"ticket.submit", "ticket.update"}


def test_ticket_notifications_carry_number_status_and_the_date_of_a_postponement(desk):
    ticket = in_progress_ticket(desk.requestor, desk.moderator, desk.assignee)
    until = timezone.localtime() + timedelta(days=3)
    services.ticket_postpone(ticket_id=ticket.id, by=desk.assignee, version=ticket.version, reason="parts",
                             until=until)
    notification = Notification.objects.filter(user=desk.requestor, kind="ticket.status").latest("created_at")
    assert notification.params["number"] == ticket.number
    assert notification.params["status"] == "postponed"
    assert notification.params["until"] == until.date().isoformat()
    listed = ApiClient(desk.requestor).get("notifications").json()["items"]
    assert any(item["params"].get("until") == until.date().isoformat() for item in listed)


def test_what_the_desk_does_itself_is_a_cause_with_values_never_an_english_reason(desk):
    """A parent resolving with its last sub-ticket, reopening with one, and closing automatically:
    the history says why with ``params.cause`` (a client puts it in words), its ``reason`` stays empty
    (that field is a person's words), and the parent gets no English resolution of the server's."""
    parent = submitted_ticket(desk.requestor, title="Classroom setup")
    response = ApiClient(desk.moderator).post(f"tickets/{parent.id}/subtickets", {"version": parent.version, "items": [
        {"department_id": str(desk.it.id), "assignee_id": str(desk.assignee.id), "title": "Projector"},
    ]})
    assert response.status_code == 201, response.content
    sub = services.ticket_start(ticket_id=response.json()[0]["id"], by=desk.assignee, version=1)
    sub = services.ticket_resolve(ticket_id=sub.id, by=desk.assignee, version=sub.version, resolution="Fitted")
    sub = services.ticket_reopen(ticket_id=sub.id, by=desk.requestor, version=sub.version, reason="Flickers")
    items = ApiClient(desk.moderator).get(f"tickets/{parent.id}/history").json()["items"]
    resolve = next(i for i in items if i["kind"] == "ticket.resolve")
    reopen = next(i for i in items if i["kind"] == "ticket.reopen")
    assert (resolve["reason"], resolve["params"]["cause"]) == ("", "subtickets_resolved")
    assert (reopen["reason"], reopen["params"]["cause"], reopen["params"]["subticket"]) == ("", "subticket_reopened",
                                                                                              sub.number)
    assert ApiClient(desk.requestor).get(f"tickets/{parent.id}").json()["resolution"] == ""

    done = in_progress_ticket(desk.requestor, desk.moderator, desk.assignee)
    done = services.ticket_resolve(ticket_id=done.id, by=desk.assignee, version=done.version)
    later = timezone.now() + timedelta(days=30)
    assert services.ticket_auto_close(ticket_id=done.id, now=later) is True
    close = next(i for i in ApiClient(desk.requestor).get(f"tickets/{done.id}/history").json()["items"]
                 if i["kind"] == "ticket.close")
    assert close["reason"] == "" and close["params"]["cause"] == "auto_close"
    assert isinstance(close["params"]["days"], int)
