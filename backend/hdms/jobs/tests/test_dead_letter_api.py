"""The dead-letter admin API: list, inspect and replay (issue 11 item 8)."""

import pytest

from hdms.audit.models import AuditEntry
from hdms.celery import app
from hdms.jobs.models import DeadLetter
from hdms.jobs.tasks import ReliableTask

replayed: list[tuple] = []


@app.task(name="jobs_tests.replay_target", base=ReliableTask)
def replay_target(key: str, *, times: int = 1) -> str:
    replayed.append((key, times))
    return key


@pytest.fixture
def letters(db):
    old = DeadLetter.objects.create(task_name="jobs_tests.replay_target", args=["k1"], kwargs={"times": 2},
                                    queue="default", retries=3, exception="RuntimeError: SMTP down",
                                    traceback="Traceback (most recent call last):\n  ...\nRuntimeError: SMTP down")
    gone = DeadLetter.objects.create(task_name="jobs_tests.no_longer_exists", args=[], retries=3,
                                     exception="KeyError: x")
    return old, gone


def test_admin_lists_and_inspects_dead_letters(make_user, api, letters):
    old, _ = letters
    admin = api(make_user(role="admin"))
    page = admin.get("jobs/dead-letters")
    assert page.status_code == 200
    body = page.json()
    assert body["count"] == 2 and {item["task_name"] for item in body["items"]} == {
        "jobs_tests.replay_target", "jobs_tests.no_longer_exists"}
    assert "traceback" not in body["items"][0]  # the list stays small; the detail has it
    detail = admin.get(f"jobs/dead-letters/{old.id}").json()
    assert detail["args"] == ["k1"] and detail["kwargs"] == {"times": 2}
    assert "RuntimeError: SMTP down" in detail["traceback"] and detail["replayed_at"] is None
    assert admin.get("jobs/dead-letters/00000000-0000-4000-8000-000000000000").status_code == 404


def test_replay_runs_the_task_with_its_arguments_once_and_is_audited(
        make_user, api, letters, django_capture_on_commit_callbacks):
    old, _ = letters
    user = make_user(role="admin")
    admin = api(user)
    replayed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"jobs/dead-letters/{old.id}/replay", {})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["replayed_at"] and body["resolved_at"] and body["replayed_by_id"] == str(user.id)
    assert replayed == [("k1", 2)]  # the task ran again (eager in tests) with the stored args and kwargs
    entry = AuditEntry.objects.get(action="job.dead_letter_replayed")
    assert entry.object_id == str(old.id) and entry.after["task_name"] == "jobs_tests.replay_target"
    again = admin.post(f"jobs/dead-letters/{old.id}/replay", {})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert replayed == [("k1", 2)]
    assert admin.get("jobs/dead-letters", {"replayed": "false"}).json()["count"] == 1
    assert admin.get("jobs/dead-letters", {"replayed": "true"}).json()["count"] == 1


def test_a_letter_of_a_task_that_no_longer_exists_is_refused_and_unchanged(make_user, api, letters):
    _, gone = letters
    response = api(make_user(role="admin")).post(f"jobs/dead-letters/{gone.id}/replay", {})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    gone.refresh_from_db()
    assert gone.replayed_at is None and gone.replayed_by_id is None


@pytest.mark.parametrize("role", ["requestor", "assignee", "moderator"])
def test_only_admins_see_or_replay(make_user, api, letters, role):
    old, _ = letters
    client = api(make_user(role=role))
    assert client.get("jobs/dead-letters").status_code == 403
    assert client.post(f"jobs/dead-letters/{old.id}/replay", {}).status_code == 403
    old.refresh_from_db()
    assert old.replayed_at is None
