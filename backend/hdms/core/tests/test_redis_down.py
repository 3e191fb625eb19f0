"""Redis down (DESIGN §7 "Faults"): JSON answers with §4 codes, health names the part, rate limits
fall back to this process's buckets (logged once), and a committed write answers its success
while its events wait in the outbox. The fault suite (hdms/ops/tests/test_faults.py) does the
same with real processes and a Redis that is really stopped."""

import logging

import pytest

from hdms.core.models import OutboxMessage
from hdms.core.outbox import outbox_drain
from hdms.testing.factories import DepartmentFactory, UserFactory


@pytest.mark.django_db
def test_health_names_redis_when_it_is_down(redis_down, api):
    response = api().get("health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["redis"] == "down"
    assert body["checks"]["database"] == "ok"
    assert body["down"] == ["redis"]


@pytest.mark.django_db
def test_sign_in_and_requestor_calls_work_on_per_process_buckets_logged_once(redis_down, api, caplog):
    user = UserFactory(role="requestor", password="secret-pass-1")
    caplog.set_level(logging.WARNING, logger="hdms.faults")
    login = api().post("auth/login", {"employee_code": user.employee_code, "password": "secret-pass-1"})
    assert login.status_code == 200, login.content
    client = api(user)
    for _ in range(5):
        listed = client.get("tickets")
        assert listed.status_code == 200, listed.content
    assert listed["X-RateLimit-Limit"] == "150"
    assert int(listed["X-RateLimit-Remaining"]) == 145  # 5 calls from a fresh per-process bucket of 150
    warnings = [r for r in caplog.records if "rate limits fall back" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.django_db
def test_per_process_bucket_still_limits_sign_in(redis_down, api):
    answers = [api().post("auth/login", {"employee_code": "nobody", "password": "wrong-pass-1"}).status_code
               for _ in range(11)]
    assert answers[:10] == [401] * 10
    assert answers[10] == 429


@pytest.mark.django_db
def test_committed_write_answers_201_and_its_events_are_delivered_when_redis_is_back(
        redis_down, api, settings, django_capture_on_commit_callbacks):
    it = DepartmentFactory(code="IT", name="IT")
    requestor = UserFactory(role="requestor")
    with django_capture_on_commit_callbacks(execute=True):
        created = api(requestor).post("tickets", {"title": "Printer jams", "description": "Room 4",
                                                  "department_id": str(it.id), "submit": True})
    assert created.status_code == 201, created.content
    waiting = list(OutboxMessage.objects.filter(kind="event", name="ticket.updated"))
    assert len(waiting) == 1
    assert waiting[0].last_error.startswith("ConnectionError")
    # Redis returns: the drain delivers what waited, once.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    OutboxMessage.objects.update(available_at="2000-01-01T00:00:00Z")
    assert outbox_drain() >= 1
    assert OutboxMessage.objects.count() == 0
    assert outbox_drain() == 0


@pytest.mark.django_db
def test_message_posted_with_redis_down_is_stored_once_and_its_broadcast_waits(
        redis_down, api, django_capture_on_commit_callbacks):
    from hdms.testing.factories_communication import make_ticket

    department = DepartmentFactory(code="IT", name="IT")
    requestor = UserFactory(role="requestor")
    ticket = make_ticket(requestor=requestor, assignee=UserFactory(role="assignee", department=department),
                         status="assigned")
    with django_capture_on_commit_callbacks(execute=True):
        posted = api(requestor).post(f"tickets/{ticket.id}/messages", {"body": "Still broken", "client_id": "c1"})
    assert posted.status_code == 201, posted.content
    assert OutboxMessage.objects.filter(kind="event", name="message.created").count() == 1
    assert OutboxMessage.objects.filter(kind="task", name="communication.message_notify").count() == 1
