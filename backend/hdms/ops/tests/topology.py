"""Harness of the topology test: a throw-away database, the topology of hdms.ops.launcher on its
own ports (18xxx, or HDMS_TOPOLOGY_BASE_PORT), the gateway over TLS with a certificate made here,
and a small HTTP client that talks to the gateway only."""

import datetime
import ipaddress
import json
import os
import secrets
import socket
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from hdms.ops.launcher import BACKEND_DIR, Supervisor, TopologyPlan

PASSWORD = "topology-pass-123"
# Offsets from the base port the topology uses: services, the worker's metrics, Flower, a second/third
# ticket process, the gateway's HTTPS and HTTP ports, and the web app.
PORT_OFFSETS = (1, 2, 3, 4, 5, 6, 7, 9, 12, 22, 43, 80, 90)
WEB_OFFSET = 90


def free_base_port() -> int:
    """HDMS_TOPOLOGY_BASE_PORT if set, else a base whose ports are all free within 18100..18900."""
    if os.environ.get("HDMS_TOPOLOGY_BASE_PORT"):
        base = int(os.environ["HDMS_TOPOLOGY_BASE_PORT"])
        busy = [base + offset for offset in PORT_OFFSETS if not _port_free(base + offset)]
        if busy:
            raise RuntimeError(f"HDMS_TOPOLOGY_BASE_PORT={base}: ports {busy} are taken")
        return base
    blocks = list(range(18100, 18900, 100))
    start = secrets.randbelow(len(blocks))
    for base in blocks[start:] + blocks[:start]:
        if all(_port_free(base + offset) for offset in PORT_OFFSETS):
            return base
    raise RuntimeError("No free port block in 18100-18900")


@dataclass
class Certificate:
    certificate: Path
    key: Path

    def client_context(self) -> ssl.SSLContext:
        """Trusts this certificate only, and checks the host name: what a browser does with a real one."""
        return ssl.create_default_context(cafile=str(self.certificate))


def make_certificate(directory: Path, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> Certificate:
    """A self-signed certificate for the gateway (cryptography; an EC P-256 key, valid two days)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])])
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "gateway.crt", directory / "gateway.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return Certificate(cert_path, key_path)


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    header_items: list[tuple[str, str]]        # every header line, repeats included

    def header_count(self, name: str) -> int:
        return sum(1 for key, _ in self.header_items if key.lower() == name.lower())

    def json(self) -> dict:
        return json.loads(self.body or b"null")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test looks at the redirect itself


class Gateway:
    def __init__(self, base_url: str, ssl_context: ssl.SSLContext | None = None) -> None:
        self.base_url = base_url
        handlers: list = [_NoRedirect()]
        if ssl_context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=ssl_context))
        self.opener = urllib.request.build_opener(*handlers)

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
            with self.opener.open(request, timeout=timeout) as response:
                return Response(response.status, dict(response.headers), response.read(),
                                list(response.headers.items()))
        except urllib.error.HTTPError as exc:
            return Response(exc.code, dict(exc.headers), exc.read(), list(exc.headers.items()))

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
        "HDMS_METRICS_TOKEN": secrets.token_urlsafe(32),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "HDMS_DATA_DIR": str(data_dir),
        "HDMS_TASKS_EAGER": "false",
        "HDMS_TRUSTED_PROXIES": "127.0.0.1",
        "HDMS_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HDMS_LOG_LEVEL": "INFO",
        # ASGI runs each request in a new thread: persistent connections would pile up (README).
        "HDMS_DB_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def make_supervisor(env: dict[str, str], run_dir: Path, base_port: int, *,
                    certificate: Certificate | None = None, web: bool = False) -> Supervisor:
    plan = TopologyPlan(base_port=base_port, scale={"ticket": 2},
                        worker_queues=[["high", "default", "low"]], worker_concurrency=2, beat=True,
                        asgi_server=os.environ.get("HDMS_ASGI_SERVER", "granian"),
                        web_port=base_port + WEB_OFFSET if web else None,
                        tls_certificate=str(certificate.certificate) if certificate else None,
                        tls_key=str(certificate.key) if certificate else None)
    return Supervisor(plan, env=env, run_dir=run_dir)


def build_web_app(log: Path) -> None:
    """``npm run build`` of the web app, once per test session: the same build every deployment
    serves (no API origin is baked in; it calls the gateway it is served from)."""
    from hdms.ops.launcher import FRONTEND_DIR

    if not (FRONTEND_DIR / "node_modules").is_dir():
        raise RuntimeError("The web app's packages are missing: run scripts/frontend-setup.sh (make test does).")
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEXT_PUBLIC_")}
    with log.open("wb") as output:
        result = subprocess.run(["npm", "run", "build"], cwd=FRONTEND_DIR, env=env, stdout=output,
                                stderr=subprocess.STDOUT, timeout=600)
    assert result.returncode == 0, log.read_text(errors="replace")[-3000:]
