"""Hostile HTTP against real desks over a socket (issue 10 items 2, 4, 10 and 12).

The desk is started as ``make run`` starts it (``manage.py serve all --server uvicorn``), embedded
unless a test says PostgreSQL; the gateway is nginx from deploy/nginx/hdms.conf.template.
"""

import json
import math
import shutil
import subprocess
import time

import pytest
import websockets.sync.client
from django.contrib.auth.hashers import make_password

from hdms.ops.gateway import Gateway, render_nginx
from hdms.testing.desk import (
    BACKEND_DIR,
    DEMO_PASSWORD,
    Desk,
    database_url_of_tests,
    desk_env,
    free_port,
    running_desk,
    sign_in,
)
from hdms.testing.factories import UserFactory

LIMIT = 5 * 1024 * 1024  # DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.fixture(scope="module")
def desk(embedded_data_dir, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("desk-logs")
    with running_desk(desk_env(embedded_data_dir), log_path=log_dir / "desk.log") as running:
        yield running


@pytest.fixture(scope="module")
def ticket_wsgi(embedded_data_dir, tmp_path_factory):
    """The ticket service alone under granian, as the gateway's ticket processes run: through WSGI."""
    log_dir = tmp_path_factory.mktemp("ticket-wsgi-logs")
    with running_desk(desk_env(embedded_data_dir), log_path=log_dir / "ticket.log", service="ticket",
                      server="granian") as running:
        yield running


@pytest.fixture(params=["asgi", "wsgi"])
def bodies(request, desk):
    """Where a body is sent: the whole desk (ASGI) or the ticket service under WSGI; both share one
    database, so ``desk`` signs in and counts for either."""
    return desk if request.param == "asgi" else request.getfixturevalue("ticket_wsgi")


def _ticket_count(desk: Desk, token: str) -> int:
    return desk.request("GET", "/api/v1/tickets", token=token).json()["count"]


def _chunks(*parts: bytes):
    yield from parts


# Item 2: no debug page, URL map or traceback.

def test_an_unknown_api_path_is_a_json_404(desk):
    for path in ("/api/v1/xyz", "/api/v1/tickets/extra/deep/path", "/xyz"):
        answer = desk.request("GET", path)
        assert answer.status == 404, path
        assert answer.headers["Content-Type"] == "application/json"
        assert answer.json() == {"detail": "Not found.", "code": "not_found"}


# Item 10: bodies over the limit and chunked bodies.

def test_a_json_body_over_the_limit_is_413_json(desk, bodies):
    token = sign_in(desk, "req1")
    before = _ticket_count(desk, token)
    body = json.dumps({"title": "big", "description": "a" * (LIMIT + 10)}).encode()
    answer = bodies.request("POST", "/api/v1/tickets", raw=body, token=token)
    assert answer.status == 413
    assert answer.json()["code"] == "validation_error"
    assert "larger than the limit of 5 MB" in answer.json()["detail"]
    assert _ticket_count(desk, token) == before


def test_a_chunked_body_over_the_limit_is_413_json(desk, bodies):
    token = sign_in(desk, "req1")
    before = _ticket_count(desk, token)
    piece = b"a" * 65536
    body = _chunks(b'{"title": "big", "description": "', *([piece] * (LIMIT // len(piece) + 2)), b'"}')
    answer = bodies.request("POST", "/api/v1/tickets", raw=body, token=token, chunked=True,
                          headers={"Content-Type": "application/json"})
    assert answer.status == 413
    assert answer.json()["code"] == "validation_error"
    assert _ticket_count(desk, token) == before


def test_a_chunked_body_with_a_nul_is_refused_and_nothing_is_stored(desk, bodies):
    token = sign_in(desk, "req1")
    before = _ticket_count(desk, token)
    body = _chunks(b'{"title": "nul\\u0000here",', b' "description": "x"}')
    answer = bodies.request("POST", "/api/v1/tickets", raw=body, token=token, chunked=True,
                          headers={"Content-Type": "application/json"})
    assert answer.status == 422
    assert answer.json()["code"] == "validation_error"
    assert _ticket_count(desk, token) == before
    # An array body is refused the same way, chunked or not.
    array = bodies.request("POST", "/api/v1/tickets", raw=_chunks(b"[1, 2]"), token=token, chunked=True,
                         headers={"Content-Type": "application/json"})
    assert array.status == 422


def test_a_good_chunked_body_is_accepted(desk, bodies):
    token = sign_in(desk, "req1")
    body = _chunks(b'{"title": "sent in', b' chunks", "description": "fine"}')
    answer = bodies.request("POST", "/api/v1/tickets", raw=body, token=token, chunked=True,
                          headers={"Content-Type": "application/json"})
    assert answer.status == 201, answer.body
    assert answer.json()["title"] == "sent in chunks"


@pytest.mark.django_db(transaction=True)
def test_a_chunked_nul_body_is_422_on_a_postgresql_desk(tmp_path):
    user = UserFactory(employee_code="pgreq", role="requestor")
    user.password = make_password(DEMO_PASSWORD, hasher="argon2")
    user.save(update_fields=["password"])
    env = desk_env(tmp_path / "data", DATABASE_URL=database_url_of_tests())
    with running_desk(env, log_path=tmp_path / "desk.log") as pg_desk:
        token = sign_in(pg_desk, "pgreq")
        body = _chunks(b'{"title": "nul\\u0000here", "description": "x"}')
        answer = pg_desk.request("POST", "/api/v1/tickets", raw=body, token=token, chunked=True,
                                 headers={"Content-Type": "application/json"})
        assert answer.status == 422, answer.body
        assert answer.json()["code"] == "validation_error"
        big = pg_desk.request("POST", "/api/v1/tickets", token=token,
                              body={"title": "big", "description": "a" * (LIMIT + 1)})
        assert big.status == 413
        assert _ticket_count(pg_desk, token) == 0


# Item 12: a validly signed token with a malformed subject.

def test_a_signed_token_with_a_malformed_subject_is_401(desk, embedded_data_dir):
    import jwt

    key = (embedded_data_dir / "secret_key").read_text().strip()
    now = int(time.time())
    for subject in ("not-a-uuid", 12345, "", None, ["x"]):
        token = jwt.encode({"sub": subject, "role": "admin", "type": "access", "exp": now + 600}, key,
                           algorithm="HS256", headers={"kid": "default"})
        answer = desk.request("GET", "/api/v1/auth/me", token=token)
        assert answer.status == 401, (subject, answer.body)
        assert answer.json()["code"] == "token_invalid"


# Item 4: the client address comes only from trusted proxies.

def _assert_spoofed_logins_are_limited(base: Desk, **request_options: str) -> None:
    """15 failed sign-ins, each claiming another client address: the 10/min bucket of the one real
    client still empties (allowing for the tokens it refills while the Argon2 checks run)."""
    statuses = []
    started = time.monotonic()
    for attempt in range(15):
        headers = {"X-Forwarded-For": f"10.9.{attempt}.1", "X-Real-IP": f"10.8.{attempt}.1",
                   "Forwarded": f"for=10.7.{attempt}.1"}
        answer = base.request("POST", "/api/v1/auth/login", {"employee_code": "nobody", "password": "wrong-one"},
                              headers=headers, **request_options)
        statuses.append(answer.status)
    refilled = math.ceil((time.monotonic() - started) * 10 / 60)
    assert statuses[:10] == [401] * 10
    assert 429 in statuses
    assert statuses.count(401) <= 10 + refilled


def test_a_spoofed_x_forwarded_for_does_not_dodge_the_login_limit(embedded_data_dir, tmp_path):
    with running_desk(desk_env(embedded_data_dir), log_path=tmp_path / "desk.log") as fresh:
        _assert_spoofed_logins_are_limited(fresh)


def test_under_make_run_only_the_web_servers_proxy_address_may_name_the_client(embedded_data_dir, tmp_path):
    """scripts/run.sh trusts the web server's proxy, which connects from 127.0.0.2: a caller of the
    API port on 127.0.0.1 still cannot dodge the limit, while the proxy's X-Real-IP is believed."""
    run_sh = (BACKEND_DIR.parent / "scripts" / "run.sh").read_text()
    assert 'export HDMS_TRUSTED_PROXIES="${HDMS_TRUSTED_PROXIES:-$proxy_source}"' in run_sh
    assert "manage.py serve all --server uvicorn" in run_sh
    env = desk_env(embedded_data_dir, HDMS_TRUSTED_PROXIES="127.0.0.2")
    with running_desk(env, log_path=tmp_path / "desk.log") as fresh:
        _assert_spoofed_logins_are_limited(fresh, source_address="127.0.0.1")
        # The proxy's word is taken: each client it names has its own bucket.
        for attempt in range(3):
            answer = fresh.request("POST", "/api/v1/auth/login", {"employee_code": "nobody", "password": "x" * 9},
                                   headers={"X-Real-IP": f"192.0.2.{attempt}"}, source_address="127.0.0.2")
            assert answer.status == 401


@pytest.fixture
def gateway_to_desk(embedded_data_dir, tmp_path):
    """nginx (the repository's gateway config) in front of a desk that trusts it alone."""
    assert shutil.which("nginx"), "nginx is needed (apt-get install nginx)"
    env = desk_env(embedded_data_dir, HDMS_TRUSTED_PROXIES="127.0.0.1")
    with running_desk(env, log_path=tmp_path / "desk.log") as behind:
        port = free_port()
        gateway = Gateway(prefix=tmp_path / "nginx", listen=f"127.0.0.1:{port}", worker_processes="1",
                          upstreams={"user": [f"127.0.0.1:{behind.port}"], "ticket": [f"127.0.0.1:{behind.port}"],
                                     "communication_ws": [f"127.0.0.1:{behind.port}"]})
        render_nginx(gateway)
        nginx = subprocess.Popen(gateway.command(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        front = Desk(port=port, process=nginx, log_path=tmp_path / "nginx" / "logs" / "access.log")
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    if front.request("GET", "/api/v1/health").status == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            yield front, behind
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)


def test_behind_the_gateway_a_spoofed_address_does_not_dodge_the_login_limit(gateway_to_desk):
    front, _ = gateway_to_desk
    _assert_spoofed_logins_are_limited(front)


def test_behind_the_gateway_the_desk_records_the_gateways_peer_not_a_spoofed_address(gateway_to_desk):
    front, behind = gateway_to_desk
    front.request("POST", "/api/v1/auth/login", {"employee_code": "req1", "password": DEMO_PASSWORD},
                  headers={"X-Forwarded-For": "203.0.113.7", "X-Real-IP": "203.0.113.8"})
    token = sign_in(behind, "admin1")
    entries = behind.request("GET", "/api/v1/audit?action=auth.login", token=token).json()["items"]
    addresses = {entry.get("ip") for entry in entries}
    assert "127.0.0.1" in addresses
    assert not {"203.0.113.7", "203.0.113.8"} & addresses


# Item 12: a ?token= WebSocket token never reaches an access log.

def test_a_query_token_is_never_written_to_the_access_logs(gateway_to_desk):
    front, behind = gateway_to_desk
    token = sign_in(behind, "req1")
    marker = token.split(".")[2]  # the signature: unique to this token
    with websockets.sync.client.connect(f"ws://127.0.0.1:{behind.port}/ws/notifications/?token={token}",
                                        open_timeout=10) as socket:
        socket.close()
    with websockets.sync.client.connect(f"ws://127.0.0.1:{front.port}/ws/notifications/?token={token}",
                                        open_timeout=10) as socket:
        socket.close()
    behind.request("GET", f"/api/v1/health?token={token}&x=1")
    front.request("GET", f"/api/v1/health?a=1&token={token}")
    time.sleep(0.5)  # nginx and uvicorn write their lines after answering
    desk_log, gateway_log = behind.log(), front.log()
    assert "/ws/notifications/?token=[redacted]" in desk_log
    assert "/api/v1/health?token=[redacted]&x=1" in desk_log
    assert "token=[redacted]" in gateway_log
    assert marker not in desk_log
    assert marker not in gateway_log
