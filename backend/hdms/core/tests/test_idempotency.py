"""Idempotency-Key (DESIGN §9) on ticket creation, messages and actions; uploads are tested in
hdms/files/tests/test_upload_idempotency.py."""

import json
import threading
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from hdms.communication.models import Message
from hdms.core.models import IdempotencyKey
from hdms.testing.client import bearer_for
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.tickets.models import Ticket


def _post(client, path, body, key):
    return client.post(path, body, HTTP_IDEMPOTENCY_KEY=key)


@pytest.fixture
def requestor(db):
    return UserFactory(role="requestor")


@pytest.fixture
def it(db):
    return DepartmentFactory(code="IT", name="IT")


@pytest.mark.django_db
def test_repeat_create_returns_the_first_answer_and_writes_nothing(requestor, it, api):
    client = api(requestor)
    body = {"title": "Laptop screen flickers", "description": "Since Monday", "department_id": str(it.id)}
    first = _post(client, "tickets", body, "k-create-1")
    again = _post(client, "tickets", body, "k-create-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.filter(requestor=requestor).count() == 1


@pytest.mark.django_db
def test_same_key_with_another_body_is_refused_and_changes_nothing(requestor, it, api):
    client = api(requestor)
    _post(client, "tickets", {"title": "First", "department_id": str(it.id)}, "k-create-2")
    other = _post(client, "tickets", {"title": "Second", "department_id": str(it.id)}, "k-create-2")
    assert other.status_code == 422
    assert other.json()["code"] == "validation_error"
    assert other.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert list(Ticket.objects.filter(requestor=requestor).values_list("title", flat=True)) == ["First"]


@pytest.mark.django_db
def test_keys_are_per_user(requestor, it, api):
    body = {"title": "Same words", "department_id": str(it.id)}
    assert _post(api(requestor), "tickets", body, "shared-key").status_code == 201
    other = UserFactory(role="requestor")
    second = _post(api(other), "tickets", body, "shared-key")
    assert second.status_code == 201 and "Idempotent-Replayed" not in second
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_a_key_older_than_a_day_is_a_new_request(requestor, it, api):
    body = {"title": "Monthly check", "department_id": str(it.id)}
    with time_machine.travel(timezone.now() - timedelta(hours=25)):
        assert _post(api(requestor), "tickets", body, "k-old").status_code == 201
    assert _post(api(requestor), "tickets", body, "k-old").status_code == 201
    assert Ticket.objects.filter(requestor=requestor).count() == 2


@pytest.mark.django_db
def test_malformed_key_is_a_validation_error(requestor, it, api):
    response = _post(api(requestor), "tickets", {"title": "X ray", "department_id": str(it.id)}, "x" * 256)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_repeat_message_is_stored_once(requestor, api):
    from hdms.testing.factories_communication import make_ticket

    ticket = make_ticket(requestor=requestor)
    client = api(requestor)
    first = _post(client, f"tickets/{ticket.id}/messages", {"body": "Any news?"}, "k-msg-1")
    again = _post(client, f"tickets/{ticket.id}/messages", {"body": "Any news?"}, "k-msg-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again.json() == first.json()
    assert Message.objects.filter(ticket_id=ticket.id).count() == 1


@pytest.mark.django_db
def test_repeat_action_returns_the_first_answer_not_a_conflict(requestor, it, api):
    client = api(requestor)
    draft = client.post("tickets", {"title": "Chair broken", "department_id": str(it.id)}).json()
    first = _post(client, f"tickets/{draft['id']}/actions/submit", {"version": draft["version"]}, "k-act-1")
    again = _post(client, f"tickets/{draft['id']}/actions/submit", {"version": draft["version"]}, "k-act-1")
    assert first.status_code == 200, first.content
    assert again.status_code == 200 and again.json() == first.json()
    assert Ticket.objects.get(id=draft["id"]).version == first.json()["version"]
    fresh = _post(client, f"tickets/{draft['id']}/actions/submit", {"version": draft["version"]}, "k-act-2")
    assert fresh.status_code == 409  # a new key is a new request


@pytest.mark.django_db
def test_other_routes_ignore_the_header(requestor, api):
    response = api(requestor).client.get("/api/v1/tickets", HTTP_IDEMPOTENCY_KEY="k-get",
                                         HTTP_AUTHORIZATION=bearer_for(requestor))
    assert response.status_code == 200
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_parallel_repeats_write_once(postgres_only):
    it = DepartmentFactory(code="IT", name="IT")
    requestor = UserFactory(role="requestor")
    key = str(uuid.uuid4())
    body = json.dumps({"title": "Network down in lab", "department_id": str(it.id), "submit": True})
    barrier = threading.Barrier(4)
    answers = []

    def send() -> None:
        client = Client()
        barrier.wait()
        try:
            response = client.post("/api/v1/tickets", body, content_type="application/json",
                                   HTTP_AUTHORIZATION=bearer_for(requestor), HTTP_IDEMPOTENCY_KEY=key)
            answers.append((response.status_code, response.content))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [201] * 4
    assert len({content for _, content in answers}) == 1
    assert Ticket.objects.filter(requestor=requestor).count() == 1
