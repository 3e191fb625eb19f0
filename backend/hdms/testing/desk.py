"""A real desk for tests over a socket: ``manage.py serve all --server uvicorn``, the command
``make run`` (scripts/run.sh) and scripts/e2e.sh start, in a subprocess on a free port."""

import contextlib
import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

BACKEND_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def desk_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh embedded desk: nothing HDMS_ from the test run leaks in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HDMS_", "DJANGO_", "DATABASE_URL", "REDIS_URL", "PYTEST", "COV_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "hdms.settings.embedded", "HDMS_DATA_DIR": str(data_dir),
                "HDMS_EMBEDDED_SCHEDULER": "false", "HDMS_LOG_LEVEL": "WARNING"})
    env.update(extra)
    return env


def database_url_of_tests() -> str:
    """The pytest database (PostgreSQL), so a desk sees what a transactional test committed."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("This test needs PostgreSQL: set DATABASE_URL (make test does).")
    return f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BACKEND_DIR, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=timeout)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage  # case-insensitive look-ups
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class Desk:
    port: int
    process: subprocess.Popen
    log_path: Path

    def request(self, method: str, path: str, body: object = None, *, headers: dict[str, str] | None = None,
                token: str | None = None, raw: object = None, chunked: bool = False,
                source_address: str | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60,
                                                source_address=(source_address, 0) if source_address else None)
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None:
            sent.setdefault("Content-Type", "application/json")
        try:
            # A server may answer before reading the whole body (one over the limit): read the answer.
            with contextlib.suppress(BrokenPipeError):
                connection.request(method, path, body=data, headers=sent, encode_chunked=chunked)
            response = connection.getresponse()
            return Answer(response.status, response.msg, response.read())
        finally:
            connection.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_desk(env: dict[str, str], *, port: int | None = None, log_path: Path, service: str = "all",
               server: str = "uvicorn") -> Desk:
    """``service``/``server``: another service alone, under another server (the ticket service
    under granian is the WSGI process the gateway routes to)."""
    port = port or free_port()
    log = log_path.open("ab")
    process = subprocess.Popen(  # noqa: S603 - our own server command
        [sys.executable, "manage.py", "serve", service, "--server", server, "--host", "127.0.0.1",
         "--port", str(port), "--access-log"],
        cwd=BACKEND_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the desk exited ({process.returncode}): {log_path.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return Desk(port=port, process=process, log_path=log_path)
        time.sleep(0.1)
    stop_desk(process)
    raise RuntimeError(f"the desk did not start: {log_path.read_text()[-3000:]}")


def stop_desk(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def running_desk(env: dict[str, str], *, log_path: Path, port: int | None = None, service: str = "all",
                 server: str = "uvicorn") -> Iterator[Desk]:
    desk = start_desk(env, port=port, log_path=log_path, service=service, server=server)
    try:
        yield desk
    finally:
        stop_desk(desk.process)


DEMO_PASSWORD = "demo12345"


def prepare_embedded_desk(data_dir: Path) -> Path:
    """Migrate and seed a fresh embedded desk exactly as `make run` does."""
    env = desk_env(data_dir)
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        result = manage(env, *command)
        if result.returncode != 0:
            raise RuntimeError(result.stderr[-3000:])
    return data_dir


def user_id_in(data_dir: Path, employee_code: str) -> str:
    """A user's id in an embedded desk's SQLite database (UUIDs are stored as 32 hex digits)."""
    with sqlite3.connect(data_dir / "hdms.sqlite3") as db:
        (raw,) = db.execute("select id from users_user where employee_code = ?", (employee_code,)).fetchone()
    return str(uuid.UUID(str(raw)))


def sign_in(desk: Desk, employee_code: str, password: str = DEMO_PASSWORD) -> str:
    answer = desk.request("POST", "/api/v1/auth/login", {"employee_code": employee_code, "password": password})
    if answer.status != 200:
        raise AssertionError(f"sign-in as {employee_code}: {answer.status} {answer.body[:300]!r}")
    return answer.json()["access"]
