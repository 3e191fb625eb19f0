"""Renders the gateway's nginx configuration from deploy/nginx/hdms.conf.template.

Plain Python, no Django import: deploy/launch.py and the topology test both call
``render_nginx`` with their own ports and directories, then run
``nginx -p PREFIX -c CONF -g 'daemon off;'``.
"""

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[3]
TEMPLATE = REPO_DIR / "deploy" / "nginx" / "hdms.conf.template"
PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")


@dataclass
class Gateway:
    prefix: Path                                  # nginx -p: pid, temp dirs
    listen: str                                   # "8080" or "127.0.0.1:18080"
    upstreams: dict[str, list[str]]  # user, ticket, communication, communication_ws, file, ai, frontend, flower
    static_root: Path | None = None
    log_dir: Path | None = None
    access_log: bool = True
    worker_processes: str = "auto"
    worker_connections: int = 8192
    hsts: bool = False                            # TLS terminated in front of this gateway
    # TLS at the gateway: ``listen`` then serves HTTPS with this certificate (PEM, chain first) and
    # key; ``redirect_listen`` (plain HTTP) answers every request with a redirect to it. HSTS is on.
    tls_certificate: Path | None = None
    tls_key: Path | None = None
    redirect_listen: str | None = None
    mime_types: str = "/etc/nginx/mime.types"
    user: str | None = None                       # worker user when started as root (default www-data)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def conf_path(self) -> Path:
        return self.prefix / "nginx.conf"

    def command(self, nginx: str = "nginx") -> list[str]:
        return [nginx, "-p", str(self.prefix), "-c", str(self.conf_path), "-g", "daemon off;"]


def _servers(addresses: list[str]) -> str:
    if not addresses:
        # nginx needs one server per upstream; a service not running answers 502.
        addresses = ["127.0.0.1:9"]
    return "\n".join(f"        server {address} max_fails=1 fail_timeout=5s;" for address in addresses)


HSTS_HEADER = '        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;'


def _port_of(listen: str) -> int:
    return int(listen.rsplit(":", 1)[-1])


def _tls_directives(gateway: Gateway) -> str:
    if gateway.tls_certificate is None:
        return ""
    return "\n".join(f"        {line}" for line in (
        f"ssl_certificate {gateway.tls_certificate};",
        f"ssl_certificate_key {gateway.tls_key};",
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "ssl_prefer_server_ciphers off;",
        "ssl_session_cache shared:hdms_tls:10m;",
        "ssl_session_timeout 1d;",
        "ssl_session_tickets off;",
        # Cookies any upstream sets (the web app's, the API's) are sent back only over HTTPS.
        "proxy_cookie_flags ~ secure;",
    ))


def _redirect_server(gateway: Gateway) -> str:
    """Plain HTTP: every path redirects to the same path over HTTPS (ACME challenges excepted)."""
    if gateway.tls_certificate is None or gateway.redirect_listen is None:
        return ""
    https_port = _port_of(gateway.listen)
    authority = "$host" if https_port == 443 else f"$host:{https_port}"
    return f"""    server {{
        listen {gateway.redirect_listen};
        server_name _;
        # certbot --webroot {gateway.prefix}/acme renews certificates through this directory.
        location /.well-known/acme-challenge/ {{
            root {gateway.prefix}/acme;
        }}
        location / {{
            return 301 https://{authority}$request_uri;
        }}
    }}
"""


def render_text(gateway: Gateway) -> str:
    """The configuration text alone (no file system changes)."""
    log_dir = gateway.log_dir or gateway.prefix / "logs"
    static_root = gateway.static_root or gateway.prefix / "static"
    worker_user = gateway.user or ("www-data" if os.geteuid() == 0 else None)
    # Started as root, nginx drops its workers to this user; they must own the temp directories.
    user_directive = f"user {worker_user};" if worker_user else ""
    tls = gateway.tls_certificate is not None
    if tls and gateway.tls_key is None:
        raise ValueError("TLS needs both a certificate and a key")
    values = {
        "user_directive": user_directive,
        "prefix": str(gateway.prefix),
        "conf_path": str(gateway.conf_path),
        "log_dir": str(log_dir),
        "access_log": f"{log_dir}/access.log hdms_json" if gateway.access_log else "off",
        "worker_processes": gateway.worker_processes,
        "worker_connections": str(gateway.worker_connections),
        "mime_types": gateway.mime_types,
        "listen": f"{gateway.listen} ssl" if tls else gateway.listen,
        "tls": _tls_directives(gateway),
        "http_redirect_server": _redirect_server(gateway),
        "static_root": str(static_root),
        "hsts": HSTS_HEADER if gateway.hsts or tls else "",
        **{f"upstream_{name}": _servers(gateway.upstreams.get(name, []))
           for name in ("user", "ticket", "communication", "communication_ws", "file", "ai", "frontend", "flower")},
        **gateway.extra,
    }
    text = TEMPLATE.read_text()
    missing = sorted({m for m in PLACEHOLDER.findall(text) if m not in values})
    if missing:
        raise KeyError(f"nginx template placeholders without a value: {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def render_nginx(gateway: Gateway) -> Path:
    """Writes ``prefix/nginx.conf`` and makes the temp/log directories it names; returns its path."""
    log_dir = gateway.log_dir or gateway.prefix / "logs"
    for directory in (gateway.prefix / "tmp", log_dir):
        directory.mkdir(parents=True, exist_ok=True)
    text = render_text(gateway)
    if os.geteuid() == 0:
        worker_user = gateway.user or "www-data"
        for path in [gateway.prefix / "tmp", *(gateway.prefix / "tmp").rglob("*")]:
            shutil.chown(path, user=worker_user)
    gateway.conf_path.write_text(text)
    return gateway.conf_path


def docker_gateway() -> Gateway:
    """The gateway of deploy/docker-compose.yml: upstreams are the compose services' host names."""
    return Gateway(
        prefix=Path("/var/lib/hdms-gateway"), listen="8080", user="nginx", worker_processes="auto",
        static_root=Path("/var/lib/hdms/static"),
        upstreams={"user": ["user:8001"], "ticket": ["ticket:8002"], "communication": ["communication:8003"],
                   "communication_ws": ["communication-ws:8004"], "file": ["file:8005"], "ai": ["ai:8006"],
                   "frontend": ["frontend:3000"], "flower": ["flower:8009"]},
    )


DOCKER_CONF = REPO_DIR / "deploy" / "nginx" / "hdms.docker.conf"


if __name__ == "__main__":
    # python -m hdms.ops.gateway: regenerate deploy/nginx/hdms.docker.conf after editing the template.
    DOCKER_CONF.write_text(render_text(docker_gateway()))
    print(f"wrote {DOCKER_CONF}")
