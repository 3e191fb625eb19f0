"""TOPOLOGY TEST (DESIGN §1, issue 7): the desk as separate processes behind the nginx gateway.

On PostgreSQL and Redis it starts nginx, TWO ticket-service processes, one process of each other
service (communication twice: HTTP and WebSocket), a Celery worker and beat, in a database of its
own (created, migrated with ``manage.py migrate`` and dropped at the end). Everything the test does
goes through the gateway, as the web app would.
"""

import json
import os
import re
import secrets
import shutil
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from websockets.sync.client import connect

from hdms.files.tests.clamd_server import running_clamd
from hdms.ops.tests.topology import (
    PASSWORD,
    Gateway,
    free_base_port,
    make_supervisor,
    manage,
    postgres_admin_url,
    psql,
    topology_env,
    with_database,
)

pytestmark = pytest.mark.timeout(240)

SEED = f"""
from hdms.core.roles import Role
from hdms.users import services
it = services.department_create(by=None, code="IT", name="IT")
services.department_create(by=None, code="FIN", name="Finance")
for code, role in [("topo-req", Role.REQUESTOR), ("topo-mod", Role.MODERATOR), ("topo-it", Role.ASSIGNEE),
                   ("topo-admin", Role.ADMIN)]:
    services.user_create(by=None, employee_code=code, full_name=code, password="{PASSWORD}",
                         email=code + "@idara.example",
                         role=role, department_id=it.id, is_approver=False, approver_kind=None)
print("seeded")
"""


def _redis_url() -> str:
    """The suite's Redis server, on a database number of its own: other tests flush theirs."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit(parts._replace(path="/" + os.environ.get("HDMS_TOPOLOGY_REDIS_DB", "15")))


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    if shutil.which("nginx") is None:
        raise RuntimeError("The topology test needs nginx (apt-get install nginx).")
    admin_url = postgres_admin_url()
    db_name = f"hdms_topology_{secrets.token_hex(4)}"
    database_url = with_database(admin_url, db_name)
    run_dir = tmp_path_factory.mktemp("topology")
    redis_url = _redis_url()
    env = topology_env(database_url=database_url, redis_url=redis_url, data_dir=run_dir / "data")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    supervisor = make_supervisor(env, run_dir, free_base_port())
    clamd = running_clamd()
    env["HDMS_CLAMD_URL"] = clamd.__enter__()
    try:
        psql(with_database(admin_url, "postgres"), f"CREATE DATABASE {db_name}")
        manage(env, "migrate", "--noinput")
        assert "seeded" in manage(env, "shell", stdin=SEED)
        supervisor.start_all(timeout=90)
        gateway = Gateway(f"http://127.0.0.1:{supervisor.plan.gateway_port}")
        yield supervisor, gateway, database_url
    finally:
        supervisor.stop_all()
        clamd.__exit__(None, None, None)
        psql(with_database(admin_url, "postgres"), f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")


def test_every_service_answers_its_health_through_the_gateway(topology):
    _supervisor, gateway, _ = topology
    for service in ("user", "ticket", "communication", "file"):
        # The workers check is one broadcast ping with a 0.5 s window, which a busy 2-core box can
        # miss once; database and Redis must be ok on every answer.
        for _ in range(5):
            response = gateway.request("GET", f"/api/v1/health/{service}")
            report = response.json()
            assert report["service"] == service
            assert report["checks"]["database"] == "ok"
            assert report["checks"]["redis"] == "ok"
            if response.status == 200:
                break
        assert response.status == 200, (service, response.body)
        assert report["checks"]["workers"].startswith("ok")


def test_gateway_sets_request_id_security_headers_and_hides_metrics(topology):
    _, gateway, _ = topology
    generated = gateway.request("GET", "/api/v1/health")
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["X-Request-ID"])
    kept = gateway.request("GET", "/api/v1/health", headers={"X-Request-ID": "client-chosen-id-1"})
    assert kept.headers["X-Request-ID"] == "client-chosen-id-1"
    assert kept.headers["X-Content-Type-Options"] == "nosniff"
    assert kept.headers["X-Frame-Options"] == "DENY"
    assert "nginx/" not in kept.headers.get("Server", "")
    assert gateway.request("GET", "/metrics").status == 404


def test_each_process_mounts_only_its_own_service(topology):
    _, gateway, _ = topology
    # /api/v1/openapi.json through the gateway comes from the user service: no ticket routes there.
    paths = gateway.request("GET", "/api/v1/openapi.json").json()["paths"]
    assert any(path.startswith("/api/v1/auth/") for path in paths)
    assert not any(path.startswith(("/api/v1/tickets", "/api/v1/notifications")) for path in paths)


def test_process_metrics_count_requests_and_queue_lengths(topology):
    supervisor, gateway, _ = topology
    token = gateway.login("topo-admin")
    assert gateway.request("GET", "/api/v1/auth/me", token=token).status == 200
    user_port = supervisor.procs["user-1"].port
    metrics = Gateway(f"http://127.0.0.1:{user_port}").request("GET", "/metrics").body.decode()
    assert re.search(r'hdms_http_requests_total\{method="GET",route="/api/v1/auth/me",service="user",status="200"\} '
                     r"[1-9]", metrics)
    assert 'hdms_http_request_duration_seconds_bucket{le="0.1",method="POST",route="/api/v1/auth/login"' in metrics
    assert 'hdms_celery_queue_length{queue="default"}' in metrics


def test_request_id_reaches_celery_tasks(topology):
    supervisor, _, database_url = topology
    key = f"probe-{secrets.token_hex(4)}"
    code = (
        "from hdms.core.context import request_id_var, user_id_var\n"
        "from hdms.ops.tasks import probe_write\n"
        f"request_id_var.set('rid-{key}'); user_id_var.set('uid-7')\n"
        f"probe_write.delay('{key}')\n"
    )
    manage(supervisor.env, "shell", stdin=code)
    deadline = time.monotonic() + 20
    row = ""
    while time.monotonic() < deadline and not row:
        row = psql(database_url, f"SELECT request_id || '|' || user_id FROM ops_task_probe WHERE key = '{key}'")
        time.sleep(0.2)
    assert row == f"rid-{key}|uid-7"
    log = (supervisor.run_dir / "worker-high-default-low.log").read_text()
    lines = [line for line in log.splitlines() if f"rid-{key}" in line and "probe written" in line]
    assert lines and '"user_id": "uid-7"' in lines[0]


def _multipart(name: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = secrets.token_hex(12)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _wait_for_frame(socket, kind: str, predicate, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
        if frame.get("type") == kind and predicate(frame):
            return frame


def test_story_survives_killing_one_ticket_process(topology):
    """login, create, assign, chat over WebSocket, attachment, resolve; one ticket process is
    killed with SIGKILL in the middle, while readers keep listing tickets through the gateway."""
    supervisor, gateway, database_url = topology
    requestor, moderator, assignee = (gateway.login(code) for code in ("topo-req", "topo-mod", "topo-it"))
    assignee_id = gateway.request("GET", "/api/v1/auth/me", token=assignee).json()["id"]
    departments = gateway.request("GET", "/api/v1/departments", token=requestor).json()
    departments = departments["items"] if isinstance(departments, dict) else departments
    it_id = next(d["id"] for d in departments if d["code"] == "IT")

    created = gateway.request("POST", "/api/v1/tickets", {"title": "Projector in room 12 flickers",
                                                          "description": "Since Monday.", "department_id": it_id,
                                                          "submit": True}, token=requestor,
                              headers={"X-Request-ID": "topology-story-create"})
    assert created.status == 201, created.body
    ticket = created.json()
    assert ticket["status"] == "submitted"

    failures: list[tuple[int, bytes]] = []
    served = 0
    stop = threading.Event()

    def read_load() -> None:
        nonlocal served
        while not stop.is_set():
            response = gateway.request("GET", "/api/v1/tickets?page_size=5", token=moderator)
            if response.status != 200:
                failures.append((response.status, response.body[:200]))
            served += 1

    readers = [threading.Thread(target=read_load, daemon=True) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        time.sleep(0.5)
        supervisor.kill("ticket-1")  # SIGKILL to that process group, with requests in flight
        assert supervisor.procs["ticket-1"].popen.returncode == -9

        assigned = gateway.request("POST", f"/api/v1/tickets/{ticket['id']}/actions/assign",
                                   {"version": ticket["version"], "department_id": it_id, "assignee_id": assignee_id},
                                   token=moderator)
        assert assigned.status == 200, assigned.body
        assert assigned.json()["status"] == "assigned"

        # Chat over the gateway's WebSocket route: the requestor writes, the assignee's socket hears it.
        ws_base = gateway.base_url.replace("http://", "ws://")
        origin = gateway.base_url
        url = f"{ws_base}/ws/chat/{ticket['id']}/"
        with connect(url, subprotocols=["bearer", assignee], origin=origin, open_timeout=10) as listener, \
                connect(url, subprotocols=["bearer", requestor], origin=origin, open_timeout=10) as writer:
            assert writer.subprotocol == "bearer"
            client_id = secrets.token_hex(8)
            writer.send(json.dumps({"type": "message.send", "client_id": client_id, "body": "Still flickering."}))
            heard = _wait_for_frame(listener, "message.new", lambda f: f["message"]["client_id"] == client_id)
        message_id = heard["message"]["id"]

        body, content_type = _multipart("notes.txt", b"Projector model EX-3200, bought 2021.\n", "text/plain")
        uploaded = gateway.request("POST", f"/api/v1/tickets/{ticket['id']}/attachments", raw=body,
                                   content_type=content_type, token=requestor)
        assert uploaded.status == 201, uploaded.body
        attachment = uploaded.json()
        deadline = time.monotonic() + 30
        while attachment["status"] in ("pending", "scanning") and time.monotonic() < deadline:
            time.sleep(0.3)
            attachment = gateway.request("GET", f"/api/v1/attachments/{attachment['id']}", token=requestor).json()
        assert attachment["status"] == "clean", attachment  # scanned by the worker through the real clamd

        current = assigned.json()
        for action in ("start", "resolve"):
            response = gateway.request("POST", f"/api/v1/tickets/{ticket['id']}/actions/{action}",
                                       {"version": current["version"]}, token=assignee)
            assert response.status == 200, (action, response.body)
            current = response.json()
        assert current["status"] == "resolved"
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=10)

    assert served > 20
    assert failures == []  # no reader saw the dead process: nginx moved its requests to ticket-2
    # Nothing written was lost: the database holds every write of the story.
    assert psql(database_url, f"SELECT status FROM tickets_ticket WHERE id = '{ticket['id']}'") == "resolved"
    assert psql(database_url, f"SELECT body FROM communication_message WHERE id = '{message_id}'") \
        == "Still flickering."
    history = gateway.request("GET", f"/api/v1/tickets/{ticket['id']}/history", token=moderator).json()
    assert history["count"] >= 4  # create/submit, assign, start, resolve
    messages = gateway.request("GET", f"/api/v1/tickets/{ticket['id']}/messages", token=requestor).json()
    assert [m["id"] for m in messages["items"]] == [message_id]
    files = gateway.request("GET", f"/api/v1/tickets/{ticket['id']}/attachments", token=requestor).json()
    assert [f["id"] for f in files["items"]] == [attachment["id"]]
    # The request id given at the gateway, and the client address nginx saw (X-Real-IP, trusted
    # with HDMS_TRUST_PROXY), reached the ticket service: its audit entry of the creation has them.
    audit = psql(database_url, "SELECT count(*) FROM audit_auditentry WHERE request_id = 'topology-story-create' "
                               "AND ip = '127.0.0.1'")
    assert int(audit) >= 1
    # ... and the Celery tasks that request queued (the new ticket's notifications) logged it too.
    worker_log = supervisor.run_dir / "worker-high-default-low.log"
    deadline = time.monotonic() + 20
    while '"request_id": "topology-story-create"' not in worker_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert '"request_id": "topology-story-create"' in worker_log.read_text()
