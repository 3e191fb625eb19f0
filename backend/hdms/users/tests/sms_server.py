"""A local HTTP server playing the School Management System's side of the bridge in tests.

It serves ``GET /api/employees?page=N`` per the contract in docs/users-import.md, checks the
Bearer token, records every request it sees, and can be told to fail: a number of 503s before
answering, a slow answer, a page that always fails, or a page whose body is not JSON.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "sms-test-token"


@dataclass
class SmsState:
    token: str = TOKEN
    employees: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2
    transient_failures: int = 0  # answer this many requests with 503 first
    broken_pages: set[int] = field(default_factory=set)  # these pages always answer 500
    garbage_pages: set[int] = field(default_factory=set)  # these pages answer non-JSON
    delay: float = 0.0
    next_url_override: str | None = None  # answer page 1 with this "next" link instead
    requests: list[dict[str, Any]] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)  # employee code -> SMS password (verify)
    # The demo's SMS moves on: from the second listing on, these employees are listed instead.
    later_employees: list[dict[str, Any]] | None = None
    listings: int = 0  # page-1 requests answered
    # An outage (every bridge call answers 503), switched by POST /api/_control/outage {"down"}
    # with the bearer token: how the browser test and the demo show the SMS down.
    down: bool = False


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        page_param = parse_qs(url.query).get("page", ["1"])[0]
        with self.server.lock:
            state.requests.append({"path": url.path, "page": page_param,
                                   "authorization": self.headers.get("Authorization")})
            fail_now = state.transient_failures > 0
            if fail_now:
                state.transient_failures -= 1
        if state.delay:
            time.sleep(state.delay)
        if self.headers.get("Authorization") != f"Bearer {state.token}":
            self._send(401, b'{"detail": "bad token"}')
            return
        if url.path != "/api/employees":
            self._send(404, b'{"detail": "not found"}')
            return
        if fail_now or state.down:
            self._send(503, b'{"detail": "busy"}')
            return
        try:
            page = int(page_param)
        except ValueError:
            self._send(400, b'{"detail": "bad page"}')
            return
        if page == 1:
            with self.server.lock:
                state.listings += 1
                if state.listings == 2 and state.later_employees is not None:
                    state.employees = state.later_employees
        if page in state.broken_pages:
            self._send(500, b"<html>Internal Server Error</html>", "text/html")
            return
        if page in state.garbage_pages:
            self._send(200, b"<html>maintenance</html>", "text/html")
            return
        start = (page - 1) * state.page_size
        results = state.employees[start:start + state.page_size]
        has_next = start + state.page_size < len(state.employees)
        # Relative next links, as many REST frameworks can be configured to give.
        next_url = f"/api/employees?page={page + 1}" if has_next else None
        if state.next_url_override is not None and page == 1:
            next_url = state.next_url_override
        body = {"results": results, "next": next_url}
        self._send(200, json.dumps(body).encode())


    def do_POST(self) -> None:
        """``POST /api/employees/verify {employee_code, password}`` → ``{valid, employee}``."""
        state = self.server.state
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        with self.server.lock:
            state.requests.append({"path": url.path, "method": "POST",
                                   "authorization": self.headers.get("Authorization")})
        if self.headers.get("Authorization") != f"Bearer {state.token}":
            self._send(401, b'{"detail": "bad token"}')
            return
        if url.path == "/api/_control/outage":
            try:
                state.down = bool(json.loads(raw or b"{}")["down"])
            except (ValueError, KeyError, TypeError):
                self._send(400, b'{"detail": "down (true or false) required"}')
                return
            self._send(200, json.dumps({"down": state.down}).encode())
            return
        if state.down:
            self._send(503, b'{"detail": "busy"}')
            return
        if url.path != "/api/employees/verify":
            self._send(404, b'{"detail": "not found"}')
            return
        try:
            body = json.loads(raw or b"{}")
            code, password = str(body["employee_code"]), str(body["password"])
        except (ValueError, KeyError, TypeError):
            self._send(400, b'{"detail": "employee_code and password required"}')
            return
        employee = next((e for e in state.employees if e["employee_code"].lower() == code.lower()), None)
        valid = employee is not None and state.passwords.get(employee["employee_code"]) == password
        self._send(200, json.dumps({"valid": valid, "employee": employee if valid else None}).encode())


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: SmsState, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.state = state
        self.lock = threading.Lock()


class FakeSms:
    """Start with ``start()``; ``base_url`` is what HDMS_SMS_BASE_URL would be; ``stop()`` is an outage."""

    def __init__(self, port: int = 0) -> None:
        self.state = SmsState()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.port = port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> "FakeSms":
        self._server = _Server(self.state, self.port)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def employee(self, sms_id: str, code: str, name: str, *, email: str = "", department: str = "",
                 status: str = "active", phone: str = "", password: str = "") -> dict[str, Any]:
        record = {"id": sms_id, "employee_code": code, "full_name": name, "email": email,
                  "department_code": department, "status": status, "phone": phone}
        self.state.employees.append(record)
        if password:
            self.state.passwords[code] = password
        return record
