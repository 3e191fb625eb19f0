"""TOPOLOGY TEST (DESIGN §1, issues 7 and 11): the desk as separate processes behind the nginx gateway.

On PostgreSQL and Redis it starts nginx with TLS (a certificate made for the test), TWO ticket-service
processes, one process of each other service (communication twice: HTTP and WebSocket), a Celery
worker and beat, and the built web app, in a database of its own (created, migrated with
``manage.py migrate`` and dropped at the end; conftest.py). Everything the test does goes through
the gateway's HTTPS origin, as the web app would.
"""

import json
import re
import secrets
import ssl
import threading
import time
import urllib.error
import urllib.request

import pytest
from websockets.sync.client import connect

from hdms.ops.tests.topology import Gateway, manage, psql

# The first test also waits for the session's topology: the web build and every process.
pytestmark = pytest.mark.timeout(600)

def test_every_service_answers_its_health_through_the_gateway(topology):
    _supervisor, gateway, _, _ = topology
    for service in ("user", "ticket", "communication", "file", "ai"):
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


def test_the_ai_service_answers_through_the_gateway_with_the_same_token(topology):
    """DESIGN §12: the ai process (FastAPI) behind the gateway; a moderator signed in through the
    user service asks it for a suggestion, and an admin queues a training run."""
    _, gateway, _, _ = topology
    moderator, admin = gateway.login("topo-mod"), gateway.login("topo-admin")
    response = gateway.request("POST", "/api/v1/ai/triage", {"title": "Printer jams in the staff room",
                                                             "description": "Every page gets stuck."}, token=moderator)
    assert response.status == 200, response.body
    body = response.json()
    assert body["source"] == "rules" and body["model_version"] is None  # a new desk: below the data gate
    assert response.header_count("X-Request-ID") == 1
    assert gateway.request("GET", "/api/v1/ai/models", token=moderator).json()["code"] == "forbidden"
    queued = gateway.request("POST", "/api/v1/ai/models/train", token=admin)
    # The answer gives the new version as it stands when answered: the worker may already have
    # taken it (a too-small history is skipped at once).
    assert queued.status == 202 and queued.json()["status"] in ("training", "skipped")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the worker (queue low) takes it: skipped, the history is too small
        listed = gateway.request("GET", "/api/v1/ai/models", token=admin).json()["items"]
        if listed[0]["status"] != "training":
            break
        time.sleep(0.5)
    assert listed[0]["status"] == "skipped" and listed[0]["metrics"]["min_history"] > 0


def test_gateway_sets_request_id_security_headers_and_hides_metrics(topology):
    _, gateway, _, _ = topology
    generated = gateway.request("GET", "/api/v1/health")
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["X-Request-ID"])
    kept = gateway.request("GET", "/api/v1/health", headers={"X-Request-ID": "client-chosen-id-1"})
    assert kept.headers["X-Request-ID"] == "client-chosen-id-1"
    assert kept.headers["X-Content-Type-Options"] == "nosniff"
    assert kept.headers["X-Frame-Options"] == "DENY"
    assert "nginx/" not in kept.headers.get("Server", "")
    assert gateway.request("GET", "/metrics").status == 404


def test_plain_http_redirects_every_path_to_https(topology):
    supervisor, _, _, _ = topology
    plain = Gateway(f"http://127.0.0.1:{supervisor.plan.gateway_port}")
    https_origin = f"https://127.0.0.1:{supervisor.plan.gateway_tls_port}"
    page = plain.request("GET", "/requestor/dashboard?tab=open")
    assert page.status == 301
    assert page.headers["Location"] == f"{https_origin}/requestor/dashboard?tab=open"
    # Credentials are never served in the clear: the sign-in is redirected, not answered.
    login = plain.request("POST", "/api/v1/auth/login", {"employee_code": "topo-req", "password": "x"})
    assert login.status == 301 and login.headers["Location"] == f"{https_origin}/api/v1/auth/login"
    assert b"access" not in login.body
    assert "Strict-Transport-Security" not in page.headers  # HSTS only means something over HTTPS


def test_https_answers_carry_one_hsts_header_and_a_certificate_for_the_host(topology):
    _, gateway, _, _ = topology
    # The client trusts only the test's certificate and checks the host name against it.
    for path in ("/api/v1/health", "/login", "/api/v1/no-such-route"):
        response = gateway.request("GET", path)
        assert response.status in (200, 404, 503), (path, response.status)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", path
        assert response.header_count("Strict-Transport-Security") == 1, path
    wrong_trust = ssl.create_default_context()  # the system's CAs: the self-signed certificate fails
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(gateway.base_url + "/api/v1/health", context=wrong_trust, timeout=10)


def test_each_process_mounts_only_its_own_service(topology):
    _, gateway, _, _ = topology
    # /api/v1/openapi.json through the gateway comes from the user service: no ticket routes there.
    paths = gateway.request("GET", "/api/v1/openapi.json").json()["paths"]
    assert any(path.startswith("/api/v1/auth/") for path in paths)
    assert not any(path.startswith(("/api/v1/tickets", "/api/v1/notifications")) for path in paths)


def test_process_metrics_count_requests_and_queue_lengths(topology):
    supervisor, gateway, _, _ = topology
    token = gateway.login("topo-admin")
    assert gateway.request("GET", "/api/v1/auth/me", token=token).status == 200
    user_port = supervisor.procs["user-1"].port
    process = Gateway(f"http://127.0.0.1:{user_port}")
    assert process.request("GET", "/metrics").status == 401  # the API port is no open door
    metrics_token = supervisor.env["HDMS_METRICS_TOKEN"]
    metrics = process.request("GET", "/metrics", token=metrics_token).body.decode()
    assert re.search(r'hdms_http_requests_total\{method="GET",route="/api/v1/auth/me",service="user",status="200"\} '
                     r"[1-9]", metrics)
    assert 'hdms_http_request_duration_seconds_bucket{le="0.1",method="POST",route="/api/v1/auth/login"' in metrics
    assert 'hdms_celery_queue_length{queue="default"}' in metrics


def test_request_id_reaches_celery_tasks(topology):
    supervisor, _, database_url, _ = topology
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


def test_the_worker_serves_task_metrics_of_all_its_pool_processes(topology):
    """Tasks run in the prefork pool's child processes; the worker's /metrics (multiprocess mode)
    adds them up. On loopback only, with the scraper's token, never through the gateway."""
    supervisor, gateway, database_url, _ = topology
    keys = [f"metrics-{secrets.token_hex(4)}" for _ in range(6)]
    code = "from hdms.ops.tasks import probe_write\n" + "".join(f"probe_write.delay('{key}')\n" for key in keys)
    manage(supervisor.env, "shell", stdin=code)
    in_list = ", ".join(f"'{key}'" for key in keys)
    deadline = time.monotonic() + 30
    while psql(database_url, f"SELECT count(*) FROM ops_task_probe WHERE key IN ({in_list})") != "6":
        assert time.monotonic() < deadline, "the worker did not run the probes"
        time.sleep(0.2)
    port = supervisor.plan.worker_metrics_port(0)
    pattern = re.compile(r'^hdms_celery_tasks_total\{state="succeeded",task="hdms.ops.probe_write"\} (\S+)$', re.M)
    deadline = time.monotonic() + 10
    while True:  # the task_success signal comes a moment after the row is committed
        text = Gateway(f"http://127.0.0.1:{port}").request(
            "GET", "/metrics", token=supervisor.env["HDMS_METRICS_TOKEN"]).body.decode()
        found = pattern.search(text)
        if (found and float(found.group(1)) >= 6) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert found and float(found.group(1)) >= 6, text[-2000:]
    count = re.search(r'^hdms_celery_task_duration_seconds_count\{task="hdms.ops.probe_write"\} (\S+)$', text, re.M)
    assert count and float(count.group(1)) >= 6
    # The figures come from the pool processes' own files (one per process that ran a task).
    files = list((supervisor.run_dir / "metrics" / "worker-high-default-low").glob("counter_*.db"))
    assert len(files) >= 1
    assert gateway.request("GET", "/metrics").status == 404


def test_flower_is_behind_the_gateway_for_admins_only(topology):
    supervisor, gateway, _, _ = topology
    assert gateway.request("GET", "/flower/").status == 401
    requestor = gateway.login("topo-req")
    assert gateway.request("GET", "/flower/", token=requestor).status == 403
    admin = gateway.login("topo-admin")
    page = gateway.request("GET", "/flower/", token=admin)
    assert page.status == 200 and b"Flower" in page.body
    # The web app's way: a signed-in admin gets an HttpOnly cookie for /flower/, Secure because the
    # gateway said the request came over HTTPS (X-Forwarded-Proto, trusted from the gateway only).
    session = gateway.request("POST", "/api/v1/ops/flower/session", {}, token=admin)
    assert session.status == 200
    cookies = [value for name, value in session.header_items if name.lower() == "set-cookie"]
    flower_cookie = next(c for c in cookies if c.startswith("hdms_flower=") and "Path=/flower/" in c)
    for attribute in ("HttpOnly", "Secure", "SameSite=Strict", "Max-Age=3600"):
        assert attribute in flower_cookie, (attribute, flower_cookie)
    value = flower_cookie.split(";", 1)[0]
    assert gateway.request("GET", "/flower/", headers={"Cookie": value}).status == 200
    assert gateway.request("GET", "/flower/", headers={"Cookie": value[:-3] + "xyz"}).status == 401
    # Flower itself answers on loopback only; its port is not the way in from outside.
    assert supervisor.procs["flower"].port == supervisor.plan.flower_port


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


def test_a_busy_database_answers_503_and_the_gateway_keeps_serving(topology):
    """A ticket process whose statement the timeout cancels (the database busy: here a lock held on
    the tickets table) answers the desk's JSON 503 with Retry-After through the gateway, and the
    gateway keeps both processes: once the database is free the next reads are served. (With 503
    among nginx's failures, the read was retried on the other process, both were taken out for
    5 s and every client got nginx's 502 "no live upstreams": bench/RESULTS.md.)"""
    import psycopg

    _supervisor, gateway, database_url, _certificate = topology
    moderator = gateway.login("topo-mod")
    assert gateway.request("GET", "/api/v1/tickets?page_size=5", token=moderator).status == 200
    with psycopg.connect(database_url) as holder:
        holder.execute("LOCK TABLE tickets_ticket IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        busy = gateway.request("GET", "/api/v1/tickets?page_size=5", token=moderator, timeout=60)
        waited = time.monotonic() - started
        holder.rollback()
    assert busy.status == 503, (busy.status, busy.body[:300])
    assert busy.json()["code"] == "service_unavailable" and busy.json()["part"] == "database"
    assert int({name.lower(): value for name, value in busy.header_items}["retry-after"]) > 0
    assert waited < 9, f"one statement timeout (5 s), not one per process: {waited:.1f} s"
    answers = [gateway.request("GET", "/api/v1/tickets?page_size=5", token=moderator).status for _ in range(6)]
    assert answers == [200] * 6, answers


def test_story_survives_killing_one_ticket_process(topology):
    """login, create, assign, chat over WebSocket, attachment, resolve; one ticket process is
    killed with SIGKILL in the middle, while readers keep listing tickets through the gateway."""
    supervisor, gateway, database_url, certificate = topology
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
        ws_base = gateway.base_url.replace("https://", "wss://")
        origin = gateway.base_url
        url = f"{ws_base}/ws/chat/{ticket['id']}/"
        tls = certificate.client_context()
        with connect(url, subprotocols=["bearer", assignee], origin=origin, open_timeout=10, ssl=tls) as listener, \
                connect(url, subprotocols=["bearer", requestor], origin=origin, open_timeout=10, ssl=tls) as writer:
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
    # with HDMS_TRUSTED_PROXIES), reached the ticket service: its audit entry of the creation has them.
    audit = psql(database_url, "SELECT count(*) FROM audit_auditentry WHERE request_id = 'topology-story-create' "
                               "AND ip = '127.0.0.1'")
    assert int(audit) >= 1
    # ... and the Celery tasks that request queued (the new ticket's notifications) logged it too.
    worker_log = supervisor.run_dir / "worker-high-default-low.log"
    deadline = time.monotonic() + 20
    while '"request_id": "topology-story-create"' not in worker_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert '"request_id": "topology-story-create"' in worker_log.read_text()
