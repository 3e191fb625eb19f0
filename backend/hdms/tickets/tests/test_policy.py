"""The payload's ``allowed_actions`` and ``editable_fields`` agree with what the services accept
(DESIGN §9): for every state of test_state_machine's table and every role, an action is listed
exactly when its service takes it, and a field is listed exactly when PATCH takes it. Each attempt
runs in a savepoint rolled back afterwards, so one ticket serves every action of a (state, role)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from hdms.communication import selectors as chat_selectors
from hdms.communication import services as chat_services
from hdms.core.errors import DomainError, NotFound
from hdms.testing.factories_tickets import in_progress_ticket, submitted_ticket
from hdms.tickets import selectors, services
from hdms.tickets.models import Ticket
from hdms.tickets.policy import EDITABLE_BY_REQUESTOR, STATE_ACTIONS, Action
from hdms.tickets.tests.test_state_machine import ROLES, SETUPS, _bodies


def _attempt(desk, user, ticket: Ticket, action: str) -> bool:
    """Whether the service accepts ``action`` by ``user`` now (rolled back either way)."""
    bodies = _bodies(desk)
    try:
        with transaction.atomic():
            if action in STATE_ACTIONS:
                fields = dict(bodies.get(action, {}))
                if "until" in fields:
                    fields["until"] = timezone.now() + timedelta(days=5)
                services.ticket_act(ticket_id=ticket.id, by=user, action=action, version=ticket.version,
                                    fields=fields)
            elif action == Action.SPLIT:
                services.ticket_split(ticket_id=ticket.id, by=user, version=ticket.version,
                                      items=[{"department_id": desk.mnt.id, "assignee_id": desk.mnt_assignee.id}])
            elif action == Action.DELETE:
                services.ticket_delete(ticket_id=ticket.id, by=user)
            elif action == Action.MESSAGE:
                access = chat_selectors.room_access(user=user, ticket_id=ticket.id)
                chat_services.message_create(author=user, access=access, body="Hello")
            elif action == Action.NOTE:
                access = chat_selectors.room_access(user=user, ticket_id=ticket.id)
                chat_services.message_create(author=user, access=access, body="For the staff", internal=True)
            else:
                raise AssertionError(action)
            transaction.set_rollback(True)
        return True
    except DomainError as error:
        assert error.code in ("forbidden", "invalid_transition"), (action, error.code, error.detail)
        return False


EDIT_VALUES = {"title": "New title", "description": "More", "department_id": None, "category": "hw",
               "priority": "high", "amount": Decimal("5.00"), "due_at": None, "category_id": None, "fields": {}}


def _edit_accepted(desk, user, ticket: Ticket, field: str) -> bool:
    value = desk.mnt.id if field == "department_id" else EDIT_VALUES[field]
    if field == "due_at":
        value = timezone.now() + timedelta(days=3)
    try:
        with transaction.atomic():
            services.ticket_update(ticket_id=ticket.id, by=user, version=ticket.version, changes={field: value})
            transaction.set_rollback(True)
        return True
    except DomainError as error:
        assert error.code in ("forbidden", "invalid_transition"), (field, error.code, error.detail)
        return False


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(SETUPS))
def test_allowed_actions_and_editable_fields_are_what_the_services_accept(desk, state):
    ticket = Ticket.objects.get(id=SETUPS[state](desk).id)
    checked = 0
    for role in ROLES:
        user = getattr(desk, role)
        try:
            shown = selectors.ticket_payload_for(selectors.ticket_get_visible(user=user, ticket_id=ticket.id), user)
        except NotFound:
            continue  # an invisible ticket has no payload (and every action is a 404)
        for action in Action:
            accepted = _attempt(desk, user, ticket, action.value)
            assert (action.value in shown["allowed_actions"]) == accepted, (state, role, action.value, accepted)
            checked += accepted
        for field in EDITABLE_BY_REQUESTOR:
            accepted = _edit_accepted(desk, user, ticket, field)
            assert (field in shown["editable_fields"]) == accepted, (state, role, field, accepted)
        after = Ticket.objects.get(id=ticket.id)
        assert (after.status, after.version) == (ticket.status, ticket.version)  # every attempt rolled back
    assert checked  # someone may do something in every state (at least an observer's message)


# (state, role) -> the allowed_actions a reader of the payload sees: DESIGN §3 as the web app gets it.
EXPECTED = [
    ("draft", "requestor", ["submit", "withdraw", "delete", "message"]),
    ("submitted", "requestor", ["withdraw", "message"]),
    ("submitted", "moderator", ["reject", "request_approval", "assign", "split", "message", "note", "merge"]),
    ("submitted", "admin", ["withdraw", "reject", "request_approval", "assign", "split", "delete", "note", "merge"]),
    ("pending_approval", "finance", ["reject", "approve"]),  # approvers decide; they do not chat
    ("pending_approval", "moderator", ["message", "note", "merge"]),
    ("approved", "moderator", ["assign", "split", "message", "note", "merge"]),
    ("assigned", "assignee", ["start", "message", "note"]),
    ("assigned", "assignee2", ["message", "note"]),  # the department's queue
    ("in_progress", "assignee", ["postpone", "resolve", "message", "note"]),
    ("in_progress", "moderator", ["reassign", "message", "note", "merge"]),
    ("postponed", "assignee", ["resume", "message", "note"]),
    ("resolved", "requestor", ["reopen", "close", "message"]),
    ("closed", "requestor", ["rate"]),
    ("closed", "assignee", []),
    ("rejected", "requestor", []),
    ("withdrawn", "requestor", []),
    ("merged", "requestor", []),
    ("merged", "moderator", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "role", "expected"), EXPECTED, ids=[f"{s}-{r}" for s, r, _ in EXPECTED])
def test_allowed_actions_over_the_api(desk, api, state, role, expected):
    ticket = SETUPS[state](desk)
    body = api(getattr(desk, role)).get(f"tickets/{ticket.id}").json()
    assert body["allowed_actions"] == expected
    listed = api(getattr(desk, role)).get("tickets").json()["items"]
    assert [item["allowed_actions"] for item in listed if item["id"] == str(ticket.id)] == [expected]


@pytest.mark.django_db
def test_editable_fields_over_the_api(desk, api):
    draft = services.ticket_create(requestor=desk.requestor, title="Draft")
    assert api(desk.requestor).get(f"tickets/{draft.id}").json()["editable_fields"] == list(EDITABLE_BY_REQUESTOR)
    ticket = submitted_ticket(desk.requestor)
    assert api(desk.requestor).get(f"tickets/{ticket.id}").json()["editable_fields"] == []
    # Before assignment triage may also route it to another department (a bulk "set department").
    assert api(desk.moderator).get(f"tickets/{ticket.id}").json()["editable_fields"] == ["priority", "category",
                                                                                         "due_at", "department_id"]


@pytest.mark.django_db
def test_a_moderator_changes_priority_with_the_fields_they_may_edit(desk, api):
    ticket = submitted_ticket(desk.requestor)
    client = api(desk.moderator)
    shown = client.get(f"tickets/{ticket.id}").json()
    response = client.patch(f"tickets/{ticket.id}", {"version": shown["version"], "priority": "urgent"})
    assert response.status_code == 200 and response.json()["priority"] == "urgent"
    # Sending a field they may not edit (as the web app's old form did) changes nothing.
    again = client.patch(f"tickets/{ticket.id}", {"version": response.json()["version"], "priority": "low",
                                                  "title": "Other"})
    assert again.status_code == 403 and again.json()["code"] == "forbidden"
    assert Ticket.objects.get(id=ticket.id).priority == "urgent"


@pytest.mark.django_db
def test_rating_a_resolved_ticket_is_refused_and_offered_only_once_closed(desk, api):
    ticket = SETUPS["resolved"](desk)
    client = api(desk.requestor)
    assert "rate" not in client.get(f"tickets/{ticket.id}").json()["allowed_actions"]
    response = client.post(f"tickets/{ticket.id}/actions/rate", {"version": ticket.version, "score": 5})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert Ticket.objects.get(id=ticket.id).rating is None


@pytest.mark.django_db
def test_approve_through_the_actions_route_is_the_approvals_route(desk, api):
    ticket = SETUPS["pending_approval"](desk)
    response = api(desk.moderator).post(f"tickets/{ticket.id}/actions/approve", {"version": ticket.version})
    assert response.status_code == 403
    response = api(desk.finance).post(f"tickets/{ticket.id}/actions/approve", {"version": ticket.version})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert ticket.approval_steps.get(step=1).decided_by_id == desk.finance.id


@pytest.mark.django_db
def test_split_is_offered_on_an_in_progress_parent_its_owner_split(desk, api):
    ticket = submitted_ticket(desk.requestor)
    response = api(desk.moderator).post(f"tickets/{ticket.id}/subtickets", {
        "version": ticket.version, "items": [{"department_id": str(desk.it.id), "assignee_id": str(desk.assignee.id)}]})
    assert response.status_code == 201
    parent = api(desk.moderator).get(f"tickets/{ticket.id}").json()
    assert parent["status"] == "in_progress" and "split" in parent["allowed_actions"]
    assert "resolve" not in parent["allowed_actions"]  # its sub-ticket is open
    sub = api(desk.moderator).get(f"tickets/{response.json()[0]['id']}").json()
    assert "split" not in sub["allowed_actions"]
    plain = in_progress_ticket(desk.requestor, desk.moderator, desk.assignee)
    assert "split" not in api(desk.moderator).get(f"tickets/{plain.id}").json()["allowed_actions"]


@pytest.mark.django_db
def test_a_split_parent_offers_no_reassign_and_refuses_one(desk, api):
    ticket = submitted_ticket(desk.requestor)
    response = api(desk.moderator).post(f"tickets/{ticket.id}/subtickets", {
        "version": ticket.version, "items": [{"department_id": str(desk.it.id), "assignee_id": str(desk.assignee.id)}]})
    assert response.status_code == 201
    parent = api(desk.moderator).get(f"tickets/{ticket.id}").json()
    assert parent["status"] == "in_progress" and "reassign" not in parent["allowed_actions"]
    refused = api(desk.moderator).post(f"tickets/{ticket.id}/actions/reassign", {
        "version": parent["version"], "assignee_id": str(desk.assignee2.id)})
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert Ticket.objects.get(id=ticket.id).assignee_id is None  # nothing changed
    # Its sub-ticket and an unsplit ticket in progress are reassigned as before.
    sub = api(desk.moderator).get(f"tickets/{response.json()[0]['id']}").json()
    assert "reassign" in sub["allowed_actions"]
    plain = in_progress_ticket(desk.requestor, desk.moderator, desk.assignee)
    assert "reassign" in api(desk.moderator).get(f"tickets/{plain.id}").json()["allowed_actions"]


@pytest.mark.django_db
def test_an_approver_decides_but_neither_chats_nor_attaches_on_a_ticket_they_only_approve(desk, api):
    from hdms.files.tests.conftest import multipart

    ticket = SETUPS["pending_approval"](desk)
    payload = api(desk.finance).get(f"tickets/{ticket.id}").json()
    assert "approve" in payload["allowed_actions"] and "reject" in payload["allowed_actions"]
    assert "message" not in payload["allowed_actions"]
    posted = api(desk.finance).post(f"tickets/{ticket.id}/messages", {"body": "Looks fine"})
    assert posted.status_code == 403 and posted.json()["code"] == "forbidden"
    body, content_type = multipart(filename="quote.txt", content=b"a quote\n", content_type="text/plain")
    client = api(desk.finance)
    uploaded = client.client.post(f"/api/v1/tickets/{ticket.id}/attachments", body, content_type=content_type,
                                  **client.headers)
    assert uploaded.status_code == 403 and uploaded.json()["code"] == "forbidden"
    from hdms.communication.models import Message
    from hdms.files.models import Attachment

    assert not Attachment.objects.filter(ticket_id=ticket.id).exists()  # nothing stored
    assert not Message.objects.filter(room_id=ticket.id).exists()
    # The requestor and moderators still chat on it.
    assert "message" in api(desk.requestor).get(f"tickets/{ticket.id}").json()["allowed_actions"]
    assert api(desk.moderator).post(f"tickets/{ticket.id}/messages", {"body": "Waiting on Finance"}).status_code == 201
