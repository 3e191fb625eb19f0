"""FAULT SUITE (DESIGN §7 "Faults", issue 10): the desk's real processes (uvicorn, a Celery worker,
beat) on a PostgreSQL, a Redis and a clamd of the suite's own, which it stops and starts for real:

- Redis stopped: health names it, sign-in and requestor calls answer, writes answer their normal
  success, a retry with the same Idempotency-Key writes nothing twice, and once Redis is back the
  outbox drains and the notification the write asked for is made;
- six copies of one keyed request at once: one write, six identical answers;
- the SMS bridge unreachable: sync answers 503 ``service_unavailable``;
- clamd stopped: uploads fail closed (accepted into quarantine, never downloadable) and are
  released once it is back;
- the worker killed (SIGKILL) mid-task and while tasks wait: nothing is lost;
- PostgreSQL stopped and started: requests answer JSON 503 naming the database, the next after
  the restart succeeds.

Every answer checked is JSON with a DESIGN §4 code. The shared PostgreSQL and Redis are never touched.
"""

import json
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hdms.ops.tests.faults import (
    PrivateClamd,
    PrivatePostgres,
    PrivateRedis,
    Service,
    free_ports,
    make_folder,
    python_argv,
    wait_until,
)
from hdms.ops.tests.topology import PASSWORD, Gateway, Response, manage, psql, topology_env
from hdms.testing.factories_files import pdf_bytes

pytestmark = pytest.mark.timeout(900)

CODES = {"validation_error", "not_authenticated", "token_invalid", "forbidden", "not_found", "version_conflict",
         "invalid_transition", "file_too_large", "unsupported_file_type", "rate_limited", "account_locked",
         "service_unavailable"}

SEED = f"""
from hdms.core.roles import Role
from hdms.users import services
it = services.department_create(by=None, code="IT", name="IT")
for code, role in [("f-req", Role.REQUESTOR), ("f-mod", Role.MODERATOR), ("f-it", Role.ASSIGNEE),
                   ("f-admin", Role.ADMIN)]:
    services.user_create(by=None, employee_code=code, full_name=code, password="{PASSWORD}",
                         email=code + "@idara.example", role=role, department_id=it.id, is_approver=False,
                         approver_kind=None)
print("seeded", it.id)
"""


@dataclass
class Stack:
    api: Gateway
    postgres: PrivatePostgres
    redis: PrivateRedis
    clamd: PrivateClamd
    server: Service
    worker: Service
    beat: Service
    department_id: str
    folder: Path

    def sql(self, query: str) -> str:
        return psql(self.postgres.url("hdms"), query)

    def healthy(self) -> bool:
        try:
            response = self.api.request("GET", "/api/v1/health", timeout=10)
        except OSError:
            return False
        return response.status == 200

    def logs(self) -> str:
        return "\n".join(f"--- {s.name}\n{s.tail()}" for s in (self.server, self.worker, self.beat))


def _header(response: Response, name: str) -> str:
    return next((v for k, v in response.headers.items() if k.lower() == name.lower()), "")


def _json(response: Response) -> dict:
    assert _header(response, "Content-Type").startswith("application/json"), (response.status,
                                                                              response.body[:300])
    return json.loads(response.body)


def _error(response: Response, status: int, code: str) -> dict:
    body = _json(response)
    assert response.status == status, (response.status, body)
    assert body["code"] == code and body["code"] in CODES, body
    return body


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    folder = make_folder()
    pg_port, redis_port, api_port, closed_port = free_ports(4)
    postgres = PrivatePostgres(folder / "pg", pg_port)
    redis = PrivateRedis(folder / "redis", redis_port)
    clamd = PrivateClamd(folder / "clamd")
    services: list[Service] = []
    try:
        postgres.start()
        psql(postgres.url(), "CREATE DATABASE hdms")
        redis.start()
        clamd.start()
        env = topology_env(database_url=postgres.url("hdms"), redis_url=redis.url, data_dir=folder / "data")
        env.update({
            "HDMS_SERVICE": "all", "HDMS_CLAMD_URL": clamd.url, "HDMS_TRUSTED_PROXIES": "",
            "HDMS_OUTBOX_DRAIN_SECONDS": "2", "HDMS_OUTBOX_RETRY_SECONDS": "2",
            "HDMS_SCAN_RETRY_BASE_SECONDS": "1", "HDMS_SCAN_MAX_RETRIES": "30",
            "HDMS_SMS_BASE_URL": f"http://127.0.0.1:{closed_port}", "HDMS_SMS_TIMEOUT": "2",
            "HDMS_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        })
        manage(env, "migrate", "--noinput")
        seeded = manage(env, "shell", stdin=SEED)
        department_id = seeded.split("seeded", 1)[1].strip()
        server = Service("api", python_argv("-m", "uvicorn", "hdms.asgi:application", "--host", "127.0.0.1",
                                            "--port", str(api_port), "--lifespan", "off", "--no-access-log"),
                         env, folder)
        worker = Service("worker", python_argv("-m", "celery", "-A", "hdms", "worker", "-Q", "high,default,low",
                                               "-c", "2", "--loglevel", "INFO", "-n", f"faults{api_port}@%h"),
                         env, folder)
        beat = Service("beat", python_argv("-m", "celery", "-A", "hdms", "beat", "--loglevel", "INFO",
                                           "-s", str(folder / "beat-schedule")), env, folder)
        services = [server, worker, beat]
        for service in services:
            service.start()
        built = Stack(api=Gateway(f"http://127.0.0.1:{api_port}"), postgres=postgres, redis=redis, clamd=clamd,
                      server=server, worker=worker, beat=beat, department_id=department_id, folder=folder)
        try:
            wait_until(built.healthy, timeout=120, what="the desk healthy (database, Redis, a worker)")
        except TimeoutError as exc:
            raise AssertionError(built.logs()) from exc
        yield built
    finally:
        for service in services:
            service.kill(signal.SIGTERM)
        clamd.stop()
        redis.stop()
        postgres.stop()
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def _create(stack: Stack, token: str, title: str, key: str | None = None) -> Response:
    headers = {"Idempotency-Key": key} if key else {}
    return stack.api.request("POST", "/api/v1/tickets", {
        "title": title, "description": "Raised by the fault suite", "department_id": stack.department_id,
        "submit": True}, token=token, headers=headers)


def _notified(stack: Stack, token: str, ticket_id: str) -> bool:
    response = stack.api.request("GET", "/api/v1/notifications", token=token)
    return response.status == 200 and any(n.get("ticket_id") == ticket_id for n in _json(response)["items"])


def test_everything_up_is_healthy(stack):
    report = _json(stack.api.request("GET", "/api/v1/health"))
    assert report["status"] == "ok" and report["down"] == []
    assert report["checks"]["workers"].startswith("ok")


def test_redis_down_answers_json_keeps_writes_once_and_delivers_their_events_when_back(stack):
    requestor = stack.api.login("f-req")
    moderator = stack.api.login("f-mod")
    stack.redis.stop()
    try:
        health = stack.api.request("GET", "/api/v1/health")
        report = _json(health)
        assert health.status == 503
        assert report["status"] == "degraded" and report["checks"]["redis"] == "down" and "redis" in report["down"]
        assert report["checks"]["database"] == "ok"

        signed_in = stack.api.request("POST", "/api/v1/auth/login",
                                      {"employee_code": "f-req", "password": PASSWORD})
        assert signed_in.status == 200, signed_in.body[:300]
        listed = stack.api.request("GET", "/api/v1/tickets", token=requestor)
        assert listed.status == 200 and _header(listed, "X-RateLimit-Limit") == "150"
        refused = stack.api.request("POST", "/api/v1/tickets", {"title": ""}, token=requestor)
        _error(refused, 422, "validation_error")

        key = str(uuid.uuid4())
        created = _create(stack, requestor, "Projector in hall B", key)
        assert created.status == 201, created.body[:500]
        ticket = _json(created)
        retried = _create(stack, requestor, "Projector in hall B", key)
        assert retried.status == 201 and _json(retried) == ticket
        message_key = str(uuid.uuid4())
        for _ in range(2):
            posted = stack.api.request("POST", f"/api/v1/tickets/{ticket['id']}/messages",
                                       {"body": "It flickers too"}, token=requestor,
                                       headers={"Idempotency-Key": message_key})
            assert posted.status == 201, posted.body[:300]
        assert stack.sql("SELECT count(*) FROM tickets_ticket WHERE title = 'Projector in hall B'") == "1"
        assert stack.sql(f"SELECT count(*) FROM communication_message WHERE ticket_id = '{ticket['id']}'") == "1"
        waiting = int(stack.sql("SELECT count(*) FROM core_outboxmessage"))
        assert waiting >= 3, "the ticket's events and the message's wait in the outbox"
        assert not _notified(stack, moderator, ticket["id"])
    finally:
        stack.redis.start()
    # Redis is back: beat sends the drain, the worker delivers what waited, the moderators are told.
    wait_until(lambda: stack.sql("SELECT count(*) FROM core_outboxmessage") == "0", timeout=90,
               what="the outbox drained")
    wait_until(lambda: _notified(stack, moderator, ticket["id"]), timeout=60, what="the moderator notified")
    assert stack.sql(f"SELECT count(*) FROM communication_notification WHERE ticket_id = '{ticket['id']}' "
                     "AND kind = 'ticket.submitted'") == "1"  # once per moderator (one here), not twice
    wait_until(stack.healthy, timeout=60, what="health ok again")


def test_parallel_repeats_through_the_server_write_once(stack):
    """Six copies of one keyed request at once (a client and its retries racing) through uvicorn:
    one ticket, six identical answers (the later ones wait for the first and replay it)."""
    requestor = stack.api.login("f-req")
    key = str(uuid.uuid4())
    barrier = threading.Barrier(6)
    answers: list[tuple[int, bytes]] = []

    def send() -> None:
        barrier.wait()
        response = _create(stack, requestor, "Six at once", key)
        answers.append((response.status, response.body))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [status for status, _ in answers] == [201] * 6
    assert len({body for _, body in answers}) == 1
    assert stack.sql("SELECT count(*) FROM tickets_ticket WHERE title = 'Six at once'") == "1"


def test_sms_bridge_unreachable_is_503_on_sync(stack):
    admin = stack.api.login("f-admin")
    body = _error(stack.api.request("POST", "/api/v1/users/sync", {}, token=admin), 503, "service_unavailable")
    assert "School Management System" in body["detail"]


def test_clamd_down_uploads_fail_closed_and_are_released_when_it_is_back(stack):
    requestor = stack.api.login("f-req")
    ticket = _json(_create(stack, requestor, "Scan me later"))
    stack.clamd.stop()
    try:
        attachment = _upload(stack, requestor, ticket["id"], "quote.pdf", pdf_bytes())
        time.sleep(3)  # the worker tries to scan and cannot
        detail = _json(stack.api.request("GET", f"/api/v1/attachments/{attachment['id']}", token=requestor))
        assert detail["status"] in ("pending", "scanning") and detail["downloadable"] is False
        download = stack.api.request("GET", f"/api/v1/attachments/{attachment['id']}/download", token=requestor)
        assert download.status >= 400 and _json(download)["code"] in CODES
    finally:
        stack.clamd.start()
    wait_until(lambda: _attachment(stack, requestor, attachment["id"])["status"] == "clean", timeout=120,
               what="the attachment scanned once clamd is back")


def test_worker_killed_mid_task_and_while_tasks_wait_loses_nothing(stack):
    requestor = stack.api.login("f-req")
    moderator = stack.api.login("f-mod")
    ticket = _json(_create(stack, requestor, "Video of the noise"))

    def transcoding_child() -> int | None:
        for child in stack.worker.children():
            grandchildren = subprocess.run(["ps", "-o", "comm=", "--ppid", str(child)], capture_output=True,
                                           text=True, check=False).stdout.split()
            if "ffmpeg" in grandchildren:
                return child
        return None

    # A video long enough that its transcode is caught running; a larger one if a fast box finished first.
    for side in (640, 1280, 1920):
        video = _video(stack.folder, side)
        attachment = _upload(stack, requestor, ticket["id"], video.name, video.read_bytes())
        deadline = time.monotonic() + 120
        child = None
        while child is None and time.monotonic() < deadline and not _mp4_ready(stack, requestor, attachment["id"]):
            child = transcoding_child()
            time.sleep(0.05)
        if child is not None:
            break
    assert child is not None, "no transcode was caught running"
    subprocess.run(["kill", "-9", str(child)], check=False)  # the pool process dies mid-task
    wait_until(lambda: _mp4_ready(stack, requestor, attachment["id"]), timeout=240,
               what="the transcode redelivered and finished")

    stack.worker.kill()  # the whole worker, SIGKILL
    waiting = _json(_create(stack, requestor, "Filed while no worker runs"))
    time.sleep(3)
    assert not _notified(stack, moderator, waiting["id"])
    stack.worker.start()
    wait_until(lambda: _notified(stack, moderator, waiting["id"]), timeout=120,
               what="the task queued while the worker was gone done by the new one")


def test_postgres_restart_answers_503_then_the_next_request_succeeds(stack):
    requestor = stack.api.login("f-req")
    ticket = _json(_create(stack, requestor, "Before the restart"))
    stack.postgres.stop()
    try:
        detail = stack.api.request("GET", f"/api/v1/tickets/{ticket['id']}", token=requestor)
        body = _error(detail, 503, "service_unavailable")
        assert body["part"] == "database" and _header(detail, "Retry-After") == "5"
        write = _create(stack, requestor, "During the restart", str(uuid.uuid4()))
        _error(write, 503, "service_unavailable")
        health = stack.api.request("GET", "/api/v1/health")
        assert health.status == 503 and _json(health)["checks"]["database"] == "down"
    finally:
        stack.postgres.start()
    again = stack.api.request("GET", f"/api/v1/tickets/{ticket['id']}", token=requestor)
    assert again.status == 200, again.body[:300]
    assert _json(again)["id"] == ticket["id"]
    assert stack.sql("SELECT count(*) FROM tickets_ticket WHERE title = 'During the restart'") == "0"
    wait_until(stack.healthy, timeout=120, what="health ok after the restart (the worker reconnected)")


def test_writes_in_flight_across_a_postgres_restart_are_retried_to_exactly_once(stack):
    """A client posting messages with one key per message, retrying on 503 or a dropped connection,
    while PostgreSQL restarts: every answer is 201 or JSON 503, and each message is stored once."""
    requestor = stack.api.login("f-req")
    ticket = _json(_create(stack, requestor, "Chat across a restart"))
    answers: list[tuple[int, str]] = []
    sent: list[str] = []
    done = threading.Event()

    def client() -> None:
        deadline = time.monotonic() + 120
        n = 0
        while not done.is_set() and time.monotonic() < deadline:
            n += 1
            key = str(uuid.uuid4())
            while time.monotonic() < deadline:
                try:
                    response = stack.api.request("POST", f"/api/v1/tickets/{ticket['id']}/messages",
                                                 {"body": f"line {n}"}, token=requestor,
                                                 headers={"Idempotency-Key": key}, timeout=30)
                except OSError:
                    answers.append((0, "connection"))
                    time.sleep(0.2)
                    continue
                code = _json(response).get("code", "") if response.status != 201 else ""
                answers.append((response.status, code))
                if response.status == 201:
                    sent.append(f"line {n}")
                    break
                time.sleep(0.2)

    thread = threading.Thread(target=client)
    thread.start()
    try:
        wait_until(lambda: len(sent) >= 3, timeout=60, what="the client posting")
        stack.postgres.stop()
        time.sleep(2)
        stack.postgres.start()
        count = len(sent)
        wait_until(lambda: len(sent) >= count + 3, timeout=60, what="the client posting after the restart")
    finally:
        done.set()
        thread.join(timeout=120)
    assert {(status, code) for status, code in answers} <= {(201, ""), (503, "service_unavailable"), (0, "connection")}
    assert (503, "service_unavailable") in answers, "some writes met the restart"
    stored = stack.sql(f"SELECT body FROM communication_message WHERE ticket_id = '{ticket['id']}' ORDER BY seq")
    assert stored.splitlines() == sent  # every acknowledged message once, in order, none twice
    wait_until(stack.healthy, timeout=120, what="health ok after the restart")


# ---------------------------------------------------------------------------------------- helpers


def _upload(stack: Stack, token: str, ticket_id: str, name: str, content: bytes) -> dict:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    response = stack.api.request("POST", f"/api/v1/tickets/{ticket_id}/attachments", raw=body, token=token,
                                 content_type=f"multipart/form-data; boundary={boundary}", timeout=120)
    assert response.status == 201, response.body[:500]
    return _json(response)


def _video(folder: Path, side: int) -> Path:
    """20 seconds of ffmpeg's test pattern, ``side`` pixels wide (a few seconds to transcode)."""
    target = folder / f"noise-{side}.mp4"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"testsrc=duration=20:size={side}x{side * 9 // 16}:rate=25", "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(target)], check=True, capture_output=True)
    return target


def _attachment(stack: Stack, token: str, attachment_id: str) -> dict:
    return _json(stack.api.request("GET", f"/api/v1/attachments/{attachment_id}", token=token))


def _mp4_ready(stack: Stack, token: str, attachment_id: str) -> bool:
    variants = _attachment(stack, token, attachment_id).get("variants") or []
    return any(v.get("kind") == "mp4" and v.get("status") == "ready" for v in variants)
