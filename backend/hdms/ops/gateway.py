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
    upstreams: dict[str, list[str]]               # user, ticket, communication, communication_ws, file, frontend
    static_root: Path | None = None
    log_dir: Path | None = None
    access_log: bool = True
    worker_processes: str = "auto"
    worker_connections: int = 8192
    hsts: bool = False                            # only behind TLS
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


def render_nginx(gateway: Gateway) -> Path:
    """Writes ``prefix/nginx.conf`` (and the temp/log directories it names); returns its path."""
    log_dir = gateway.log_dir or gateway.prefix / "logs"
    for directory in (gateway.prefix / "tmp", log_dir):
        directory.mkdir(parents=True, exist_ok=True)
    static_root = gateway.static_root or gateway.prefix / "static"
    user_directive = ""
    if os.geteuid() == 0:
        # Started as root, nginx drops its workers to this user; they must own the temp directories.
        worker_user = gateway.user or "www-data"
        user_directive = f"user {worker_user};"
        for path in [gateway.prefix / "tmp", *(gateway.prefix / "tmp").rglob("*")]:
            shutil.chown(path, user=worker_user)
    values = {
        "user_directive": user_directive,
        "prefix": str(gateway.prefix),
        "conf_path": str(gateway.conf_path),
        "log_dir": str(log_dir),
        "access_log": f"{log_dir}/access.log hdms_json" if gateway.access_log else "off",
        "worker_processes": gateway.worker_processes,
        "worker_connections": str(gateway.worker_connections),
        "mime_types": gateway.mime_types,
        "listen": gateway.listen,
        "static_root": str(static_root),
        "hsts": '        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;'
        if gateway.hsts else "",
        **{f"upstream_{name}": _servers(gateway.upstreams.get(name, []))
           for name in ("user", "ticket", "communication", "communication_ws", "file", "frontend")},
        **gateway.extra,
    }
    text = TEMPLATE.read_text()
    missing = sorted({m for m in PLACEHOLDER.findall(text) if m not in values})
    if missing:
        raise KeyError(f"nginx template placeholders without a value: {', '.join(missing)}")
    gateway.conf_path.parent.mkdir(parents=True, exist_ok=True)
    gateway.conf_path.write_text(PLACEHOLDER.sub(lambda m: values[m.group(1)], text))
    return gateway.conf_path
