#!/usr/bin/env python
"""Which ASGI server serves a service best (deploy/README.md, "Choosing the ASGI server").

Starts ONE ticket-service process per server (``manage.py serve ticket --server S``) on the same
database, and drives it with wrk (Debian package ``wrk``) on two routes: a ticket detail (a few
indexed queries, JSON) and a keyset list page. Same connections, same duration, one server at a time.

    DATABASE_URL=postgres://root@127.0.0.1:5432/hdms_bench REDIS_URL=redis://127.0.0.1:6379/5 \\
      .venv/bin/python bench/asgi_servers.py --seconds 15 --connections 32
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "backend"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.embedded")
os.environ.setdefault("HDMS_DEMO", "false")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from hdms.core.jwt import encode_access  # noqa: E402

PORT = 18601


def wait_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


def wrk(url: str, token: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H",
                          f"Authorization: Bearer {token}", url], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p: str) -> str:
        match = re.search(rf"\s{p}%\s+([\d.]+\w+)", out)
        return match.group(1) if match else "?"

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": pct("50"), "p90": pct("90"), "p99": pct("99"),
            "non2xx": int(errors.group(1)) if errors else 0, "socket_errors": socket_errors.group(1) if socket_errors else ""}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--servers", default="uvicorn,granian,daphne")
    args = parser.parse_args()
    User = apps.get_model("users", "User")
    Ticket = apps.get_model("tickets", "Ticket")
    admin = User.objects.filter(role="admin").order_by("employee_code").first()
    token, _ = encode_access(user_id=str(admin.id), role=admin.role)
    ticket_id = Ticket.objects.order_by("-created_at").values_list("id", flat=True)[500]
    routes = {"detail": f"/api/v1/tickets/{ticket_id}", "list": "/api/v1/tickets?cursor=&page_size=20"}
    env = {**os.environ, "HDMS_ACCESS_MINUTES": "120", "HDMS_SERVE_STATIC": "false", "HDMS_DEBUG": "false",
           "HDMS_LOG_LEVEL": "WARNING"}
    results = {}
    for server in args.servers.split(","):
        proc = subprocess.Popen(
            [sys.executable, str(REPO / "backend" / "manage.py"), "serve", "ticket", "--port", str(PORT),
             "--server", server], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        try:
            wait_up(f"http://127.0.0.1:{PORT}/api/v1/health")
            for name, path in routes.items():
                wrk(f"http://127.0.0.1:{PORT}{path}", token, 3, args.connections)  # warm-up
                results[f"{server} {name}"] = wrk(f"http://127.0.0.1:{PORT}{path}", token, args.seconds,
                                                   args.connections)
                print(server, name, results[f"{server} {name}"], flush=True)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
