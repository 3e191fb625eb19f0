"""Retries with backoff, then the dead-letter table and an admin notification."""

import pytest

from hdms.celery import app
from hdms.core import events
from hdms.jobs.models import DeadLetter
from hdms.jobs.tasks import ReliableTask
from hdms.testing.factories import UserFactory

attempts: dict[str, int] = {}


@app.task(name="jobs_tests.always_fails", base=ReliableTask)
def always_fails(key: str) -> None:
    attempts[key] = attempts.get(key, 0) + 1
    raise RuntimeError(f"boom {key}")


@app.task(name="jobs_tests.fails_twice", base=ReliableTask)
def fails_twice(key: str) -> str:
    attempts[key] = attempts.get(key, 0) + 1
    if attempts[key] <= 2:
        raise RuntimeError("not yet")
    return "done"


@pytest.fixture
def notifications():
    seen = []

    def handler(**payload):
        seen.append(payload)

    events.subscribe("notification.requested", handler)
    yield seen
    events._subscribers["notification.requested"].remove(handler)


@pytest.mark.django_db
def test_task_failing_every_time_is_retried_three_times_then_dead_lettered_and_admins_told(
        notifications, django_capture_on_commit_callbacks):
    admin = UserFactory(role="admin")
    UserFactory(role="moderator")
    with django_capture_on_commit_callbacks(execute=True):
        always_fails.delay("a")
    assert attempts["a"] == 4  # the first run and 3 retries, never more
    letter = DeadLetter.objects.get(task_name="jobs_tests.always_fails")
    assert letter.retries == 3 and letter.args == ["a"] and "boom a" in letter.exception
    admin_notes = [n for n in notifications if n["kind"] == "job.dead_letter"]
    assert len(admin_notes) == 1
    assert admin_notes[0]["user_ids"] == [str(admin.id)] and admin_notes[0]["urgent"] is True


@pytest.mark.django_db
def test_task_that_recovers_within_its_retries_is_not_dead_lettered(notifications, django_capture_on_commit_callbacks):
    UserFactory(role="admin")
    with django_capture_on_commit_callbacks(execute=True):
        result = fails_twice.delay("b")
    assert result.get() == "done" and attempts["b"] == 3
    assert not DeadLetter.objects.exists()
    assert not [n for n in notifications if n["kind"] == "job.dead_letter"]


def test_backoff_is_exponential_and_capped():
    assert ReliableTask.max_retries == 3 and ReliableTask.retry_backoff == 2
    assert ReliableTask.retry_backoff_max == 600 and ReliableTask.acks_late
    from celery.utils.time import get_exponential_backoff_interval

    delays = [get_exponential_backoff_interval(factor=2, retries=n, maximum=600, full_jitter=False)
              for n in range(3)]
    assert delays == [2, 4, 8]
