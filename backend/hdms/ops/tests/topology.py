"""Harness of the topology test: a throw-away database, the topology of hdms.ops.launcher on its
own ports (18xxx), and a small HTTP client that talks to the gateway only."""

import json
import os
import secrets
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from hdms.ops.launcher import BACKEND_DIR, Supervisor, TopologyPlan

PASSWORD = "topology-pass-123"


def free_base_port() -> int:
    """A base whose ports (base+1..base+80) are all free, within 18100..18900."""
    blocks = list(range(18100, 18900, 100))
    start = secrets.randbelow(len(blocks))
    for base in blocks[start:] + blocks[:start]:
        ports = [base + offset for offset in (1, 2, 3, 4, 5, 12, 22, 80)]
        if all(_port_free(port) for port in ports):
            return base
    raise RuntimeError("No free port block in 18100-18900")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body or b"null")


class Gateway:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def request(self, method: str, path: str, body: object = None, *, token: str | None = None,
                headers: dict[str, str] | None = None, raw: bytes | None = None,
                content_type: str = "application/json", timeout: float = 30) -> Response:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", content_type)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Response(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, dict(exc.headers), exc.read())

    def login(self, employee_code: str) -> str:
        response = self.request("POST", "/api/v1/auth/login", {"employee_code": employee_code, "password": PASSWORD})
        assert response.status == 200, (response.status, response.body[:300])
        return response.json()["access"]


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, str(BACKEND_DIR / "manage.py"), *args], env=env, cwd=BACKEND_DIR,
        input=stdin, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def postgres_admin_url() -> str:
    """The server of DATABASE_URL (the suite's), used to create and drop the throw-away database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise RuntimeError("The topology test needs PostgreSQL: set DATABASE_URL (make test does).")
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{name}").geturl()


def psql(url: str, sql: str) -> str:
    result = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def topology_env(*, database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "COV_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "hdms.settings.production",
        "HDMS_SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "HDMS_DATA_DIR": str(data_dir),
        "HDMS_TASKS_EAGER": "false",
        "HDMS_TRUST_PROXY": "true",
        "HDMS_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HDMS_LOG_LEVEL": "INFO",
        # ASGI runs each request in a new thread: persistent connections would pile up (README).
        "HDMS_DB_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def make_supervisor(env: dict[str, str], run_dir: Path, base_port: int) -> Supervisor:
    plan = TopologyPlan(base_port=base_port, scale={"ticket": 2},
                        worker_queues=[["high", "default", "low"]], worker_concurrency=2, beat=True,
                        asgi_server=os.environ.get("HDMS_ASGI_SERVER", "granian"))
    return Supervisor(plan, env=env, run_dir=run_dir)
